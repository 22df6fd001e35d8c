import { ApiObject, Chart } from 'cdk8s';
import { KubeNamespace } from 'cdk8s-plus-27/lib/imports/k8s';
import { makeClusterScoped } from '../lib/core/cluster-scoped';

/**
 * Gives a namespaced example chart its Namespace object, first in the file, so
 * `kubectl apply -f dist/` works as is. Call it after the chart's content is built.
 */
export function withNamespace<T extends Chart>(chart: T): T {
  if (!chart.namespace) return chart;
  const objects = chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
  const namespace = makeClusterScoped(new KubeNamespace(chart, 'namespace', { metadata: { name: chart.namespace } }));
  // Dependencies order the synthesized file, so the Namespace comes before what lives in it.
  for (const object of objects) object.addDependency(namespace);
  return chart;
}
