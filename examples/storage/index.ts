import { ApiObject, App, Chart } from 'cdk8s';
import { KubeNamespace } from 'cdk8s-plus-27/lib/imports/k8s';
import { makeClusterScoped } from '../../lib/common/cluster-scoped';
import { DiskClaimWithWriterChart } from './disk-claim-with-writer';
import { LateBindingDiskClassChart } from './late-binding-disk-class';
import { RawBlockDeviceChart } from './raw-block-device';
import { SharedFilesClaimChart } from './shared-files-claim';
import { SnapshotsChart } from './snapshots';
import { StaticFileShareChart } from './static-file-share';

/** Gives a namespaced example chart its Namespace object, so `kubectl apply -f dist/` works as is. */
function withNamespace<T extends Chart>(chart: T): T {
  if (!chart.namespace) return chart;
  const objects = chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
  const namespace = makeClusterScoped(new KubeNamespace(chart, 'namespace', { metadata: { name: chart.namespace } }));
  // Dependencies order the synthesized file, so the Namespace comes before what lives in it.
  for (const object of objects) object.addDependency(namespace);
  return chart;
}

/** Adds one chart per storage scenario of the tutorial, each in its own namespace. */
export function addStorageExamples(app: App): void {
  new LateBindingDiskClassChart(app, 'storage-late-binding-class');
  withNamespace(new DiskClaimWithWriterChart(app, 'storage-disk-claim', { namespace: 'storage-disk' }));
  withNamespace(new SharedFilesClaimChart(app, 'storage-shared-files', { namespace: 'storage-files' }));
  withNamespace(new StaticFileShareChart(app, 'storage-static-share', { namespace: 'storage-static' }));
  withNamespace(new SnapshotsChart(app, 'storage-snapshots', { namespace: 'storage-snapshots' }));
  withNamespace(new RawBlockDeviceChart(app, 'storage-raw-block', { namespace: 'storage-block' }));
}
