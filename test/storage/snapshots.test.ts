import { App, Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import {
  AzureDiskSnapshotClass,
  AzureDiskSnapshotClassProps,
  AzureDiskStorageClass,
  AzureFileSnapshotClass,
  AzureFileStorageClass,
  AzureSnapshotClassProps,
  AzureVolumeClaim,
  ClaimFromSnapshot,
  ClonedClaim,
  StorageSize,
  VolumeSnapshot,
} from '../../lib';
import { rejected } from '../support/expectations';
import { synthValid } from '../support/validate-manifests';

/**
 * A chart `test` (namespace `apps` unless given; `null` for none) with a Premium SSD class and a 64Gi disk claim
 * `data`, a standard SMB file class and a 10Gi claim `shared`, and one snapshot class per driver.
 */
function fixture(app: App = Testing.app(), id = 'test', namespace: string | null = 'apps') {
  const chart = new Chart(app, id, { namespace: namespace ?? undefined });
  const diskClass = new AzureDiskStorageClass(chart, 'disk', { name: 'premium-disk', sku: 'Premium_LRS' });
  const fileClass = new AzureFileStorageClass(chart, 'files', { name: 'standard-files' });
  const diskSnapshots = new AzureDiskSnapshotClass(chart, 'disk-snapshots', { name: 'disk-snapshots' });
  const fileSnapshots = new AzureFileSnapshotClass(chart, 'file-snapshots', { name: 'file-snapshots' });
  const disk = new AzureVolumeClaim(chart, 'data', { name: 'data', size: '64Gi', storageClass: diskClass });
  const files = new AzureVolumeClaim(chart, 'shared', {
    name: 'shared',
    size: '10Gi',
    storageClass: fileClass,
    accessMode: 'ReadWriteMany',
  });
  return { app, chart, diskClass, fileClass, diskSnapshots, fileSnapshots, disk, files };
}

/** The synthesized object of that kind and name. */
function find(objects: any[], kind: string, name: string): any {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  expect(found, `${kind}/${name}`).toHaveLength(1);
  return found[0];
}

/** A snapshot class alone in a namespaced chart, synthesized and validated. */
function synthSnapshotClass<T extends { name: string }>(make: (chart: Chart) => T) {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'apps' });
  const cls = make(chart);
  const objects = synthValid(chart);
  expect(objects).toHaveLength(1);
  return { cls, object: objects[0] };
}

describe('AzureDiskSnapshotClass', () => {
  it('defaults to incremental snapshots that are retained, with no namespace in a namespaced chart', () => {
    const { cls, object } = synthSnapshotClass((chart) => new AzureDiskSnapshotClass(chart, 'snapshots'));
    expect(object).toEqual({
      apiVersion: 'snapshot.storage.k8s.io/v1',
      kind: 'VolumeSnapshotClass',
      metadata: { name: cls.name },
      driver: 'disk.csi.azure.com',
      deletionPolicy: 'Retain',
      parameters: { incremental: 'true' },
    });
    expect(cls.driver).toBe('disk.csi.azure.com');
    expect(cls.resourceGroup).toBeUndefined();
  });

  it('renders every option', () => {
    const props: Required<AzureDiskSnapshotClassProps> = {
      name: 'azuredisk-full',
      labels: { team: 'platform' },
      annotations: { 'example.com/owner': 'platform' },
      deletionPolicy: 'Delete',
      isDefaultClass: true,
      incremental: false,
      resourceGroup: 'rg-aks-snapshots',
      tags: { owner: 'platform', env: 'prod' },
    };
    const { cls, object } = synthSnapshotClass((chart) => new AzureDiskSnapshotClass(chart, 'snapshots', props));
    expect(object.metadata).toEqual({
      name: 'azuredisk-full',
      labels: { team: 'platform' },
      annotations: { 'example.com/owner': 'platform', 'snapshot.storage.kubernetes.io/is-default-class': 'true' },
    });
    expect(object.deletionPolicy).toBe('Delete');
    expect(object.parameters).toEqual({
      incremental: 'false',
      resourceGroup: 'rg-aks-snapshots',
      tags: 'owner=platform,env=prod',
    });
    expect(cls.name).toBe('azuredisk-full');
    expect(cls.resourceGroup).toBe('rg-aks-snapshots');
  });

  it('leaves out empty tags', () => {
    const { object } = synthSnapshotClass((chart) => new AzureDiskSnapshotClass(chart, 'snapshots', { tags: {} }));
    expect(object.parameters).toEqual({ incremental: 'true' });
  });

  describe('bad input', () => {
    const build = (props: AzureDiskSnapshotClassProps) => () =>
      new AzureDiskSnapshotClass(Testing.chart(), 'snapshots', props);

    it('rejects a bad name and deletion policy', () => {
      expect(build({ name: 'Disk_Snapshots' })).toThrow(
        rejected('test/snapshots', 'name', '"Disk_Snapshots"', 'a DNS-1123 subdomain'),
      );
      expect(build({ deletionPolicy: 'Keep' as never })).toThrow(
        rejected('test/snapshots', 'deletionPolicy', '"Keep"', 'one of Retain, Delete'),
      );
    });

    it.each(['rg.', 'rg with spaces', 'a'.repeat(91), ''])('rejects the resource group name %j', (group) => {
      expect(build({ resourceGroup: group })).toThrow(
        rejected('test/snapshots', 'resourceGroup', JSON.stringify(group), 'a resource group name'),
      );
    });

    it('rejects tags the driver cannot carry', () => {
      expect(build({ tags: { 'a=b': 'x' } })).toThrow(rejected('test/snapshots', 'tags key', '"a=b"', 'a tag name'));
      expect(build({ tags: { owner: 'x,y' } })).toThrow(
        rejected('test/snapshots', 'tags["owner"]', '"x,y"', "without ',' or '='"),
      );
    });
  });
});

describe('AzureFileSnapshotClass', () => {
  it('defaults to retained share snapshots without parameters, with no namespace in a namespaced chart', () => {
    const { cls, object } = synthSnapshotClass((chart) => new AzureFileSnapshotClass(chart, 'snapshots'));
    expect(object).toEqual({
      apiVersion: 'snapshot.storage.k8s.io/v1',
      kind: 'VolumeSnapshotClass',
      metadata: { name: cls.name },
      driver: 'file.csi.azure.com',
      deletionPolicy: 'Retain',
    });
    expect(cls.driver).toBe('file.csi.azure.com');
  });

  it('renders every option', () => {
    const props: Required<AzureSnapshotClassProps> = {
      name: 'azurefile-snapshots',
      labels: { team: 'platform' },
      annotations: { 'example.com/owner': 'platform' },
      deletionPolicy: 'Delete',
      isDefaultClass: true,
    };
    const { cls, object } = synthSnapshotClass((chart) => new AzureFileSnapshotClass(chart, 'snapshots', props));
    expect(object.metadata).toEqual({
      name: 'azurefile-snapshots',
      labels: { team: 'platform' },
      annotations: { 'example.com/owner': 'platform', 'snapshot.storage.kubernetes.io/is-default-class': 'true' },
    });
    expect(object.deletionPolicy).toBe('Delete');
    expect(cls.name).toBe('azurefile-snapshots');
  });

  it('rejects a bad name and deletion policy', () => {
    const build = (props: AzureSnapshotClassProps) => () =>
      new AzureFileSnapshotClass(Testing.chart(), 'snapshots', props);
    expect(build({ name: 'files.' })).toThrow(rejected('test/snapshots', 'name', '"files."', 'a DNS-1123 subdomain'));
    expect(build({ deletionPolicy: 'retain' as never })).toThrow(
      rejected('test/snapshots', 'deletionPolicy', '"retain"', 'one of Retain, Delete'),
    );
  });
});

describe('VolumeSnapshot', () => {
  it('snapshots a disk claim in its namespace with the given class', () => {
    const { chart, disk, diskSnapshots } = fixture();
    const snapshot = new VolumeSnapshot(chart, 'snapshot', { claim: disk, snapshotClass: diskSnapshots });
    const object = find(synthValid(chart), 'VolumeSnapshot', snapshot.name);
    expect(object).toEqual({
      apiVersion: 'snapshot.storage.k8s.io/v1',
      kind: 'VolumeSnapshot',
      metadata: { name: snapshot.name, namespace: 'apps' },
      spec: { volumeSnapshotClassName: 'disk-snapshots', source: { persistentVolumeClaimName: 'data' } },
    });
    expect(snapshot.namespace).toBe('apps');
    expect(snapshot.sourceClaim).toBe(disk);
  });

  it('snapshots a file claim with a file snapshot class, under the given name', () => {
    const { chart, files, fileSnapshots } = fixture();
    const snapshot = new VolumeSnapshot(chart, 'snapshot', {
      name: 'shared-before-upgrade',
      claim: files,
      snapshotClass: fileSnapshots,
    });
    const object = find(synthValid(chart), 'VolumeSnapshot', 'shared-before-upgrade');
    expect(snapshot.name).toBe('shared-before-upgrade');
    expect(object.spec).toEqual({
      volumeSnapshotClassName: 'file-snapshots',
      source: { persistentVolumeClaimName: 'shared' },
    });
  });

  it('uses the default namespace in a chart without one', () => {
    const { chart, disk, diskSnapshots } = fixture(Testing.app(), 'test', null);
    const snapshot = new VolumeSnapshot(chart, 'snapshot', { claim: disk, snapshotClass: diskSnapshots });
    expect(snapshot.namespace).toBe('default');
    expect(find(synthValid(chart), 'VolumeSnapshot', snapshot.name).metadata.namespace).toBeUndefined();
  });

  it('takes the name of an existing snapshot class as is (its driver cannot be checked)', () => {
    const { chart, disk } = fixture();
    const snapshot = new VolumeSnapshot(chart, 'snapshot', { claim: disk, snapshotClass: 'csi-azuredisk-vsc' });
    expect(find(synthValid(chart), 'VolumeSnapshot', snapshot.name).spec.volumeSnapshotClassName).toBe(
      'csi-azuredisk-vsc',
    );
  });

  describe('bad input', () => {
    it("rejects a snapshot class whose driver is not the claim's", () => {
      const { chart, disk, files, diskSnapshots, fileSnapshots } = fixture();
      expect(() => new VolumeSnapshot(chart, 'disk-snapshot', { claim: disk, snapshotClass: fileSnapshots })).toThrow(
        rejected(
          'test/disk-snapshot',
          'snapshotClass',
          '"file-snapshots"',
          "a snapshot class of driver disk.csi.azure.com (the claim's), not file.csi.azure.com",
        ),
      );
      expect(() => new VolumeSnapshot(chart, 'file-snapshot', { claim: files, snapshotClass: diskSnapshots })).toThrow(
        rejected(
          'test/file-snapshot',
          'snapshotClass',
          '"disk-snapshots"',
          "a snapshot class of driver file.csi.azure.com (the claim's), not disk.csi.azure.com",
        ),
      );
    });

    it('rejects a snapshot of a claim in another namespace', () => {
      const app = Testing.app();
      const { disk, diskSnapshots } = fixture(app, 'db', 'db');
      const other = new Chart(app, 'backup', { namespace: 'backup' });
      expect(() => new VolumeSnapshot(other, 'snapshot', { claim: disk, snapshotClass: diskSnapshots })).toThrow(
        rejected(
          'backup/snapshot',
          'namespace',
          '"backup"',
          `the claim's namespace "db": a snapshot can only be taken of a claim in its own namespace`,
        ),
      );
    });

    it('rejects a bad snapshot name and a bad snapshot class name', () => {
      const { chart, disk } = fixture();
      expect(
        () => new VolumeSnapshot(chart, 'a', { name: 'Nightly', claim: disk, snapshotClass: 'disk-snapshots' }),
      ).toThrow(rejected('test/a', 'name', '"Nightly"', 'a DNS-1123 subdomain'));
      expect(() => new VolumeSnapshot(chart, 'b', { claim: disk, snapshotClass: 'disk_snapshots' })).toThrow(
        rejected('test/b', 'snapshotClass', '"disk_snapshots"', 'a DNS-1123 subdomain'),
      );
    });
  });
});

describe('ClaimFromSnapshot', () => {
  it("restores with the source claim's size, class, access mode and volume mode by default", () => {
    const { chart, disk, diskSnapshots } = fixture();
    const snapshot = new VolumeSnapshot(chart, 'snapshot', {
      name: 'data-snapshot',
      claim: disk,
      snapshotClass: diskSnapshots,
    });
    const restored = new ClaimFromSnapshot(chart, 'restored', { snapshot });
    const object = find(synthValid(chart), 'PersistentVolumeClaim', restored.name);
    expect(object.metadata.namespace).toBe('apps');
    expect(object.spec).toEqual({
      storageClassName: 'premium-disk',
      accessModes: ['ReadWriteOnce'],
      volumeMode: 'Filesystem',
      resources: { requests: { storage: '64Gi' } },
      dataSource: { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 'data-snapshot' },
    });
    expect(restored.size.equals(StorageSize.gibibytes(64))).toBe(true);
    expect(restored.storageClass).toBe(disk.storageClass);
  });

  it('restores a raw block claim as a raw block claim', () => {
    const { chart, diskClass, diskSnapshots } = fixture();
    const device = new AzureVolumeClaim(chart, 'device', {
      size: '32Gi',
      storageClass: diskClass,
      volumeMode: 'Block',
    });
    const snapshot = new VolumeSnapshot(chart, 'snapshot', { claim: device, snapshotClass: diskSnapshots });
    const restored = new ClaimFromSnapshot(chart, 'restored', { snapshot });
    expect(restored.volumeMode).toBe('Block');
    expect(find(synthValid(chart), 'PersistentVolumeClaim', restored.name).spec.volumeMode).toBe('Block');
  });

  it('renders every option: name, a larger size, another class of the same driver, an access mode', () => {
    const { chart, disk, diskSnapshots } = fixture();
    const zrs = new AzureDiskStorageClass(chart, 'zrs', { name: 'premium-zrs', sku: 'Premium_ZRS' });
    const snapshot = new VolumeSnapshot(chart, 'snapshot', {
      name: 'data-snapshot',
      claim: disk,
      snapshotClass: diskSnapshots,
    });
    new ClaimFromSnapshot(chart, 'restored', {
      snapshot,
      name: 'restored-data',
      size: '128Gi',
      storageClass: zrs,
      accessMode: 'ReadWriteOncePod',
    });
    const object = find(synthValid(chart), 'PersistentVolumeClaim', 'restored-data');
    expect(object.spec).toMatchObject({
      storageClassName: 'premium-zrs',
      accessModes: ['ReadWriteOncePod'],
      resources: { requests: { storage: '128Gi' } },
      dataSource: { kind: 'VolumeSnapshot', name: 'data-snapshot' },
    });
  });

  it('restores a file share snapshot into a shared file claim', () => {
    const { chart, files, fileSnapshots } = fixture();
    const snapshot = new VolumeSnapshot(chart, 'snapshot', { claim: files, snapshotClass: fileSnapshots });
    const restored = new ClaimFromSnapshot(chart, 'restored', { snapshot, size: StorageSize.gibibytes(10) });
    const object = find(synthValid(chart), 'PersistentVolumeClaim', restored.name);
    expect(object.spec).toMatchObject({
      storageClassName: 'standard-files',
      accessModes: ['ReadWriteMany'],
      resources: { requests: { storage: '10Gi' } },
    });
  });

  describe('bad input', () => {
    it('rejects a restore smaller than the snapshot source', () => {
      const { chart, disk, diskSnapshots } = fixture();
      const snapshot = new VolumeSnapshot(chart, 'snapshot', { claim: disk, snapshotClass: diskSnapshots });
      expect(() => new ClaimFromSnapshot(chart, 'restored', { snapshot, size: '63Gi' })).toThrow(
        rejected(
          'test/restored',
          'size',
          '"63Gi"',
          'at least 64Gi, the size of the snapshot source claim "data": a volume cannot shrink',
        ),
      );
      expect(
        () => new ClaimFromSnapshot(chart, 'restored-mi', { snapshot, size: StorageSize.mebibytes(65535) }),
      ).toThrow(rejected('test/restored-mi', 'size', '"65535Mi"', 'at least 64Gi'));
    });

    it('rejects "10 GB" and other sizes that are not binary quantities', () => {
      const { chart, files, fileSnapshots } = fixture();
      const snapshot = new VolumeSnapshot(chart, 'snapshot', { claim: files, snapshotClass: fileSnapshots });
      expect(() => new ClaimFromSnapshot(chart, 'restored', { snapshot, size: '10 GB' })).toThrow(
        rejected('test/restored', 'size', '"10 GB"', 'a positive whole number with a binary unit'),
      );
    });

    it('rejects a class of the other driver', () => {
      const { chart, disk, files, fileClass, diskClass, diskSnapshots, fileSnapshots } = fixture();
      const diskSnapshot = new VolumeSnapshot(chart, 'disk-snapshot', { claim: disk, snapshotClass: diskSnapshots });
      expect(
        () => new ClaimFromSnapshot(chart, 'to-files', { snapshot: diskSnapshot, storageClass: fileClass }),
      ).toThrow(
        rejected(
          'test/to-files',
          'storageClass',
          '"standard-files"',
          'a class of driver disk.csi.azure.com: data cannot move between Azure Disks and Azure Files through a snapshot or clone',
        ),
      );
      const fileSnapshot = new VolumeSnapshot(chart, 'file-snapshot', { claim: files, snapshotClass: fileSnapshots });
      expect(
        () => new ClaimFromSnapshot(chart, 'to-disk', { snapshot: fileSnapshot, storageClass: diskClass }),
      ).toThrow(rejected('test/to-disk', 'storageClass', '"premium-disk"', 'a class of driver file.csi.azure.com'));
    });

    it("still applies the target class's rules (premium shares start at 100Gi)", () => {
      const { chart, files, fileSnapshots } = fixture();
      const premium = new AzureFileStorageClass(chart, 'premium', { name: 'premium-files', sku: 'Premium_LRS' });
      const snapshot = new VolumeSnapshot(chart, 'snapshot', { claim: files, snapshotClass: fileSnapshots });
      expect(() => new ClaimFromSnapshot(chart, 'restored', { snapshot, storageClass: premium })).toThrow(
        rejected('test/restored', 'size', '"10Gi"', 'at least 100Gi with class premium-files (Premium_LRS)'),
      );
    });

    it('rejects a restore into another namespace than the snapshot', () => {
      const app = Testing.app();
      const { chart, disk, diskSnapshots } = fixture(app, 'db', 'db');
      const snapshot = new VolumeSnapshot(chart, 'snapshot', { claim: disk, snapshotClass: diskSnapshots });
      const other = new Chart(app, 'restore', { namespace: 'restore' });
      expect(() => new ClaimFromSnapshot(other, 'restored', { snapshot })).toThrow(
        /^restore\/restored: snapshot ".*" is not allowed: a snapshot in namespace "restore": a claim can only be restored from a snapshot in its own namespace/,
      );
    });
  });
});

describe('ClonedClaim', () => {
  it("clones with the source claim's size, class, access mode and volume mode by default", () => {
    const { chart, disk } = fixture();
    const clone = new ClonedClaim(chart, 'clone', { source: disk });
    const object = find(synthValid(chart), 'PersistentVolumeClaim', clone.name);
    expect(object.metadata.namespace).toBe('apps');
    expect(object.spec).toEqual({
      storageClassName: 'premium-disk',
      accessModes: ['ReadWriteOnce'],
      volumeMode: 'Filesystem',
      resources: { requests: { storage: '64Gi' } },
      // A clone's source is a core object: no apiGroup.
      dataSource: { kind: 'PersistentVolumeClaim', name: 'data' },
    });
    expect(clone.namespace).toBe('apps');
  });

  it('clones a raw block claim as a raw block claim, and a shared file claim as a shared file claim', () => {
    const { chart, diskClass, files } = fixture();
    const device = new AzureVolumeClaim(chart, 'device', {
      size: '32Gi',
      storageClass: diskClass,
      volumeMode: 'Block',
    });
    const deviceClone = new ClonedClaim(chart, 'device-clone', { source: device });
    const filesClone = new ClonedClaim(chart, 'files-clone', { source: files });
    const objects = synthValid(chart);
    expect(find(objects, 'PersistentVolumeClaim', deviceClone.name).spec.volumeMode).toBe('Block');
    expect(find(objects, 'PersistentVolumeClaim', filesClone.name).spec).toMatchObject({
      storageClassName: 'standard-files',
      accessModes: ['ReadWriteMany'],
      dataSource: { kind: 'PersistentVolumeClaim', name: 'shared' },
    });
  });

  it('renders every option: name, a larger size, another class of the same driver, an access mode', () => {
    const { chart, disk } = fixture();
    const zrs = new AzureDiskStorageClass(chart, 'zrs', { name: 'premium-zrs', sku: 'Premium_ZRS' });
    new ClonedClaim(chart, 'clone', {
      source: disk,
      name: 'data-copy',
      size: '1Ti',
      storageClass: zrs,
      accessMode: 'ReadWriteOncePod',
    });
    const object = find(synthValid(chart), 'PersistentVolumeClaim', 'data-copy');
    expect(object.spec).toMatchObject({
      storageClassName: 'premium-zrs',
      accessModes: ['ReadWriteOncePod'],
      resources: { requests: { storage: '1Ti' } },
      dataSource: { kind: 'PersistentVolumeClaim', name: 'data' },
    });
  });

  describe('bad input', () => {
    it('rejects a clone smaller than its source', () => {
      const { chart, disk } = fixture();
      expect(() => new ClonedClaim(chart, 'clone', { source: disk, size: '32Gi' })).toThrow(
        rejected(
          'test/clone',
          'size',
          '"32Gi"',
          'at least 64Gi, the size of the source claim "data": a volume cannot shrink',
        ),
      );
    });

    it('rejects "10 GB"', () => {
      const { chart, files } = fixture();
      expect(() => new ClonedClaim(chart, 'clone', { source: files, size: '10 GB' })).toThrow(
        rejected('test/clone', 'size', '"10 GB"', 'a positive whole number with a binary unit'),
      );
    });

    it('rejects a class of the other driver', () => {
      const { chart, disk, files, diskClass, fileClass } = fixture();
      expect(() => new ClonedClaim(chart, 'disk-to-files', { source: disk, storageClass: fileClass })).toThrow(
        rejected(
          'test/disk-to-files',
          'storageClass',
          '"standard-files"',
          'a class of driver disk.csi.azure.com: data cannot move between Azure Disks and Azure Files through a snapshot or clone',
        ),
      );
      expect(() => new ClonedClaim(chart, 'files-to-disk', { source: files, storageClass: diskClass })).toThrow(
        rejected('test/files-to-disk', 'storageClass', '"premium-disk"', 'a class of driver file.csi.azure.com'),
      );
    });

    it('rejects a clone in another namespace than its source', () => {
      const app = Testing.app();
      const { disk } = fixture(app, 'db', 'db');
      const other = new Chart(app, 'staging', { namespace: 'staging' });
      expect(() => new ClonedClaim(other, 'clone', { source: disk })).toThrow(
        rejected(
          'staging/clone',
          'source',
          '"data"',
          `a claim in namespace "staging": a clone must be in its source's namespace`,
        ),
      );
    });

    it("still applies the target class's rules (no ReadWriteMany on a filesystem disk)", () => {
      const { chart, disk } = fixture();
      expect(() => new ClonedClaim(chart, 'clone', { source: disk, accessMode: 'ReadWriteMany' })).toThrow(
        rejected('test/clone', 'accessMode', '"ReadWriteMany"', 'with class premium-disk'),
      );
    });
  });
});
