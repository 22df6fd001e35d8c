import { Duration, Names } from 'cdk8s';
import { KubeNetworkPolicy } from '../core/kube-objects';
import { KubeCronJob, KubeServiceAccount } from '../core/kube-objects';
import { Construct } from 'constructs';
import { metadata, MetadataProps, nonEmpty, resolveMetadataProps } from '../core/metadata';
import { checkImage } from '../core/image';
import { checkBoolean } from '../core/types';
import { BackupNetworkPolicy, renderNetworkPolicy } from './network-policy';
import { invalid } from '../core/errors';
import { checkDnsLabel } from '../core/names';
import { SizeInput } from '../core/storage-size';
import { checkInteger } from '../core/values';
import { PostgresConnection } from '../postgres/connection';
import {
  BackupStorage,
  ResolvedBackupStorage,
  resolveBackupStorage,
  storageAccess,
  storageEnv,
  storagePodLabels,
  databaseDumpPrefix,
} from '../azure/blob-storage';
import {
  AZURE_CLI_IMAGE,
  JobContainerResources,
  checkPostgresImage,
  cronJobLimits,
  jobLabels,
  jobLimits,
  jobPodSpec,
  renderJobResources,
  scratchSize,
  scriptContainer,
} from '../postgres/job-pod';
import { PostgresDatabaseRef, clientLabels, postgresEnv, resolvePostgres } from '../postgres/source';
import { PostgresRestoreDrill, PostgresRestoreDrillOptions } from './postgres-restore-drill';
import { PostgresRestoreJob, PostgresRestoreJobOptions } from './postgres-restore-job';
import { checkSchedule, longestGapDays } from './schedule';
import { DumpCompression, checkCompression } from './compression';
import { DUMP_SCRIPT, UPLOAD_SCRIPT } from '../postgres/scripts';

/** CPU and memory of the two backup containers. */
export interface BackupResources {
  /** The `pg_dump` container. @default cpu '250m', memory '256Mi' request / '512Mi' limit */
  readonly dump?: JobContainerResources;
  /** The `az` upload container. @default cpu '100m', memory '256Mi' request / '512Mi' limit */
  readonly upload?: JobContainerResources;
}

/** Props of {@link BackupCronJob}. */
export interface BackupCronJobProps extends MetadataProps {
  /**
   * The database to back up: a `PostgresSingleton` (or any `IPostgresDatabase`), or the
   * connection of any PostgreSQL server. The CronJob runs in its namespace, where the password Secret is.
   */
  readonly database: PostgresDatabaseRef;
  /** Where the dumps go. */
  readonly storage: BackupStorage;
  /**
   * Cron schedule: five fields or a macro such as `@daily`, as the CronJob controller parses them
   * (robfig/cron): day of week 0–6 or `sun`–`sat`, Sunday is 0; `7` is refused.
   * @default '30 2 * * *' (02:30 every day)
   */
  readonly schedule?: string;
  /** IANA time zone of the schedule. @default 'Etc/UTC' */
  readonly timeZone?: string;
  /**
   * Days a dump is kept. Declared with the container requirement: the Pulumi layer turns it into a
   * lifecycle rule deleting blobs under `<prefix>/<database>/` this many days after they were
   * written. It must keep at least two dumps of the schedule.
   * @default 30
   */
  readonly retentionDays?: number;
  /**
   * Image with `pg_dump`. Its tag's major version must not be older than the server's (pg_dump
   * refuses newer servers); a newer client is fine. A digest may follow the tag to pin the image
   * (`postgres:17.2@sha256:…`).
   * @default `postgres:<the server's major>`
   */
  readonly postgresImage?: string;
  /**
   * Image with `az`: a tag other than `latest`, or a digest (`mcr.microsoft.com/azure-cli@sha256:…`, or
   * tag and digest) to pin it. @default AZURE_CLI_IMAGE (`mcr.microsoft.com/azure-cli:2.77.0`)
   */
  readonly azureCliImage?: string;
  /**
   * Size limit of the scratch emptyDir (also the pod's ephemeral-storage request). The dump never
   * lands on it: pg_dump's output streams through named pipes on it to the upload, so it holds only
   * the pipes and a few small files (markers, metadata, hashes, the staged block count, the globals
   * of `pg_dumpall --globals-only`, usually a few KiB).
   * @default '16Mi'
   */
  readonly scratchSize?: SizeInput;
  /** Time after which a running backup is killed and counted as failed. @default Duration.hours(3) */
  readonly activeDeadline?: Duration;
  /** Retries of a failed backup; each retry is a new dump with its own name. @default 1 */
  readonly backoffLimit?: number;
  /** How long a finished Job (and its pod's logs) is kept. @default Duration.days(7) */
  readonly ttlAfterFinished?: Duration;
  /** How late a missed run may still start (after a control plane outage); later runs are skipped. @default Duration.hours(1) */
  readonly startingDeadline?: Duration;
  /** Successful Jobs kept. @default 3 */
  readonly successfulJobsHistoryLimit?: number;
  /** Failed Jobs kept. @default 3 */
  readonly failedJobsHistoryLimit?: number;
  /** Create the CronJob suspended. @default false */
  readonly suspend?: boolean;
  /** Name of the CronJob (and of its service account, with workload identity); at most 52 characters. @default a name generated from the construct path */
  readonly name?: string;
  /**
   * Egress rules for the pods (DNS, the database,  the storage endpoint), as a NetworkPolicy that also
   * refuses all ingress; pair it with a namespace-wide default-deny policy (docs/backup.md).
   * @default no NetworkPolicy: the pods reach what the namespace's policies allow
   */
  readonly networkPolicy?: BackupNetworkPolicy;
  /** CPU and memory of the containers. @default see {@link BackupResources} */
  readonly resources?: BackupResources;
  /**
   * How pg_dump compresses the archive: `'gzip'`, `'gzip:0'`…`'gzip:9'`, `'lz4'`, `'lz4:1'`…`'lz4:12'`,
   * `'zstd'`, `'zstd:1'`…`'zstd:22'` or `'none'` (see {@link DumpCompression} and docs/backup.md).
   * lz4 and zstd need a PostgreSQL 16+ `postgresImage`, and a 16+ image for the restore. Recorded in
   * the dump's blob metadata as `compression`.
   * @default 'gzip' (pg_dump's default level)
   */
  readonly compression?: DumpCompression;
}

/**
 * A CronJob that dumps a PostgreSQL database with `pg_dump -Fc`, proves the archive whole, and
 * streams it to Azure Blob storage as `<prefix>/<database>/<UTC timestamp>.dump` with its SHA-256,
 * size, server version, source and compression as blob metadata. The cluster's roles and tablespaces
 * (`pg_dumpall --globals-only --no-role-passwords`: no password hashes) go beside it as
 * `<UTC timestamp>.globals.sql`, stored before the dump is committed and named by its hash in the
 * dump's metadata (`globals_sha256`, `globals_size`). Any failure fails the Job: no truncated or
 * empty dump is ever uploaded, and an existing blob is never overwritten.
 *
 * The pod has two containers from public images that start together: `dump` (`postgres:<major>`)
 * streams the archive through a pipe to `upload` and verifies it on the way (read back, hashed,
 * counted); `upload` (`mcr.microsoft.com/azure-cli`) stages the stream as uncommitted blocks of a
 * block blob while pg_dump runs, and commits them only after the dump's `ready` marker, and only
 * when its own hash and count of the stream are the dump's (a `failed` marker, a mismatch, or none
 * within the Job's deadline commits nothing; uncommitted blocks expire).
 */
export class BackupCronJob extends Construct {
  /** Name of the CronJob. */
  public readonly name: string;
  /** Namespace of the CronJob: the database's. */
  public readonly namespace: string;
  /** The database's connection. */
  public readonly connection: PostgresConnection;
  /** Where the dumps go, validated. */
  public readonly storage: ResolvedBackupStorage;
  /** Blob name prefix of this database's dumps, ending in '/': `<prefix>/<database>/`. */
  public readonly dumpPrefix: string;
  /** Image that runs pg_dump. */
  public readonly postgresImage: string;
  /** Major version of pg_dump (from the image tag). */
  public readonly clientMajorVersion: number;
  /** Image that runs az. */
  public readonly azureCliImage: string;
  /** How pg_dump compresses the archive. */
  public readonly compression: DumpCompression;
  /** Days dumps are kept. */
  public readonly retentionDays: number;
  /** The CronJob. */
  public readonly cronJob: KubeCronJob;
  /** The construct's main object, as on every construct of the library (same as {@link cronJob}). */
  public readonly apiObject: KubeCronJob;
  /** The service account annotated with the managed identity (workload identity only). */
  public readonly serviceAccount?: KubeServiceAccount;
  /** The pods' NetworkPolicy, when the `networkPolicy` prop is set. */
  public readonly networkPolicy?: KubeNetworkPolicy;
  private readonly database: PostgresDatabaseRef;
  private readonly storageProps: BackupStorage;

  constructor(scope: Construct, id: string, props: BackupCronJobProps) {
    super(scope, id);
    this.database = props.database;
    this.storageProps = props.storage;
    this.connection = resolvePostgres(this, 'database', props.database);
    this.storage = resolveBackupStorage(this, 'storage', props.storage);
    const c = this.connection;
    this.namespace = c.namespace;
    this.name = checkDnsLabel(this, 'name', props.name ?? Names.toDnsLabel(this, { maxLen: 52 }), 52);
    this.dumpPrefix = databaseDumpPrefix(this.storage, c.database);

    const { schedule, timeZone } = checkSchedule(this, props.schedule ?? '30 2 * * *', props.timeZone ?? 'Etc/UTC');
    this.retentionDays = checkInteger(this, 'retentionDays', props.retentionDays ?? 30, 1, 36500);
    const gap = longestGapDays(schedule);
    if (this.retentionDays < 2 * gap) {
      invalid(
        this,
        'retentionDays',
        this.retentionDays,
        `at least ${2 * gap} days: the schedule "${schedule}" runs up to ${gap} day(s) apart, and retention must keep at least two dumps so that one failed run never leaves none`,
      );
    }

    this.postgresImage = props.postgresImage ?? `postgres:${c.majorVersion}`;
    this.clientMajorVersion = checkPostgresImage(
      this,
      'postgresImage',
      this.postgresImage,
      c.majorVersion,
      `pg_dump refuses to dump a server newer than itself, and the server is PostgreSQL ${c.majorVersion}`,
    );
    this.compression = checkCompression(this, 'compression', props.compression, this.clientMajorVersion);
    this.azureCliImage = checkImage(this, 'azureCliImage', props.azureCliImage ?? AZURE_CLI_IMAGE);
    const scratch = scratchSize(this, props.scratchSize, '16Mi');
    const limits = jobLimits(this, props, { activeDeadline: Duration.hours(3), backoffLimit: 1 });
    const cronLimits = cronJobLimits(this, props);

    const extra = resolveMetadataProps(this, props);
    // The library's labels win: they name the job in `kubectl get -l` and in the app-wide checks.
    const labels = { ...extra.labels, ...jobLabels('postgres-backup', 'backup', this.name) };
    this.serviceAccount = storageAccess(this, this.storage, {
      name: this.name,
      namespace: this.namespace,
      labels,
      annotations: extra.annotations,
      access: 'write',
      retention: { prefix: this.dumpPrefix, deleteAfterDays: this.retentionDays },
    });

    const dump = scriptContainer({
      name: 'dump',
      image: this.postgresImage,
      script: DUMP_SCRIPT,
      env: [
        ...postgresEnv(c, 'aks-stateful-backup'),
        { name: 'BLOB_DIR', value: this.dumpPrefix.slice(0, -1) },
        { name: 'DUMP_COMPRESSION', value: this.compression },
      ],
      resources: renderJobResources(this, 'resources.dump', props.resources?.dump, {
        cpuRequest: '250m',
        memoryRequest: '256Mi',
        memoryLimit: '512Mi',
        scratch,
      }),
    });
    const upload = scriptContainer({
      name: 'upload',
      image: this.azureCliImage,
      script: UPLOAD_SCRIPT,
      env: [
        ...storageEnv(this.storage),
        // The upload waits for the dump at most as long as the Job may run; its SAS expires then too.
        { name: 'DUMP_WAIT_SECONDS', value: String(limits.activeDeadlineSeconds) },
        // Named in the error when the image lacks a program the upload needs (curl, openssl, coreutils, python3).
        { name: 'CONTAINER_IMAGE', value: this.azureCliImage },
      ],
      // Only the dump container asks for the scratch space: a pod's request is the sum of its
      // containers', and the upload uses the same volume.
      resources: renderJobResources(this, 'resources.upload', props.resources?.upload, {
        cpuRequest: '100m',
        memoryRequest: '256Mi',
        memoryLimit: '512Mi',
      }),
      azureCli: true,
    });

    this.networkPolicy = renderNetworkPolicy(this, props.networkPolicy, {
      name: this.name,
      namespace: this.namespace,
      labels,
      storage: this.storage,
      connection: c,
    });
    this.apiObject = this.cronJob = new KubeCronJob(this, 'Resource', {
      metadata: metadata({
        name: this.name,
        namespace: this.namespace,
        labels,
        annotations: nonEmpty(extra.annotations),
      }),
      spec: {
        schedule,
        timeZone,
        // Two dumps at once only load the server; a late run waits for the current one to finish.
        concurrencyPolicy: 'Forbid',
        ...cronLimits,
        suspend: checkBoolean(this, 'suspend', props.suspend, false),
        jobTemplate: {
          metadata: { labels },
          spec: {
            ...limits,
            template: {
              metadata: { labels: { ...labels, ...clientLabels(c), ...storagePodLabels(this.storage) } },
              spec: jobPodSpec({ containers: [dump, upload], scratch, serviceAccountName: this.serviceAccount?.name }),
            },
          },
        },
      },
    });
  }

  /**
   * A {@link PostgresRestoreJob} for this backup's dumps, into the same database by default, with
   * this backup's storage and postgres image (so pg_restore can read what pg_dump wrote).
   */
  public addRestoreJob(id: string, options: PostgresRestoreJobOptions): PostgresRestoreJob {
    return new PostgresRestoreJob(this, id, {
      postgresImage: this.postgresImage,
      azureCliImage: this.azureCliImage,
      sourceDatabase: this.connection.database,
      ...options,
      database: options.database ?? this.database,
      storage: this.storageProps,
    });
  }

  /** A {@link PostgresRestoreDrill} that regularly proves this backup's latest dump restorable. */
  public addRestoreDrill(id: string, options: PostgresRestoreDrillOptions = {}): PostgresRestoreDrill {
    return new PostgresRestoreDrill(this, id, {
      postgresImage: this.postgresImage,
      azureCliImage: this.azureCliImage,
      ...options,
      database: this.database,
      storage: this.storageProps,
    });
  }
}
