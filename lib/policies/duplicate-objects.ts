import { CLUSTER_SCOPED_KINDS, apiGroupOf } from '../core/cluster-scoped';
import { AksStatefulValidationError } from '../core/errors';
import { Manifest, problem } from './manifests';

/**
 * Two objects with one identity (API group, kind, namespace, name) in one app: applied together,
 * the last one silently replaces the first. The version is not part of the identity (`batch/v1` and
 * `batch/v1beta1` CronJobs of one name are one object); cluster-scoped kinds ignore the namespace
 * cdk8s stamps on them; a namespaced object without one lands in `default`. A kind defined by a
 * CustomResourceDefinition of the app has that definition's scope; other custom kinds count as namespaced.
 * Objects marked for different clusters (`setTargetCluster`) never collide.
 */
export function duplicateObjects(manifests: readonly Manifest[]): AksStatefulValidationError[] {
  const clusterScoped = new Set(CLUSTER_SCOPED_KINDS);
  for (const { json } of manifests) {
    if (json.kind === 'CustomResourceDefinition' && json.spec?.scope === 'Cluster')
      clusterScoped.add(`${json.spec.group}/${json.spec.names?.kind}`);
  }
  const seen = new Map<string, string[]>();
  const identityOf = new Map<string, string>();
  for (const { path, json, cluster } of manifests) {
    // Objects named by the server (`generateName`) never collide.
    if (typeof json.metadata?.name !== 'string') continue;
    const kind = `${apiGroupOf(json.apiVersion)}/${json.kind}`;
    const namespace = clusterScoped.has(kind) ? '' : (json.metadata?.namespace ?? 'default');
    const identity = `${cluster}/${kind}/${namespace}/${json.metadata?.name}`;
    identityOf.set(
      identity,
      namespace ? `${json.kind} ${namespace}/${json.metadata?.name}` : `${json.kind} ${json.metadata?.name}`,
    );
    seen.set(identity, [...(seen.get(identity) ?? []), path]);
  }
  const problems: AksStatefulValidationError[] = [];
  for (const [identity, paths] of seen) {
    if (paths.length < 2) continue;
    const [first, ...others] = paths;
    for (const path of others) {
      problems.push(
        problem(
          path,
          'metadata.name',
          identity.slice(identity.lastIndexOf('/') + 1),
          `a name no other object of this kind uses in its namespace: ${first} already defines ${identityOf.get(identity)}, and applying both keeps only the last (rename one, or remove the second)`,
        ),
      );
    }
  }
  return problems;
}
