import { Construct } from 'constructs';
import { EnvVar, KubeDeployment, ResourceRequirements, Volume, VolumeMount } from '../core/kube-objects';
import { restrictedContainerSecurity } from '../core/container-security';
import { ResolvedMetadata, metadata, nonEmpty } from '../core/metadata';
import {
  CREDENTIALS_FILE,
  CREDENTIALS_MOUNT_PATH,
  LINUX_NODE_AFFINITY,
  VELERO_LABELS,
  WORKLOAD_IDENTITY_USE_LABEL,
} from './labels';
import { KUBECTL_UID, RESTRICTED_POD_SECURITY_CONTEXT, VELERO_HOME } from './pod-security';

/** Metrics port of the server and node agent. */
export const VELERO_METRICS_PORT = 8085;

/** What the server Deployment is built from (already validated by the installation). */
export interface VeleroServerSpec {
  /** Velero's namespace. */
  readonly namespace: string;
  readonly serviceAccountName: string;
  readonly veleroImage: string;
  readonly azurePluginImage: string;
  readonly kubectlImage: string;
  readonly credentialsSecretName: string;
  readonly crdJobName: string;
  readonly workloadIdentity: boolean;
  readonly defaultVolumesToFsBackup: boolean;
  readonly resources?: ResourceRequirements;
  /** The installation's `labels` and `annotations` props (object metadata; Velero's labels win). */
  readonly extra: ResolvedMetadata;
}

/** The credentials Secret as a read-only volume (mode 0444, as `velero install` mounts it). */
export function credentialsVolume(secretName: string): Volume {
  return { name: 'cloud-credentials', secret: { secretName, defaultMode: 0o444 } };
}

export const CREDENTIALS_VOLUME_MOUNT: VolumeMount = {
  name: 'cloud-credentials',
  mountPath: CREDENTIALS_MOUNT_PATH,
  readOnly: true,
};

export const AZURE_CREDENTIALS_ENV: EnvVar = { name: 'AZURE_CREDENTIALS_FILE', value: CREDENTIALS_FILE };

const NAMESPACE_ENV: EnvVar = {
  name: 'VELERO_NAMESPACE',
  valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } },
};

/**
 * What Velero writes besides its volumes, as emptyDirs so the root file system stays read-only:
 * `/tmp` (the plugin processes' sockets), and kopia's repository config and cache under the
 * image user's home (Velero's docs, "Support ReadOnlyRootFilesystem setting").
 */
export const VELERO_WRITABLE_DIRS: readonly { readonly name: string; readonly mountPath: string }[] = [
  { name: 'tmp', mountPath: '/tmp' },
  { name: 'udmrepo', mountPath: `${VELERO_HOME}/udmrepo` },
  { name: 'cache', mountPath: `${VELERO_HOME}/.cache` },
];

/**
 * The `velero` Deployment in the shape of Velero v1.18.1's `pkg/install/deployment.go`: labels
 * `component: velero` / `deploy: velero`, `/velero server --uploader-type=kopia`, the Azure plugin
 * copied into the `plugins` emptyDir by an init container, a `scratch` emptyDir, metrics on 8085
 * with Prometheus annotations, linux nodes only. Added here: an init container that waits for the
 * CRD job of the same version, probes on /metrics (as the official chart), a Recreate strategy
 * (two servers must never process the same backups), and Pod Security "restricted": non-root as
 * the image's user, RuntimeDefault seccomp, no privilege escalation, no capabilities, read-only
 * root file systems with emptyDirs where Velero writes.
 */
export function renderServerDeployment(scope: Construct, id: string, spec: VeleroServerSpec): KubeDeployment {
  const args = ['server'];
  if (spec.defaultVolumesToFsBackup) args.push('--default-volumes-to-fs-backup=true');
  args.push('--uploader-type=kopia');
  const probe = {
    httpGet: { path: '/metrics', port: 'metrics', scheme: 'HTTP' },
    initialDelaySeconds: 10,
    periodSeconds: 30,
    timeoutSeconds: 5,
    successThreshold: 1,
    failureThreshold: 5,
  };
  return new KubeDeployment(scope, id, {
    metadata: metadata({
      name: 'velero',
      namespace: spec.namespace,
      labels: { ...spec.extra.labels, ...VELERO_LABELS },
      annotations: nonEmpty(spec.extra.annotations),
    }),
    spec: {
      replicas: 1,
      strategy: { type: 'Recreate' },
      selector: { matchLabels: { deploy: 'velero' } },
      template: {
        metadata: {
          labels: {
            ...VELERO_LABELS,
            deploy: 'velero',
            ...(spec.workloadIdentity ? { [WORKLOAD_IDENTITY_USE_LABEL]: 'true' } : {}),
          },
          annotations: {
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(VELERO_METRICS_PORT),
            'prometheus.io/path': '/metrics',
          },
        },
        spec: {
          restartPolicy: 'Always',
          serviceAccountName: spec.serviceAccountName,
          os: { name: 'linux' },
          affinity: LINUX_NODE_AFFINITY,
          securityContext: RESTRICTED_POD_SECURITY_CONTEXT,
          initContainers: [
            {
              // The CRDs must be those of this Velero version before the server starts.
              name: 'wait-for-crds',
              image: spec.kubectlImage,
              imagePullPolicy: 'IfNotPresent',
              command: ['kubectl'],
              args: [
                'wait',
                '--for=condition=complete',
                `job/${spec.crdJobName}`,
                `--namespace=${spec.namespace}`,
                '--timeout=10m',
                // The root file system is read-only: the discovery cache goes to the tmp emptyDir.
                '--cache-dir=/tmp/.kube/cache',
              ],
              volumeMounts: [{ name: 'kubectl-tmp', mountPath: '/tmp' }],
              resources: {
                requests: { cpu: '10m', memory: '32Mi' },
                limits: { memory: '128Mi' },
              },
              securityContext: restrictedContainerSecurity({ user: KUBECTL_UID }),
            },
            {
              name: 'velero-velero-plugin-for-microsoft-azure',
              image: spec.azurePluginImage,
              imagePullPolicy: 'IfNotPresent',
              volumeMounts: [{ name: 'plugins', mountPath: '/target' }],
              // Runs as the pod's user, so that the server (the same user) owns the copied plugin.
              securityContext: restrictedContainerSecurity(),
            },
          ],
          containers: [
            {
              name: 'velero',
              image: spec.veleroImage,
              imagePullPolicy: 'IfNotPresent',
              ports: [{ name: 'metrics', containerPort: VELERO_METRICS_PORT }],
              command: ['/velero'],
              args,
              volumeMounts: [
                { name: 'plugins', mountPath: '/plugins' },
                { name: 'scratch', mountPath: '/scratch' },
                ...VELERO_WRITABLE_DIRS,
                CREDENTIALS_VOLUME_MOUNT,
              ],
              securityContext: restrictedContainerSecurity(),
              env: [
                { name: 'VELERO_SCRATCH_DIR', value: '/scratch' },
                NAMESPACE_ENV,
                { name: 'LD_LIBRARY_PATH', value: '/plugins' },
                AZURE_CREDENTIALS_ENV,
              ],
              ...(spec.resources ? { resources: spec.resources } : {}),
              livenessProbe: probe,
              readinessProbe: probe,
            },
          ],
          volumes: [
            { name: 'plugins', emptyDir: {} },
            { name: 'scratch', emptyDir: {} },
            ...VELERO_WRITABLE_DIRS.map(({ name }) => ({ name, emptyDir: {} })),
            { name: 'kubectl-tmp', emptyDir: {} },
            credentialsVolume(spec.credentialsSecretName),
          ],
        },
      },
    },
  });
}
