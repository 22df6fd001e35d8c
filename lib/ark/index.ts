// ArkInstallation (Velero, the successor of Heptio Ark): the public names, re-exported by lib/index.ts.
export { ArkInstallation, ArkInstallation as VeleroInstallation } from './installation';
export type {
  ArkInstallationProps,
  ArkInstallationProps as VeleroInstallationProps,
  ArkImageRepositories,
  ArkImageDigests,
} from './installation';
export type {
  ArkAzureAuth,
  ArkServicePrincipalAuth,
  ArkStorageAccountKeyAuth,
  ArkWorkloadIdentityAuth,
  AzureCloudName,
} from './auth';
export { ArkBackupStorageLocation } from './backup-storage-location';
export type { ArkBackupStorageOptions, ArkBackupStorageLocationProps } from './backup-storage-location';
export { ArkVolumeSnapshotLocation } from './volume-snapshot-location';
export type { ArkVolumeSnapshotOptions, ArkVolumeSnapshotLocationProps } from './volume-snapshot-location';
export { ArkSchedule, ArkSchedule as VeleroSchedule } from './schedule';
export type { ArkScheduleOptions, ArkScheduleProps, ArkScheduleProps as VeleroScheduleProps } from './schedule';
export type { ArkNodeAgentOptions } from './node-agent';
export type { PodSecurityLevel } from './pod-security';
export type { ArkResources } from './resources';
export { VeleroCrdJob } from './crd-job';
export { VELERO_RELEASES, DEFAULT_VELERO_VERSION } from './versions';
export type { VeleroRelease } from './versions';
export { markForFsBackup, excludeFromFsBackup, FS_BACKUP_ANNOTATION, FS_BACKUP_EXCLUDES_ANNOTATION } from './fs-backup';
export type { FsBackupTarget } from './fs-backup';
export { ARK_TO_VELERO, migrateArkManifest, migrateArkObjects } from './migration';
export type { ArkRename, ArkMigrationChange, ArkMigrationResult } from './migration';
