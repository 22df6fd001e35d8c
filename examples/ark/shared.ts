import { ArkBackupStorageOptions, ArkVolumeSnapshotOptions } from '../../lib';
import { ExampleSettings } from '../settings';

/** Both clusters point at the same container: the primary writes, the restore cluster reads. */
export function backupStorage(settings: ExampleSettings): ArkBackupStorageOptions {
  return {
    storageAccount: settings.veleroStorageAccount,
    container: 'velero',
    resourceGroup: settings.backupResourceGroup,
  };
}

/**
 * Disk snapshots in a resource group of their own, outside either cluster's node resource group:
 * they outlive the cluster. The restore cluster uses the same location name ('default').
 */
export function snapshots(settings: ExampleSettings): ArkVolumeSnapshotOptions {
  return { resourceGroup: settings.snapshotResourceGroup, tags: { owner: 'platform' } };
}
