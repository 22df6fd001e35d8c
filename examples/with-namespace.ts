import { ApiObject, Chart } from 'cdk8s';
import { KubeNamespace } from 'cdk8s-plus-27/lib/imports/k8s';
import { makeClusterScoped } from '../lib/core/cluster-scoped';

/** A Pod Security Standard level, as the `pod-security.kubernetes.io/*` namespace labels name it. */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

/**
 * The Pod Security admission labels of a namespace: enforce, audit and warn at one level, each
 * against the `latest` policy version (the cluster's own Kubernetes version).
 */
export function podSecurityLabels(level: PodSecurityLevel): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const mode of ['enforce', 'audit', 'warn']) {
    labels[`pod-security.kubernetes.io/${mode}`] = level;
    labels[`pod-security.kubernetes.io/${mode}-version`] = 'latest';
  }
  return labels;
}

/**
 * Gives a namespaced example chart its Namespace object, first in the file, so
 * `kubectl apply -f dist/` works as is. Call it after the chart's content is built.
 * The Namespace enforces `level`, the strictest Pod Security level its pods meet
 * (test/pod-security.test.ts checks it against the pods).
 * @param level Pod Security level of the namespace. @default 'restricted'
 */
export function withNamespace<T extends Chart>(chart: T, level: PodSecurityLevel = 'restricted'): T {
  if (!chart.namespace) return chart;
  const objects = chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
  const namespace = makeClusterScoped(
    new KubeNamespace(chart, 'namespace', { metadata: { name: chart.namespace, labels: podSecurityLabels(level) } }),
  );
  // Dependencies order the synthesized file, so the Namespace comes before what lives in it.
  for (const object of objects) object.addDependency(namespace);
  return chart;
}
