import { ApiObject, JsonPatch } from 'cdk8s';

/**
 * cdk8s stamps a chart's namespace on every object, but StorageClasses, PersistentVolumes and
 * snapshot classes are cluster-scoped: a namespace on them is meaningless and some clients reject it.
 */
export function makeClusterScoped(apiObject: ApiObject): ApiObject {
  if (apiObject.metadata.namespace !== undefined) apiObject.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  return apiObject;
}

/**
 * Kinds that have no namespace — Kubernetes 1.33's and the CSI snapshot CRDs' — keyed `group/Kind`
 * (core group: ''). The one list: the duplicate check and the deploy step both read it.
 */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
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

/** Whether objects of this apiVersion and kind are cluster-scoped (a built-in or snapshot kind). */
export function isClusterScoped(apiVersion: string | undefined, kind: string | undefined): boolean {
  return CLUSTER_SCOPED_KINDS.has(`${apiGroupOf(apiVersion)}/${kind}`);
}
