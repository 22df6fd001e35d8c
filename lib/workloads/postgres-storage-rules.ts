import { IConstruct } from 'constructs';
import { StorageClassRef } from '../storage/azure-storage-class';
import { invalid } from '../core/errors';

/** The Azure Files classes AKS creates in every cluster. */
export const AKS_BUILT_IN_FILE_CLASSES: readonly string[] = [
  'azurefile',
  'azurefile-csi',
  'azurefile-premium',
  'azurefile-csi-premium',
  'azurefile-csi-nfs',
];

/** The Azure Disk classes AKS creates in every cluster; all of them delete the disk with its claim. */
export const AKS_BUILT_IN_DELETING_DISK_CLASSES: readonly string[] = [
  'default',
  'managed',
  'managed-csi',
  'managed-premium',
  'managed-csi-premium',
];

/** Why a database must not live on Azure Files; shared by the construct check and the app-wide policy. */
export const DATABASE_ON_FILES_REASON =
  'an Azure Disk class: PostgreSQL on Azure Files (SMB or NFS) loses the fsync, locking and ' +
  'permission semantics it relies on, and the official image cannot even chown its data directory there';

/** A database's data class: an Azure Disk, retained when its claim goes. */
export function checkDatabaseStorage(scope: IConstruct, field: string, ref: StorageClassRef): void {
  if (typeof ref === 'string') {
    if (AKS_BUILT_IN_FILE_CLASSES.includes(ref))
      invalid(scope, field, ref, `${DATABASE_ON_FILES_REASON} (${ref} is AKS's built-in Azure Files class)`);
    if (AKS_BUILT_IN_DELETING_DISK_CLASSES.includes(ref)) {
      invalid(
        scope,
        field,
        ref,
        `a class with reclaimPolicy Retain: AKS's built-in ${ref} class has Delete, so deleting the claim deletes the database's disk (use an AzureDiskStorageClass, or leave storageClass unset)`,
      );
    }
    return;
  }
  if (ref.driver !== 'disk.csi.azure.com') invalid(scope, field, ref.name, DATABASE_ON_FILES_REASON);
  if (ref.reclaimPolicy !== 'Retain') {
    invalid(
      scope,
      field,
      ref.name,
      `a class with reclaimPolicy Retain: with ${ref.reclaimPolicy}, deleting the claim deletes the database's disk`,
    );
  }
}
