import { App } from 'cdk8s';
import { withNamespace } from '../with-namespace';
import { DiskClaimWithWriterChart } from './disk-claim-with-writer';
import { LateBindingDiskClassChart } from './late-binding-disk-class';
import { RawBlockDeviceChart } from './raw-block-device';
import { SharedFilesClaimChart } from './shared-files-claim';
import { SnapshotsChart } from './snapshots';
import { StaticFileShareChart } from './static-file-share';
import { ExampleSettings } from '../settings';

/** Adds one chart per storage scenario of the tutorial, each in its own namespace. */
export function addStorageExamples(app: App, settings: ExampleSettings): void {
  new LateBindingDiskClassChart(app, 'storage-late-binding-class');
  withNamespace(new DiskClaimWithWriterChart(app, 'storage-disk-claim', { namespace: 'storage-disk' }));
  withNamespace(new SharedFilesClaimChart(app, 'storage-shared-files', { namespace: 'storage-files' }));
  withNamespace(new StaticFileShareChart(app, 'storage-static-share', { namespace: 'storage-static', settings }));
  withNamespace(new SnapshotsChart(app, 'storage-snapshots', { namespace: 'storage-snapshots', settings }));
  withNamespace(new RawBlockDeviceChart(app, 'storage-raw-block', { namespace: 'storage-block' }));
}
