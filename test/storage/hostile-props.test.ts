/**
 * Every public prop of every public storage construct, made hostile (issue 12): each generated
 * value is either refused with a validation error naming the prop, or synthesizes valid objects.
 */
import * as kplus from 'cdk8s-plus-27';
import { Chart } from 'cdk8s';
import { describe, it } from 'vitest';
import {
  AzureDiskSnapshotClass,
  AzureDiskStorageClass,
  AzureFileSnapshotClass,
  AzureFileStorageClass,
  AzureVolumeClaim,
  ClaimFromSnapshot,
  ClonedClaim,
  RawBlockClaim,
  StaticAzureFileShare,
  VolumeSnapshot,
  attachRawBlockDevice,
} from '../../lib';
import { HostileSubject, assertHostileInputHandled } from '../support/hostile';

const METADATA = ['labels', 'labels.team', 'annotations', 'annotations.note'];
const RUNS = { numRuns: 600 };

function diskClaim(chart: Chart): AzureVolumeClaim {
  const storageClass = new AzureDiskStorageClass(chart, 'disk-class');
  return new AzureVolumeClaim(chart, 'source', { size: '10Gi', storageClass });
}

const subjects: HostileSubject<any>[] = [
  {
    name: 'AzureDiskStorageClass',
    build: (chart, props) => new AzureDiskStorageClass(chart, 'class', props),
    valid: {
      name: 'fast',
      sku: 'PremiumV2_LRS',
      diskIopsReadWrite: 4000,
      diskMbpsReadWrite: 200,
      fsType: 'xfs',
      zones: ['westeurope-1'],
      tags: { team: 'payments' },
      diskEncryptionSetId:
        '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Compute/diskEncryptionSets/des',
      networkAccessPolicy: 'DenyAll',
      resourceGroup: 'disks',
      maxShares: 1,
      isDefaultClass: false,
      allowVolumeExpansion: true,
      volumeBindingMode: 'WaitForFirstConsumer',
      reclaimPolicy: 'Retain',
      labels: { team: 'payments' },
      annotations: { note: 'x' },
    },
    paths: [
      'name',
      'sku',
      'cachingMode',
      'fsType',
      'diskIopsReadWrite',
      'diskMbpsReadWrite',
      'zones',
      'zones.0',
      'tags',
      'tags.team',
      'diskEncryptionSetId',
      'networkAccessPolicy',
      'diskAccessId',
      'resourceGroup',
      'maxShares',
      'isDefaultClass',
      'allowVolumeExpansion',
      'volumeBindingMode',
      'reclaimPolicy',
      ...METADATA,
    ],
  },
  {
    name: 'AzureFileStorageClass',
    build: (chart, props) => new AzureFileStorageClass(chart, 'class', props),
    valid: {
      name: 'files',
      sku: 'Standard_LRS',
      protocol: 'smb',
      smb: { uid: 1000, gid: 1000, dirMode: '0775', fileMode: '0664', actimeo: 30 },
      extraMountOptions: ['nconnect=4'],
      storageAccount: 'files01',
      resourceGroup: 'rg',
      accessTier: 'Hot',
      privateEndpoint: false,
      tags: { team: 'payments' },
      allowVolumeExpansion: true,
      volumeBindingMode: 'Immediate',
      reclaimPolicy: 'Retain',
      isDefaultClass: false,
      labels: { team: 'payments' },
      annotations: { note: 'x' },
    },
    paths: [
      'name',
      'sku',
      'protocol',
      'smb',
      'smb.uid',
      'smb.gid',
      'smb.dirMode',
      'smb.fileMode',
      'smb.actimeo',
      'extraMountOptions',
      'extraMountOptions.0',
      'storageAccount',
      'resourceGroup',
      'accessTier',
      'privateEndpoint',
      'tags',
      'tags.team',
      'allowVolumeExpansion',
      'volumeBindingMode',
      'reclaimPolicy',
      'isDefaultClass',
      ...METADATA,
    ],
  },
  {
    name: 'AzureDiskSnapshotClass',
    build: (chart, props) => new AzureDiskSnapshotClass(chart, 'snapshots', props),
    valid: {
      name: 'incremental',
      deletionPolicy: 'Retain',
      isDefaultClass: false,
      incremental: true,
      resourceGroup: 'snapshots',
      tags: { owner: 'platform' },
      labels: { team: 'payments' },
    },
    paths: [
      'name',
      'deletionPolicy',
      'isDefaultClass',
      'incremental',
      'resourceGroup',
      'tags',
      'tags.owner',
      ...METADATA,
    ],
  },
  {
    name: 'AzureFileSnapshotClass',
    build: (chart, props) => new AzureFileSnapshotClass(chart, 'snapshots', props),
    valid: { name: 'files', deletionPolicy: 'Delete', isDefaultClass: true },
    paths: ['name', 'deletionPolicy', 'isDefaultClass', ...METADATA],
  },
  {
    name: 'AzureVolumeClaim',
    build: (chart, props) => {
      const storageClass = new AzureDiskStorageClass(chart, 'disk-class', { maxShares: 2, sku: 'Premium_LRS' });
      new AzureVolumeClaim(chart, 'claim', { storageClass, ...props });
    },
    valid: {
      name: 'data',
      size: '10Gi',
      accessMode: 'ReadWriteOnce',
      volumeMode: 'Filesystem',
      dataSource: { kind: 'VolumeSnapshot', name: 'snap' },
      labels: { team: 'payments' },
    },
    paths: [
      'name',
      'size',
      'storageClass',
      'accessMode',
      'volumeMode',
      'dataSource',
      'dataSource.kind',
      'dataSource.name',
      ...METADATA,
    ],
  },
  {
    name: 'RawBlockClaim',
    build: (chart, props) => {
      const storageClass = new AzureDiskStorageClass(chart, 'disk-class', { sku: 'Premium_LRS' });
      new RawBlockClaim(chart, 'claim', { storageClass, ...props });
    },
    valid: { name: 'block', size: '8Gi', accessMode: 'ReadWriteOnce' },
    paths: [
      'name',
      'size',
      'storageClass',
      'accessMode',
      'dataSource',
      'dataSource.kind',
      'dataSource.name',
      ...METADATA,
    ],
  },
  {
    name: 'attachRawBlockDevice',
    build: (chart, props) => {
      const storageClass = new AzureDiskStorageClass(chart, 'disk-class', { sku: 'Premium_LRS' });
      const claim = new RawBlockClaim(chart, 'claim', { storageClass, size: '8Gi' });
      const pod = new kplus.Pod(chart, 'pod', { securityContext: { ensureNonRoot: true, user: 1000 } });
      pod.addContainer({ name: 'main', image: 'busybox:1.37', securityContext: { user: 1000 } });
      attachRawBlockDevice(pod, claim, props);
    },
    valid: { devicePath: '/dev/xvda' },
    paths: ['devicePath', 'container'],
  },
  {
    name: 'VolumeSnapshot',
    build: (chart, props) => {
      const claim = diskClaim(chart);
      const snapshotClass = new AzureDiskSnapshotClass(chart, 'snapshot-class');
      new VolumeSnapshot(chart, 'snapshot', { claim, snapshotClass, ...props });
    },
    valid: { name: 'snap', labels: { team: 'payments' } },
    paths: ['name', 'claim', 'snapshotClass', ...METADATA],
  },
  {
    name: 'ClaimFromSnapshot',
    build: (chart, props) => {
      const claim = diskClaim(chart);
      const snapshotClass = new AzureDiskSnapshotClass(chart, 'snapshot-class');
      const snapshot = new VolumeSnapshot(chart, 'snapshot', { claim, snapshotClass });
      new ClaimFromSnapshot(chart, 'restored', { snapshot, ...props });
    },
    valid: { name: 'restored', size: '20Gi', accessMode: 'ReadWriteOnce' },
    paths: ['name', 'snapshot', 'size', 'storageClass', 'accessMode', ...METADATA],
  },
  {
    name: 'ClonedClaim',
    build: (chart, props) => {
      const source = diskClaim(chart);
      new ClonedClaim(chart, 'clone', { source, ...props });
    },
    valid: { name: 'clone', size: '10Gi', accessMode: 'ReadWriteOnce' },
    paths: ['name', 'source', 'size', 'storageClass', 'accessMode', ...METADATA],
  },
  {
    name: 'StaticAzureFileShare',
    build: (chart, props) => new StaticAzureFileShare(chart, 'share', props),
    valid: {
      storageAccount: 'files01',
      shareName: 'media',
      size: '100Gi',
      resourceGroup: 'rg',
      claimName: 'media',
      secretName: 'files-key',
      accessMode: 'ReadWriteMany',
      readOnly: false,
      smb: { uid: 1000, gid: 1000, dirMode: '0775', fileMode: '0664', actimeo: 30 },
      labels: { team: 'payments' },
    },
    paths: [
      'storageAccount',
      'shareName',
      'size',
      'resourceGroup',
      'claimName',
      'secretName',
      'accessMode',
      'readOnly',
      'smb',
      'smb.uid',
      'smb.gid',
      'smb.dirMode',
      'smb.fileMode',
      'smb.actimeo',
      ...METADATA,
    ],
  },
];

describe('storage constructs under hostile props', () => {
  for (const subject of subjects) {
    it(`${subject.name}: every prop refused by name or rendered valid`, () => {
      assertHostileInputHandled(subject, RUNS);
    });
  }
});
