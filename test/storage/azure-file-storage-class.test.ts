import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import {
  AksStatefulValidationError,
  AzureFileStorageClass,
  AzureFileStorageClassProps,
  AzureVolumeClaim,
  StorageSize,
} from '../../lib';
import { rejected } from '../support/expectations';
import { synthValid } from '../support/validate-manifests';

const SMB_DEFAULT_MOUNT_OPTIONS = [
  'dir_mode=0777',
  'file_mode=0777',
  'uid=0',
  'gid=0',
  'mfsymlinks',
  'cache=strict',
  'actimeo=30',
  'nosharesock',
  'nobrl',
  'nouser_xattr',
];
const NFS_DEFAULT_MOUNT_OPTIONS = ['nconnect=4', 'noresvport', 'actimeo=30'];

/** A class in a namespaced chart, synthesized and validated; returns the construct and its one StorageClass. */
function synthClass(props: AzureFileStorageClassProps = {}) {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'apps' });
  const cls = new AzureFileStorageClass(chart, 'files', props);
  const objects = synthValid(chart);
  expect(objects).toHaveLength(1);
  return { cls, object: objects[0] };
}

/** Builds a class at path `test/files` (for the bad-input cases). */
function build(props: AzureFileStorageClassProps) {
  return () => new AzureFileStorageClass(Testing.chart(), 'files', props);
}

describe('AzureFileStorageClass', () => {
  it('defaults to an SMB Standard_LRS class: retained, immediate binding, expandable, readable mount options', () => {
    const { cls, object } = synthClass();
    expect(object.apiVersion).toBe('storage.k8s.io/v1');
    expect(object.kind).toBe('StorageClass');
    expect(object.provisioner).toBe('file.csi.azure.com');
    expect(object.parameters).toEqual({ skuName: 'Standard_LRS' });
    expect(object.mountOptions).toEqual(SMB_DEFAULT_MOUNT_OPTIONS);
    expect(object.reclaimPolicy).toBe('Retain');
    expect(object.volumeBindingMode).toBe('Immediate');
    expect(object.allowVolumeExpansion).toBe(true);
    expect(object.metadata.labels).toBeUndefined();
    expect(object.metadata.annotations).toBeUndefined();
    expect(object.metadata.name).toBe(cls.name);
    expect(cls).toMatchObject({
      driver: 'file.csi.azure.com',
      skuName: 'Standard_LRS',
      protocol: 'smb',
      volumeBindingMode: 'Immediate',
      reclaimPolicy: 'Retain',
      zoneRedundant: false,
      zonal: false,
      supportsRawBlock: false,
      supportedAccessModes: ['ReadWriteOnce', 'ReadWriteOncePod', 'ReadOnlyMany', 'ReadWriteMany'],
      mountOptions: SMB_DEFAULT_MOUNT_OPTIONS,
    });
    expect(cls.allowedZones).toBeUndefined();
    expect(cls.minimumClaimSize).toBeUndefined();
  });

  it('puts no namespace on the cluster-scoped StorageClass, even in a namespaced chart', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'apps' });
    const storageClass = new AzureFileStorageClass(chart, 'files');
    new AzureVolumeClaim(chart, 'claim', { size: '10Gi', storageClass, accessMode: 'ReadWriteMany' });
    const [cls, claim] = synthValid(chart);
    expect(cls.kind).toBe('StorageClass');
    expect(cls.metadata.namespace).toBeUndefined();
    // The namespaced object next to it does get the chart's namespace.
    expect(claim.metadata.namespace).toBe('apps');
    expect(claim.spec.storageClassName).toBe(cls.metadata.name);
  });

  it('renders every option', () => {
    const props: Required<AzureFileStorageClassProps> = {
      name: 'shared-files',
      sku: 'Standard_ZRS',
      protocol: 'smb',
      smb: { uid: 1000, gid: 2000, dirMode: '0775', fileMode: '0664', actimeo: 60 },
      extraMountOptions: ['vers=3.1.1', 'serverino'],
      storageAccount: 'teamfiles01',
      resourceGroup: 'rg-team_files.(prod)',
      accessTier: 'Hot',
      privateEndpoint: true,
      tags: { env: 'prod', owner: 'data' },
      allowVolumeExpansion: false,
      volumeBindingMode: 'WaitForFirstConsumer',
      reclaimPolicy: 'Delete',
      isDefaultClass: true,
      labels: { team: 'data' },
      annotations: { 'example.com/owner': 'data' },
    };
    const { cls, object } = synthClass(props);
    expect(object.metadata).toEqual({
      name: 'shared-files',
      labels: { team: 'data' },
      annotations: { 'example.com/owner': 'data', 'storageclass.kubernetes.io/is-default-class': 'true' },
    });
    expect(object.parameters).toEqual({
      skuName: 'Standard_ZRS',
      storageAccount: 'teamfiles01',
      resourceGroup: 'rg-team_files.(prod)',
      // The share's tier: the driver's `accessTier` would be the storage account's (Hot/Cool/Premium).
      shareAccessTier: 'Hot',
      networkEndpointType: 'privateEndpoint',
      tags: 'env=prod,owner=data',
    });
    expect(object.mountOptions).toEqual([
      'dir_mode=0775',
      'file_mode=0664',
      'uid=1000',
      'gid=2000',
      'mfsymlinks',
      'cache=strict',
      'actimeo=60',
      'nosharesock',
      'nobrl',
      'nouser_xattr',
      'vers=3.1.1',
      'serverino',
    ]);
    expect(object.allowVolumeExpansion).toBe(false);
    expect(object.volumeBindingMode).toBe('WaitForFirstConsumer');
    expect(object.reclaimPolicy).toBe('Delete');
    expect(cls.name).toBe('shared-files');
    expect(cls).toMatchObject({
      skuName: 'Standard_ZRS',
      zoneRedundant: true,
      volumeBindingMode: 'WaitForFirstConsumer',
      reclaimPolicy: 'Delete',
    });
  });

  it('changes one mount option per SMB setting and keeps the other defaults', () => {
    expect(synthClass({ smb: { uid: 1000 } }).object.mountOptions).toEqual(
      SMB_DEFAULT_MOUNT_OPTIONS.map((o) => (o === 'uid=0' ? 'uid=1000' : o)),
    );
    expect(synthClass({ smb: { gid: 1000 } }).object.mountOptions).toEqual(
      SMB_DEFAULT_MOUNT_OPTIONS.map((o) => (o === 'gid=0' ? 'gid=1000' : o)),
    );
    expect(synthClass({ smb: { dirMode: '0750' } }).object.mountOptions).toContain('dir_mode=0750');
    expect(synthClass({ smb: { fileMode: '0640' } }).object.mountOptions).toContain('file_mode=0640');
    expect(synthClass({ smb: { actimeo: 0 } }).object.mountOptions).toContain('actimeo=0');
  });

  it('renders an NFS class on a premium account with the NFS mount options', () => {
    const { cls, object } = synthClass({ sku: 'Premium_LRS', protocol: 'nfs', extraMountOptions: ['nconnect=8'] });
    expect(object.parameters).toEqual({ skuName: 'Premium_LRS', protocol: 'nfs' });
    expect(object.mountOptions).toEqual([...NFS_DEFAULT_MOUNT_OPTIONS, 'nconnect=8']);
    expect(cls.protocol).toBe('nfs');
    expect(cls.zoneRedundant).toBe(false);
    expect(cls.minimumClaimSize?.equals(StorageSize.gibibytes(100))).toBe(true);
  });

  it('knows Premium_ZRS NFS shares are zone-redundant', () => {
    const { cls, object } = synthClass({ sku: 'Premium_ZRS', protocol: 'nfs' });
    expect(object.parameters).toEqual({ skuName: 'Premium_ZRS', protocol: 'nfs' });
    expect(cls.zoneRedundant).toBe(true);
  });

  it('leaves out the private endpoint and the tags when they are off or empty', () => {
    const { object } = synthClass({ privateEndpoint: false, tags: {} });
    expect(object.parameters).toEqual({ skuName: 'Standard_LRS' });
  });

  it('accepts premium file claims of 100Gi and more, and standard file claims below it', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'apps' });
    const premium = new AzureFileStorageClass(chart, 'premium', { sku: 'Premium_LRS' });
    const standard = new AzureFileStorageClass(chart, 'standard');
    new AzureVolumeClaim(chart, 'exactly', { size: '100Gi', storageClass: premium, accessMode: 'ReadWriteMany' });
    new AzureVolumeClaim(chart, 'larger', { size: '1Ti', storageClass: premium, accessMode: 'ReadWriteMany' });
    new AzureVolumeClaim(chart, 'small', { size: '1Gi', storageClass: standard, accessMode: 'ReadWriteMany' });
    const claims = synthValid(chart).filter((o) => o.kind === 'PersistentVolumeClaim');
    expect(claims.map((c) => c.spec.resources.requests.storage)).toEqual(['100Gi', '1Ti', '1Gi']);
  });

  describe('bad input', () => {
    it('throws an AksStatefulValidationError naming path, field, value and what is allowed', () => {
      let error: unknown;
      try {
        build({ protocol: 'nfs' })();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AksStatefulValidationError);
      expect(error).toMatchObject({ constructPath: 'test/files', field: 'protocol', value: 'nfs' });
      expect((error as AksStatefulValidationError).allowed).toMatch(/Premium_LRS or Premium_ZRS/);
    });

    it.each([
      'Standard_LRS',
      'Standard_ZRS',
      'Standard_GRS',
      'Standard_RAGRS',
      'Standard_GZRS',
      'Standard_RAGZRS',
    ] as const)('rejects NFS on %s', (sku) => {
      expect(build({ sku, protocol: 'nfs' })).toThrow(
        rejected(
          'test/files',
          'protocol',
          '"nfs"',
          `'smb' with ${sku}: NFS shares need a Premium_LRS or Premium_ZRS account`,
        ),
      );
    });

    it('rejects SMB settings on an NFS class', () => {
      expect(build({ sku: 'Premium_LRS', protocol: 'nfs', smb: { uid: 1000 } })).toThrow(
        rejected('test/files', 'smb', '{"uid":1000}', "unset when protocol is 'nfs'"),
      );
    });

    it('rejects an access tier on premium shares', () => {
      expect(build({ sku: 'Premium_LRS', accessTier: 'Hot' })).toThrow(
        rejected('test/files', 'accessTier', '"Hot"', 'unset for Premium_LRS: premium shares have no access tier'),
      );
      expect(build({ sku: 'Premium_ZRS', protocol: 'nfs', accessTier: 'Cool' })).toThrow(
        rejected('test/files', 'accessTier', '"Cool"', 'unset for Premium_ZRS'),
      );
    });

    it('rejects values outside the unions (from untyped callers)', () => {
      expect(build({ sku: 'Premium_V2_LRS' as never })).toThrow(
        rejected('test/files', 'sku', '"Premium_V2_LRS"', 'one of Standard_LRS, Standard_ZRS'),
      );
      expect(build({ protocol: 'cifs' as never })).toThrow(
        rejected('test/files', 'protocol', '"cifs"', 'one of smb, nfs'),
      );
      expect(build({ accessTier: 'Archive' as never })).toThrow(
        rejected('test/files', 'accessTier', '"Archive"', 'one of TransactionOptimized, Hot, Cool'),
      );
      expect(build({ volumeBindingMode: 'Later' as never })).toThrow(
        rejected('test/files', 'volumeBindingMode', '"Later"', 'one of WaitForFirstConsumer, Immediate'),
      );
      expect(build({ reclaimPolicy: 'Recycle' as never })).toThrow(
        rejected('test/files', 'reclaimPolicy', '"Recycle"', 'one of Retain, Delete'),
      );
    });

    it.each([
      ['dirMode', '777'],
      ['dirMode', '0o755'],
      ['fileMode', '0778'],
      ['fileMode', '07777'],
      ['fileMode', 'rw-r--r--'],
    ] as const)('rejects smb.%s %j (not an octal mode)', (field, mode) => {
      expect(build({ smb: { [field]: mode } })).toThrow(
        rejected('test/files', `smb.${field}`, JSON.stringify(mode), "an octal mode like '0755'"),
      );
    });

    it('rejects uid, gid and actimeo outside their ranges', () => {
      expect(build({ smb: { uid: -1 } })).toThrow(
        rejected('test/files', 'smb.uid', '-1', 'a whole number from 0 to 2147483647'),
      );
      expect(build({ smb: { gid: 1.5 } })).toThrow(
        rejected('test/files', 'smb.gid', '1.5', 'a whole number from 0 to 2147483647'),
      );
      expect(build({ smb: { uid: 2 ** 31 } })).toThrow(
        rejected('test/files', 'smb.uid', '2147483648', 'a whole number from 0 to 2147483647'),
      );
      expect(build({ smb: { actimeo: 3601 } })).toThrow(
        rejected('test/files', 'smb.actimeo', '3601', 'a whole number from 0 to 3600'),
      );
    });

    it.each(['nconnect = 8', 'ro;reboot', '', 'opt=$(id)', '-o ro'])(
      'rejects the mount option %j, naming its index',
      (option) => {
        expect(build({ extraMountOptions: ['ro', option] })).toThrow(
          rejected(
            'test/files',
            'extraMountOptions[1]',
            JSON.stringify(option),
            "a mount option like 'nconnect=8' or 'ro'",
          ),
        );
      },
    );

    it.each(['My-Account', 'ab', 'a'.repeat(25), 'team_files'])('rejects the storage account name %j', (account) => {
      expect(build({ storageAccount: account })).toThrow(
        rejected(
          'test/files',
          'storageAccount',
          JSON.stringify(account),
          'a storage account name: 3 to 24 lowercase letters and digits',
        ),
      );
    });

    it.each(['rg.', 'rg with spaces', 'a'.repeat(91), '', 'rg/files'])(
      'rejects the resource group name %j',
      (group) => {
        expect(build({ resourceGroup: group })).toThrow(
          rejected('test/files', 'resourceGroup', JSON.stringify(group), 'a resource group name'),
        );
      },
    );

    it('rejects tags the driver cannot carry', () => {
      expect(build({ tags: { 'cost,center': 'x' } })).toThrow(
        rejected('test/files', 'tags key', '"cost,center"', 'a tag name'),
      );
      expect(build({ tags: { owner: 'a=b' } })).toThrow(
        rejected('test/files', 'tags["owner"]', '"a=b"', "a tag value of at most 256 characters without ',' or '='"),
      );
    });

    it('rejects a bad class name and bad labels', () => {
      expect(build({ name: 'Shared_Files' })).toThrow(
        rejected('test/files', 'name', '"Shared_Files"', 'a DNS-1123 subdomain'),
      );
      expect(build({ labels: { team: 'data team' } })).toThrow(
        rejected('test/files', 'labels["team"]', '"data team"', 'a label value'),
      );
      expect(build({ labels: { 'bad key!': 'x' } })).toThrow(
        rejected('test/files', 'labels key', '"bad key!"', 'a label key'),
      );
    });

    it.each(['Premium_LRS', 'Premium_ZRS'] as const)('rejects claims under 100Gi on a %s file class', (sku) => {
      const chart = Testing.chart();
      const storageClass = new AzureFileStorageClass(chart, 'premium', { sku, name: 'premium-files' });
      expect(
        () => new AzureVolumeClaim(chart, 'claim', { size: '99Gi', storageClass, accessMode: 'ReadWriteMany' }),
      ).toThrow(rejected('test/claim', 'size', '"99Gi"', `at least 100Gi with class premium-files (${sku})`));
    });
  });
});
