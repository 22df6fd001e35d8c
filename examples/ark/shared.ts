import { ArkBackupStorageOptions, ArkVolumeSnapshotOptions } from '../../lib';

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
