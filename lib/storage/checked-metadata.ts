import { IConstruct } from 'constructs';
import { checkNotDeprecated } from '../core/deprecated-keys';
import { MetadataProps, ResolvedMetadata, resolveMetadataProps } from '../core/metadata';
import { checkRecord } from '../core/types';

/**
 * The `labels` and `annotations` props, checked as every construct of the storage, postgres and
 * backup layers needs them: plain records (not a string, an array or a Date, which would be read key
 * by key), keys and values valid, and no key Kubernetes replaced (lib/core/deprecated-keys.ts), so
 * that the constructs never emit one. The app-wide checks would refuse such a key only later.
 *
 * (Belongs in lib/core/metadata.ts's resolveMetadataProps; kept here until core takes it.)
 */
export function resolveCheckedMetadata(scope: IConstruct, props: MetadataProps): ResolvedMetadata {
  if (props === null || typeof props !== 'object') return resolveMetadataProps(scope, {});
  if (props.labels !== undefined) checkRecord(scope, 'labels', props.labels);
  if (props.annotations !== undefined) checkRecord(scope, 'annotations', props.annotations);
  const resolved = resolveMetadataProps(scope, props);
  checkNotDeprecated(scope, 'labels key', Object.keys(resolved.labels));
  checkNotDeprecated(scope, 'annotations key', Object.keys(resolved.annotations));
  return resolved;
}
