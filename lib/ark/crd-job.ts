import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import {
  KubeClusterRole,
  KubeClusterRoleBinding,
  KubeJob,
  KubeRole,
  KubeRoleBinding,
  KubeServiceAccount,
} from '../core/kube-objects';
import { makeClusterScoped } from '../core/cluster-scoped';
import { restrictedContainerSecurity } from '../core/container-security';
import { MetadataProps, metadata, nonEmpty, resolveMetadataProps } from '../core/metadata';
import { LINUX_NODE_AFFINITY, VELERO_LABELS } from './labels';
import { RESTRICTED_POD_SECURITY_CONTEXT } from './pod-security';
import { versionSuffix } from './versions';

/** What the CRD job needs to know (built by ArkInstallation from its validated props). */
export interface VeleroCrdJobProps extends MetadataProps {
  /** Velero's namespace (the Job and its service account live there). */
  readonly namespace: string;
  /** Prefix of cluster-scoped names (`velero`, or `velero-<namespace>` outside the default namespace). */
  readonly clusterPrefix: string;
  /** Velero version; part of the Job's name. */
  readonly veleroVersion: string;
  /** The server's image, whose `velero install --crds-only` prints this version's CRDs. */
  readonly veleroImage: string;
  /** Names of the CRDs this Velero release installs (the job may only touch these). */
  readonly crdNames: readonly string[];
  /** Service account of the Velero server, which waits for the job. */
  readonly serverServiceAccountName: string;
}

/**
 * Installs the Velero CRDs of exactly the server's version: a Job that runs the Velero image's
 * own `velero install --crds-only --apply` (server-side apply, as the official chart's
 * upgrade-crds job does since chart 12.0.0, its first for Velero 1.18), under a service account
 * that may only create and patch those CRDs. The Job's name carries the version: Job templates
 * are immutable, so an upgrade is a new Job, and the server's init container waits for the Job
 * of its own version. The pod meets Pod Security "restricted" (non-root as the Velero image's
 * user, RuntimeDefault seccomp, no capabilities, read-only root file system with a tmp emptyDir).
 */
export class VeleroCrdJob extends Construct {
  /** `velero-install-crds-v<version>`. */
  public readonly jobName: string;
  public readonly job: KubeJob;
  /** The Job (the same object as `job`): every construct names its main object `apiObject`. */
  public readonly apiObject: KubeJob;
  /** The Job's own service account (not Velero's). */
  public readonly serviceAccount: KubeServiceAccount;
  /** CRD create/patch on Velero's CRDs only. */
  public readonly clusterRole: ApiObject;
  public readonly clusterRoleBinding: ApiObject;
  /** Lets the server's service account read this Job (for `kubectl wait`). */
  public readonly waitRole: KubeRole;
  public readonly waitRoleBinding: KubeRoleBinding;

  constructor(scope: Construct, id: string, props: VeleroCrdJobProps) {
    super(scope, id);
    const name = `velero-install-crds-${versionSuffix(props.veleroVersion)}`;
    this.jobName = name;
    const saName = 'velero-install-crds';
    const crName = `${props.clusterPrefix}-install-crds`;
    const extra = resolveMetadataProps(this, props);
    // The library's labels win: the apply order and `kubectl get -l component=velero` select on them.
    const labels = { ...extra.labels, ...VELERO_LABELS };
    const annotations = nonEmpty(extra.annotations);

    this.serviceAccount = new KubeServiceAccount(this, 'ServiceAccount', {
      metadata: metadata({ name: saName, namespace: props.namespace, labels, annotations }),
    });
    this.clusterRole = makeClusterScoped(
      new KubeClusterRole(this, 'ClusterRole', {
        metadata: metadata({ name: crName, labels, annotations }),
        rules: [
          // create and list cannot be limited to names; everything else is limited to Velero's CRDs.
          { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['create', 'list'] },
          {
            apiGroups: ['apiextensions.k8s.io'],
            resources: ['customresourcedefinitions'],
            resourceNames: [...props.crdNames],
            verbs: ['get', 'patch', 'update'],
          },
        ],
      }),
    );
    this.clusterRoleBinding = makeClusterScoped(
      new KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
        metadata: metadata({ name: crName, labels, annotations }),
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: crName },
        subjects: [{ kind: 'ServiceAccount', name: saName, namespace: props.namespace }],
      }),
    );

    this.job = this.apiObject = new KubeJob(this, 'Job', {
      metadata: metadata({ name, namespace: props.namespace, labels, annotations }),
      spec: {
        backoffLimit: 3,
        template: {
          metadata: { labels: { ...VELERO_LABELS } },
          spec: {
            serviceAccountName: saName,
            restartPolicy: 'OnFailure',
            affinity: LINUX_NODE_AFFINITY,
            securityContext: RESTRICTED_POD_SECURITY_CONTEXT,
            volumes: [{ name: 'tmp', emptyDir: {} }],
            containers: [
              {
                name: 'velero',
                image: props.veleroImage,
                imagePullPolicy: 'IfNotPresent',
                command: ['/velero'],
                args: ['install', '--crds-only', '--apply'],
                resources: {
                  requests: { cpu: '50m', memory: '128Mi' },
                  limits: { memory: '256Mi' },
                },
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
                securityContext: restrictedContainerSecurity(),
              },
            ],
          },
        },
      },
    });
    this.job.addDependency(this.serviceAccount, this.clusterRole, this.clusterRoleBinding);

    this.waitRole = new KubeRole(this, 'WaitRole', {
      metadata: metadata({ name: `${saName}-wait`, namespace: props.namespace, labels, annotations }),
      rules: [{ apiGroups: ['batch'], resources: ['jobs'], resourceNames: [name], verbs: ['get', 'list', 'watch'] }],
    });
    this.waitRoleBinding = new KubeRoleBinding(this, 'WaitRoleBinding', {
      metadata: metadata({ name: `${saName}-wait`, namespace: props.namespace, labels, annotations }),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `${saName}-wait` },
      subjects: [{ kind: 'ServiceAccount', name: props.serverServiceAccountName, namespace: props.namespace }],
    });
  }
}
