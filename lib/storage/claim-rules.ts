import { Construct, IConstruct } from 'constructs';
import { invalid } from '../core/errors';
import { checkDnsSubdomain } from '../core/names';
import { StorageSize } from '../core/storage-size';
import { IAzureStorageClass, StorageClassRef, VolumeAccessMode } from './azure-storage-class';

/**
 * Whether `ref` is a storage class construct whose facts claims can check: a construct of one of
 * the two Azure drivers with a name and its access modes. A look-alike plain object is not.
 */
export function isStorageClass(ref: unknown): ref is IAzureStorageClass {
  const cls = ref as IAzureStorageClass;
  return (
    ref instanceof Construct &&
    typeof cls.name === 'string' &&
    (cls.driver === 'disk.csi.azure.com' || cls.driver === 'file.csi.azure.com') &&
    Array.isArray(cls.supportedAccessModes)
  );
}

/** What a claim asks of its class. */
export interface ClaimRequest {
  readonly size: StorageSize;
  readonly accessMode: VolumeAccessMode;
  readonly volumeMode: 'Filesystem' | 'Block';
}

/**
 * Checks a claim (or a StatefulSet claim template) against what its class can do: access modes,
 * raw block, whole GiB, minimum size. `prefix` names the field in messages (e.g. `volumeClaimTemplates[0].`).
 */
export function checkClaimAgainstClass(
  scope: IConstruct | string,
  ref: StorageClassRef,
  claim: ClaimRequest,
  prefix = '',
): void {
  if (typeof ref === 'string') {
    checkDnsSubdomain(scope, `${prefix}storageClass`, ref);
    return;
  }
  // JavaScript callers and config files can leave it out or pass something else entirely.
  if (!isStorageClass(ref)) {
    invalid(
      scope,
      `${prefix}storageClass`,
      ref,
      'a storage class: a class name or a construct such as AzureDiskStorageClass or AzureFileStorageClass',
    );
  }
  if (!ref.supportedAccessModes.includes(claim.accessMode)) {
    const why =
      ref.driver === 'disk.csi.azure.com'
        ? 'an Azure Disk attaches to one node at a time (ReadWriteMany needs a shared disk: maxShares > 1 and volumeMode Block)'
        : 'the class does not support it';
    invalid(
      scope,
      `${prefix}accessMode`,
      claim.accessMode,
      `one of ${ref.supportedAccessModes.join(', ')} with class ${ref.name}: ${why}`,
    );
  }
  if (claim.volumeMode === 'Block' && !ref.supportsRawBlock) {
    invalid(
      scope,
      `${prefix}volumeMode`,
      claim.volumeMode,
      `'Filesystem' with class ${ref.name}: Azure Files shares cannot be raw block devices`,
    );
  }
  const multiNode = claim.accessMode === 'ReadWriteMany' || claim.accessMode === 'ReadOnlyMany';
  if (ref.driver === 'disk.csi.azure.com' && multiNode && claim.volumeMode !== 'Block') {
    invalid(
      scope,
      `${prefix}accessMode`,
      claim.accessMode,
      'ReadWriteOnce for a Filesystem disk: a shared disk mounted as a filesystem on several nodes corrupts it; use volumeMode Block with a cluster-aware application',
    );
  }
  if (!claim.size.isWholeGibibytes()) {
    invalid(
      scope,
      `${prefix}size`,
      claim.size.toString(),
      'a whole number of GiB: Azure provisions disks and shares in GiB',
    );
  }
  if (ref.minimumClaimSize && claim.size.isSmallerThan(ref.minimumClaimSize)) {
    invalid(
      scope,
      `${prefix}size`,
      claim.size.toString(),
      `at least ${ref.minimumClaimSize} with class ${ref.name} (${ref.skuName})`,
    );
  }
}
