import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { AzureDiskStorageClass, AzureDiskStorageClassProps } from '../../lib';
import { synthValid } from '../support/validate-manifests';

const DES =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-keys/providers/Microsoft.Compute/diskEncryptionSets/des';
const DISK_ACCESS =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-net/providers/Microsoft.Compute/diskAccesses/da';

function synthClass(props: AzureDiskStorageClassProps = {}) {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'apps' });
  const cls = new AzureDiskStorageClass(chart, 'disk', props);
  const [object] = synthValid(chart);
  return { cls, object };
}

function build(props: AzureDiskStorageClassProps) {
  return () => new AzureDiskStorageClass(Testing.chart(), 'disk', props);
}

describe('AzureDiskStorageClass', () => {
  it('defaults to a late-binding, retained, expandable Standard SSD class', () => {
    const { cls, object } = synthClass();
    expect(object.kind).toBe('StorageClass');
    expect(object.provisioner).toBe('disk.csi.azure.com');
    expect(object.parameters).toEqual({
      skuName: 'StandardSSD_LRS',
      cachingMode: 'ReadOnly',
      'csi.storage.k8s.io/fstype': 'ext4',
    });
    expect(object.volumeBindingMode).toBe('WaitForFirstConsumer');
    expect(object.reclaimPolicy).toBe('Retain');
    expect(object.allowVolumeExpansion).toBe(true);
    expect(object.allowedTopologies).toBeUndefined();
    expect(object.metadata.annotations).toBeUndefined();
    // Cluster-scoped: the chart's namespace must not leak onto it.
    expect(object.metadata.namespace).toBeUndefined();
    expect(object.metadata.name).toBe(cls.name);
    expect(cls).toMatchObject({
      zonal: true,
      zoneRedundant: false,
      supportsRawBlock: true,
      supportedAccessModes: ['ReadWriteOnce', 'ReadWriteOncePod'],
    });
  });

  it('renders every option (typed Required<Props>, so a new prop must be added here)', () => {
    const all: Required<AzureDiskStorageClassProps> = {
      name: 'fast',
      sku: 'PremiumV2_LRS',
      diskIopsReadWrite: 6000,
      diskMbpsReadWrite: 250,
      cachingMode: 'None',
      fsType: 'xfs',
      zones: ['westeurope-1', 'westeurope-2'],
      tags: { env: 'prod', owner: 'data' },
      diskEncryptionSetId: DES,
      networkAccessPolicy: 'AllowPrivate',
      diskAccessId: DISK_ACCESS,
      resourceGroup: 'rg-disks',
      maxShares: 3,
      isDefaultClass: true,
      allowVolumeExpansion: false,
      volumeBindingMode: 'Immediate',
      reclaimPolicy: 'Delete',
      labels: { team: 'data' },
      annotations: { 'example.com/owner': 'data' },
    };
    const { object } = synthClass(all);
    expect(object.metadata).toEqual({
      name: 'fast',
      labels: { team: 'data' },
      annotations: { 'example.com/owner': 'data', 'storageclass.kubernetes.io/is-default-class': 'true' },
    });
    expect(object.parameters).toEqual({
      skuName: 'PremiumV2_LRS',
      cachingMode: 'None',
      'csi.storage.k8s.io/fstype': 'xfs',
      DiskIOPSReadWrite: '6000',
      DiskMBpsReadWrite: '250',
      maxShares: '3',
      tags: 'env=prod,owner=data',
      diskEncryptionSetID: DES,
      networkAccessPolicy: 'AllowPrivate',
      diskAccessID: DISK_ACCESS,
      resourceGroup: 'rg-disks',
    });
    expect(object.allowedTopologies).toEqual([
      {
        matchLabelExpressions: [{ key: 'topology.disk.csi.azure.com/zone', values: ['westeurope-1', 'westeurope-2'] }],
      },
    ]);
    expect(object).toMatchObject({
      allowVolumeExpansion: false,
      volumeBindingMode: 'Immediate',
      reclaimPolicy: 'Delete',
    });
  });

  it('provisions IOPS and throughput for PremiumV2 and Ultra, with caching None by default', () => {
    const v2 = synthClass({ sku: 'PremiumV2_LRS', diskIopsReadWrite: 5000, diskMbpsReadWrite: 200 }).object;
    expect(v2.parameters).toMatchObject({
      skuName: 'PremiumV2_LRS',
      cachingMode: 'None',
      DiskIOPSReadWrite: '5000',
      DiskMBpsReadWrite: '200',
    });
    const ultra = synthClass({ sku: 'UltraSSD_LRS', diskIopsReadWrite: 100, diskMbpsReadWrite: 1 }).object;
    expect(ultra.parameters).toMatchObject({ cachingMode: 'None', DiskIOPSReadWrite: '100', DiskMBpsReadWrite: '1' });
  });

  it('shared disks default to caching None and allow multi-node access modes', () => {
    const { cls, object } = synthClass({ sku: 'Premium_LRS', maxShares: 2 });
    expect(object.parameters.cachingMode).toBe('None');
    expect(cls.supportedAccessModes).toContain('ReadWriteMany');
  });

  it('knows ZRS disks are not zonal', () => {
    const { cls } = synthClass({ sku: 'StandardSSD_ZRS' });
    expect(cls).toMatchObject({ zonal: false, zoneRedundant: true });
  });

  describe('rejects bad input with the path, field, value and what is allowed', () => {
    it.each([
      [
        { sku: 'Standard_SSD' as never },
        /^test\/disk: sku "Standard_SSD" is not allowed: one of Standard_LRS, StandardSSD_LRS/,
      ],
      [
        { sku: 'PremiumV2_LRS', cachingMode: 'ReadOnly' },
        /^test\/disk: cachingMode "ReadOnly" is not allowed: 'None': PremiumV2_LRS disks do not support host caching/,
      ],
      [
        { sku: 'UltraSSD_LRS', cachingMode: 'ReadWrite' },
        /cachingMode "ReadWrite" is not allowed: 'None': UltraSSD_LRS/,
      ],
      [{ cachingMode: 'Write' as never }, /cachingMode "Write" is not allowed: one of None, ReadOnly, ReadWrite/],
      [
        { sku: 'Premium_LRS', diskIopsReadWrite: 5000 },
        /diskIopsReadWrite 5000 is not allowed: unset: only PremiumV2_LRS and UltraSSD_LRS disks take provisioned performance, not Premium_LRS/,
      ],
      [{ diskMbpsReadWrite: 100 }, /diskMbpsReadWrite 100 is not allowed: unset: only PremiumV2_LRS/],
      [
        { sku: 'PremiumV2_LRS', diskIopsReadWrite: 100 },
        /diskIopsReadWrite 100 is not allowed: a whole number from 3000 to 80000/,
      ],
      [
        { sku: 'PremiumV2_LRS', diskMbpsReadWrite: 2000 },
        /diskMbpsReadWrite 2000 is not allowed: a whole number from 125 to 1200/,
      ],
      [
        { sku: 'Premium_LRS', maxShares: 2, cachingMode: 'ReadOnly' },
        /cachingMode "ReadOnly" is not allowed: 'None' when maxShares is 2: shared disks do not support host caching/,
      ],
      [{ sku: 'Standard_LRS', maxShares: 2 }, /maxShares 2 is not allowed: 1: Standard_LRS disks cannot be shared/],
      [{ sku: 'StandardSSD_LRS', maxShares: 6 }, /maxShares 6 is not allowed: a whole number from 1 to 5/],
      [{ maxShares: 0 }, /maxShares 0 is not allowed/],
      [{ fsType: 'ntfs' as never }, /fsType "ntfs" is not allowed: one of ext4, ext3, ext2, xfs, btrfs/],
      [{ zones: ['westeurope'] }, /zones\[0\] "westeurope" is not allowed: an AKS zone like "westeurope-1"/],
      [{ zones: ['1', '2'] }, /zones\[0\] "1" is not allowed/],
      [{ zones: [] }, /zones \[\] is not allowed: a non-empty list/],
      [{ tags: { 'a=b': 'c' } }, /tags key "a=b" is not allowed/],
      [
        { diskEncryptionSetId: 'des' },
        /diskEncryptionSetId "des" is not allowed: an Azure resource id: .*Microsoft.Compute\/diskEncryptionSets/,
      ],
      [
        { networkAccessPolicy: 'AllowPrivate' },
        /diskAccessId \(unset\) is not allowed: the resource id of a disk access when networkAccessPolicy is 'AllowPrivate'/,
      ],
      [
        { networkAccessPolicy: 'DenyAll', diskAccessId: DISK_ACCESS },
        /diskAccessId ".*" is not allowed: unset unless networkAccessPolicy is 'AllowPrivate'/,
      ],
      [
        { networkAccessPolicy: 'Private' as never },
        /networkAccessPolicy "Private" is not allowed: one of AllowAll, DenyAll, AllowPrivate/,
      ],
      [{ resourceGroup: 'rg with space' }, /resourceGroup "rg with space" is not allowed: a resource group name/],
      [
        { volumeBindingMode: 'Late' as never },
        /volumeBindingMode "Late" is not allowed: one of WaitForFirstConsumer, Immediate/,
      ],
      [{ reclaimPolicy: 'Recycle' as never }, /reclaimPolicy "Recycle" is not allowed: one of Retain, Delete/],
      [{ name: 'Fast_Disk' }, /name "Fast_Disk" is not allowed: a DNS-1123 subdomain/],
      [{ labels: { tier: 'x y' } }, /labels\["tier"\] "x y" is not allowed/],
    ] as Array<[AzureDiskStorageClassProps, RegExp]>)('%j', (props, message) => {
      expect(build(props)).toThrow(message);
    });
  });
});
