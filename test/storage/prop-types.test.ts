/**
 * Props as JavaScript callers and config files pass them (issue 12): wrong types are refused with a
 * validation error naming the prop, never read by truthiness, never rendered as given.
 */
import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import {
  AzureDiskSnapshotClass,
  AzureDiskStorageClass,
  AzureFileSnapshotClass,
  AzureFileStorageClass,
  AzureVolumeClaim,
  ClaimFromSnapshot,
  ClonedClaim,
  StaticAzureFileShare,
  VolumeSnapshot,
} from '../../lib';
import { rejected } from '../support/expectations';

const chart = () => new Chart(Testing.app(), 'test', { namespace: 'apps' });
const js = (value: unknown) => value as never;
const BOOLEAN = 'true or false (a boolean, not a string)';

describe('booleans are never read by truthiness', () => {
  it.each([
    ['AzureDiskStorageClass', (c: Chart, p: object) => new AzureDiskStorageClass(c, 'x', p)],
    ['AzureFileStorageClass', (c: Chart, p: object) => new AzureFileStorageClass(c, 'x', p)],
    ['AzureDiskSnapshotClass', (c: Chart, p: object) => new AzureDiskSnapshotClass(c, 'x', p)],
    ['AzureFileSnapshotClass', (c: Chart, p: object) => new AzureFileSnapshotClass(c, 'x', p)],
  ])("%s: isDefaultClass 'false' does not make the class the cluster default", (_name, build) => {
    expect(() => build(chart(), { isDefaultClass: js('false') })).toThrow(
      rejected('test/x', 'isDefaultClass', '"false"', BOOLEAN),
    );
  });

  it('refuses string booleans for expansion, private endpoints, incremental snapshots and read-only shares', () => {
    expect(() => new AzureDiskStorageClass(chart(), 'x', { allowVolumeExpansion: js('false') })).toThrow(
      rejected('test/x', 'allowVolumeExpansion', '"false"', BOOLEAN),
    );
    expect(() => new AzureFileStorageClass(chart(), 'x', { privateEndpoint: js('false') })).toThrow(
      rejected('test/x', 'privateEndpoint', '"false"', BOOLEAN),
    );
    expect(() => new AzureDiskSnapshotClass(chart(), 'x', { incremental: js('no') })).toThrow(
      rejected('test/x', 'incremental', '"no"', BOOLEAN),
    );
    expect(
      () =>
        new StaticAzureFileShare(chart(), 'x', {
          storageAccount: 'files01',
          shareName: 'media',
          size: '10Gi',
          readOnly: js('false'),
        }),
    ).toThrow(rejected('test/x', 'readOnly', '"false"', BOOLEAN));
  });
});

describe('strings where arrays or records are meant', () => {
  it('refuses a mount option string and tags given as a string', () => {
    expect(() => new AzureFileStorageClass(chart(), 'x', { extraMountOptions: js('nconnect=4') })).toThrow(
      rejected('test/x', 'extraMountOptions', '"nconnect=4"', 'an array'),
    );
    // Read key by key, 'abc' rendered the disk tags "0=a,1=b,2=c".
    expect(() => new AzureDiskStorageClass(chart(), 'x', { tags: js('abc') })).toThrow(
      rejected('test/x', 'tags', '"abc"', 'an object of keys to values'),
    );
    expect(() => new AzureFileStorageClass(chart(), 'x', { smb: js('uid=1000') })).toThrow(
      rejected('test/x', 'smb', '"uid=1000"', 'an object of keys to values'),
    );
  });
});

describe('objects where constructs are meant', () => {
  const disk = (c: Chart) =>
    new AzureVolumeClaim(c, 'source', { size: '10Gi', storageClass: new AzureDiskStorageClass(c, 'd') });

  it('names the source of a clone, not a size the user never gave', () => {
    expect(() => new ClonedClaim(chart(), 'clone', { source: js('source-disk') })).toThrow(
      rejected('test/clone', 'source', '"source-disk"', 'an AzureVolumeClaim'),
    );
  });

  it('names the snapshot of a restored claim and the claim of a snapshot', () => {
    expect(() => new ClaimFromSnapshot(chart(), 'restored', { snapshot: js('snap') })).toThrow(
      rejected('test/restored', 'snapshot', '"snap"', 'a VolumeSnapshot construct'),
    );
    expect(() => new VolumeSnapshot(chart(), 'snap', { claim: js('data'), snapshotClass: 'x' })).toThrow(
      rejected('test/snap', 'claim', '"data"', 'an AzureVolumeClaim'),
    );
    const c = chart();
    expect(() => new VolumeSnapshot(c, 'snap', { claim: disk(c), snapshotClass: js(null) })).toThrow(
      rejected('test/snap', 'snapshotClass', 'null', 'a VolumeSnapshotClass name or a snapshot class construct'),
    );
  });

  it('refuses a look-alike storage class object and a null class', () => {
    const fake = { name: 'fast', driver: 'disk.csi.azure.com', supportedAccessModes: ['ReadWriteMany'] };
    expect(() => new AzureVolumeClaim(chart(), 'x', { size: '10Gi', storageClass: js(fake) })).toThrow(
      rejected('test/x', 'storageClass', JSON.stringify(fake), 'a storage class'),
    );
    expect(() => new AzureVolumeClaim(chart(), 'x', { size: '10Gi', storageClass: js(null) })).toThrow(
      rejected('test/x', 'storageClass', 'null', 'a storage class'),
    );
    const c = chart();
    expect(() => new ClonedClaim(c, 'clone', { source: disk(c), storageClass: js(null) })).toThrow(
      rejected('test/clone', 'storageClass', 'null', 'a storage class'),
    );
  });
});

describe('deprecated label and annotation keys are never emitted', () => {
  it('refuses them on the classes and the claims', () => {
    const zone = { 'failure-domain.beta.kubernetes.io/zone': 'westeurope-1' };
    expect(() => new AzureFileStorageClass(chart(), 'x', { labels: zone })).toThrow(
      rejected('test/x', 'labels', '"failure-domain.beta.kubernetes.io/zone"', 'use topology.kubernetes.io/zone'),
    );
    expect(() => new AzureDiskStorageClass(chart(), 'x', { labels: zone })).toThrow(/labels "failure-domain/);
    const c = chart();
    const storageClass = new AzureDiskStorageClass(c, 'd');
    expect(
      () =>
        new AzureVolumeClaim(c, 'claim', {
          size: '10Gi',
          storageClass,
          annotations: { 'volume.beta.kubernetes.io/storage-class': 'fast' },
        }),
    ).toThrow(
      rejected('test/claim', 'annotations', '"volume.beta.kubernetes.io/storage-class"', 'use spec.storageClassName'),
    );
  });
});
