import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import {
  AzureDiskSnapshotClass,
  AzureDiskStorageClass,
  AzureFileSnapshotClass,
  AzureFileStorageClass,
  AzureVolumeClaim,
  ClaimFromSnapshot,
  ClonedClaim,
  VolumeSnapshot,
} from '../../lib';
import { DEFAULT_EXAMPLE_SETTINGS, ExampleChartProps } from '../settings';
import { busyboxPod } from './example-pods';

/**
 * Tutorial steps "snapshot a disk and a share", "a claim from a snapshot" and "a clone": the disk
 * snapshots go to a resource group outside the node resource group, so they outlive the cluster.
 */
export class SnapshotsChart extends Chart {
  constructor(scope: Construct, id: string, props: ExampleChartProps = {}) {
    super(scope, id, props);
    const diskClass = new AzureDiskStorageClass(this, 'disk', { sku: 'Premium_LRS' });
    const diskSnapshots = new AzureDiskSnapshotClass(this, 'disk-snapshots', {
      name: 'azuredisk-incremental',
      resourceGroup: (props.settings ?? DEFAULT_EXAMPLE_SETTINGS).snapshotResourceGroup,
      tags: { owner: 'platform' },
    });
    const source = new AzureVolumeClaim(this, 'source', { name: 'source-disk', size: '10Gi', storageClass: diskClass });
    busyboxPod(this, 'source-writer', 'date >> /data/created; sleep 3600').containers[0].mount(
      '/data',
      source.toVolume(),
    );
    const snapshot = new VolumeSnapshot(this, 'disk-snapshot', {
      name: 'source-disk-snapshot',
      claim: source,
      snapshotClass: diskSnapshots,
    });

    const restored = new ClaimFromSnapshot(this, 'restored', { name: 'restored-disk', snapshot, size: '20Gi' });
    busyboxPod(this, 'restored-reader', 'cat /data/created; sleep 3600').containers[0].mount(
      '/data',
      restored.toVolume(),
    );

    const clone = new ClonedClaim(this, 'clone', { name: 'cloned-disk', source });
    busyboxPod(this, 'clone-reader', 'cat /data/created; sleep 3600').containers[0].mount('/data', clone.toVolume());

    const fileClass = new AzureFileStorageClass(this, 'files', { sku: 'Standard_LRS' });
    const fileSnapshots = new AzureFileSnapshotClass(this, 'file-snapshots', { name: 'azurefile-snapshots' });
    const files = new AzureVolumeClaim(this, 'files-claim', {
      name: 'shared-files',
      size: '10Gi',
      storageClass: fileClass,
      accessMode: 'ReadWriteMany',
    });
    new VolumeSnapshot(this, 'file-snapshot', {
      name: 'shared-files-snapshot',
      claim: files,
      snapshotClass: fileSnapshots,
    });
  }
}
