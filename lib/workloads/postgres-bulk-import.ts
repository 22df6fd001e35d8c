import { KubeConfigMap, KubeJob } from '../core/kube-objects';
import { Construct, IConstruct } from 'constructs';
import { checkImage } from '../core/image';
import { checkBoolean, checkRecord, checkString, checkStringArray } from '../core/types';
import { metadata } from '../core/metadata';
import { invalid } from '../core/errors';

import { StorageSize } from '../core/storage-size';
import { IPostgresDatabase } from '../postgres/connection';
import { checkPostgresImage, jobPodSpec, renderJobResources, scriptContainer } from '../postgres/job-pod';
import { clientLabels, postgresEnv, resolvePostgres } from '../postgres/source';
import { checkAnnotations, checkObjectLabels } from './object-metadata';

/**
 * What {@link PostgresBulkImport} loads. The table and column names are rendered as quoted SQL
 * identifiers and the other options by the library, so that no prop can become another SQL
 * statement or a psql meta-command.
 */
export interface PostgresBulkImportOptions {
  /**
   * Target table, optionally schema-qualified (`public.todos`); it must exist (create it in an init
   * script). Each part is a lowercase SQL identifier: `a`–`z`, `0`–`9` and `_`, not starting with a
   * digit, at most 63 characters; anything else (quotes, spaces, `;`, `\`) is refused.
   */
  readonly table: string;
  /** The CSV text (at most 900 KiB: it travels in a ConfigMap); it is data, read from stdin, never SQL. */
  readonly csv: string;
  /**
   * Columns the CSV fills, in order, each a lowercase SQL identifier like a table name part, each
   * once. @default every column of the table
   */
  readonly columns?: string[];
  /** The first line is a header: `true` or `false` (a boolean; text such as `'true'` is refused). @default true */
  readonly header?: boolean;
}

/** The option keys, for callers that forward options from another construct's props. */
export const BULK_IMPORT_OPTION_KEYS: readonly (keyof PostgresBulkImportOptions)[] = [
  'table',
  'csv',
  'columns',
  'header',
];

/** Bulk-import options after validation, rendered as SQL. */
export interface ResolvedBulkImport {
  readonly csv: string;
  /** The table as quoted identifiers, e.g. `"public"."todos"`. */
  readonly table: string;
  /** The psql `\copy` command. */
  readonly copy: string;
}

/**
 * Checks bulk-import options; `prefix` is how the user reached them (`bulkImport.` from a
 * PostgresSingleton, empty on PostgresBulkImport itself), so that errors name the prop as written.
 */
export function resolveBulkImportOptions(scope: IConstruct, prefix: string, given: unknown): ResolvedBulkImport {
  const options = checkRecord(scope, prefix ? prefix.slice(0, -1) : 'props', given);
  const table = checkString(scope, `${prefix}table`, options.table);
  const parts = table.split('.');
  if (parts.length > 2 || !parts.every((p) => IDENTIFIER.test(p)))
    invalid(
      scope,
      `${prefix}table`,
      table,
      'a lowercase table name, optionally schema-qualified (e.g. "public.todos")',
    );
  let columns: string[] | undefined;
  if (options.columns !== undefined) {
    columns = checkStringArray(scope, `${prefix}columns`, options.columns);
    if (columns.length === 0) invalid(scope, `${prefix}columns`, columns, 'at least one column, or unset for all');
    columns.forEach((column, i) => {
      if (!IDENTIFIER.test(column)) invalid(scope, `${prefix}columns[${i}]`, column, 'a lowercase column name');
      if (columns!.indexOf(column) !== i) invalid(scope, `${prefix}columns[${i}]`, column, 'each column once');
    });
  }
  const header = checkBoolean(scope, `${prefix}header`, options.header, true);
  const csv = checkString(scope, `${prefix}csv`, options.csv);
  const bytes = Buffer.byteLength(csv, 'utf8');
  if (bytes > MAX_CSV_BYTES)
    invalid(
      scope,
      `${prefix}csv`,
      `${bytes} bytes`,
      `between 1 byte and ${MAX_CSV_BYTES} bytes (ConfigMaps hold at most 1 MiB); load larger files from a volume`,
    );
  const quotedTable = parts.map(quoteIdentifier).join('.');
  const columnList = columns ? `(${columns.map(quoteIdentifier).join(', ')})` : '';
  // Every part is a checked identifier or a keyword the library writes: nothing from the user is spliced in raw.
  const copy = `\\copy ${quotedTable}${columnList} FROM pstdin WITH (FORMAT csv, HEADER ${header ? 'true' : 'false'})`;
  return { csv, table: quotedTable, copy };
}

/** A psql image of the server's major or newer, Debian-based (the Job runs as uid 999). */
function checkClientImage(scope: IConstruct, image: string, serverMajor: number): string {
  checkPostgresImage(scope, 'image', image, serverMajor, 'psql connects to the server, and an older psql may not');
  return image;
}

/** Props of {@link PostgresBulkImport}. */
export interface PostgresBulkImportProps extends PostgresBulkImportOptions {
  /** The database to load into; the Job and its ConfigMap go to the database's namespace. */
  readonly database: IPostgresDatabase;
  /**
   * Image with psql, of the server's major or newer, Debian-based; a tag other than `latest` is
   * required, and it may be pinned by digest (`postgres:17.6-bookworm@sha256:<64 hex>`).
   * @default `postgres:<the server's major>`
   */
  readonly image?: string;
  /** Extra labels on the ConfigMap, the Job and its pod; deprecated keys are refused. @default none */
  readonly labels?: Record<string, string>;
  /** Annotations on the ConfigMap and the Job. @default none */
  readonly annotations?: Record<string, string>;
}

/** A SQL identifier, double-quoted so that reserved words ("order", "user") are names too. */
function quoteIdentifier(name: string): string {
  return `"${name}"`;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
const MAX_CSV_BYTES = 900 * 1024;
const IMPORT_DIR = '/import';

/**
 * A Job that waits for the server, then loads a CSV into a table with psql `\copy` (the tutorial's
 * todo import). It loads only into an empty table, so a second run (a retry after a lost pod, or
 * the Job applied again after its TTL removed it) never duplicates rows.
 */
export class PostgresBulkImport extends Construct {
  /** The Job: the construct's main object (the same object as {@link job}). */
  public readonly apiObject: KubeJob;
  /** The Job (also {@link apiObject}). */
  public readonly job: KubeJob;
  /** The ConfigMap holding the CSV. */
  public readonly configMap: KubeConfigMap;

  constructor(scope: Construct, id: string, props: PostgresBulkImportProps) {
    super(scope, id);
    const { csv, table, copy } = resolveBulkImportOptions(this, '', props);
    // resolvePostgres (lib/postgres) reads `connection` of a null without checking it first.
    if (props.database !== null && typeof props.database === 'object' && 'connection' in props.database)
      checkRecord(this, 'database.connection', props.database.connection);
    const c = resolvePostgres(this, 'database', props.database);
    const image =
      props.image === undefined
        ? `postgres:${c.majorVersion}`
        : checkClientImage(this, checkImage(this, 'image', props.image), c.majorVersion);
    const labels = checkObjectLabels(this, 'labels', props.labels);
    // A Secret reference and the server's NetworkPolicy only work from the database's own namespace.
    const objectMetadata = metadata({
      namespace: c.namespace,
      labels: Object.keys(labels).length > 0 ? labels : undefined,
      annotations: checkAnnotations(this, 'annotations', props.annotations),
    });
    // The CSV arrives on psql's stdin (pstdin), so the command names no path.
    this.configMap = new KubeConfigMap(this, 'Data', { metadata: objectMetadata, data: { 'data.csv': csv } });
    const script = [
      'set -euo pipefail',
      // The server may still be initializing when the Job starts.
      'for i in $(seq 1 60); do pg_isready --quiet && break; sleep 5; done',
      'pg_isready',
      // Names and the command come from the environment, so quotes in them never meet the shell.
      'loaded=$(psql --no-psqlrc -v ON_ERROR_STOP=1 --no-align --tuples-only --command "SELECT EXISTS (SELECT 1 FROM $IMPORT_TABLE)")',
      'if [[ $loaded == t ]]; then echo "$IMPORT_TABLE already has rows: nothing imported"; exit 0; fi',
      'exec psql --no-psqlrc -v ON_ERROR_STOP=1 --command "$COPY_COMMAND" < "$IMPORT_FILE"',
    ].join('\n');
    // The same client pod as the backup and restore jobs: uid 999, read-only root, password from its Secret.
    const container = scriptContainer({
      name: 'import',
      image,
      script,
      env: [
        ...postgresEnv(c, 'aks-stateful-bulk-import'),
        { name: 'IMPORT_TABLE', value: table },
        { name: 'COPY_COMMAND', value: copy },
        { name: 'IMPORT_FILE', value: `${IMPORT_DIR}/data.csv` },
      ],
      resources: renderJobResources(this, 'resources', undefined, {
        cpuRequest: '50m',
        memoryRequest: '64Mi',
        memoryLimit: '256Mi',
      }),
    });
    // psql writes nothing but its history (off with --no-psqlrc), so the scratch volume stays small.
    const pod = jobPodSpec({
      containers: [
        {
          ...container,
          volumeMounts: [...(container.volumeMounts ?? []), { name: 'data', mountPath: IMPORT_DIR, readOnly: true }],
        },
      ],
      scratch: StorageSize.mebibytes(16),
    });
    const podLabels = { ...labels, ...clientLabels(c) };
    this.job = new KubeJob(this, 'Job', {
      metadata: objectMetadata,
      spec: {
        backoffLimit: 3,
        activeDeadlineSeconds: 1800,
        ttlSecondsAfterFinished: 7 * 86400,
        template: {
          metadata: Object.keys(podLabels).length > 0 ? { labels: podLabels } : undefined,
          spec: {
            ...pod,
            volumes: [...(pod.volumes ?? []), { name: 'data', configMap: { name: this.configMap.name } }],
          },
        },
      },
    });
    this.apiObject = this.job;
  }
}
