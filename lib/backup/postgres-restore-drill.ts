import { Duration, Names } from 'cdk8s';
import { KubeNetworkPolicy } from '../core/kube-objects';
import { KubeCronJob, KubeServiceAccount } from '../core/kube-objects';
import { Construct } from 'constructs';
import { metadata, MetadataProps, nonEmpty, resolveMetadataProps } from '../core/metadata';
import { checkImage } from '../core/image';
import { checkBoolean } from '../core/types';
import { checkVerificationQuery } from './verification-query';
import { BackupNetworkPolicy, renderNetworkPolicy } from './network-policy';
import { checkDnsLabel } from '../core/names';
import { SizeInput } from '../core/storage-size';
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
  cronJobLimits,
  jobLabels,
  jobLimits,
  jobPodSpec,
  renderJobResources,
  scratchSize,
  scriptContainer,
} from '../postgres/job-pod';
import { PostgresDatabaseRef, resolvePostgres } from '../postgres/source';
import { checkSchedule } from './schedule';
import { fetchContainer, streamReaderEnv } from './fetch-step';
import { DRILL_SCRIPT } from '../postgres/scripts';

/** The drill's default check: the restored database has at least one table. */
export const DEFAULT_DRILL_QUERY =
  "SELECT count(*) > 0 FROM pg_catalog.pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')";

/** CPU and memory of the two drill containers. */
export interface DrillResources {
  /** The `az` container that streams the dump. @default cpu '100m', memory '256Mi' request / '512Mi' limit */
  readonly fetch?: JobContainerResources;
  /** The container running the throwaway server and pg_restore. @default cpu '500m', memory '512Mi' request / '1Gi' limit */
  readonly drill?: JobContainerResources;
}

/** Props of {@link PostgresRestoreDrill} other than the database and the storage. */
export interface PostgresRestoreDrillOptions extends MetadataProps {
  /** Cron schedule, as for `BackupCronJob` (day of week 0–6; `7` is refused). @default '0 5 * * 0' (Sundays 05:00) */
  readonly schedule?: string;
  /** IANA time zone of the schedule. @default 'Etc/UTC' */
  readonly timeZone?: string;
  /** Create the CronJob suspended: the drill is off until enabled, and can always be run by hand. @default true */
  readonly suspend?: boolean;
  /**
   * SQL run against the restored database, e.g. `SELECT count(*) > 1000 FROM orders`: exactly one
   * statement that returns exactly one row of one boolean column, which must be `true`. It may hold
   * no backslash (psql meta-commands such as `\!` have none to start from) and no control character
   * other than tab and newline, at most 4096 characters. It is never psql script: psql passes it to
   * the server as one quoted literal, which opens it as a cursor (the server refuses a second
   * statement, and anything that is not a query: DDL, COPY, SET), as a role that reads every table
   * and nothing else (not a superuser: no COPY TO PROGRAM or server files), in a read-only
   * transaction. It runs on the throwaway server, never on the real one.
   * @default at least one table exists ({@link DEFAULT_DRILL_QUERY})
   */
  readonly verificationQuery?: string;
  /** Image of the throwaway server, of the database's major or newer. @default `postgres:<the database's major>` */
  readonly postgresImage?: string;
  /** Image with `az`: a tag other than `latest`, or a digest to pin it. @default AZURE_CLI_IMAGE */
  readonly azureCliImage?: string;
  /** Size limit of the emptyDir holding the throwaway server's data directory (the dump itself is streamed, not stored). @default '50Gi' */
  readonly scratchSize?: SizeInput;
  /** Time after which a running drill is killed and counted as failed. @default Duration.hours(6) */
  readonly activeDeadline?: Duration;
  /** Retries of a failed drill. @default 0 */
  readonly backoffLimit?: number;
  /** How long a finished Job is kept. @default Duration.days(7) */
  readonly ttlAfterFinished?: Duration;
  /** How late a missed run may still start. @default Duration.hours(1) */
  readonly startingDeadline?: Duration;
  /** Successful Jobs kept. @default 3 */
  readonly successfulJobsHistoryLimit?: number;
  /** Failed Jobs kept. @default 3 */
  readonly failedJobsHistoryLimit?: number;
  /** Name of the CronJob (and of its service account, with workload identity); at most 52 characters. @default a name generated from the construct path */
  readonly name?: string;
  /**
   * Egress rules for the pods (DNS, the storage endpoint), as a NetworkPolicy that also
   * refuses all ingress; pair it with a namespace-wide default-deny policy (docs/backup.md).
   * @default no NetworkPolicy: the pods reach what the namespace's policies allow
   */
  readonly networkPolicy?: BackupNetworkPolicy;
  /** CPU and memory of the containers. @default see {@link DrillResources} */
  readonly resources?: DrillResources;
}

/** Props of {@link PostgresRestoreDrill}. */
export interface PostgresRestoreDrillProps extends PostgresRestoreDrillOptions {
  /**
   * The database whose dumps are drilled: it names the blobs (`<prefix>/<database>/`) and the
   * version. The drill never connects to it; it runs in its namespace, next to the backup.
   */
  readonly database: PostgresDatabaseRef;
  /** Where the dumps are: the same storage the `BackupCronJob` writes to. */
  readonly storage: BackupStorage;
}

/**
 * "A backup that was never restored is not a backup": a CronJob (suspended by default) that
 * streams the latest dump into a throwaway PostgreSQL started inside the Job's own pod (after
 * applying its globals, the roles, with owners and privileges, when the backup saved them; without
 * owners and privileges for older dumps), commits the restore only if the stream's SHA-256 matches
 * the backup's, and runs a verification query.
 * The Job fails if the dump cannot be restored or the query is not true. Run it by hand with
 * `kubectl create job --from=cronjob/<name>`.
 */
export class PostgresRestoreDrill extends Construct {
  /** Name of the CronJob. */
  public readonly name: string;
  /** Namespace of the CronJob: the database's. */
  public readonly namespace: string;
  /** Where the dumps are, validated. */
  public readonly storage: ResolvedBackupStorage;
  /** Blob name prefix searched for the latest dump. */
  public readonly dumpPrefix: string;
  /** The verification query. */
  public readonly verificationQuery: string;
  /** The CronJob. */
  public readonly cronJob: KubeCronJob;
  /** The construct's main object, as on every construct of the library (same as {@link cronJob}). */
  public readonly apiObject: KubeCronJob;
  /** The service account annotated with the managed identity (workload identity only). */
  public readonly serviceAccount?: KubeServiceAccount;
  /** The pods' NetworkPolicy, when the `networkPolicy` prop is set. */
  public readonly networkPolicy?: KubeNetworkPolicy;

  constructor(scope: Construct, id: string, props: PostgresRestoreDrillProps) {
    super(scope, id);
    const c = resolvePostgres(this, 'database', props.database);
    this.storage = resolveBackupStorage(this, 'storage', props.storage);
    this.namespace = c.namespace;
    this.name = checkDnsLabel(this, 'name', props.name ?? Names.toDnsLabel(this, { maxLen: 52 }), 52);
    this.dumpPrefix = databaseDumpPrefix(this.storage, c.database);
    const { schedule, timeZone } = checkSchedule(this, props.schedule ?? '0 5 * * 0', props.timeZone ?? 'Etc/UTC');
    this.verificationQuery = checkVerificationQuery(
      this,
      'verificationQuery',
      props.verificationQuery ?? DEFAULT_DRILL_QUERY,
    );
    const postgresImage = props.postgresImage ?? `postgres:${c.majorVersion}`;
    checkPostgresImage(
      this,
      'postgresImage',
      postgresImage,
      c.majorVersion,
      `the throwaway server must be at least the database's version (PostgreSQL ${c.majorVersion}) to restore its dumps`,
    );
    const azureCliImage = checkImage(this, 'azureCliImage', props.azureCliImage ?? AZURE_CLI_IMAGE);
    const scratch = scratchSize(this, props.scratchSize, '50Gi');
    const limits = jobLimits(this, props, { activeDeadline: Duration.hours(6), backoffLimit: 0 });
    const cronLimits = cronJobLimits(this, props);

    const extra = resolveMetadataProps(this, props);
    // The library's labels win: they name the job in `kubectl get -l` and in the app-wide checks.
    const labels = { ...extra.labels, ...jobLabels('postgres-restore-drill', 'restore-drill', this.name) };
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
      limits,
      // Always: the drill restores owners and privileges when the dump's roles are there to own them.
      globals: true,
    });
    const drill = scriptContainer({
      name: 'drill',
      image: postgresImage,
      script: DRILL_SCRIPT,
      env: [
        { name: 'DRILL_DATABASE', value: c.database },
        { name: 'DRILL_QUERY', value: this.verificationQuery },
        ...streamReaderEnv(limits),
      ],
      resources: renderJobResources(this, 'resources.drill', props.resources?.drill, {
        cpuRequest: '500m',
        memoryRequest: '512Mi',
        memoryLimit: '1Gi',
        scratch,
      }),
    });

    this.networkPolicy = renderNetworkPolicy(this, props.networkPolicy, {
      name: this.name,
      namespace: this.namespace,
      labels,
      storage: this.storage,
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
        concurrencyPolicy: 'Forbid',
        ...cronLimits,
        suspend: checkBoolean(this, 'suspend', props.suspend, true),
        jobTemplate: {
          metadata: { labels },
          spec: {
            ...limits,
            template: {
              // No client label: the drill never talks to the real server.
              metadata: { labels: { ...labels, ...storagePodLabels(this.storage) } },
              spec: jobPodSpec({ containers: [fetch, drill], scratch, serviceAccountName: this.serviceAccount?.name }),
            },
          },
        },
      },
    });
  }
}
