/**
 * The compression settings the backup benchmark compares: each BackupCronJob `compression` value
 * with the `pg_dump` flag that writes the same archive, so that every backup is measured against
 * a ceiling of the same compression.
 */
import { BackupCronJobProps } from '../../lib';

/** One compression setting of the backup. */
export interface CompressionVariant {
  /** As the benchmark names it, and as `--variants` takes it. */
  readonly label: string;
  /** The BackupCronJob props that select it (none: the default). */
  readonly props: Partial<BackupCronJobProps>;
  /** What the blob's `compression` metadata must say. */
  readonly metadata: string;
  /** The `pg_dump -Fc` flags of the same compression, as dump.sh passes them: the ceiling's command line. */
  readonly pgDumpFlags: string;
  /**
   * Blob name prefix of its backups, so that no two variants ever write one name; the default's
   * is the construct's default, under which the restore job accepts a `dump`.
   */
  readonly prefix: string;
}

export const COMPRESSION_VARIANTS: readonly CompressionVariant[] = [
  { label: 'default', props: {}, metadata: 'gzip', pgDumpFlags: '', prefix: 'postgres' },
  {
    label: 'gzip:1',
    props: { compression: 'gzip:1' },
    metadata: 'gzip:1',
    pgDumpFlags: '--compress=1',
    prefix: 'bench-gzip1',
  },
  {
    label: 'none',
    props: { compression: 'none' },
    metadata: 'none',
    pgDumpFlags: '--compress=0',
    prefix: 'bench-none',
  },
];

/** The variants named in `--variants a,b,c` (all by default); the default one must be among them. */
export function selectVariants(list: string | undefined): CompressionVariant[] {
  if (list === undefined) return [...COMPRESSION_VARIANTS];
  const labels = list.split(',').filter(Boolean);
  const unknown = labels.filter((l) => !COMPRESSION_VARIANTS.some((v) => v.label === l));
  if (unknown.length > 0)
    throw new Error(
      `--variants: unknown ${unknown.join(', ')}; known: ${COMPRESSION_VARIANTS.map((v) => v.label).join(', ')}`,
    );
  if (!labels.includes('default'))
    throw new Error('--variants must include default: the restore and the gzip:1 ratio use its blob');
  return COMPRESSION_VARIANTS.filter((v) => labels.includes(v.label));
}
