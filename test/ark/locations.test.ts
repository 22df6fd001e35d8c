import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import {
  ArkBackupStorageLocation,
  ArkBackupStorageOptions,
  ArkInstallation,
  ArkVolumeSnapshotOptions,
  listAzureRequirements,
} from '../../lib';
import { synthValid } from '../support/validate-manifests';
import { ACCOUNT_KEY, BASE, NODE_RG, SERVICE_PRINCIPAL, STORAGE, install, rejected, synthInstall } from './fixtures';

describe('BackupStorageLocation', () => {
  it('renders only config keys velero-plugin-for-microsoft-azure v1.14 reads, and can reach each of them', () => {
    // ObjectStore.Init of the plugin (v1.14, azure/object_store.go) refuses any other key, and the
    // location then never becomes Available. Written out from the plugin, not read from the library.
    const pluginKeys = [
      'activeDirectoryAuthorityURI',
      'blockSizeInBytes',
      'resourceGroup',
      'storageAccount',
      'storageAccountKeyEnvVar',
      'storageAccountURI',
      'subscriptionId',
      'useAAD',
    ];
    const backupStorage = {
      ...STORAGE,
      subscriptionId: '44444444-4444-4444-4444-444444444444',
      blockSizeInBytes: 4194304,
      config: { activeDirectoryAuthorityURI: 'https://login.microsoftonline.us/' },
    };
    const rendered = [
      { backupStorage },
      { auth: SERVICE_PRINCIPAL, backupStorage },
      { auth: ACCOUNT_KEY, backupStorage },
    ]
      .map((props) => synthInstall(props).one('BackupStorageLocation').spec.config)
      .flatMap((config) => Object.keys(config));
    expect([...new Set(rendered)].sort()).toEqual(pluginKeys);
  });

  it('renders subscription, prefix and an extra accepted key', () => {
    const { one } = synthInstall({
      backupStorage: {
        ...STORAGE,
        subscriptionId: '44444444-4444-4444-4444-444444444444',
        prefix: 'clusters/prod',
        config: { activeDirectoryAuthorityURI: 'https://login.microsoftonline.us/' },
      },
    });
    const bsl = one('BackupStorageLocation');
    expect(bsl.spec.objectStorage).toEqual({ bucket: 'velero', prefix: 'clusters/prod' });
    expect(bsl.spec.config).toEqual({
      resourceGroup: 'rg-backups',
      storageAccount: 'aksvelero01',
      subscriptionId: '44444444-4444-4444-4444-444444444444',
      useAAD: 'true',
      storageAccountURI: 'https://aksvelero01.blob.core.windows.net',
      activeDirectoryAuthorityURI: 'https://login.microsoftonline.us/',
    });
  });

  it('keeps a storage account URI given with key auth, and nothing else Entra-related', () => {
    const { one } = synthInstall({
      auth: ACCOUNT_KEY,
      backupStorage: { ...STORAGE, storageAccountUri: 'https://aksvelero01.blob.core.windows.net/' },
    });
    expect(one('BackupStorageLocation').spec.config).toEqual({
      resourceGroup: 'rg-backups',
      storageAccount: 'aksvelero01',
      storageAccountKeyEnvVar: 'AZURE_STORAGE_ACCOUNT_ACCESS_KEY',
      storageAccountURI: 'https://aksvelero01.blob.core.windows.net',
    });
  });

  it('adds further locations: not default, read-only possible, each with its own container requirement and roles', () => {
    const { all, chart, installation } = synthInstall({}, (i) => {
      i.addBackupStorageLocation('archive', {
        storageAccount: 'aksarchive01',
        container: 'velero-old',
        resourceGroup: 'rg-archive',
        readOnly: true,
        name: 'archive',
        sku: 'Standard_RAGRS',
      });
    });
    const [primary, archive] = all('BackupStorageLocation');
    expect(primary.spec).toMatchObject({ default: true, accessMode: 'ReadWrite' });
    expect(archive.metadata.name).toBe('archive');
    expect(archive.spec).toMatchObject({
      default: false,
      accessMode: 'ReadOnly',
      objectStorage: { bucket: 'velero-old' },
    });
    expect(installation.backupStorageLocations.map((l) => l.name)).toEqual(['default', 'archive']);
    const list = listAzureRequirements(chart);
    expect(list.map((r) => r.key)).toEqual([
      'storageAccount:aksarchive01',
      'storageAccount:aksvelero01',
      'blobContainer:aksarchive01/velero-old',
      'blobContainer:aksvelero01/velero',
      'workloadIdentity:velero/velero',
      'kubernetesSecret:velero/cloud-credentials',
    ]);
    expect(list[0]).toMatchObject({ sku: 'Standard_RAGRS', resourceGroup: 'rg-archive' });
    expect((list[4] as any).roles).toContainEqual({
      role: 'Storage Blob Data Reader',
      scope: { type: 'blobContainer', account: 'aksarchive01', container: 'velero-old' },
    });
  });

  it('can be created in another chart, pointing at the installation', () => {
    const app = Testing.app();
    const { installation } = install({}, new Chart(app, 'velero'));
    const other = new Chart(app, 'more');
    const bsl = new ArkBackupStorageLocation(other, 'dr', {
      installation,
      storageAccount: 'aksdr01',
      container: 'velero',
      resourceGroup: 'rg-dr',
    });
    const [object] = synthValid(other);
    expect(object.metadata.namespace).toBe('velero');
    expect(bsl.isDefault).toBe(false);
    expect(installation.backupStorageLocations).toContain(bsl);
  });

  const cases: Array<[string, Partial<ArkBackupStorageOptions>, RegExp]> = [
    [
      'storage account',
      { storageAccount: 'AKS-Velero' },
      rejected(
        'test/velero/BackupStorageLocation',
        'backupStorage.storageAccount',
        '"AKS-Velero"',
        'a storage account name',
      ),
    ],
    [
      'container',
      { container: 'Velero_Backups' },
      rejected(
        'test/velero/BackupStorageLocation',
        'backupStorage.container',
        '"Velero_Backups"',
        'a blob container name',
      ),
    ],
    [
      'resource group',
      { resourceGroup: 'rg/backups' },
      rejected(
        'test/velero/BackupStorageLocation',
        'backupStorage.resourceGroup',
        '"rg/backups"',
        'a resource group name',
      ),
    ],
    [
      'prefix with a leading slash',
      { prefix: '/prod' },
      rejected(
        'test/velero/BackupStorageLocation',
        'backupStorage.prefix',
        '"/prod"',
        "no leading, trailing or double '/'",
      ),
    ],
    [
      'prefix with a double slash',
      { prefix: 'a//b' },
      rejected(
        'test/velero/BackupStorageLocation',
        'backupStorage.prefix',
        '"a//b"',
        "no leading, trailing or double '/'",
      ),
    ],
    [
      'prefix with a hidden segment (the same rule as backup dumps)',
      { prefix: 'clusters/.prod' },
      rejected(
        'test/velero/BackupStorageLocation',
        'backupStorage.prefix',
        '"clusters/.prod"',
        "none starting with '.'",
      ),
    ],
    [
      'subscription',
      { subscriptionId: 'prod' },
      rejected('test/velero/BackupStorageLocation', 'backupStorage.subscriptionId', '"prod"', 'a GUID'),
    ],
    [
      'endpoint of another account',
      { storageAccountUri: 'https://other.blob.core.windows.net' },
      rejected(
        'test/velero/BackupStorageLocation',
        'backupStorage.storageAccountUri',
        '"https://other.blob.core.windows.net"',
        "the account's blob endpoint",
      ),
    ],
    [
      'plain http endpoint',
      { storageAccountUri: 'http://aksvelero01.blob.core.windows.net' },
      rejected(
        'test/velero/BackupStorageLocation',
        'backupStorage.storageAccountUri',
        '"http://aksvelero01.blob.core.windows.net"',
        'https://aksvelero01.<endpoint>',
      ),
    ],
    [
      'block size above 100MB',
      { blockSizeInBytes: 104857601 },
      rejected(
        'test/velero/BackupStorageLocation',
        'backupStorage.blockSizeInBytes',
        '104857601',
        'a whole number from 1 to 104857600',
      ),
    ],
    [
      'a key the plugin rejects',
      { config: { storageAccountKey: 'x' } },
      rejected(
        'test/velero/BackupStorageLocation',
        'backupStorage.config key',
        '"storageAccountKey"',
        'one of resourceGroup, storageAccount, subscriptionId',
      ),
    ],
    [
      'credentialsFile (Velero sets it)',
      { config: { credentialsFile: '/tmp/x' } },
      rejected(
        'test/velero/BackupStorageLocation',
        'backupStorage.config key',
        '"credentialsFile"',
        'rejects any other key',
      ),
    ],
    [
      'a key a prop sets',
      { config: { useAAD: 'false' } },
      rejected('test/velero/BackupStorageLocation', 'backupStorage.config key', '"useAAD"', 'set it with auth'),
    ],
    [
      'the bucket through config',
      { config: { bucket: 'other' } },
      rejected(
        'test/velero/BackupStorageLocation',
        'backupStorage.config key',
        '"bucket"',
        'Velero fills "bucket" from the container prop',
      ),
    ],
    [
      'an empty value',
      { config: { activeDirectoryAuthorityURI: '' } },
      rejected(
        'test/velero/BackupStorageLocation',
        'backupStorage.config["activeDirectoryAuthorityURI"]',
        '""',
        'a non-empty string',
      ),
    ],
    [
      'a bad name',
      { name: 'Primary' },
      rejected('test/velero/BackupStorageLocation', 'backupStorage.name', '"Primary"', 'a DNS-1123 subdomain'),
    ],
  ];
  it.each(cases)('rejects %s', (_, storage, message) => {
    expect(() => install({ backupStorage: { ...STORAGE, ...storage } })).toThrow(message);
  });

  it('rejects a second default location and a repeated name', () => {
    const { installation } = install();
    expect(() =>
      installation.addBackupStorageLocation('second', { ...STORAGE, container: 'second', default: true }),
    ).toThrow(
      rejected(
        'test/velero/second',
        'default',
        'true',
        'false: test/velero/BackupStorageLocation is already the default location of test/velero',
      ),
    );
    expect(() =>
      installation.addBackupStorageLocation('again', { ...STORAGE, container: 'again', name: 'default' }),
    ).toThrow(
      rejected('test/velero/again', 'name', '"default"', 'a name not used by test/velero/BackupStorageLocation'),
    );
  });

  it('rejects a read-only location that a key could write to', () => {
    const { installation } = install({ auth: ACCOUNT_KEY });
    expect(() =>
      installation.addBackupStorageLocation('ro', { ...STORAGE, container: 'readonly', readOnly: true }),
    ).toThrow(
      rejected('test/velero/ro', 'readOnly', 'true', 'false with a storage account key: a key can always write'),
    );
  });
});

describe('VolumeSnapshotLocation', () => {
  it('renders only config keys the plugin snapshotter reads (not activeDirectoryAuthorityURI, which its docs list)', () => {
    // VolumeSnapshotter.Init of the plugin (v1.14, azure/volume_snapshotter.go), written out from the plugin.
    const pluginKeys = ['apiTimeout', 'incremental', 'resourceGroup', 'subscriptionId', 'tags'];
    const vsl = synthInstall({
      volumeSnapshots: {
        resourceGroup: 'rg-snapshots',
        subscriptionId: '44444444-4444-4444-4444-444444444444',
        incremental: false,
        tags: { backup: 'velero' },
        apiTimeout: '5m',
      },
    }).one('VolumeSnapshotLocation');
    expect(Object.keys(vsl.spec.config).sort()).toEqual(pluginKeys);
  });

  it('defaults to incremental snapshots in the named resource group', () => {
    const { one, installation } = synthInstall({ volumeSnapshots: { resourceGroup: 'rg-snapshots' } });
    const vsl = one('VolumeSnapshotLocation');
    expect(vsl.metadata).toEqual({
      name: 'default',
      namespace: 'velero',
      labels: { component: 'velero', 'aks-stateful.io/needs-crds': 'velero.io' },
    });
    expect(vsl.spec).toEqual({ provider: 'azure', config: { resourceGroup: 'rg-snapshots', incremental: 'true' } });
    expect(installation.volumeSnapshotLocation?.resourceGroup).toBe('rg-snapshots');
  });

  it('works with a service principal and lists its roles', () => {
    const { installation, one } = synthInstall({
      auth: SERVICE_PRINCIPAL,
      volumeSnapshots: { resourceGroup: 'rg-snapshots', subscriptionId: '44444444-4444-4444-4444-444444444444' },
    });
    expect(one('VolumeSnapshotLocation').spec.config.subscriptionId).toBe('44444444-4444-4444-4444-444444444444');
    expect(installation.roleAssignments.slice(2)).toEqual([
      { role: 'Contributor', scope: { type: 'resourceGroup', resourceGroup: NODE_RG } },
      { role: 'Contributor', scope: { type: 'resourceGroup', resourceGroup: 'rg-snapshots' } },
    ]);
  });

  const cases: Array<[string, Partial<ArkVolumeSnapshotOptions>, RegExp]> = [
    [
      'a missing resource group',
      { resourceGroup: undefined },
      rejected(
        'test/velero/VolumeSnapshotLocation',
        'volumeSnapshots.resourceGroup',
        '(unset)',
        'preferably outside the node resource group',
      ),
    ],
    [
      'a bad resource group',
      { resourceGroup: 'rg.' },
      rejected('test/velero/VolumeSnapshotLocation', 'volumeSnapshots.resourceGroup', '"rg."', 'a resource group name'),
    ],
    [
      'activeDirectoryAuthorityURI',
      { config: { activeDirectoryAuthorityURI: 'https://login.microsoftonline.us/' } },
      rejected(
        'test/velero/VolumeSnapshotLocation',
        'volumeSnapshots.config key',
        '"activeDirectoryAuthorityURI"',
        'one of resourceGroup, subscriptionId, incremental, tags, apiTimeout',
      ),
    ],
    [
      'a key a prop sets',
      { config: { incremental: 'false' } },
      rejected(
        'test/velero/VolumeSnapshotLocation',
        'volumeSnapshots.config key',
        '"incremental"',
        'set it with incremental',
      ),
    ],
    [
      'an apiTimeout that is not a Go duration',
      { apiTimeout: '5 minutes' },
      rejected(
        'test/velero/VolumeSnapshotLocation',
        'volumeSnapshots.apiTimeout',
        '"5 minutes"',
        'a positive Go duration like "5m"',
      ),
    ],
    [
      'a zero apiTimeout',
      { apiTimeout: '0s' },
      rejected('test/velero/VolumeSnapshotLocation', 'volumeSnapshots.apiTimeout', '"0s"', 'a positive Go duration'),
    ],
    [
      'a tag with a comma',
      { tags: { team: 'a,b' } },
      rejected('test/velero/VolumeSnapshotLocation', 'volumeSnapshots.tags["team"]', '"a,b"', "without ',' or '='"),
    ],
    [
      'a subscription',
      { subscriptionId: 'other' },
      rejected('test/velero/VolumeSnapshotLocation', 'volumeSnapshots.subscriptionId', '"other"', 'a GUID'),
    ],
    [
      'a role',
      { role: '' },
      rejected(
        'test/velero/VolumeSnapshotLocation',
        'volumeSnapshots.role',
        '""',
        "'Contributor' or the name of a custom role",
      ),
    ],
    [
      'a name',
      { name: 'Disks' },
      rejected('test/velero/VolumeSnapshotLocation', 'volumeSnapshots.name', '"Disks"', 'a DNS-1123 subdomain'),
    ],
  ];
  it.each(cases)('rejects %s', (_, snapshots, message) => {
    expect(() =>
      install({ volumeSnapshots: { resourceGroup: 'rg-snapshots', ...snapshots } as ArkVolumeSnapshotOptions }),
    ).toThrow(message);
  });
});

describe('Velero custom resources and the CRD job', () => {
  it('come after the CRD job, and carry the label that lets kubectl apply them in a second pass', () => {
    const { objects, installation } = synthInstall({ volumeSnapshots: { resourceGroup: 'rg-snapshots' } }, (i) =>
      i.addSchedule('daily', { schedule: '@daily' }),
    );
    const jobAt = objects.findIndex((o) => o.kind === 'Job');
    const custom = objects.filter((o) => o.apiVersion === 'velero.io/v1');
    expect(custom.map((o) => o.kind)).toEqual(['BackupStorageLocation', 'VolumeSnapshotLocation', 'Schedule']);
    for (const o of custom) {
      expect(objects.indexOf(o)).toBeGreaterThan(jobAt);
      expect(o.metadata.labels['aks-stateful.io/needs-crds']).toBe('velero.io');
    }
    // Only the custom resources carry it.
    expect(objects.filter((o) => o.metadata.labels?.['aks-stateful.io/needs-crds'])).toHaveLength(3);
    // The construct tree records the edge too (the Pulumi layer turns it into dependsOn).
    expect(installation.backupStorageLocation.apiObject.node.dependencies).toContain(installation.crdJob);
  });

  it('keeps Ark objects apart from a second installation in another namespace', () => {
    const chart = Testing.chart();
    new ArkInstallation(chart, 'a', BASE);
    new ArkInstallation(chart, 'b', {
      ...BASE,
      namespace: 'velero-dr',
      backupStorage: { ...STORAGE, container: 'velero-dr' },
    });
    const names = synthValid(chart)
      .filter((o) => !o.metadata.namespace)
      .map((o) => `${o.kind}/${o.metadata.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'ClusterRoleBinding/velero',
        'ClusterRoleBinding/velero-velero-dr',
        'ClusterRole/velero-velero-dr-install-crds',
      ]),
    );
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('labels, annotations and apiObject on the Velero constructs', () => {
  it('puts labels and annotations on the locations (the library labels win) and names the main objects apiObject', () => {
    const { installation, objects } = synthLocationsWithMetadata();
    const bsl = objects.find((o: any) => o.kind === 'BackupStorageLocation' && o.metadata.name === 'archive');
    expect(bsl.metadata.labels).toMatchObject({ team: 'ops', component: 'velero' });
    expect(bsl.metadata.annotations).toEqual({ 'example.com/owner': 'ops' });
    const vsl = objects.find((o: any) => o.kind === 'VolumeSnapshotLocation');
    expect(vsl.metadata.labels).toMatchObject({ team: 'snapshots', component: 'velero' });
    expect(installation.apiObject).toBe(installation.deployment);
    expect(installation.apiObject.kind).toBe('Deployment');
  });

  it('refuses labels that are not a record of label keys', () => {
    const { installation } = install({});
    expect(() =>
      installation.addBackupStorageLocation('bad', { ...STORAGE, container: 'bad', labels: 'abc' as never }),
    ).toThrow(/labels "abc" is not allowed/);
  });
});

function synthLocationsWithMetadata() {
  return synthInstall({ volumeSnapshots: { resourceGroup: 'rg-snapshots', labels: { team: 'snapshots' } } }, (i) => {
    i.addBackupStorageLocation('archive', {
      ...STORAGE,
      container: 'archive',
      name: 'archive',
      labels: { team: 'ops', component: 'mine' },
      annotations: { 'example.com/owner': 'ops' },
    });
  });
}
