import { metadata, MetadataProps, nonEmpty, resolveMetadataProps } from '../core/metadata';
import { checkBoolean, checkStringRecord } from '../core/types';
import { Construct } from 'constructs';
import { requestAppChecks } from '../core/app-checks';
import { KubeStorageClass } from '../core/kube-objects';
import { invalid } from '../core/errors';
import { checkArmResourceId, checkResourceGroupName, checkZones, renderAzureTags } from '../azure/names';
import { checkDnsSubdomain } from '../core/names';
import { checkInteger, checkOneOf } from '../core/values';
import { AZURE_DISK_SKUS, AZURE_DISK_SKU_NAMES, AzureDiskCachingMode, AzureDiskSku } from './azure-disk-skus';
import { IAzureStorageClass, VolumeAccessMode, VolumeBindingMode, VolumeReclaimPolicy } from './azure-storage-class';
import { makeClusterScoped } from '../core/cluster-scoped';

/** Filesystems the Azure Disk CSI driver formats Linux volumes with. */
export type AzureDiskFsType = 'ext4' | 'ext3' | 'ext2' | 'xfs' | 'btrfs';

/** Who may reach the disk's data through SAS export and import. */
export type AzureDiskNetworkAccessPolicy = 'AllowAll' | 'DenyAll' | 'AllowPrivate';

/** Disk topology label the Azure Disk CSI driver sets on nodes. */
export const AZURE_DISK_ZONE_TOPOLOGY_KEY = 'topology.disk.csi.azure.com/zone';

/** Props of {@link AzureDiskStorageClass}. */
export interface AzureDiskStorageClassProps extends MetadataProps {
  /**
   * StorageClass name. Immutable once deployed: claims refer to it by name and a StatefulSet's
   * `volumeClaimTemplates[].storageClassName` cannot change, so renaming means a new class. Set it
   * explicitly for classes that outlive a refactoring; the generated one changes with the construct path.
   * @default a name generated from the construct path
   */
  readonly name?: string;
  /** Managed disk SKU. @default 'StandardSSD_LRS' */
  readonly sku?: AzureDiskSku;
  /**
   * Host caching. PremiumV2 and Ultra disks support only `None`, and so do shared disks (`maxShares` > 1).
   * @default 'None' for PremiumV2_LRS, UltraSSD_LRS and shared disks, otherwise 'ReadOnly' (the driver's default)
   */
  readonly cachingMode?: AzureDiskCachingMode;
  /** Filesystem of Filesystem-mode volumes. @default 'ext4' */
  readonly fsType?: AzureDiskFsType;
  /** Provisioned IOPS; only for PremiumV2_LRS and UltraSSD_LRS. @default the SKU's baseline */
  readonly diskIopsReadWrite?: number;
  /** Provisioned throughput in MB/s; only for PremiumV2_LRS and UltraSSD_LRS. @default the SKU's baseline */
  readonly diskMbpsReadWrite?: number;
  /**
   * Zones disks may be created in, like `['westeurope-1', 'westeurope-2']`; rendered as
   * `allowedTopologies` on `topology.disk.csi.azure.com/zone`.
   * @default any zone of the cluster's region
   */
  readonly zones?: string[];
  /** Azure tags put on every disk. @default none */
  readonly tags?: Record<string, string>;
  /** Resource id of a disk encryption set (customer-managed keys). @default platform-managed keys */
  readonly diskEncryptionSetId?: string;
  /** Who may export or import the disk's data. `AllowPrivate` needs `diskAccessId`. @default the driver's default (DenyAll: no SAS export or import) */
  readonly networkAccessPolicy?: AzureDiskNetworkAccessPolicy;
  /** Resource id of the disk access resource used with `AllowPrivate`. @default none */
  readonly diskAccessId?: string;
  /** Resource group the disks are created in. @default the cluster's node resource group */
  readonly resourceGroup?: string;
  /** Number of nodes that may attach one disk at the same time (shared disks, raw block only). @default 1 */
  readonly maxShares?: number;
  /** Marks the class as the cluster's default. @default false */
  readonly isDefaultClass?: boolean;
  /** Claims may grow. @default true */
  readonly allowVolumeExpansion?: boolean;
  /**
   * When disks are created. `Immediate` creates a zonal disk before the pod is scheduled, in a zone
   * the pod may not be able to reach. @default 'WaitForFirstConsumer'
   */
  readonly volumeBindingMode?: VolumeBindingMode;
  /**
   * What happens to the disk when its claim is deleted. Losing a database disk to a deleted claim is
   * the worst outcome, so Delete must be asked for. @default 'Retain'
   */
  readonly reclaimPolicy?: VolumeReclaimPolicy;
}

/**
 * A StorageClass for Azure managed disks through `disk.csi.azure.com`, with safe defaults:
 * late binding, Retain, expansion on, and the SKU rules Azure enforces checked at construction.
 */
export class AzureDiskStorageClass extends Construct implements IAzureStorageClass {
  public readonly name: string;
  public readonly driver = 'disk.csi.azure.com' as const;
  public readonly skuName: AzureDiskSku;
  public readonly cachingMode: AzureDiskCachingMode;
  public readonly volumeBindingMode: VolumeBindingMode;
  public readonly reclaimPolicy: VolumeReclaimPolicy;
  public readonly allowedZones?: readonly string[];
  public readonly zoneRedundant: boolean;
  public readonly zonal: boolean;
  public readonly maxShares: number;
  public readonly supportedAccessModes: readonly VolumeAccessMode[];
  public readonly supportsRawBlock = true;
  /** The underlying StorageClass object. */
  public readonly apiObject: KubeStorageClass;

  constructor(scope: Construct, id: string, props: AzureDiskStorageClassProps = {}) {
    super(scope, id);
    requestAppChecks(this);
    this.skuName = checkOneOf(this, 'sku', props.sku ?? 'StandardSSD_LRS', AZURE_DISK_SKU_NAMES);
    const facts = AZURE_DISK_SKUS[this.skuName];
    const isDefaultClass = checkBoolean(this, 'isDefaultClass', props.isDefaultClass, false);
    const allowVolumeExpansion = checkBoolean(this, 'allowVolumeExpansion', props.allowVolumeExpansion, true);
    const tags = props.tags === undefined ? {} : checkStringRecord(this, 'tags', props.tags);
    if (typeof props.maxShares === 'number' && props.maxShares > 1 && facts.maxShares === 1) {
      invalid(this, 'maxShares', props.maxShares, `1: ${this.skuName} disks cannot be shared`);
    }
    this.maxShares = checkInteger(this, 'maxShares', props.maxShares ?? 1, 1, facts.maxShares);
    const cachingDefault = facts.provisionedPerformance || this.maxShares > 1 ? 'None' : 'ReadOnly';
    this.cachingMode = checkOneOf(this, 'cachingMode', props.cachingMode ?? cachingDefault, [
      'None',
      'ReadOnly',
      'ReadWrite',
    ]);
    if (facts.provisionedPerformance && this.cachingMode !== 'None') {
      invalid(this, 'cachingMode', this.cachingMode, `'None': ${this.skuName} disks do not support host caching`);
    }
    if (this.maxShares > 1 && this.cachingMode !== 'None') {
      invalid(
        this,
        'cachingMode',
        this.cachingMode,
        `'None' when maxShares is ${this.maxShares}: shared disks do not support host caching`,
      );
    }
    for (const [field, value, rangeOf] of [
      ['diskIopsReadWrite', props.diskIopsReadWrite, 'iops'],
      ['diskMbpsReadWrite', props.diskMbpsReadWrite, 'mbps'],
    ] as const) {
      if (value === undefined) continue;
      if (!facts.provisionedPerformance) {
        invalid(
          this,
          field,
          value,
          `unset: only PremiumV2_LRS and UltraSSD_LRS disks take provisioned performance, not ${this.skuName}`,
        );
      }
      const [min, max] = facts.provisionedPerformance[rangeOf];
      checkInteger(this, field, value, min, max);
    }
    const fsType = checkOneOf(this, 'fsType', props.fsType ?? 'ext4', ['ext4', 'ext3', 'ext2', 'xfs', 'btrfs']);
    this.volumeBindingMode = checkOneOf(this, 'volumeBindingMode', props.volumeBindingMode ?? 'WaitForFirstConsumer', [
      'WaitForFirstConsumer',
      'Immediate',
    ]);
    this.reclaimPolicy = checkOneOf(this, 'reclaimPolicy', props.reclaimPolicy ?? 'Retain', ['Retain', 'Delete']);
    this.allowedZones = props.zones === undefined ? undefined : checkZones(this, 'zones', props.zones);
    this.zoneRedundant = facts.zoneRedundant;
    this.zonal = !facts.zoneRedundant;
    this.supportedAccessModes =
      this.maxShares > 1
        ? ['ReadWriteOnce', 'ReadWriteOncePod', 'ReadWriteMany', 'ReadOnlyMany']
        : ['ReadWriteOnce', 'ReadWriteOncePod'];

    const parameters: Record<string, string> = {
      skuName: this.skuName,
      cachingMode: this.cachingMode,
      'csi.storage.k8s.io/fstype': fsType,
    };
    if (props.diskIopsReadWrite !== undefined) parameters.DiskIOPSReadWrite = String(props.diskIopsReadWrite);
    if (props.diskMbpsReadWrite !== undefined) parameters.DiskMBpsReadWrite = String(props.diskMbpsReadWrite);
    if (this.maxShares > 1) parameters.maxShares = String(this.maxShares);
    if (Object.keys(tags).length > 0) parameters.tags = renderAzureTags(this, 'tags', tags);
    if (props.diskEncryptionSetId !== undefined) {
      parameters.diskEncryptionSetID = checkArmResourceId(
        this,
        'diskEncryptionSetId',
        props.diskEncryptionSetId,
        'Microsoft.Compute/diskEncryptionSets',
      );
    }
    if (props.networkAccessPolicy !== undefined) {
      parameters.networkAccessPolicy = checkOneOf(this, 'networkAccessPolicy', props.networkAccessPolicy, [
        'AllowAll',
        'DenyAll',
        'AllowPrivate',
      ]);
    }
    if (props.diskAccessId !== undefined) {
      if (props.networkAccessPolicy !== 'AllowPrivate') {
        invalid(this, 'diskAccessId', props.diskAccessId, "unset unless networkAccessPolicy is 'AllowPrivate'");
      }
      parameters.diskAccessID = checkArmResourceId(
        this,
        'diskAccessId',
        props.diskAccessId,
        'Microsoft.Compute/diskAccesses',
      );
    } else if (props.networkAccessPolicy === 'AllowPrivate') {
      invalid(
        this,
        'diskAccessId',
        undefined,
        "the resource id of a disk access when networkAccessPolicy is 'AllowPrivate'",
      );
    }
    if (props.resourceGroup !== undefined)
      parameters.resourceGroup = checkResourceGroupName(this, 'resourceGroup', props.resourceGroup);

    const extra = resolveMetadataProps(this, props);
    const annotations = nonEmpty({
      ...extra.annotations,
      ...(isDefaultClass ? { 'storageclass.kubernetes.io/is-default-class': 'true' } : {}),
    });
    this.apiObject = new KubeStorageClass(this, 'Resource', {
      metadata: metadata({
        name: props.name === undefined ? undefined : checkDnsSubdomain(this, 'name', props.name),
        labels: nonEmpty(extra.labels),
        annotations,
      }),
      provisioner: this.driver,
      parameters,
      reclaimPolicy: this.reclaimPolicy,
      volumeBindingMode: this.volumeBindingMode,
      allowVolumeExpansion,
      allowedTopologies: this.allowedZones && [
        {
          matchLabelExpressions: [{ key: AZURE_DISK_ZONE_TOPOLOGY_KEY, values: [...this.allowedZones] }],
        },
      ],
    });
    makeClusterScoped(this.apiObject);
    this.name = this.apiObject.name;
  }
}
