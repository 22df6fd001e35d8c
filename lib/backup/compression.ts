import { IConstruct } from 'constructs';
import { invalid } from '../core/errors';

/**
 * How pg_dump compresses the archive (`--compress`), as a string so that it can come from config:
 * - `'gzip'`: pg_dump's default (gzip at zlib's default level);
 * - `'gzip:0'` … `'gzip:9'`: gzip at that level (`gzip:0` writes the data uncompressed);
 * - `'lz4'`, `'lz4:1'` … `'lz4:12'`: lz4, faster and larger than gzip; needs PostgreSQL 16+ pg_dump and pg_restore;
 * - `'zstd'`, `'zstd:1'` … `'zstd:22'`: zstd; needs PostgreSQL 16+ pg_dump and pg_restore;
 * - `'none'`: no compression (the largest archive, the least CPU).
 */
export type DumpCompression =
  | 'gzip'
  | `gzip:${0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9}`
  | 'lz4'
  | `lz4:${1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12}`
  | 'zstd'
  | `zstd:${1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15 | 16 | 17 | 18 | 19 | 20 | 21 | 22}`
  | 'none';

/** The default compression: pg_dump's own (gzip at zlib's default level). */
export const DEFAULT_COMPRESSION: DumpCompression = 'gzip';

/** The first pg_dump (and pg_restore) that knows lz4 and zstd (`--compress=method[:level]`). */
export const METHODS_SINCE_MAJOR = 16;

const FORMAT = /^(?:gzip(?::[0-9])?|lz4(?::(?:[1-9]|1[0-2]))?|zstd(?::(?:[1-9]|1[0-9]|2[0-2]))?|none)$/;
const ALLOWED =
  "'gzip' (the default), 'gzip:0' to 'gzip:9', 'lz4', 'lz4:1' to 'lz4:12', 'zstd', 'zstd:1' to 'zstd:22' (lz4 and zstd need pg_dump 16 or later), or 'none'";

/**
 * Checks the `compression` prop: one of the values of {@link DumpCompression}, and lz4 or zstd only
 * with a pg_dump of PostgreSQL 16 or later (15's knows only gzip levels). Returns the value, which
 * the dump script maps to pg_dump's flags.
 */
export function checkCompression(
  scope: IConstruct,
  field: string,
  value: unknown,
  clientMajor: number,
): DumpCompression {
  if (value === undefined) return DEFAULT_COMPRESSION;
  if (typeof value !== 'string' || !FORMAT.test(value)) invalid(scope, field, value, ALLOWED);
  if (/^(?:lz4|zstd)/.test(value) && clientMajor < METHODS_SINCE_MAJOR) {
    invalid(
      scope,
      field,
      value,
      `gzip, gzip:0 to gzip:9 or none with this postgres image: lz4 and zstd need pg_dump ${METHODS_SINCE_MAJOR} or later, and the image's pg_dump is PostgreSQL ${clientMajor} (set postgresImage to a PostgreSQL ${METHODS_SINCE_MAJOR}+ image; the restore needs one too)`,
    );
  }
  return value as DumpCompression;
}
