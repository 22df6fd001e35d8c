import { AksStatefulValidationError } from '../core/errors';
import { Manifest, problem } from './manifests';

/** Built-in kinds that have no namespace (Kubernetes 1.33), keyed `group/Kind` (core group: ''). */
const CLUSTER_SCOPED = new Set([
  '/Namespace',
  '/Node',
  '/PersistentVolume',
  '/ComponentStatus',
  'storage.k8s.io/StorageClass',
  'storage.k8s.io/CSIDriver',
  'storage.k8s.io/CSINode',
  'storage.k8s.io/VolumeAttachment',
  'storage.k8s.io/VolumeAttributesClass',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'apiregistration.k8s.io/APIService',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'scheduling.k8s.io/PriorityClass',
  'node.k8s.io/RuntimeClass',
  'networking.k8s.io/IngressClass',
  'networking.k8s.io/IPAddress',
  'networking.k8s.io/ServiceCIDR',
  'certificates.k8s.io/CertificateSigningRequest',
  'flowcontrol.apiserver.k8s.io/FlowSchema',
  'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
  'snapshot.storage.k8s.io/VolumeSnapshotClass',
  'snapshot.storage.k8s.io/VolumeSnapshotContent',
]);

/** The API group of an apiVersion: `apps/v1` → `apps`, `v1` → '' (the core group). */
export function apiGroupOf(apiVersion: string | undefined): string {
  const text = apiVersion ?? '';
  return text.includes('/') ? text.slice(0, text.indexOf('/')) : '';
}

/**
 * Two objects with one identity (API group, kind, namespace, name) in one app: applied together,
 * the last one silently replaces the first. The version is not part of the identity (`batch/v1` and
 * `batch/v1beta1` CronJobs of one name are one object); cluster-scoped kinds ignore the namespace
 * cdk8s stamps on them; a namespaced object without one lands in `default`. A kind defined by a
 * CustomResourceDefinition of the app has that definition's scope; other custom kinds count as namespaced.
 * Objects marked for different clusters (`setTargetCluster`) never collide.
 */
export function duplicateObjects(manifests: readonly Manifest[]): AksStatefulValidationError[] {
  const clusterScoped = new Set(CLUSTER_SCOPED);
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
