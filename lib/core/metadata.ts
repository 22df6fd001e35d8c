import { ApiObjectMetadata } from 'cdk8s';

/**
 * Object metadata without undefined keys: cdk8s spreads the given metadata over the generated
 * name, so `{ name: undefined }` would erase the generated name from the synthesized object.
 */
export function metadata(fields: {
  name?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  namespace?: string;
}): ApiObjectMetadata {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as ApiObjectMetadata;
}
