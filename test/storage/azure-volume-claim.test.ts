import { Chart, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { describe, expect, it } from 'vitest';
import {
  AzureDiskStorageClass,
  AzureFileStorageClass,
  AzureVolumeClaim,
  ClonedClaim,
  StaticAzureFileShare,
  RawBlockClaim,
  StorageSize,
  attachRawBlockDevice,
} from '../../lib';
import { synthValid } from '../support/validate-manifests';

function chart() {
  return new Chart(Testing.app(), 'test', { namespace: 'apps' });
}

const byKind = (objects: any[], kind: string) => objects.filter((o) => o.kind === kind);

describe('AzureVolumeClaim', () => {
  it('defaults to a ReadWriteOnce filesystem claim on the given class', () => {
    const c = chart();
    const storageClass = new AzureDiskStorageClass(c, 'disk');
    const claim = new AzureVolumeClaim(c, 'data', { size: '10Gi', storageClass });
    const [pvc] = byKind(synthValid(c), 'PersistentVolumeClaim');
    expect(pvc.metadata).toEqual({ name: claim.name, namespace: 'apps' });
    expect(pvc.spec).toEqual({
      storageClassName: storageClass.name,
      accessModes: ['ReadWriteOnce'],
      volumeMode: 'Filesystem',
      resources: { requests: { storage: '10Gi' } },
    });
    expect(claim.namespace).toBe('apps');
    expect(claim.size.equals(StorageSize.gibibytes(10))).toBe(true);
  });

  it('takes a class by name, a typed size, labels, an access mode and a data source', () => {
    const c = chart();
    new AzureVolumeClaim(c, 'data', {
      name: 'restored',
      size: StorageSize.tebibytes(1),
      storageClass: 'managed-csi-premium',
      accessMode: 'ReadWriteOncePod',
      labels: { app: 'db' },
      dataSource: { kind: 'VolumeSnapshot', name: 'nightly' },
    });
    const [pvc] = synthValid(c);
    expect(pvc.metadata).toMatchObject({ name: 'restored', labels: { app: 'db' } });
    expect(pvc.spec).toMatchObject({
      storageClassName: 'managed-csi-premium',
      accessModes: ['ReadWriteOncePod'],
      resources: { requests: { storage: '1Ti' } },
      dataSource: { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 'nightly' },
    });
  });

  it('mounts into cdk8s-plus pods through toVolume()', () => {
    const c = chart();
    const claim = new AzureVolumeClaim(c, 'data', {
      name: 'data',
      size: '1Gi',
      storageClass: new AzureDiskStorageClass(c, 'disk'),
    });
    const pod = new kplus.Pod(c, 'pod', { containers: [{ image: 'busybox:1.37', securityContext: { user: 1000 } }] });
    pod.containers[0].mount('/data', claim.toVolume());
    expect(claim.toVolume()).toBe(claim.toVolume());
    const [podObject] = byKind(synthValid(c), 'Pod');
    expect(podObject.spec.volumes).toEqual([
      { name: 'pvc-data', persistentVolumeClaim: { claimName: 'data', readOnly: false } },
    ]);
    expect(podObject.spec.containers[0].volumeMounts).toEqual([{ mountPath: '/data', name: 'pvc-data' }]);
  });

  it('is cdk8s-plus storage: a Deployment mounts claims, a static share and a restored claim with container.mount', () => {
    const c = chart();
    const disk = new AzureDiskStorageClass(c, 'disk');
    const data = new AzureVolumeClaim(c, 'data', { name: 'data', size: Size.gibibytes(10), storageClass: disk });
    const restored = new ClonedClaim(c, 'copy', { name: 'copy', source: data });
    const share = new StaticAzureFileShare(c, 'share', {
      storageAccount: 'teamfiles01',
      shareName: 'reports',
      size: Size.gibibytes(100),
      claimName: 'reports',
    });
    const deployment = new kplus.Deployment(c, 'web', {
      replicas: 1,
      strategy: kplus.DeploymentStrategy.recreate(),
      containers: [{ image: 'nginx:1.27', securityContext: { user: 1000 } }],
    });
    const container = deployment.containers[0];
    container.mount('/data', data);
    container.mount('/copy', restored);
    container.mount('/reports', share, { readOnly: true });
    const objects = synthValid(c);
    const [dep] = byKind(objects, 'Deployment');
    expect(dep.spec.template.spec.volumes).toEqual([
      { name: 'pvc-data', persistentVolumeClaim: { claimName: 'data', readOnly: false } },
      { name: 'pvc-copy', persistentVolumeClaim: { claimName: 'copy', readOnly: false } },
      { name: 'pvc-reports', persistentVolumeClaim: { claimName: 'reports', readOnly: false } },
    ]);
    expect(dep.spec.template.spec.containers[0].volumeMounts).toEqual([
      { mountPath: '/data', name: 'pvc-data' },
      { mountPath: '/copy', name: 'pvc-copy' },
      { mountPath: '/reports', name: 'pvc-reports', readOnly: true },
    ]);
    const pvc = byKind(objects, 'PersistentVolumeClaim').find((o) => o.metadata.name === 'data');
    expect(pvc.spec.resources.requests.storage).toBe('10Gi');
  });

  it('puts labels and annotations on the claim', () => {
    const c = chart();
    new AzureVolumeClaim(c, 'data', {
      size: '1Gi',
      storageClass: 'managed-csi',
      labels: { tier: 'db' },
      annotations: { 'example.com/owner': 'team-a' },
    });
    const [pvc] = synthValid(c);
    expect(pvc.metadata.labels).toEqual({ tier: 'db' });
    expect(pvc.metadata.annotations).toEqual({ 'example.com/owner': 'team-a' });
    expect(
      () =>
        new AzureVolumeClaim(chart(), 'data', {
          size: '1Gi',
          storageClass: 'managed-csi',
          annotations: { 'bad key!': 'x' },
        }),
    ).toThrow(/^test\/data: annotations key "bad key!" is not allowed/);
  });

  describe('rejects what the class cannot do', () => {
    const cases: Array<[string, (c: Chart) => void, RegExp]> = [
      [
        'a size in decimal units',
        (c) => new AzureVolumeClaim(c, 'data', { size: '10 GB', storageClass: 'x' }),
        /^test\/data: size "10 GB" is not allowed: a positive whole number with a binary unit/,
      ],
      [
        'a size that is not whole GiB',
        (c) => new AzureVolumeClaim(c, 'data', { size: '1536Mi', storageClass: new AzureDiskStorageClass(c, 'disk') }),
        /^test\/data: size "1536Mi" is not allowed: a whole number of GiB/,
      ],
      [
        'ReadWriteMany on an unshared disk',
        (c) =>
          new AzureVolumeClaim(c, 'data', {
            size: '1Gi',
            accessMode: 'ReadWriteMany',
            storageClass: new AzureDiskStorageClass(c, 'disk'),
          }),
        /^test\/data: accessMode "ReadWriteMany" is not allowed: one of ReadWriteOnce, ReadWriteOncePod with class .*: an Azure Disk attaches to one node at a time/,
      ],
      [
        'a shared disk mounted as a filesystem',
        (c) =>
          new AzureVolumeClaim(c, 'data', {
            size: '256Gi',
            accessMode: 'ReadWriteMany',
            storageClass: new AzureDiskStorageClass(c, 'disk', { sku: 'Premium_LRS', maxShares: 2 }),
          }),
        /accessMode "ReadWriteMany" is not allowed: ReadWriteOnce for a Filesystem disk: a shared disk mounted as a filesystem on several nodes corrupts it/,
      ],
      [
        'a raw block Azure Files claim',
        (c) =>
          new AzureVolumeClaim(c, 'data', {
            size: '1Gi',
            volumeMode: 'Block',
            storageClass: new AzureFileStorageClass(c, 'files'),
          }),
        /volumeMode "Block" is not allowed: 'Filesystem' with class .*: Azure Files shares cannot be raw block devices/,
      ],
      [
        'a bad access mode',
        (c) => new AzureVolumeClaim(c, 'data', { size: '1Gi', accessMode: 'RWO' as never, storageClass: 'x' }),
        /accessMode "RWO" is not allowed: one of ReadWriteOnce, ReadWriteOncePod, ReadOnlyMany, ReadWriteMany/,
      ],
      [
        'a bad volume mode',
        (c) => new AzureVolumeClaim(c, 'data', { size: '1Gi', volumeMode: 'Raw' as never, storageClass: 'x' }),
        /volumeMode "Raw" is not allowed: one of Filesystem, Block/,
      ],
      [
        'a bad class name',
        (c) => new AzureVolumeClaim(c, 'data', { size: '1Gi', storageClass: 'Managed CSI' }),
        /storageClass "Managed CSI" is not allowed: a DNS-1123 subdomain/,
      ],
      [
        'a bad data source kind',
        (c) =>
          new AzureVolumeClaim(c, 'data', {
            size: '1Gi',
            storageClass: 'x',
            dataSource: { kind: 'Backup' as never, name: 'b' },
          }),
        /dataSource.kind "Backup" is not allowed: one of VolumeSnapshot, PersistentVolumeClaim/,
      ],
      [
        'a bad claim name',
        (c) => new AzureVolumeClaim(c, 'data', { name: 'Data', size: '1Gi', storageClass: 'x' }),
        /name "Data" is not allowed: a DNS-1123 subdomain/,
      ],
    ];
    it.each(cases)('%s', (_, build, message) => {
      expect(() => build(chart())).toThrow(message);
    });
  });
});

describe('RawBlockClaim and attachRawBlockDevice', () => {
  it('renders a Block claim and a pod that sees it as a device', () => {
    const c = chart();
    const storageClass = new AzureDiskStorageClass(c, 'disk', { sku: 'Premium_LRS' });
    const claim = new RawBlockClaim(c, 'block', { name: 'raw', size: '8Gi', storageClass });
    const other = new RawBlockClaim(c, 'block2', { name: 'raw2', size: '8Gi', storageClass });
    const pod = new kplus.Pod(c, 'pod', { containers: [{ image: 'busybox:1.37', securityContext: { user: 1000 } }] });
    attachRawBlockDevice(pod, claim, { devicePath: '/dev/xvda' });
    attachRawBlockDevice(pod, other, { devicePath: '/dev/xvdb', container: pod.containers[0] });
    const objects = synthValid(c);
    expect(byKind(objects, 'PersistentVolumeClaim')[0].spec.volumeMode).toBe('Block');
    const [podObject] = byKind(objects, 'Pod');
    expect(podObject.spec.containers[0].volumeDevices).toEqual([
      { name: 'pvc-raw', devicePath: '/dev/xvda' },
      { name: 'pvc-raw2', devicePath: '/dev/xvdb' },
    ]);
    expect(podObject.spec.containers[0].volumeMounts).toBeUndefined();
    expect(podObject.spec.volumes.map((v: any) => v.persistentVolumeClaim.claimName)).toEqual(['raw', 'raw2']);
  });

  it('patches the pod template of workloads', () => {
    const c = chart();
    const claim = new RawBlockClaim(c, 'block', {
      name: 'raw',
      size: '8Gi',
      storageClass: new AzureDiskStorageClass(c, 'disk'),
    });
    // Recreate: a rolling update's extra pod could not attach the disk (the app-wide check refuses it).
    const deployment = new kplus.Deployment(c, 'app', {
      replicas: 1,
      strategy: kplus.DeploymentStrategy.recreate(),
      containers: [{ image: 'busybox:1.37', securityContext: { user: 1000 } }],
    });
    attachRawBlockDevice(deployment, claim, { devicePath: '/dev/data' });
    const [dep] = byKind(synthValid(c), 'Deployment');
    expect(dep.spec.template.spec.containers[0].volumeDevices).toEqual([{ name: 'pvc-raw', devicePath: '/dev/data' }]);
  });

  it('rejects filesystem claims, bad paths, duplicate paths and foreign containers', () => {
    const c = chart();
    const storageClass = new AzureDiskStorageClass(c, 'disk');
    const block = new RawBlockClaim(c, 'block', { size: '8Gi', storageClass });
    const fs = new AzureVolumeClaim(c, 'fs', { size: '8Gi', storageClass });
    const pod = new kplus.Pod(c, 'pod', { containers: [{ image: 'busybox:1.37' }] });
    const otherPod = new kplus.Pod(c, 'other', { containers: [{ image: 'busybox:1.37' }] });
    expect(() => attachRawBlockDevice(pod, fs, { devicePath: '/dev/x' })).toThrow(
      /^test\/pod: claim ".*" is not allowed: a claim with volumeMode 'Block'/,
    );
    expect(() => attachRawBlockDevice(pod, block, { devicePath: 'dev/x' })).toThrow(
      /^test\/pod: devicePath "dev\/x" is not allowed: an absolute path/,
    );
    expect(() => attachRawBlockDevice(pod, block, { devicePath: '/dev/x', container: otherPod.containers[0] })).toThrow(
      /^test\/pod: container .* is not allowed: a container of test\/pod/,
    );
    attachRawBlockDevice(pod, block, { devicePath: '/dev/x' });
    expect(() => attachRawBlockDevice(pod, block, { devicePath: '/dev/x' })).toThrow(
      /devicePath "\/dev\/x" is not allowed: a path not used by another device/,
    );
    expect(
      () => new RawBlockClaim(c, 'files-block', { size: '8Gi', storageClass: new AzureFileStorageClass(c, 'files') }),
    ).toThrow(/Azure Files shares cannot be raw block devices/);
  });
});
