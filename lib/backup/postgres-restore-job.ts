import { Duration, Names } from 'cdk8s';
import { KubeNetworkPolicy } from '../core/kube-objects';
import { EnvVar, KubeJob, KubeServiceAccount } from '../core/kube-objects';
import { Construct } from 'constructs';
import { metadata, MetadataProps, nonEmpty, resolveMetadataProps } from '../core/metadata';
import { checkImage } from '../core/image';
import { checkBoolean, checkRecord } from '../core/types';
import { BackupNetworkPolicy, renderNetworkPolicy } from './network-policy';
import { invalid } from '../core/errors';
import { checkDnsLabel } from '../core/names';
import { SizeInput } from '../core/storage-size';
import { checkInteger, checkOneOf } from '../core/values';
import { PostgresConnection } from '../postgres/connection';
import {
  BackupStorage,
  ResolvedBackupStorage,
  resolveBackupStorage,
  storageAccess,
  storagePodLabels,
  databaseDumpPrefix,
} from '../azure/blob-storage';
import {
  AZURE_CLI_IMAGE,
  JobContainerResources,
  checkPostgresImage,
  jobLabels,
  jobLimits,
  jobPodSpec,
  renderJobResources,
  scratchSize,
  scriptContainer,
} from '../postgres/job-pod';
import { PostgresDatabaseRef, checkDatabaseName, clientLabels, postgresEnv, resolvePostgres } from '../postgres/source';
import { fetchContainer, streamReaderEnv } from './fetch-step';
import { RESTORE_SCRIPT } from '../postgres/scripts';

/** Where a restore goes. */
export type RestoreMode =
  /**
   * Replaces the connection's own database: the dump is restored into a shadow database
   * (`<database>__restoring_<UTC timestamp>`, with the current one's owner, encoding and locale);
   * only when that succeeded and the stream's size and SHA-256 match the backup's, new connections
   * to the current database are refused, its sessions ended, and in one transaction it is renamed to
   * `<database>__before_<timestamp>` (kept for a rollback, connectable again) and the shadow to its
   * name. A failed restore leaves the current database in place and connectable. The user must own
   * the database and have CREATEDB; ending other roles' sessions needs pg_signal_backend.
   */
  | { readonly mode: 'replace' }
  /**
   * Into a new database on the same server (the Job fails if the database exists; the user needs
   * CREATEDB): restored into a shadow database as for `replace`, which is renamed to `database` only
   * once verified, so the name appears only for a complete restore. `database` is a PostgreSQL name (at most 63 letters, digits, `_`, `.` or `-`,
   * not starting with `.` or `-`), passed to `createdb --` and psql's `--dbname`, never inside SQL text.
   */
  | { readonly mode: 'newDatabase'; readonly database: string };

/** Longest target name: `__restoring_` and a `20250101T023000Z` timestamp (28 bytes) follow it in the shadow's name. */
const MAX_TARGET_BYTES = 63 - 28;

/** CPU and memory of the two restore containers. */
export interface RestoreResources {
  /** The `az` container that streams the dump. @default cpu '100m', memory '256Mi' request / '512Mi' limit */
  readonly fetch?: JobContainerResources;
  /** The `pg_restore` container. @default cpu '250m', memory '256Mi' request / '512Mi' limit */
  readonly restore?: JobContainerResources;
}

/** Props of {@link PostgresRestoreJob} other than the database and the storage. */
export interface PostgresRestoreJobOptions extends MetadataProps {
  /** Where the restore goes. */
  readonly mode: RestoreMode;
  /**
   * The server (and, for `replace`, the database) to restore into; the Job runs in its namespace.
   * Required on {@link PostgresRestoreJobProps}; `BackupCronJob.addRestoreJob` defaults it to the backed-up database.
   * @default the backed-up database (through `BackupCronJob.addRestoreJob` only)
   */
  readonly database?: PostgresDatabaseRef;
  /**
   * The database whose dumps are restored: the `<database>` segment of the blob names; a PostgreSQL
   * name as for `mode.database` (it is never part of SQL text).
   * @default the target database's name
   */
  readonly sourceDatabase?: string;
  /** Full blob name of the dump to restore, e.g. `postgres/app/20250101T023000Z.dump`. @default the latest dump under `<prefix>/<sourceDatabase>/` */
  readonly dump?: string;
  /**
   * Keep the dumped owners and privileges (`ALTER OWNER`, `GRANT`): the roles must exist and the
   * restoring user must be allowed to assign them. Without it, objects belong to the restoring user.
   * With `applyGlobals` it must stay true: roles that own nothing and hold no grant would be pointless.
   * @default true with `applyGlobals`, false without
   */
  readonly restoreOwnership?: boolean;
  /**
   * Apply the dump's globals (the roles, their settings and memberships, and tablespaces, as
   * `pg_dumpall --globals-only --no-role-passwords` wrote them beside the dump) to the target
   * server before the restore, then restore with owners and privileges: for a restore into a new
   * server, where the roles do not exist yet. Roles that already exist are kept, and the dump's
   * `ALTER ROLE` sets their attributes, which is why it is off by default: on the server the dump
   * came from, it would reset roles changed since. The user must be a superuser of the target
   * (checked before anything is created); a dump without globals (written before the backup saved
   * them) fails the Job before anything is created. Applied roles have no password, and stay when a
   * restore fails after them.
   * @default false
   */
  readonly applyGlobals?: boolean;
  /**
   * Parallel restore: with more than 1, the dump is downloaded to the scratch volume, its size and
   * SHA-256 are checked against the backup's before `pg_restore` reads any of it, and `pg_restore
   * --jobs=<jobs>` restores it into the shadow (the file is deleted afterwards). Needs `scratchSize`
   * to hold the whole dump. A whole number from 1 to 64.
   * @default 1: the dump is streamed and restored as it downloads, nothing is stored
   */
  readonly jobs?: number;
  /**
   * Create the Job suspended, so that applying the manifests never restores anything by itself.
   * Start it with `kubectl patch job <name> --type=merge -p '{"spec":{"suspend":false}}'`.
   * @default true
   */
  readonly suspend?: boolean;
  /** Image with `pg_restore`, of the target server's major or newer. @default `postgres:<the target server's major>` */
  readonly postgresImage?: string;
  /** Image with `az`: a tag other than `latest`, or a digest to pin it. @default AZURE_CLI_IMAGE */
  readonly azureCliImage?: string;
  /**
   * Size limit of the scratch emptyDir. A streamed restore (`jobs` 1) stores nothing of the dump:
   * the volume only holds the pipes, the globals and a few small status files. With `jobs` above 1
   * it holds the whole dump and is required: the library cannot know the dump's size.
   * @default '64Mi' (required when `jobs` is above 1)
   */
  readonly scratchSize?: SizeInput;
  /** Time after which a running restore is killed. @default Duration.hours(6) */
  readonly activeDeadline?: Duration;
  /** Retries of a failed restore. @default 0 (a failed restore wants a person to look first) */
  readonly backoffLimit?: number;
  /** How long a finished Job is kept. @default Duration.days(7) */
  readonly ttlAfterFinished?: Duration;
  /** Name of the Job (and of its service account, with workload identity). @default a name generated from the construct path */
  readonly name?: string;
  /**
   * Egress rules for the pods (DNS, the database,  the storage endpoint), as a NetworkPolicy that also
   * refuses all ingress; pair it with a namespace-wide default-deny policy (docs/backup.md).
   * @default no NetworkPolicy: the pods reach what the namespace's policies allow
   */
  readonly networkPolicy?: BackupNetworkPolicy;
  /** CPU and memory of the containers. @default see {@link RestoreResources} */
  readonly resources?: RestoreResources;
}

/** Props of {@link PostgresRestoreJob}. */
export interface PostgresRestoreJobProps extends PostgresRestoreJobOptions {
  /** The server (and, for `replace`, the database) to restore into; the Job runs in its namespace. */
  readonly database: PostgresDatabaseRef;
  /** Where the dumps are: the same storage the `BackupCronJob` writes to. */
  readonly storage: BackupStorage;
}

/** Checks a full dump blob name under `prefix`. */
function checkDumpName(scope: Construct, name: string, prefix: string): string {
  const ok =
    typeof name === 'string' &&
    name.startsWith(prefix) &&
    /^[A-Za-z0-9_-][A-Za-z0-9._-]*\.dump$/.test(name.slice(prefix.length));
  if (!ok) invalid(scope, 'dump', name, `a dump blob name under "${prefix}", like "${prefix}20250101T023000Z.dump"`);
  return name;
}

/**
 * A Job that restores a dump written by `BackupCronJob`: a named one or the latest under the
 * prefix, either replacing the target database or into a new database. Two containers run side by
 * side: `fetch` (`az`) streams the blob through a pipe, and `restore` (`postgres:<major>`) restores
 * it with `pg_restore --dbname` into a shadow database while hashing the same bytes (with `jobs`
 * above 1: downloads it, verifies it, then runs `pg_restore --jobs`). Only when pg_restore succeeded
 * and the dump's size and SHA-256 equal those recorded at backup time does a rename make the shadow
 * the target; otherwise the shadow is dropped and the target left as it was. With `applyGlobals`,
 * the dump's roles are applied to the server first.
 *
 * The Job is created suspended by default, so applying the manifests never restores by itself.
 */
export class PostgresRestoreJob extends Construct {
  /** Name of the Job. */
  public readonly name: string;
  /** Namespace of the Job: the target database's. */
  public readonly namespace: string;
  /** The target's connection. */
  public readonly connection: PostgresConnection;
  /** Where the dumps are, validated. */
  public readonly storage: ResolvedBackupStorage;
  /** Blob name prefix searched for the latest dump. */
  public readonly dumpPrefix: string;
  /** The database the dump is restored into. */
  public readonly targetDatabase: string;
  /** The Job. */
  public readonly job: KubeJob;
  /** The construct's main object, as on every construct of the library (same as {@link job}). */
  public readonly apiObject: KubeJob;
  /** The service account annotated with the managed identity (workload identity only). */
  public readonly serviceAccount?: KubeServiceAccount;
  /** The pods' NetworkPolicy, when the `networkPolicy` prop is set. */
  public readonly networkPolicy?: KubeNetworkPolicy;

  constructor(scope: Construct, id: string, props: PostgresRestoreJobProps) {
    super(scope, id);
    this.connection = resolvePostgres(this, 'database', props.database);
    this.storage = resolveBackupStorage(this, 'storage', props.storage);
    const c = this.connection;
    this.namespace = c.namespace;
    this.name = checkDnsLabel(this, 'name', props.name ?? Names.toDnsLabel(this, { maxLen: 63 }), 63);
    const source = checkDatabaseName(this, 'sourceDatabase', props.sourceDatabase ?? c.database);
    this.dumpPrefix = databaseDumpPrefix(this.storage, source);
    const dump = props.dump === undefined ? undefined : checkDumpName(this, props.dump, this.dumpPrefix);

    if (props.mode === null || typeof props.mode !== 'object' || Array.isArray(props.mode))
      invalid(this, 'mode', props.mode, "{ mode: 'replace' } or { mode: 'newDatabase', database: '<name>' }");
    checkRecord(this, 'mode', props.mode);
    checkOneOf(this, 'mode.mode', props.mode.mode, ['replace', 'newDatabase']);
    const modeEnv: EnvVar[] = [{ name: 'RESTORE_MODE', value: props.mode.mode }];
    if (props.mode.mode === 'newDatabase') {
      this.targetDatabase = checkDatabaseName(this, 'mode.database', props.mode.database);
      if (this.targetDatabase === c.database) {
        invalid(
          this,
          'mode.database',
          this.targetDatabase,
          `a database other than the connection's own ("${c.database}"): use { mode: 'replace' } to restore into it`,
        );
      }
      modeEnv.push({ name: 'RESTORE_DATABASE', value: this.targetDatabase });
    } else {
      this.targetDatabase = c.database;
    }
    // PostgreSQL cuts names to 63 bytes: the shadow's name must stay distinct from the target's.
    if (Buffer.byteLength(this.targetDatabase) > MAX_TARGET_BYTES) {
      const field = props.mode.mode === 'newDatabase' ? 'mode.database' : 'database.database';
      invalid(
        this,
        field,
        this.targetDatabase,
        `a name of at most ${MAX_TARGET_BYTES} bytes, so that "<name>__restoring_<UTC timestamp>" fits PostgreSQL's 63`,
      );
    }

    const postgresImage = props.postgresImage ?? `postgres:${c.majorVersion}`;
    checkPostgresImage(
      this,
      'postgresImage',
      postgresImage,
      c.majorVersion,
      `pg_restore must be at least the target server's version (PostgreSQL ${c.majorVersion}) to read its dumps`,
    );
    const azureCliImage = checkImage(this, 'azureCliImage', props.azureCliImage ?? AZURE_CLI_IMAGE);
    const jobs = checkInteger(this, 'jobs', props.jobs ?? 1, 1, 64);
    if (jobs > 1 && props.scratchSize === undefined) {
      invalid(
        this,
        'scratchSize',
        props.scratchSize,
        `a size that holds the whole dump: with jobs ${jobs} it is downloaded to the scratch volume before pg_restore --jobs reads it`,
      );
    }
    const scratch = scratchSize(this, props.scratchSize, '64Mi');
    const applyGlobals = checkBoolean(this, 'applyGlobals', props.applyGlobals, false);
    const restoreOwnership = checkBoolean(this, 'restoreOwnership', props.restoreOwnership, applyGlobals);
    if (applyGlobals && !restoreOwnership) {
      invalid(
        this,
        'restoreOwnership',
        props.restoreOwnership,
        'true or unset with applyGlobals: true (the applied roles would own nothing and hold no grant)',
      );
    }
    const limits = jobLimits(this, props, { activeDeadline: Duration.hours(6), backoffLimit: 0 });

    const extra = resolveMetadataProps(this, props);
    // The library's labels win: they name the job in `kubectl get -l` and in the app-wide checks.
    const labels = { ...extra.labels, ...jobLabels('postgres-restore', 'restore', this.name) };
    this.serviceAccount = storageAccess(this, this.storage, {
      name: this.name,
      namespace: this.namespace,
      labels,
      annotations: extra.annotations,
      access: 'read',
    });

    const fetch = fetchContainer(this, {
      storage: this.storage,
      dumpPrefix: this.dumpPrefix,
      image: azureCliImage,
      resources: props.resources?.fetch,
      blob: dump,
      limits,
      toFile: jobs > 1,
      globals: applyGlobals,
    });
    const restore = scriptContainer({
      name: 'restore',
      image: postgresImage,
      script: RESTORE_SCRIPT,
      env: [
        ...postgresEnv(c, 'aks-stateful-restore'),
        ...modeEnv,
        { name: 'RESTORE_OWNERSHIP', value: String(restoreOwnership) },
        { name: 'RESTORE_JOBS', value: String(jobs) },
        { name: 'APPLY_GLOBALS', value: String(applyGlobals) },
        ...streamReaderEnv(limits),
      ],
      resources: renderJobResources(this, 'resources.restore', props.resources?.restore, {
        cpuRequest: '250m',
        memoryRequest: '256Mi',
        memoryLimit: '512Mi',
        scratch,
      }),
    });

    this.networkPolicy = renderNetworkPolicy(this, props.networkPolicy, {
      name: this.name,
      namespace: this.namespace,
      labels,
      storage: this.storage,
      connection: c,
    });
    this.apiObject = this.job = new KubeJob(this, 'Resource', {
      metadata: metadata({
        name: this.name,
        namespace: this.namespace,
        labels,
        annotations: nonEmpty(extra.annotations),
      }),
      spec: {
        suspend: checkBoolean(this, 'suspend', props.suspend, true),
        ...limits,
        template: {
          metadata: { labels: { ...labels, ...clientLabels(c), ...storagePodLabels(this.storage) } },
          spec: jobPodSpec({ containers: [fetch, restore], scratch, serviceAccountName: this.serviceAccount?.name }),
        },
      },
    });
  }
}
