import { IConstruct } from 'constructs';
import { invalid } from '../core/errors';
import { checkLabelKey } from '../core/names';

/** Checks an annotation map (label-style keys, string values); undefined when empty, so no `{}` is rendered. */
export function checkAnnotations(
  scope: IConstruct,
  field: string,
  annotations: Record<string, string> | undefined,
): Record<string, string> | undefined {
  if (annotations === undefined) return undefined;
  if (annotations === null || typeof annotations !== 'object' || Array.isArray(annotations))
    invalid(scope, field, annotations, 'a map of annotation keys to string values');
  for (const [key, value] of Object.entries(annotations)) {
    checkLabelKey(scope, `${field} key`, key);
    if (typeof value !== 'string') invalid(scope, `${field}[${JSON.stringify(key)}]`, value, 'a string');
  }
  return Object.keys(annotations).length > 0 ? { ...annotations } : undefined;
}
