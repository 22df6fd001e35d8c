import { Construct } from 'constructs';
import { KubeDaemonSet, ResourceRequirements } from '../core/kube-objects';
import { ResolvedMetadata, metadata, nonEmpty } from '../core/metadata';
import { LINUX_NODE_AFFINITY, VELERO_LABELS, WORKLOAD_IDENTITY_USE_LABEL } from './labels';
import { AZURE_CREDENTIALS_ENV, CREDENTIALS_VOLUME_MOUNT, VELERO_METRICS_PORT, credentialsVolume } from './server';

/**
 * The node agent (file-system backup with kopia; Ark's restic DaemonSet). It is the one pod of
 * the installation that needs privileged host access: it runs as root and mounts the kubelet's
 * pods directory (`/var/lib/kubelet/pods`) and plugins directory as hostPath volumes, to read and
 * write every pod's volumes on its node. Pod Security "baseline" already forbids hostPath, so with
 * the node agent Velero's namespace is labelled `privileged`. It cannot move to a namespace of its
 * own: Velero's server looks for the `node-agent` DaemonSet and its pods (`role=node-agent`) in
 * Velero's namespace, and fails file-system backups when it finds none there.
 */
export interface ArkNodeAgentOptions {
  /**
   * Run the node agent privileged. Only needed to back up raw block volumes; the file-system
   * path works without it. @default false
   */
  readonly privileged?: boolean;
}

/** What the node-agent DaemonSet is built from (already validated by the installation). */
export interface VeleroNodeAgentSpec {
  readonly namespace: string;
  readonly serviceAccountName: string;
  readonly veleroImage: string;
  readonly credentialsSecretName: string;
  readonly workloadIdentity: boolean;
  readonly privileged: boolean;
  readonly resources?: ResourceRequirements;
  /** The installation's `labels` and `annotations` props (object metadata; Velero's labels win). */
  readonly extra: ResolvedMetadata;
}

/**
 * The `node-agent` DaemonSet in the shape of Velero v1.18.1's `pkg/install/daemonset.go`:
 * `/velero node-agent server`, the kubelet's pod directory at `/host_pods` and plugin directory at
 * `/var/lib/kubelet/plugins` with HostToContainer propagation, `runAsUser: 0`, not privileged
 * unless asked, linux nodes only. Pod Security "privileged" (hostPath, root): see {@link ArkNodeAgentOptions}.
 */
export function renderNodeAgent(scope: Construct, id: string, spec: VeleroNodeAgentSpec): KubeDaemonSet {
  return new KubeDaemonSet(scope, id, {
    metadata: metadata({
      name: 'node-agent',
      namespace: spec.namespace,
      labels: { ...spec.extra.labels, ...VELERO_LABELS },
      annotations: nonEmpty(spec.extra.annotations),
    }),
    spec: {
      selector: { matchLabels: { name: 'node-agent' } },
      template: {
        metadata: {
          labels: {
            ...VELERO_LABELS,
            name: 'node-agent',
            role: 'node-agent',
            ...(spec.workloadIdentity ? { [WORKLOAD_IDENTITY_USE_LABEL]: 'true' } : {}),
          },
        },
        spec: {
          serviceAccountName: spec.serviceAccountName,
          securityContext: { runAsUser: 0 },
          affinity: LINUX_NODE_AFFINITY,
          volumes: [
            { name: 'host-pods', hostPath: { path: '/var/lib/kubelet/pods' } },
            { name: 'host-plugins', hostPath: { path: '/var/lib/kubelet/plugins' } },
            { name: 'scratch', emptyDir: {} },
            credentialsVolume(spec.credentialsSecretName),
          ],
          containers: [
            {
              name: 'node-agent',
              image: spec.veleroImage,
              imagePullPolicy: 'IfNotPresent',
              ports: [{ name: 'metrics', containerPort: VELERO_METRICS_PORT }],
              command: ['/velero'],
              args: ['node-agent', 'server'],
              securityContext: { privileged: spec.privileged },
              volumeMounts: [
                { name: 'host-pods', mountPath: '/host_pods', mountPropagation: 'HostToContainer' },
                { name: 'host-plugins', mountPath: '/var/lib/kubelet/plugins', mountPropagation: 'HostToContainer' },
                { name: 'scratch', mountPath: '/scratch' },
                CREDENTIALS_VOLUME_MOUNT,
              ],
              env: [
                { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
                { name: 'VELERO_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                { name: 'VELERO_SCRATCH_DIR', value: '/scratch' },
                AZURE_CREDENTIALS_ENV,
              ],
              ...(spec.resources ? { resources: spec.resources } : {}),
            },
          ],
        },
      },
    },
  });
}
