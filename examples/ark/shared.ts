import { ArkBackupStorageOptions, ArkVolumeSnapshotOptions } from '../../lib';

/** The subscription of both example clusters (a placeholder GUID). */
export const SUBSCRIPTION_ID = '00000000-0000-0000-0000-000000000001';

/** Both clusters point at the same container: the primary writes, the restore cluster reads. */
export const BACKUP_STORAGE: ArkBackupStorageOptions = {
  storageAccount: 'aksstatefulvelero',
  container: 'velero',
  resourceGroup: 'rg-aks-backups',
};

/**
 * Disk snapshots in a resource group of their own, outside either cluster's node resource group:
 * they outlive the cluster. The restore cluster uses the same location name ('default').
 */
export const SNAPSHOTS: ArkVolumeSnapshotOptions = {
  resourceGroup: 'rg-aks-snapshots',
  tags: { owner: 'platform' },
};
