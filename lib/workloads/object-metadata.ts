import { IConstruct } from 'constructs';
import { checkAnnotations as checkAnnotationMap, checkObjectLabels } from '../core/metadata';

export { checkObjectLabels };

/** An annotation map prop, undefined when empty so that no `annotations: {}` is rendered. */
export function checkAnnotations(
  scope: IConstruct,
  field: string,
  annotations: Record<string, string> | undefined,
): Record<string, string> | undefined {
  const checked = checkAnnotationMap(scope, field, annotations);
  return Object.keys(checked).length > 0 ? checked : undefined;
}
