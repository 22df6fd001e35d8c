import { ApiObjectMetadata } from 'cdk8s';
import { IConstruct } from 'constructs';
import { invalid } from './errors';
import { isPlainRecord } from './types';
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

/** Validates the `labels` and `annotations` props (label keys for both; annotation values any text). */
export function resolveMetadataProps(scope: IConstruct, props: MetadataProps): ResolvedMetadata {
  const labels = props.labels === undefined ? {} : checkLabels(scope, 'labels', props.labels);
  const annotations = props.annotations ?? {};
  const plain = isPlainRecord(annotations);
  if (!plain) invalid(scope, 'annotations', annotations, 'a record of annotation keys to text values');
  for (const [key, value] of Object.entries(annotations)) {
    checkLabelKey(scope, `annotations key`, key);
    if (typeof value !== 'string') invalid(scope, `annotations["${key}"]`, value, 'a string');
  }
  return { labels: { ...labels }, annotations: { ...annotations } };
}

/** `record` when it has entries, else undefined (so that no empty `labels: {}` is rendered). */
export function nonEmpty(record: Record<string, string>): Record<string, string> | undefined {
  return Object.keys(record).length > 0 ? record : undefined;
}
