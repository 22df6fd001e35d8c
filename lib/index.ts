// Public API of aks-stateful, by name: what README.md and docs/ describe. Helpers the constructs
// share (error formatting, requirement keys, claim-template resolution, zone placement, the
// constants the app-wide checks use) stay internal so that they can change without a major release;
// test/package.test.ts fails when a name appears here that the documentation does not mention.

// Errors and sizes
export { AksStatefulValidationError } from './core/errors';
export { AksStatefulValidationErrors } from './core/aggregate-error';
export { StorageSize } from './core/storage-size';
export type { SizeInput } from './core/storage-size';
export type { ContainerResources } from './core/resources';

// Azure requirements: what must exist in Azure for the synthesized manifests
export { listAzureRequirements } from './azure/requirements';
export { formatAzureRequirements } from './azure/requirements-report';
export type {
  AzureRequirement,
  ListedAzureRequirement,
  StorageAccountRequirement,
  StorageAccountSku,
  BlobContainerRequirement,
  BlobLifecycleRule,
  FileShareRequirement,
  KubernetesSecretRequirement,
  SecretValuePart,
  SecretValueSource,
  WorkloadIdentityRequirement,
  ServicePrincipalRolesRequirement,
  RoleAssignment,
} from './azure/requirement-types';

// Storage: classes, claims, snapshots, raw block devices, static shares
export type {
  IAzureStorageClass,
  StorageClassRef,
  AzureCsiDriver,
  VolumeAccessMode,
  VolumeBindingMode,
  VolumeReclaimPolicy,
} from './storage/azure-storage-class';
export type { AzureDiskSku, AzureDiskCachingMode } from './storage/azure-disk-skus';
export { AzureDiskStorageClass } from './storage/azure-disk-storage-class';
export type {
  AzureDiskStorageClassProps,
  AzureDiskFsType,
  AzureDiskNetworkAccessPolicy,
} from './storage/azure-disk-storage-class';
export { AzureFileStorageClass } from './storage/azure-file-storage-class';
export type {
  AzureFileStorageClassProps,
  AzureFileSku,
  AzureFileProtocol,
  SmbMountSettings,
} from './storage/azure-file-storage-class';
export { AzureDiskSnapshotClass, AzureFileSnapshotClass } from './storage/snapshot-classes';
export type {
  IVolumeSnapshotClass,
  AzureSnapshotClassProps,
  AzureDiskSnapshotClassProps,
  SnapshotDeletionPolicy,
} from './storage/snapshot-classes';
export { AzureVolumeClaim } from './storage/azure-volume-claim';
export type { AzureVolumeClaimProps, ClaimDataSource, VolumeMode } from './storage/azure-volume-claim';
export { VolumeSnapshot } from './storage/volume-snapshot';
export type { VolumeSnapshotProps } from './storage/volume-snapshot';
export { ClaimFromSnapshot, ClonedClaim } from './storage/derived-claims';
export type { ClaimFromSnapshotProps, ClonedClaimProps } from './storage/derived-claims';
export { RawBlockClaim, attachRawBlockDevice } from './storage/raw-block';
export type { RawBlockClaimProps, RawBlockDeviceOptions } from './storage/raw-block';
export { StaticAzureFileShare } from './storage/static-azure-file-share';
export type { StaticAzureFileShareProps } from './storage/static-azure-file-share';

// PostgreSQL connections and workloads
export type { IPostgresDatabase, PostgresConnection, PostgresMajorVersion, SecretKeyRef } from './postgres/connection';
export type { VolumeClaimTemplate } from './workloads/claim-template';
export type { HostSpreading } from './workloads/zone-placement';
export { ZonalStatefulSet } from './workloads/zonal-stateful-set';
export type {
  ZonalStatefulSetProps,
  ClaimRetention,
  DisruptionBudget,
  StatefulPodSecurity,
} from './workloads/zonal-stateful-set';
export { PostgresSingleton } from './workloads/postgres-singleton';
export type { PostgresSingletonProps, PostgresResources } from './workloads/postgres-singleton';
export type { PostgresServerSettings, PostgresMemory, PostgresTime } from './workloads/postgres-settings';
export type { PodSchedulingProps } from './workloads/pod-scheduling';
export { PostgresBulkImport } from './workloads/postgres-bulk-import';
export type { PostgresBulkImportProps, PostgresBulkImportOptions } from './workloads/postgres-bulk-import';

// PostgreSQL backups, restores and restore drills
export { BackupCronJob, PostgresRestoreJob, PostgresRestoreDrill, AZURE_CLI_IMAGE } from './backup';
export type {
  BackupCronJobProps,
  BackupResources,
  DumpCompression,
  PostgresRestoreJobProps,
  PostgresRestoreJobOptions,
  RestoreMode,
  BackupNetworkPolicy,
  RestoreResources,
  PostgresRestoreDrillProps,
  PostgresRestoreDrillOptions,
  DrillResources,
  BackupStorage,
  BlobAuth,
  AccountKeyAuth,
  WorkloadIdentityAuth,
  JobContainerResources,
  PostgresDatabaseRef,
} from './backup';

// Velero (Heptio Ark's successor)
export {
  ArkInstallation,
  VeleroInstallation,
  ArkSchedule,
  VeleroSchedule,
  ArkBackupStorageLocation,
  VELERO_RELEASES,
  markForFsBackup,
  excludeFromFsBackup,
  ARK_TO_VELERO,
  migrateArkManifest,
  migrateArkObjects,
} from './ark';
export type {
  // Reached through ArkInstallation's properties; built by the installation, not by hand.
  ArkVolumeSnapshotLocation,
  VeleroCrdJob,
  ArkInstallationProps,
  VeleroInstallationProps,
  ArkImageRepositories,
  ArkImageDigests,
  PodSecurityLevel,
  ArkAzureAuth,
  ArkServicePrincipalAuth,
  ArkStorageAccountKeyAuth,
  ArkWorkloadIdentityAuth,
  AzureCloudName,
  ArkBackupStorageOptions,
  ArkBackupStorageLocationProps,
  ArkVolumeSnapshotOptions,
  ArkVolumeSnapshotLocationProps,
  ArkScheduleOptions,
  ArkScheduleProps,
  VeleroScheduleProps,
  ArkNodeAgentOptions,
  ArkResources,
  VeleroRelease,
  FsBackupTarget,
  ArkRename,
  ArkMigrationChange,
  ArkMigrationResult,
} from './ark';

// The types of the Kubernetes objects the constructs emit (`set.apiObject` is a KubeStatefulSet: a
// cdk8s ApiObject, not cdk8s-plus's class of that name) and of their props: Kubernetes JSON,
// quantities as text.
export type {
  KubeObject,
  KubeServiceAccount,
  KubeNetworkPolicy,
  KubeJob,
  KubeCronJob,
  KubeStatefulSet,
  KubeService,
  KubePersistentVolumeClaim,
  KubeStorageClass,
  KubeDeployment,
  KubeConfigMap,
  KubeClusterRoleBinding,
  KubeDaemonSet,
  KubePersistentVolume,
  KubeNamespace,
  KubeRoleBinding,
  KubeRole,
  KubePodDisruptionBudget,
  QuantityValue,
  Plain,
  Affinity,
  Container,
  Toleration,
  Volume,
  KubeStatefulSetProps,
  KubePersistentVolumeClaimProps,
  GroupVersionKind,
} from './core/kube-objects';

// App-wide checks
export { statefulPolicyProblems, enableStatefulPolicies } from './policies/stateful-policies';
export { setTargetCluster } from './policies/target-cluster';
