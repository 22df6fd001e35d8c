import { Chart, Duration, Names } from 'cdk8s';
import {
  IntOrString,
  KubeConfigMap,
  KubeNetworkPolicy,
  KubeService,
  KubeStatefulSet,
  Quantity,
} from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import { declareAzureRequirement } from '../azure/requirements';
import { metadata } from '../core/metadata';
import { AzureDiskStorageClass } from '../storage/azure-disk-storage-class';
import { StorageClassRef } from '../storage/azure-storage-class';
import { checkNotDeprecated } from '../core/deprecated-keys';
import { invalid } from '../core/errors';
import { checkDnsLabel, checkDnsSubdomain, checkLabels } from '../core/names';
import { StorageSize } from '../core/storage-size';
import { checkInteger } from '../core/values';
import { renderClaimTemplate, resolveClaimTemplates } from './claim-template';
import { PostgresBulkImport, PostgresBulkImportOptions } from './postgres-bulk-import';
import {
  IPostgresDatabase,
  PostgresConnection,
  PostgresMajorVersion,
  SUPPORTED_POSTGRES_MAJORS,
  SecretKeyRef,
} from '../postgres/connection';
import { POSTGRES_UID, dataLayout, postgresContainer, renderResources } from './postgres-container';
import { checkDatabaseStorage } from './postgres-storage-rules';
import { requestAppChecks } from '../core/app-checks';

/** CPU and memory of the server. */
export interface PostgresResources {
  /** CPU request. @default '250m' */
  readonly cpuRequest?: string;
  /** CPU limit; none by default, since throttling a database hurts more than it protects. @default none */
  readonly cpuLimit?: string;
  /** Memory request. @default '512Mi' */
  readonly memoryRequest?: StorageSize | string;
  /** Memory limit (includes /dev/shm). @default '1Gi' */
  readonly memoryLimit?: StorageSize | string;
}

/** Props of {@link PostgresSingleton}. */
export interface PostgresSingletonProps {
  /** Base name of the StatefulSet, Services and NetworkPolicy; at most 40 characters. @default a name generated from the construct path */
  readonly name?: string;
  /** PostgreSQL major version of the official `postgres` image (14–18). @default 17 */
  readonly majorVersion?: PostgresMajorVersion;
  /** Full image reference; it must be the declared major. @default `postgres:<majorVersion>` */
  readonly image?: string;
  /** Database created on first start. @default 'app' */
  readonly database?: string;
  /** User created on first start (its owner). @default 'app' */
  readonly user?: string;
  /**
   * An existing Secret key with the password. Without it, a Secret `<name>-credentials` (key
   * `password`) is declared as an Azure requirement: `pulumi up` (`StatefulStack`) generates it;
   * without Pulumi, create it by hand before applying.
   * @default a generated password Secret
   */
  readonly passwordSecret?: SecretKeyRef;
  /** Size of the data disk; a whole number of GiB. @default '32Gi' */
  readonly storageSize?: StorageSize | string;
  /**
   * Storage class of the data disk: an Azure Disk class (Azure Files is refused: SMB gives
   * PostgreSQL neither the locking nor the fsync semantics it relies on).
   * @default a new Premium_LRS AzureDiskStorageClass (WaitForFirstConsumer, Retain)
   */
  readonly storageClass?: StorageClassRef;
  /** Server resources. @default see {@link PostgresResources} */
  readonly resources?: PostgresResources;
  /** Size of the shared-memory mount (/dev/shm, parallel queries); counts against the memory limit. @default '256Mi' */
  readonly sharedMemorySize?: StorageSize | string;
  /** Time the server gets to shut down cleanly (at least 60 s). @default Duration.seconds(120) */
  readonly terminationGracePeriod?: Duration;
  /** Extra `postgresql.conf` settings, passed as `-c key=value`. @default none */
  readonly settings?: Record<string, string>;
  /**
   * SQL (`.sql`) or shell (`.sh`) scripts by file name, run in name order on the first
   * start only, when the data directory is empty; later changes never run. @default none
   */
  readonly initScripts?: Record<string, string>;
  /** Loads a CSV into a table once, with psql `\copy`, from a Job. @default none */
  readonly bulkImport?: PostgresBulkImportOptions;
  /** Extra labels on every object and the pod. @default none */
  readonly labels?: Record<string, string>;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
const SETTING_KEY = /^[a-z_][a-z0-9_.]*$/;
const CPU = /^([1-9]\d*m|\d+(\.\d+)?)$/;

/** A CPU quantity ("250m", "1.5") in millicores. */
function millicores(cpu: string): number {
  return cpu.endsWith('m') ? Number(cpu.slice(0, -1)) : Number(cpu) * 1000;
}

/**
 * One PostgreSQL server on a StatefulSet with an Azure Disk — not highly available, but
 * self-healing: if its node fails, the pod is rescheduled in the disk's zone and the data follows.
 * The password lives only in a Secret mounted as a file; clients need the label {@link clientLabel}.
 */
export class PostgresSingleton extends Construct implements IPostgresDatabase {
  public readonly name: string;
  public readonly namespace: string;
  public readonly majorVersion: PostgresMajorVersion;
  public readonly image: string;
  /** What backup jobs and clients need; nothing secret. */
  public readonly connection: PostgresConnection;
  /** Label a pod must carry to pass the NetworkPolicy. */
  public readonly clientLabel: { readonly key: string; readonly value: string };
  /** Labels that select the server pod. */
  public readonly selectorLabels: Readonly<Record<string, string>>;
  /** The data disk's storage class. */
  public readonly storageClass: StorageClassRef;
  public readonly statefulSet: KubeStatefulSet;
  /** The Service clients connect to. */
  public readonly service: KubeService;
  public readonly networkPolicy: KubeNetworkPolicy;
  public readonly bulkImport?: PostgresBulkImport;

  constructor(scope: Construct, id: string, props: PostgresSingletonProps = {}) {
    super(scope, id);
    requestAppChecks(this);
    this.name = checkDnsLabel(this, 'name', props.name ?? Names.toDnsLabel(this, { maxLen: 40 }), 40);
    this.namespace = checkDnsLabel(this, 'namespace', Chart.of(this).namespace ?? 'default');
    this.majorVersion = checkInteger(this, 'majorVersion', props.majorVersion ?? 17, 0) as PostgresMajorVersion;
    if (!SUPPORTED_POSTGRES_MAJORS.includes(this.majorVersion)) {
      invalid(
        this,
        'majorVersion',
        this.majorVersion,
        `one of ${SUPPORTED_POSTGRES_MAJORS.join(', ')} (the majors with official images this library supports)`,
      );
    }
    this.image = props.image ?? `postgres:${this.majorVersion}`;
    if (/alpine/.test(this.image)) {
      invalid(
        this,
        'image',
        this.image,
        `a Debian-based postgres image (e.g. "postgres:${this.majorVersion}"): the Alpine images run as uid 70, not the 999 this construct's security context and volume ownership use`,
      );
    }
    const tag = /:(\d+)(?:[.-][\w.-]*)?$/.exec(this.image.split('@')[0]);
    if (!tag || Number(tag[1]) !== this.majorVersion) {
      invalid(
        this,
        'image',
        this.image,
        `an image tagged with major ${this.majorVersion} (e.g. "postgres:${this.majorVersion}" or "postgres:${this.majorVersion}.6-bookworm"): the tag must match majorVersion, which backups rely on`,
      );
    }
    const database = props.database ?? 'app';
    const user = props.user ?? 'app';
    if (!IDENTIFIER.test(database))
      invalid(
        this,
        'database',
        database,
        'a lowercase SQL identifier: letters, digits and _, at most 63, not starting with a digit',
      );
    if (!IDENTIFIER.test(user))
      invalid(
        this,
        'user',
        user,
        'a lowercase SQL identifier: letters, digits and _, at most 63, not starting with a digit',
      );
    if (user === 'postgres') invalid(this, 'user', user, 'an application user other than the superuser "postgres"');

    const passwordSecret = props.passwordSecret ?? { name: `${this.name}-credentials`, key: 'password' };
    checkDnsSubdomain(this, 'passwordSecret.name', passwordSecret.name);
    if (!/^[-._a-zA-Z0-9]+$/.test(passwordSecret.key))
      invalid(this, 'passwordSecret.key', passwordSecret.key, "a Secret key: letters, digits, '-', '_' or '.'");
    if (!props.passwordSecret) {
      declareAzureRequirement(this, {
        kind: 'kubernetesSecret',
        namespace: this.namespace,
        name: passwordSecret.name,
        keys: { password: { from: 'generatedPassword', length: 32 } },
      });
    }

    const extraLabels = checkLabels(this, 'labels', props.labels);
    checkNotDeprecated(this, 'labels', Object.keys(extraLabels));
    const storageSize = StorageSize.from(props.storageSize ?? '32Gi', this, 'storageSize');
    if (!storageSize.isWholeGibibytes())
      invalid(this, 'storageSize', storageSize.toString(), 'a whole number of GiB: Azure provisions disks in GiB');
    this.storageClass =
      props.storageClass ??
      new AzureDiskStorageClass(this, 'StorageClass', {
        sku: 'Premium_LRS',
        labels: Object.keys(extraLabels).length > 0 ? extraLabels : undefined,
      });
    checkDatabaseStorage(this, 'storageClass', this.storageClass);
    const [template] = resolveClaimTemplates(this, [
      {
        name: 'data',
        size: storageSize,
        storageClass: this.storageClass,
        mountPath: dataLayout(this.majorVersion).mountPath,
      },
    ]);

    const settings = { ...(props.settings ?? {}) };
    for (const [key, value] of Object.entries(settings)) {
      if (!SETTING_KEY.test(key))
        invalid(this, 'settings key', key, 'a postgresql.conf parameter name (lowercase letters, digits, _ and .)');
      if (typeof value !== 'string' || /[\n\r\0]/.test(value))
        invalid(this, `settings["${key}"]`, value, 'a single-line string');
    }
    const initScripts = props.initScripts ?? {};
    for (const file of Object.keys(initScripts)) {
      if (!/^[\w.-]+\.(sql|sh)$/.test(file))
        invalid(
          this,
          'initScripts file name',
          file,
          'a file name ending in .sql or .sh (scripts travel as text in a ConfigMap)',
        );
    }

    const memoryLimit = StorageSize.from(props.resources?.memoryLimit ?? '1Gi', this, 'resources.memoryLimit');
    const memoryRequest = StorageSize.from(props.resources?.memoryRequest ?? '512Mi', this, 'resources.memoryRequest');
    const shm = StorageSize.from(props.sharedMemorySize ?? '256Mi', this, 'sharedMemorySize');
    if (memoryLimit.isSmallerThan(memoryRequest))
      invalid(this, 'resources.memoryLimit', memoryLimit.toString(), `at least the memory request (${memoryRequest})`);
    if (!shm.isSmallerThan(memoryLimit))
      invalid(
        this,
        'sharedMemorySize',
        shm.toString(),
        `less than the memory limit (${memoryLimit}): /dev/shm is memory the server is charged for`,
      );
    const cpuRequest = props.resources?.cpuRequest ?? '250m';
    if (!CPU.test(cpuRequest)) invalid(this, 'resources.cpuRequest', cpuRequest, 'a CPU quantity like "250m" or "2"');
    const cpuLimit = props.resources?.cpuLimit;
    if (cpuLimit !== undefined && !CPU.test(cpuLimit))
      invalid(this, 'resources.cpuLimit', cpuLimit, 'a CPU quantity like "500m" or "2"');
    if (cpuLimit !== undefined && millicores(cpuLimit) < millicores(cpuRequest)) {
      invalid(this, 'resources.cpuLimit', cpuLimit, `at least the CPU request (${cpuRequest})`);
    }
    const grace = checkInteger(
      this,
      'terminationGracePeriod (seconds)',
      (props.terminationGracePeriod ?? Duration.seconds(120)).toSeconds(),
      60,
      3600,
    );

    this.selectorLabels = { 'app.kubernetes.io/name': 'postgres', 'app.kubernetes.io/instance': this.name };
    const labels = {
      ...extraLabels,
      ...this.selectorLabels,
      'app.kubernetes.io/managed-by': 'aks-stateful',
      'aks-stateful.io/database': 'postgres',
    };
    this.clientLabel = { key: 'aks-stateful.io/postgres-client', value: this.name };

    let initConfigMap: KubeConfigMap | undefined;
    if (Object.keys(initScripts).length > 0) {
      initConfigMap = new KubeConfigMap(this, 'InitScripts', {
        metadata: { name: `${this.name}-init`, labels },
        data: { ...initScripts },
      });
    }

    const headless = new KubeService(this, 'Headless', {
      metadata: { name: `${this.name}-headless`, labels },
      spec: {
        clusterIp: 'None',
        selector: { ...this.selectorLabels },
        ports: [{ name: 'postgres', port: 5432, targetPort: IntOrString.fromNumber(5432) }],
      },
    });
    this.service = new KubeService(this, 'Service', {
      metadata: { name: this.name, labels },
      spec: {
        type: 'ClusterIP',
        selector: { ...this.selectorLabels },
        ports: [{ name: 'postgres', port: 5432, targetPort: IntOrString.fromNumber(5432) }],
      },
    });

    this.statefulSet = new KubeStatefulSet(this, 'Resource', {
      metadata: metadata({ name: this.name, labels }),
      spec: {
        replicas: 1,
        serviceName: headless.name,
        podManagementPolicy: 'OrderedReady',
        updateStrategy: { type: 'RollingUpdate' },
        // The disk outlives the StatefulSet: deleting the workload must never delete the data.
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        selector: { matchLabels: { ...this.selectorLabels } },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            terminationGracePeriodSeconds: grace,
            securityContext: {
              runAsUser: POSTGRES_UID,
              runAsGroup: POSTGRES_UID,
              runAsNonRoot: true,
              fsGroup: POSTGRES_UID,
              fsGroupChangePolicy: 'OnRootMismatch',
              seccompProfile: { type: 'RuntimeDefault' },
            },
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            containers: [
              postgresContainer({
                image: this.image,
                major: this.majorVersion,
                database,
                user,
                passwordKey: passwordSecret.key,
                settings,
                resources: renderResources({
                  cpuRequest,
                  cpuLimit,
                  memoryRequest: memoryRequest.toString(),
                  memoryLimit: memoryLimit.toString(),
                }),
                hasInitScripts: initConfigMap !== undefined,
              }),
            ],
            volumes: [
              {
                name: 'password',
                secret: {
                  secretName: passwordSecret.name,
                  defaultMode: 0o440,
                  items: [{ key: passwordSecret.key, path: passwordSecret.key }],
                },
              },
              { name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: Quantity.fromString(shm.toString()) } },
              { name: 'run', emptyDir: { sizeLimit: Quantity.fromString('16Mi') } },
              { name: 'tmp', emptyDir: { sizeLimit: Quantity.fromString('1Gi') } },
              ...(initConfigMap ? [{ name: 'init-scripts', configMap: { name: initConfigMap.name } }] : []),
            ],
          },
        },
        volumeClaimTemplates: [renderClaimTemplate(template, { ...this.selectorLabels })],
      },
    });

    this.networkPolicy = new KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: { name: this.name, labels },
      spec: {
        podSelector: { matchLabels: { ...this.selectorLabels } },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [{ podSelector: { matchLabels: { [this.clientLabel.key]: this.clientLabel.value } } }],
            ports: [{ protocol: 'TCP', port: IntOrString.fromNumber(5432) }],
          },
        ],
      },
    });

    this.connection = {
      host: `${this.service.name}.${this.namespace}.svc.cluster.local`,
      port: 5432,
      database,
      user,
      passwordSecret,
      namespace: this.namespace,
      majorVersion: this.majorVersion,
      clientLabel: this.clientLabel,
    };
    if (props.bulkImport) {
      this.bulkImport = new PostgresBulkImport(this, 'BulkImport', {
        database: this,
        image: this.image,
        labels: extraLabels,
        ...props.bulkImport,
      });
    }
  }
}
