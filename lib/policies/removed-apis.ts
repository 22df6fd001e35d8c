import { AksStatefulValidationError } from '../core/errors';
import { Manifest, problem } from './manifests';

/**
 * API versions Kubernetes 1.33 no longer serves, from the Kubernetes "Deprecated API Migration
 * Guide" (kubernetes.io/docs/reference/using-api/deprecation-guide, "Removed APIs by release",
 * v1.16 to v1.32; 1.33 removed none): `apiVersion kind` (`*` for every kind of a removed version)
 * → what to use instead. Kinds of the same version that are still served (e.g. storage.k8s.io/v1beta1
 * VolumeAttributesClass) are not listed.
 */
export const REMOVED_APIS: Readonly<Record<string, string>> = {
  // v1.32
  'flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema': 'flowcontrol.apiserver.k8s.io/v1',
  'flowcontrol.apiserver.k8s.io/v1beta3 PriorityLevelConfiguration': 'flowcontrol.apiserver.k8s.io/v1',
  // v1.29
  'flowcontrol.apiserver.k8s.io/v1beta2 FlowSchema': 'flowcontrol.apiserver.k8s.io/v1',
  'flowcontrol.apiserver.k8s.io/v1beta2 PriorityLevelConfiguration': 'flowcontrol.apiserver.k8s.io/v1',
  // v1.27
  'storage.k8s.io/v1beta1 CSIStorageCapacity': 'storage.k8s.io/v1',
  // v1.26
  'flowcontrol.apiserver.k8s.io/v1beta1 FlowSchema': 'flowcontrol.apiserver.k8s.io/v1',
  'flowcontrol.apiserver.k8s.io/v1beta1 PriorityLevelConfiguration': 'flowcontrol.apiserver.k8s.io/v1',
  'autoscaling/v2beta2 HorizontalPodAutoscaler': 'autoscaling/v2',
  // v1.25
  'batch/v1beta1 CronJob': 'batch/v1',
  'discovery.k8s.io/v1beta1 EndpointSlice': 'discovery.k8s.io/v1',
  'events.k8s.io/v1beta1 Event': 'events.k8s.io/v1',
  'autoscaling/v2beta1 HorizontalPodAutoscaler': 'autoscaling/v2',
  'policy/v1beta1 PodDisruptionBudget': 'policy/v1',
  'policy/v1beta1 PodSecurityPolicy': 'Pod Security admission (namespace labels pod-security.kubernetes.io/*)',
  'node.k8s.io/v1beta1 RuntimeClass': 'node.k8s.io/v1',
  // v1.22
  'admissionregistration.k8s.io/v1beta1 MutatingWebhookConfiguration': 'admissionregistration.k8s.io/v1',
  'admissionregistration.k8s.io/v1beta1 ValidatingWebhookConfiguration': 'admissionregistration.k8s.io/v1',
  'apiextensions.k8s.io/v1beta1 CustomResourceDefinition': 'apiextensions.k8s.io/v1',
  'apiregistration.k8s.io/v1beta1 APIService': 'apiregistration.k8s.io/v1',
  'authentication.k8s.io/v1beta1 TokenReview': 'authentication.k8s.io/v1',
  'authorization.k8s.io/v1beta1 LocalSubjectAccessReview': 'authorization.k8s.io/v1',
  'authorization.k8s.io/v1beta1 SelfSubjectAccessReview': 'authorization.k8s.io/v1',
  'authorization.k8s.io/v1beta1 SubjectAccessReview': 'authorization.k8s.io/v1',
  'certificates.k8s.io/v1beta1 CertificateSigningRequest': 'certificates.k8s.io/v1',
  'coordination.k8s.io/v1beta1 Lease': 'coordination.k8s.io/v1',
  'networking.k8s.io/v1beta1 Ingress': 'networking.k8s.io/v1',
  'networking.k8s.io/v1beta1 IngressClass': 'networking.k8s.io/v1',
  'rbac.authorization.k8s.io/v1beta1 ClusterRole': 'rbac.authorization.k8s.io/v1',
  'rbac.authorization.k8s.io/v1beta1 ClusterRoleBinding': 'rbac.authorization.k8s.io/v1',
  'rbac.authorization.k8s.io/v1beta1 Role': 'rbac.authorization.k8s.io/v1',
  'rbac.authorization.k8s.io/v1beta1 RoleBinding': 'rbac.authorization.k8s.io/v1',
  'scheduling.k8s.io/v1beta1 PriorityClass': 'scheduling.k8s.io/v1',
  'storage.k8s.io/v1beta1 CSIDriver': 'storage.k8s.io/v1',
  'storage.k8s.io/v1beta1 CSINode': 'storage.k8s.io/v1',
  'storage.k8s.io/v1beta1 StorageClass': 'storage.k8s.io/v1',
  'storage.k8s.io/v1beta1 VolumeAttachment': 'storage.k8s.io/v1',
  // v1.22 (Ingress) and v1.16 (the rest): nothing of extensions/v1beta1, apps/v1beta1 or apps/v1beta2 is served.
  'extensions/v1beta1 Ingress': 'networking.k8s.io/v1',
  'extensions/v1beta1 NetworkPolicy': 'networking.k8s.io/v1',
  'extensions/v1beta1 PodSecurityPolicy': 'Pod Security admission (namespace labels pod-security.kubernetes.io/*)',
  'extensions/v1beta1 *': 'apps/v1',
  'apps/v1beta1 *': 'apps/v1',
  'apps/v1beta2 *': 'apps/v1',
};

/** Objects of an API version Kubernetes 1.33 does not serve: `kubectl apply` fails with "no matches for kind". */
export function removedApiVersions(manifests: readonly Manifest[]): AksStatefulValidationError[] {
  return manifests.flatMap(({ path, json }) => {
    const instead = REMOVED_APIS[`${json.apiVersion} ${json.kind}`] ?? REMOVED_APIS[`${json.apiVersion} *`];
    if (instead === undefined) return [];
    return [
      problem(
        path,
        'apiVersion',
        json.apiVersion,
        `an API version Kubernetes 1.33 serves: ${json.apiVersion} ${json.kind} was removed, use ${instead}`,
      ),
    ];
  });
}
