import { IConstruct } from 'constructs';
import { invalid } from '../core/errors';

/**
 * A segment of a blob name prefix: letters, digits, '.', '_' and '-', starting with a letter, a digit
 * or '_'. Not '.' first (no '.', '..' or hidden segments) and not '-' first: the scripts pass
 * prefixes to `az` as option values, and az reads a value starting with '-' as another option.
 */
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

/** Options of {@link checkBlobPrefix}. */
export interface BlobPrefixOptions {
  /**
   * Whether the prefix may end with '/' (a lifecycle rule's prefix: `postgres/app/` matches only
   * the blobs inside `app/`, not `app-old/`). Prefixes the library joins with '/' itself may not.
   * @default false
   */
  readonly trailingSlash?: boolean;
}

/**
 * The one blob-prefix rule (backup dumps, Velero's `objectStorage.prefix`, lifecycle rules):
 * '/'-separated segments of letters, digits, '.', '_' and '-', none starting with '.' or '-', no
 * leading or double '/', no trailing '/' unless `trailingSlash`, at most 512 characters so that the
 * names under it stay well inside Azure's 1024-character blob names.
 */
export function checkBlobPrefix(
  scope: IConstruct | string,
  field: string,
  prefix: string,
  options: BlobPrefixOptions = {},
): string {
  const body = typeof prefix === 'string' && options.trailingSlash === true ? prefix.replace(/\/$/, '') : prefix;
  const segments = typeof body === 'string' ? body.split('/') : [];
  const ok = segments.length > 0 && prefix.length <= 512 && segments.every((s) => SEGMENT.test(s));
  if (!ok) {
    invalid(
      scope,
      field,
      prefix,
      `a blob name prefix of '/'-separated segments of letters, digits, '.', '_' and '-', none starting with '.' or '-', no leading, ${
        options.trailingSlash === true ? '' : 'trailing '
      }or double '/'${options.trailingSlash === true ? " (a trailing '/' is allowed)" : ''}, at most 512 characters`,
    );
  }
  return prefix;
}
