// PostgreSQL backup and restore constructs: the public names, re-exported by lib/index.ts.
export { BackupCronJob } from './backup-cron-job';
export type { BackupCronJobProps, BackupResources } from './backup-cron-job';
export type { DumpCompression } from './compression';
export { PostgresRestoreJob } from './postgres-restore-job';
export type {
  PostgresRestoreJobProps,
  PostgresRestoreJobOptions,
  RestoreMode,
  RestoreResources,
} from './postgres-restore-job';
export { PostgresRestoreDrill, DEFAULT_DRILL_QUERY } from './postgres-restore-drill';
export type { PostgresRestoreDrillProps, PostgresRestoreDrillOptions, DrillResources } from './postgres-restore-drill';
export type { BackupStorage, BlobAuth, AccountKeyAuth, WorkloadIdentityAuth } from '../azure/blob-storage';
export { AZURE_CLI_IMAGE } from '../postgres/job-pod';
export type { JobContainerResources } from '../postgres/job-pod';
export type { BackupNetworkPolicy } from './network-policy';
export type { PostgresDatabaseRef } from '../postgres/source';
