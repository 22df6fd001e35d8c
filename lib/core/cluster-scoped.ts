import { ApiObject, JsonPatch } from 'cdk8s';

/**
 * cdk8s stamps a chart's namespace on every object, but StorageClasses, PersistentVolumes and
 * snapshot classes are cluster-scoped: a namespace on them is meaningless and some clients reject it.
 */
export function makeClusterScoped(apiObject: ApiObject): ApiObject {
  if (apiObject.metadata.namespace !== undefined) apiObject.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  return apiObject;
}
