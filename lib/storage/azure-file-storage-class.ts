import { metadata, MetadataProps, nonEmpty, resolveMetadataProps } from '../core/metadata';
import { checkBoolean, checkOptionalBoolean, checkRecord, checkStringArray, checkStringRecord } from '../core/types';
import { Construct } from 'constructs';
import { requestAppChecks } from '../core/app-checks';
import { KubeStorageClass } from '../core/kube-objects';
import { invalid } from '../core/errors';
import { checkResourceGroupName, checkStorageAccountName, renderAzureTags } from '../azure/names';
import { checkDnsSubdomain } from '../core/names';
import { StorageSize } from '../core/storage-size';
import { checkInteger, checkOneOf } from '../core/values';
import { IAzureStorageClass, VolumeAccessMode, VolumeBindingMode, VolumeReclaimPolicy } from './azure-storage-class';
import { makeClusterScoped } from '../core/cluster-scoped';
import { STORAGE_ACCOUNT_SKUS, StorageAccountSku } from '../azure/requirement-types';

/** Storage account SKUs Azure Files shares can be created in: every storage account SKU. */
export type AzureFileSku = StorageAccountSku;

const FILE_SKUS: readonly AzureFileSku[] = STORAGE_ACCOUNT_SKUS;

/** File protocol. NFS 4.1 shares exist only in premium (FileStorage) accounts. */
export type AzureFileProtocol = 'smb' | 'nfs';

/** How SMB shares appear inside pods. SMB has no POSIX ownership, so the mount decides it. */
export interface SmbMountSettings {
  /** Owner shown for every file. @default 0 */
  readonly uid?: number;
  /** Group shown for every file (set it to the pod's fsGroup for non-root pods). @default 0 */
  readonly gid?: number;
  /** Mode shown for directories. @default '0777' (as the AKS built-in classes) */
  readonly dirMode?: string;
  /** Mode shown for files. @default '0777' (as the AKS built-in classes) */
  readonly fileMode?: string;
  /** Attribute cache timeout in seconds. @default 30 */
  readonly actimeo?: number;
}

/** Props of {@link AzureFileStorageClass}. */
export interface AzureFileStorageClassProps extends MetadataProps {
  /**
   * StorageClass name. Immutable once deployed: claims refer to it by name and a StatefulSet's
   * `volumeClaimTemplates[].storageClassName` cannot change, so renaming means a new class. Set it
   * explicitly for classes that outlive a refactoring; the generated one changes with the construct path.
   * @default a name generated from the construct path
   */
  readonly name?: string;
  /** Storage account SKU of the shares. @default 'Standard_LRS' */
  readonly sku?: AzureFileSku;
  /** File protocol. `nfs` needs a Premium SKU. @default 'smb' */
  readonly protocol?: AzureFileProtocol;
  /** SMB mount settings; an error with `nfs`. @default see {@link SmbMountSettings} */
  readonly smb?: SmbMountSettings;
  /** Mount options added after the defaults. @default none */
  readonly extraMountOptions?: string[];
  /** Existing storage account to create shares in. @default the driver creates or picks an account */
  readonly storageAccount?: string;
  /** Resource group of the storage account. @default the cluster's node resource group */
  readonly resourceGroup?: string;
  /** Access tier of standard shares. @default 'TransactionOptimized' (the Azure default) */
  readonly accessTier?: 'TransactionOptimized' | 'Hot' | 'Cool';
  /** Reach the account through a private endpoint in the cluster's virtual network. @default false */
  readonly privateEndpoint?: boolean;
  /** Azure tags put on the storage account the driver creates. @default none */
  readonly tags?: Record<string, string>;
  /** Claims may grow. @default true */
  readonly allowVolumeExpansion?: boolean;
  /** Azure Files are regional, so immediate binding is safe. @default 'Immediate' */
  readonly volumeBindingMode?: VolumeBindingMode;
  /** What happens to the share when its claim is deleted. @default 'Retain' */
  readonly reclaimPolicy?: VolumeReclaimPolicy;
  /** Marks the class as the cluster's default. @default false */
  readonly isDefaultClass?: boolean;
}

/** Smallest premium file share Azure provisions. */
export const PREMIUM_FILE_SHARE_MINIMUM = StorageSize.gibibytes(100);

/** SMB mount options: readable ownership, symlinks, strict caching, and `nouser_xattr` so file-level backup works. */
export function smbMountOptions(scope: Construct, given: SmbMountSettings | undefined): string[] {
  const settings = given === undefined ? {} : (checkRecord(scope, 'smb', given) as SmbMountSettings);
  const mode = (field: string, value: string) => {
    if (typeof value !== 'string' || !/^0[0-7]{3}$/.test(value))
      invalid(scope, field, value, "an octal mode like '0755'");
    return value;
  };
  return [
    `dir_mode=${mode('smb.dirMode', settings.dirMode ?? '0777')}`,
    `file_mode=${mode('smb.fileMode', settings.fileMode ?? '0777')}`,
    `uid=${checkInteger(scope, 'smb.uid', settings.uid ?? 0, 0, 2 ** 31 - 1)}`,
    `gid=${checkInteger(scope, 'smb.gid', settings.gid ?? 0, 0, 2 ** 31 - 1)}`,
    'mfsymlinks',
    'cache=strict',
    `actimeo=${checkInteger(scope, 'smb.actimeo', settings.actimeo ?? 30, 0, 3600)}`,
    'nosharesock',
    'nobrl',
    'nouser_xattr',
  ];
}

/** NFS mount options recommended for Azure Files NFS 4.1. */
export const NFS_MOUNT_OPTIONS: readonly string[] = ['nconnect=4', 'noresvport', 'actimeo=30'];

/**
 * A StorageClass for Azure Files through `file.csi.azure.com`: SMB with sane mount options by
 * default, NFS on premium accounts, Retain by default. Never the place for a database.
 */
export class AzureFileStorageClass extends Construct implements IAzureStorageClass {
  public readonly name: string;
  public readonly driver = 'file.csi.azure.com' as const;
  public readonly skuName: AzureFileSku;
  public readonly protocol: AzureFileProtocol;
  public readonly volumeBindingMode: VolumeBindingMode;
  public readonly reclaimPolicy: VolumeReclaimPolicy;
  public readonly allowedZones = undefined;
  public readonly zoneRedundant: boolean;
  public readonly zonal = false;
  public readonly minimumClaimSize?: StorageSize;
  public readonly supportedAccessModes: readonly VolumeAccessMode[] = [
    'ReadWriteOnce',
    'ReadWriteOncePod',
    'ReadOnlyMany',
    'ReadWriteMany',
  ];
  public readonly supportsRawBlock = false;
  /** The mount options every volume of the class gets. */
  public readonly mountOptions: readonly string[];
  /** The underlying StorageClass object. */
  public readonly apiObject: KubeStorageClass;

  constructor(scope: Construct, id: string, props: AzureFileStorageClassProps = {}) {
    super(scope, id);
    requestAppChecks(this);
    this.skuName = checkOneOf(this, 'sku', props.sku ?? 'Standard_LRS', FILE_SKUS);
    const isDefaultClass = checkBoolean(this, 'isDefaultClass', props.isDefaultClass, false);
    const allowVolumeExpansion = checkBoolean(this, 'allowVolumeExpansion', props.allowVolumeExpansion, true);
    const privateEndpoint = checkOptionalBoolean(this, 'privateEndpoint', props.privateEndpoint) ?? false;
    const tags = props.tags === undefined ? {} : checkStringRecord(this, 'tags', props.tags);
    const extraMountOptions =
      props.extraMountOptions === undefined
        ? []
        : checkStringArray(this, 'extraMountOptions', props.extraMountOptions, 0);
    this.protocol = checkOneOf(this, 'protocol', props.protocol ?? 'smb', ['smb', 'nfs']);
    const premium = this.skuName.startsWith('Premium_');
    if (this.protocol === 'nfs' && !premium) {
      invalid(
        this,
        'protocol',
        this.protocol,
        `'smb' with ${this.skuName}: NFS shares need a Premium_LRS or Premium_ZRS account`,
      );
    }
    if (this.protocol === 'nfs' && props.smb !== undefined) {
      invalid(this, 'smb', props.smb, "unset when protocol is 'nfs'");
    }
    if (props.accessTier !== undefined && premium) {
      invalid(this, 'accessTier', props.accessTier, `unset for ${this.skuName}: premium shares have no access tier`);
    }
    this.volumeBindingMode = checkOneOf(this, 'volumeBindingMode', props.volumeBindingMode ?? 'Immediate', [
      'WaitForFirstConsumer',
      'Immediate',
    ]);
    this.reclaimPolicy = checkOneOf(this, 'reclaimPolicy', props.reclaimPolicy ?? 'Retain', ['Retain', 'Delete']);
    this.zoneRedundant = this.skuName.includes('ZRS');
    this.minimumClaimSize = premium ? PREMIUM_FILE_SHARE_MINIMUM : undefined;
    for (const [i, option] of extraMountOptions.entries()) {
      if (!/^[\w.-]+(=[\w.,:/-]+)?$/.test(option))
        invalid(this, `extraMountOptions[${i}]`, option, "a mount option like 'nconnect=8' or 'ro'");
    }
    this.mountOptions = [
      ...(this.protocol === 'smb' ? smbMountOptions(this, props.smb) : NFS_MOUNT_OPTIONS),
      ...extraMountOptions,
    ];

    const parameters: Record<string, string> = { skuName: this.skuName };
    if (this.protocol === 'nfs') parameters.protocol = 'nfs';
    if (props.storageAccount !== undefined)
      parameters.storageAccount = checkStorageAccountName(this, 'storageAccount', props.storageAccount);
    if (props.resourceGroup !== undefined)
      parameters.resourceGroup = checkResourceGroupName(this, 'resourceGroup', props.resourceGroup);
    if (props.accessTier !== undefined)
      parameters.shareAccessTier = checkOneOf(this, 'accessTier', props.accessTier, [
        'TransactionOptimized',
        'Hot',
        'Cool',
      ]);
    if (privateEndpoint) parameters.networkEndpointType = 'privateEndpoint';
    if (Object.keys(tags).length > 0) parameters.tags = renderAzureTags(this, 'tags', tags);

    const extra = resolveMetadataProps(this, props);
    this.apiObject = new KubeStorageClass(this, 'Resource', {
      metadata: metadata({
        name: props.name === undefined ? undefined : checkDnsSubdomain(this, 'name', props.name),
        labels: nonEmpty(extra.labels),
        annotations: nonEmpty({
          ...extra.annotations,
          ...(isDefaultClass ? { 'storageclass.kubernetes.io/is-default-class': 'true' } : {}),
        }),
      }),
      provisioner: this.driver,
      parameters,
      mountOptions: [...this.mountOptions],
      reclaimPolicy: this.reclaimPolicy,
      volumeBindingMode: this.volumeBindingMode,
      allowVolumeExpansion,
    });
    makeClusterScoped(this.apiObject);
    this.name = this.apiObject.name;
  }
}
