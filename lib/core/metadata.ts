import { ApiObjectMetadata } from 'cdk8s';
import { IConstruct } from 'constructs';
import { invalid } from './errors';
import { isPlainRecord } from './types';
import { checkNotDeprecated } from './deprecated-keys';
import { checkLabelKey, checkLabels } from './names';

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

/** The labels and annotations props every construct takes. */
export interface MetadataProps {
  /** Extra labels on every object the construct renders; the library's own labels take precedence. @default none */
  readonly labels?: Record<string, string>;
  /** Extra annotations on every object the construct renders (not on its pods). @default none */
  readonly annotations?: Record<string, string>;
}

/** {@link MetadataProps} after validation; empty records when unset. */
export interface ResolvedMetadata {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}

/** A label map prop: a plain record of valid keys and values, and no key Kubernetes replaced (so none is emitted). */
export function checkObjectLabels(
  scope: IConstruct,
  field: string,
  labels: Record<string, string> | undefined,
): Record<string, string> {
  const checked = checkLabels(scope, field, labels);
  checkNotDeprecated(scope, field, Object.keys(checked));
  return checked;
}

/** An annotation map prop: a plain record, label-style keys (none deprecated), string values; `{}` when unset. */
export function checkAnnotations(
  scope: IConstruct,
  field: string,
  annotations: Record<string, string> | undefined,
): Record<string, string> {
  if (annotations === undefined) return {};
  if (!isPlainRecord(annotations)) invalid(scope, field, annotations, 'a record of annotation keys to text values');
  // Replaced annotations (seccomp, ingress class, critical-pod) are refused as labels are.
  checkNotDeprecated(scope, field, Object.keys(annotations));
  for (const [key, value] of Object.entries(annotations)) {
    checkLabelKey(scope, `${field} key`, key);
    if (typeof value !== 'string') invalid(scope, `${field}[${JSON.stringify(key)}]`, value, 'a string');
  }
  return { ...annotations };
}

/** Validates the `labels` and `annotations` props (see {@link checkObjectLabels}, {@link checkAnnotations}). */
export function resolveMetadataProps(scope: IConstruct, props: MetadataProps): ResolvedMetadata {
  // Props themselves missing (a JavaScript caller's `undefined`/`null`) mean no metadata; the
  // construct's own checks report the props object.
  const given: MetadataProps = isPlainRecord(props) ? props : {};
  return {
    labels: checkObjectLabels(scope, 'labels', given.labels),
    annotations: checkAnnotations(scope, 'annotations', given.annotations),
  };
}

/** `record` when it has entries, else undefined (so that no empty `labels: {}` is rendered). */
export function nonEmpty(record: Record<string, string>): Record<string, string> | undefined {
  return Object.keys(record).length > 0 ? record : undefined;
}
