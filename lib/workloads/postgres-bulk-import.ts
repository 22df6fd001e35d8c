import { KubeConfigMap, KubeJob } from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import { metadata } from '../core/metadata';
import { invalid } from '../core/errors';
import { checkLabels } from '../core/names';
import { StorageSize } from '../core/storage-size';
import { IPostgresDatabase } from '../postgres/connection';
import { jobPodSpec, renderJobResources, scriptContainer } from '../postgres/job-pod';
import { clientLabels, postgresEnv, resolvePostgres } from '../postgres/source';
import { checkAnnotations } from './object-metadata';

/** What {@link PostgresBulkImport} loads. */
export interface PostgresBulkImportOptions {
  /** Target table, optionally schema-qualified (`public.todos`); it must exist (create it in an init script). */
  readonly table: string;
  /** The CSV text (at most 900 KiB: it travels in a ConfigMap). */
  readonly csv: string;
  /** Columns the CSV fills, in order. @default every column of the table */
  readonly columns?: string[];
  /** The first line is a header. @default true */
  readonly header?: boolean;
}

/** Props of {@link PostgresBulkImport}. */
export interface PostgresBulkImportProps extends PostgresBulkImportOptions {
  /** The database to load into; the Job and its ConfigMap go to the database's namespace. */
  readonly database: IPostgresDatabase;
  /** Image with psql, of the server's major or newer. @default `postgres:<the server's major>` */
  readonly image?: string;
  /** Extra labels on the ConfigMap, the Job and its pod. @default none */
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
    const parts = props.table.split('.');
    if (parts.length > 2 || !parts.every((p) => IDENTIFIER.test(p))) {
      invalid(this, 'table', props.table, 'a lowercase table name, optionally schema-qualified (e.g. "public.todos")');
    }
    for (const [i, column] of (props.columns ?? []).entries()) {
      if (!IDENTIFIER.test(column)) invalid(this, `columns[${i}]`, column, 'a lowercase column name');
    }
    if (props.columns && props.columns.length === 0)
      invalid(this, 'columns', props.columns, 'at least one column, or unset for all');
    const bytes = Buffer.byteLength(props.csv ?? '', 'utf8');
    if (bytes === 0 || bytes > MAX_CSV_BYTES)
      invalid(
        this,
        'csv',
        `${bytes} bytes`,
        `between 1 byte and ${MAX_CSV_BYTES} bytes (ConfigMaps hold at most 1 MiB); load larger files from a volume`,
      );

    const c = resolvePostgres(this, 'database', props.database);
    const labels = checkLabels(this, 'labels', props.labels);
    // A Secret reference and the server's NetworkPolicy only work from the database's own namespace.
    const objectMetadata = metadata({
      namespace: c.namespace,
      labels: Object.keys(labels).length > 0 ? labels : undefined,
      annotations: checkAnnotations(this, 'annotations', props.annotations),
    });
    this.configMap = new KubeConfigMap(this, 'Data', { metadata: objectMetadata, data: { 'data.csv': props.csv } });
    const table = parts.map(quoteIdentifier).join('.');
    const columns = props.columns ? `(${props.columns.map(quoteIdentifier).join(', ')})` : '';
    // The CSV arrives on psql's stdin (pstdin), so the command names no path.
    const copy = `\\copy ${table}${columns} FROM pstdin WITH (FORMAT csv, HEADER ${props.header ?? true})`;
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
      image: props.image ?? `postgres:${c.majorVersion}`,
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
