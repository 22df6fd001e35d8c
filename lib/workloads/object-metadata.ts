import { IConstruct } from 'constructs';
import { invalid } from '../core/errors';
import { checkLabelKey, checkLabels } from '../core/names';
import { checkNotDeprecated } from '../core/deprecated-keys';
import { checkRecord } from '../core/types';

/**
 * Checks a label map: a plain record (core's checkLabels takes a Date as an empty map), current
 * keys only (deprecated keys are refused, naming their replacement).
 */
export function checkObjectLabels(
  scope: IConstruct,
  field: string,
  labels: Record<string, string> | undefined,
): Record<string, string> {
  if (labels !== undefined) checkRecord(scope, field, labels);
  const checked = checkLabels(scope, field, labels);
  checkNotDeprecated(scope, field, Object.keys(checked));
  return checked;
}

/** Checks an annotation map (label-style keys, string values); undefined when empty, so no `{}` is rendered. */
export function checkAnnotations(
  scope: IConstruct,
  field: string,
  annotations: Record<string, string> | undefined,
): Record<string, string> | undefined {
  if (annotations === undefined) return undefined;
  checkRecord(scope, field, annotations);
  // Replaced annotations (seccomp, ingress class, critical-pod) are refused as labels are.
  checkNotDeprecated(scope, field, Object.keys(annotations));
  for (const [key, value] of Object.entries(annotations)) {
    checkLabelKey(scope, `${field} key`, key);
    if (typeof value !== 'string') invalid(scope, `${field}[${JSON.stringify(key)}]`, value, 'a string');
  }
  return Object.keys(annotations).length > 0 ? { ...annotations } : undefined;
}
