import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import {
  KubeClusterRoleBinding,
  KubeDaemonSet,
  KubeDeployment,
  KubeNamespace,
  KubeServiceAccount,
} from '../core/kube-objects';
import { CLIENT_ID_SET_AT_DEPLOY, declareAzureRequirement } from '../azure/requirements';
import { RoleAssignment } from '../azure/requirement-types';
import { makeClusterScoped } from '../core/cluster-scoped';
import { MetadataProps, ResolvedMetadata, metadata, nonEmpty, resolveMetadataProps } from '../core/metadata';
import { invalid } from '../core/errors';
import { checkDnsLabel, checkDnsSubdomain } from '../core/names';
import { checkBoolean, checkInstance, checkRecord } from '../core/types';
import { ArkAzureAuth, ResolvedArkAuth, credentialsFileSource, resolveAuth } from './auth';
import { ArkBackupStorageLocation, ArkBackupStorageOptions } from './backup-storage-location';
import { IArkInstallation, locationsOf } from './installation-ref';
import { underProp } from './under-prop';
import { ArkImageDigests, ArkImageRepositories, resolveArkImages } from './images';
import { VeleroCrdJob } from './crd-job';
import {
  CREDENTIALS_KEY,
  VELERO_LABELS,
  WORKLOAD_IDENTITY_CLIENT_ID_ANNOTATION,
  WORKLOAD_IDENTITY_TENANT_ID_ANNOTATION,
} from './labels';
import { ArkNodeAgentOptions, renderNodeAgent } from './node-agent';
import { PodSecurityLevel, podSecurityLabels } from './pod-security';
import { ArkResources, renderArkResources } from './resources';
import { ArkSchedule, ArkScheduleOptions, defaultScheduleName } from './schedule';
import { renderServerDeployment } from './server';
import { resolveVeleroRelease } from './versions';
import { ArkVolumeSnapshotLocation, ArkVolumeSnapshotOptions } from './volume-snapshot-location';

export type { ArkImageDigests, ArkImageRepositories } from './images';

/**
 * Props of {@link ArkInstallation}. `labels` and `annotations` go on every object the installation
 * renders (namespace, RBAC, CRD job, server, node agent, and the storage and snapshot locations it
 * creates from `backupStorage` and `volumeSnapshots`, under their own), not on pod templates;
 * Velero's own labels (`component: velero`, the CRD apply label) win.
 */
export interface ArkInstallationProps extends MetadataProps {
  /** How Velero authenticates to Azure. */
  readonly auth: ArkAzureAuth;
  /** The default BackupStorageLocation: the blob container backups go to (or are restored from). */
  readonly backupStorage: ArkBackupStorageOptions;
  /** Native Azure disk snapshots (a VolumeSnapshotLocation). @default none: no disk snapshots */
  readonly volumeSnapshots?: ArkVolumeSnapshotOptions;
  /**
   * Run the node agent DaemonSet for file-system backup (kopia; Ark's restic). `true` for the
   * defaults. The node agent is the one privileged pod (root, hostPath to the kubelet's pods
   * directory): with it, Velero's namespace is labelled Pod Security `privileged`, without it
   * `restricted` (see {@link ArkNodeAgentOptions}). @default false
   */
  readonly nodeAgent?: boolean | ArkNodeAgentOptions;
  /**
   * Where the Velero custom resources (storage and snapshot locations, schedules) are created. Give
   * a second Chart to synthesize them into their own file: `kubectl apply` cannot create them before
   * the CRD job has run, and a file of only known kinds applies cleanly in one pass.
   * @default this installation (one file; apply it in two passes)
   */
  readonly customResourcesScope?: Construct;
  /**
   * A restore (migration) cluster: the location is `accessMode: ReadOnly`, schedules are refused,
   * and the blob role declared is Storage Blob Data Reader. @default false
   */
  readonly readOnly?: boolean;
  /** Namespace of Velero. @default 'velero' */
  readonly namespace?: string;
  /**
   * Render the Namespace, labelled `pod-security.kubernetes.io/enforce` (and `audit`, `warn`) at the
   * strictest level its pods meet: `restricted`, or `privileged` with the node agent. Turn off
   * when it is managed elsewhere (then label it so yourself). @default true
   */
  readonly createNamespace?: boolean;
  /** Velero version, one of {@link VELERO_RELEASES}. @default '1.18.1' */
  readonly veleroVersion?: string;
  /** velero-plugin-for-microsoft-azure version; must be paired with veleroVersion in {@link VELERO_RELEASES}. @default the newest paired one ('1.14.0') */
  readonly azurePluginVersion?: string;
  /** Image repositories (a private registry mirror). @default Docker Hub for Velero, registry.k8s.io for kubectl */
  readonly images?: ArkImageRepositories;
  /**
   * Pin the Velero, Azure plugin and kubectl images by digest: rendered `<repository>:<tag>@sha256:…`
   * (see {@link ArkImageDigests}). @default none: images by tag only
   */
  readonly imageDigests?: ArkImageDigests;
  /** Name of the Secret whose key `cloud` holds the credentials file; declared as an Azure requirement. @default 'cloud-credentials' */
  readonly credentialsSecretName?: string;
  /** Service account of the server and node agent. @default 'velero' */
  readonly serviceAccountName?: string;
  /**
   * ClusterRole bound to the service account. Velero reads every resource to back it up and
   * creates any to restore it; a narrower role limits what it can back up and restore.
   * @default 'cluster-admin'
   */
  readonly clusterRoleName?: string;
  /** Server flag: file-system backup for every volume unless excluded (needs the node agent). @default false */
  readonly defaultVolumesToFsBackup?: boolean;
  /**
   * Server container resources. The memory limit must stay at or above 512Mi: the Azure plugin
   * is OOM-killed below that. @default requests 500m / 128Mi, limits 1000m / 512Mi (Velero's defaults)
   */
  readonly resources?: ArkResources;
  /** Node agent container resources. @default none (BestEffort, as `velero install`) */
  readonly nodeAgentResources?: ArkResources;
}

const SERVER_RESOURCES: ArkResources = {
  cpuRequest: '500m',
  memoryRequest: '128Mi',
  cpuLimit: '1000m',
  memoryLimit: '512Mi',
};

/**
 * Velero on AKS with the Azure plugin — named after Heptio Ark, which Velero was called until
 * 2019 (exported as `VeleroInstallation` too). Renders the namespace, service account and cluster
 * role binding, a Job that installs the CRDs of exactly this Velero version, the server
 * Deployment with the Azure plugin, optionally the node agent, the default BackupStorageLocation
 * and optionally a VolumeSnapshotLocation. The credentials Secret is only referenced: its content
 * is an Azure requirement filled at deploy time, never YAML. Every pod meets Pod Security
 * "restricted" except the node agent, which needs privileged host access (see {@link ArkNodeAgentOptions}).
 */
export class ArkInstallation extends Construct implements IArkInstallation {
  public readonly namespace: string;
  public readonly readOnly: boolean;
  public readonly auth: ResolvedArkAuth;
  public readonly serviceAccountName: string;
  public readonly credentialsSecretName: string;
  public readonly veleroVersion: string;
  public readonly azurePluginVersion: string;
  public readonly veleroImage: string;
  public readonly azurePluginImage: string;
  public readonly kubectlImage: string;
  /** The Pod Security level Velero's namespace is labelled with: `privileged` with the node agent, else `restricted`. */
  public readonly podSecurityLevel: PodSecurityLevel;
  /** Whether the node agent runs (file-system backup is possible). */
  public readonly hasNodeAgent: boolean;
  /** The CRD job; Velero custom resources depend on it. */
  public readonly crdJob: ApiObject;
  public readonly crdInstaller: VeleroCrdJob;
  public readonly namespaceObject?: KubeNamespace;
  public readonly serviceAccount: KubeServiceAccount;
  public readonly clusterRoleBinding: KubeClusterRoleBinding;
  public readonly deployment: KubeDeployment;
  /** The server Deployment (the same object as `deployment`): every construct names its main object `apiObject`. */
  public readonly apiObject: KubeDeployment;
  public readonly nodeAgent?: KubeDaemonSet;
  /** Where locations and schedules are created (see the prop). */
  public readonly customResourcesScope: Construct;
  /** The location made from `backupStorage`. */
  public readonly backupStorageLocation: ArkBackupStorageLocation;
  public readonly volumeSnapshotLocation?: ArkVolumeSnapshotLocation;

  constructor(scope: Construct, id: string, props: ArkInstallationProps) {
    super(scope, id);
    checkRecord(this, 'props', props);
    this.namespace = checkDnsLabel(this, 'namespace', props.namespace ?? 'velero');
    this.readOnly = checkBoolean(this, 'readOnly', props.readOnly, false);
    const defaultVolumesToFsBackup = checkBoolean(
      this,
      'defaultVolumesToFsBackup',
      props.defaultVolumesToFsBackup,
      false,
    );
    const createNamespace = checkBoolean(this, 'createNamespace', props.createNamespace, true);
    const extra = resolveMetadataProps(this, props);
    this.auth = resolveAuth(this, props.auth);
    if (this.readOnly && !this.auth.useAAD) {
      invalid(
        this,
        'auth',
        props.auth.mode === 'servicePrincipal' ? 'servicePrincipal with useAAD false' : props.auth.mode,
        'workloadIdentity or servicePrincipal with useAAD in a read-only installation: a storage account key (given or listed) can always write to the backup container',
      );
    }
    if (this.readOnly && defaultVolumesToFsBackup) {
      invalid(
        this,
        'defaultVolumesToFsBackup',
        true,
        'false in a read-only installation: it only affects backups, which a restore cluster does not take',
      );
    }
    const release = resolveVeleroRelease(this, props.veleroVersion, props.azurePluginVersion);
    this.veleroVersion = release.velero;
    this.azurePluginVersion = release.azurePlugin;
    const images = resolveArkImages(this, release, props.images, props.imageDigests);
    this.veleroImage = images.velero;
    this.azurePluginImage = images.azurePlugin;
    this.kubectlImage = images.kubectl;
    this.serviceAccountName = checkDnsSubdomain(this, 'serviceAccountName', props.serviceAccountName ?? 'velero');
    this.credentialsSecretName = checkDnsSubdomain(
      this,
      'credentialsSecretName',
      props.credentialsSecretName ?? 'cloud-credentials',
    );
    const clusterRoleName = checkDnsSubdomain(this, 'clusterRoleName', props.clusterRoleName ?? 'cluster-admin');
    const nodeAgent = resolveNodeAgent(this, props.nodeAgent);
    this.hasNodeAgent = nodeAgent !== undefined;
    this.podSecurityLevel = this.hasNodeAgent ? 'privileged' : 'restricted';
    if (defaultVolumesToFsBackup && !this.hasNodeAgent) {
      invalid(
        this,
        'defaultVolumesToFsBackup',
        true,
        'false unless nodeAgent is on: file-system backup runs in the node agent',
      );
    }
    if (!this.hasNodeAgent && props.nodeAgentResources !== undefined) {
      invalid(this, 'nodeAgentResources', props.nodeAgentResources, 'unset unless nodeAgent is on');
    }
    const customResourcesScope = resolveCustomResourcesScope(this, props.customResourcesScope);
    const clusterPrefix = this.namespace === 'velero' ? 'velero' : `velero-${this.namespace}`;

    // The library's labels win: Velero, the apply order and the Pod Security admission read them.
    const labels = { ...extra.labels, ...VELERO_LABELS };
    const annotations = nonEmpty(extra.annotations);
    const namespaced: ApiObject[] = [];
    if (createNamespace) {
      this.namespaceObject = makeClusterScoped(
        new KubeNamespace(this, 'Namespace', {
          metadata: metadata({
            name: this.namespace,
            labels: { ...labels, ...podSecurityLabels(this.podSecurityLevel) },
            annotations,
          }),
        }),
      ) as KubeNamespace;
    }

    const saAnnotations: Record<string, string> = { ...extra.annotations };
    if (this.auth.mode === 'workloadIdentity') {
      saAnnotations[WORKLOAD_IDENTITY_CLIENT_ID_ANNOTATION] = this.auth.clientId ?? CLIENT_ID_SET_AT_DEPLOY;
      if (this.auth.tenantId) saAnnotations[WORKLOAD_IDENTITY_TENANT_ID_ANNOTATION] = this.auth.tenantId;
    }
    this.serviceAccount = new KubeServiceAccount(this, 'ServiceAccount', {
      metadata: metadata({
        name: this.serviceAccountName,
        namespace: this.namespace,
        labels,
        annotations: nonEmpty(saAnnotations),
      }),
    });
    this.clusterRoleBinding = makeClusterScoped(
      new KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
        metadata: metadata({ name: clusterPrefix, labels, annotations }),
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRoleName },
        subjects: [{ kind: 'ServiceAccount', name: this.serviceAccountName, namespace: this.namespace }],
      }),
    ) as KubeClusterRoleBinding;

    this.crdInstaller = new VeleroCrdJob(this, 'Crds', {
      namespace: this.namespace,
      clusterPrefix,
      veleroVersion: release.velero,
      veleroImage: this.veleroImage,
      crdNames: release.crds,
      serverServiceAccountName: this.serviceAccountName,
      labels: extra.labels,
      annotations: extra.annotations,
    });
    this.crdJob = this.crdInstaller.job;

    this.deployment = this.apiObject = renderServerDeployment(this, 'Deployment', {
      namespace: this.namespace,
      serviceAccountName: this.serviceAccountName,
      veleroImage: this.veleroImage,
      azurePluginImage: this.azurePluginImage,
      kubectlImage: this.kubectlImage,
      credentialsSecretName: this.credentialsSecretName,
      crdJobName: this.crdInstaller.jobName,
      workloadIdentity: this.auth.mode === 'workloadIdentity',
      defaultVolumesToFsBackup,
      resources: renderArkResources(this, 'resources', props.resources, SERVER_RESOURCES, {
        minMemoryLimit: { size: '512Mi', reason: 'the Azure plugin is OOM-killed below that' },
      }),
      extra,
    });
    // Ordered after the CRD job in the file; at runtime the server's init container waits for it.
    this.deployment.addDependency(
      this.serviceAccount,
      this.clusterRoleBinding,
      this.crdInstaller.waitRoleBinding,
      this.crdJob,
    );
    if (nodeAgent) {
      this.nodeAgent = renderNodeAgent(this, 'NodeAgent', {
        namespace: this.namespace,
        serviceAccountName: this.serviceAccountName,
        veleroImage: this.veleroImage,
        credentialsSecretName: this.credentialsSecretName,
        workloadIdentity: this.auth.mode === 'workloadIdentity',
        privileged: nodeAgent.privileged,
        resources: renderArkResources(this, 'nodeAgentResources', props.nodeAgentResources, {}),
        extra,
      });
      this.nodeAgent.addDependency(this.serviceAccount, this.clusterRoleBinding, this.crdJob);
    }

    this.customResourcesScope = customResourcesScope;
    checkRecord(this, 'backupStorage', props.backupStorage);
    const backupStorage: ArkBackupStorageOptions = props.backupStorage;
    this.backupStorageLocation = underProp(
      'backupStorage',
      () =>
        new ArkBackupStorageLocation(this.customResourcesScope, this.customResourceId('BackupStorageLocation'), {
          ...backupStorage,
          ...withInstallationMetadata(this, backupStorage, extra),
          name: backupStorage.name ?? 'default',
          default: backupStorage.default ?? true,
          installation: this,
        }),
    );
    if (props.volumeSnapshots !== undefined) {
      checkRecord(this, 'volumeSnapshots', props.volumeSnapshots);
      const volumeSnapshots: ArkVolumeSnapshotOptions = props.volumeSnapshots;
      this.volumeSnapshotLocation = underProp(
        'volumeSnapshots',
        () =>
          new ArkVolumeSnapshotLocation(this.customResourcesScope, this.customResourceId('VolumeSnapshotLocation'), {
            ...volumeSnapshots,
            ...withInstallationMetadata(this, volumeSnapshots, extra),
            installation: this,
          }),
      );
    }

    declareAzureRequirement(this, {
      kind: 'kubernetesSecret',
      namespace: this.namespace,
      name: this.credentialsSecretName,
      keys: { [CREDENTIALS_KEY]: credentialsFileSource(this.auth, this.backupStorageLocation.storageAccount) },
    });

    // Everything namespaced comes after the Namespace in the synthesized file.
    if (this.namespaceObject) {
      for (const child of this.node.findAll()) {
        if (child instanceof ApiObject && child !== this.namespaceObject) namespaced.push(child);
      }
      for (const object of namespaced) object.addDependency(this.namespaceObject);
    }
  }

  /** Every BackupStorageLocation of this installation (its own first). */
  public get backupStorageLocations(): readonly ArkBackupStorageLocation[] {
    return locationsOf(this).filter((l): l is ArkBackupStorageLocation => l instanceof ArkBackupStorageLocation);
  }

  /** The location backups go to when a schedule names none. */
  public get defaultBackupStorageLocation(): ArkBackupStorageLocation | undefined {
    return this.backupStorageLocations.find((l) => l.isDefault);
  }

  /**
   * The Azure roles Velero's identity needs, over all locations, declared as requirements: with
   * workload identity the Pulumi layer assigns them to the identity it creates; with a service
   * principal it assigns them given the principal's object id (or assign them by hand, docs/ark.md).
   */
  public get roleAssignments(): readonly RoleAssignment[] {
    const all = [
      ...this.backupStorageLocations.flatMap((l) => l.roleAssignments),
      ...(this.volumeSnapshotLocation?.roleAssignments ?? []),
    ];
    const seen = new Map<string, RoleAssignment>();
    for (const role of all) seen.set(JSON.stringify(role), role);
    return [...seen.values()];
  }

  /** Construct id of a custom resource: in a shared scope it carries this installation's id. */
  private customResourceId(id: string): string {
    return this.customResourcesScope === this ? id : `${this.node.id}-${id}`;
  }

  /** Adds a Velero Schedule to this installation, named `id` unless `options.name` is given. */
  public addSchedule(id: string, options: ArkScheduleOptions): ArkSchedule {
    checkRecord(this, 'addSchedule options', options);
    const name = options.name ?? defaultScheduleName(this, `addSchedule id`, id);
    return new ArkSchedule(this.customResourcesScope, this.customResourceId(id), {
      ...options,
      name,
      installation: this,
    });
  }

  /** Adds another BackupStorageLocation (not the default unless `default: true`). */
  public addBackupStorageLocation(
    id: string,
    options: ArkBackupStorageOptions & { readonly readOnly?: boolean },
  ): ArkBackupStorageLocation {
    checkRecord(this, 'addBackupStorageLocation options', options);
    return new ArkBackupStorageLocation(this.customResourcesScope, this.customResourceId(id), {
      ...options,
      installation: this,
    });
  }
}

/** `customResourcesScope`: a construct inside a Chart (ApiObjects cannot live elsewhere). */
function resolveCustomResourcesScope(installation: Construct, value: Construct | undefined): Construct {
  if (value === undefined) return installation;
  const allowed = 'a construct inside a Chart (typically a second Chart), or unset';
  const scope = checkInstance(installation, 'customResourcesScope', value, Construct, allowed);
  try {
    Chart.of(scope);
  } catch {
    invalid(installation, 'customResourcesScope', scope.node.path || '<root>', allowed);
  }
  return scope;
}

/** `nodeAgent`: off, on with defaults, or options. */
function resolveNodeAgent(
  scope: Construct,
  value: boolean | ArkNodeAgentOptions | undefined,
): { readonly privileged: boolean } | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return { privileged: false };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    invalid(scope, 'nodeAgent', value, 'true, false or node agent options such as { privileged: true }');
  }
  checkRecord(scope, 'nodeAgent', value);
  return { privileged: checkBoolean(scope, 'nodeAgent.privileged', value.privileged, false) };
}

/**
 * The labels and annotations of a location the installation creates: the installation's, then the
 * location's own (its own win; Velero's win over both, in the location). Called under
 * {@link underProp}, which puts the prop's name in front of the field.
 */
function withInstallationMetadata(
  scope: Construct,
  options: MetadataProps,
  installation: ResolvedMetadata,
): MetadataProps {
  const own = (key: 'labels' | 'annotations') =>
    options[key] === undefined ? {} : checkRecord(scope, key, options[key]);
  return {
    labels: { ...installation.labels, ...own('labels') } as Record<string, string>,
    annotations: { ...installation.annotations, ...own('annotations') } as Record<string, string>,
  };
}
