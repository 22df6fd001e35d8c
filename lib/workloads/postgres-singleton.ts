import { Chart, Duration, Lazy } from 'cdk8s';
import {
  Container,
  EnvVar,
  KubeConfigMap,
  KubeNetworkPolicy,
  KubeService,
  KubeStatefulSet,
  StatefulSetSpec,
  Volume,
} from '../core/kube-objects';
import { Construct } from 'constructs';
import { declareAzureRequirement } from '../azure/requirements';
import { metadata } from '../core/metadata';
import { AzureDiskStorageClass } from '../storage/azure-disk-storage-class';
import { StorageClassRef } from '../storage/azure-storage-class';
import { checkClaimAgainstClass } from '../storage/claim-rules';
import { ContainerResources, ResolvedResources, renderResources, resolveResources } from '../core/resources';
import { durationSeconds } from '../core/duration';
import { invalid } from '../core/errors';
import { checkDataKey, checkDnsLabel, checkDnsSubdomain, checkServiceName } from '../core/names';
import { checkImage } from '../core/image';
import { checkArray, checkRecord, checkStringRecord } from '../core/types';
import { checkConfigMapSize } from '../core/config-map-size';
import { checkPodVolumes } from '../core/pod-volumes';
import { checkKubeJson } from '../core/kube-json';
import { resolveSidecar } from './sidecar-containers';
import { SizeInput, StorageSize } from '../core/storage-size';
import { checkInteger } from '../core/values';
import { ResolvedClaimTemplate, renderClaimTemplate } from './claim-template';
import {
  BULK_IMPORT_OPTION_KEYS,
  PostgresBulkImport,
  PostgresBulkImportOptions,
  resolveBulkImportOptions,
} from './postgres-bulk-import';
import {
  IPostgresDatabase,
  PostgresConnection,
  PostgresMajorVersion,
  SUPPORTED_POSTGRES_MAJORS,
  SecretKeyRef,
} from '../postgres/connection';
import { POSTGRES_UID, dataLayout, postgresContainer } from './postgres-container';
import { checkDatabaseStorage } from './postgres-storage-rules';
import { requestAppChecks } from '../core/app-checks';
import { checkAnnotations, checkObjectLabels } from './object-metadata';
import { checkExtraEnv } from './extra-env';
import { generatedName } from './object-names';
import { PodSchedulingProps, ResolvedPodScheduling, resolvePodScheduling } from './pod-scheduling';
import { PostgresServerSettings, resolvePostgresSettings } from './postgres-settings';

/**
 * CPU, memory and ephemeral storage of the server: the library's one resources model
 * ({@link ContainerResources}). Defaults: CPU request '250m' and no CPU limit (throttling a database
 * hurts more than it protects), memory request '512Mi', memory limit '1Gi' (it includes /dev/shm),
 * no ephemeral-storage request or limit.
 */
export type PostgresResources = ContainerResources;

const DEFAULT_RESOURCES: ContainerResources = { cpuRequest: '250m', memoryRequest: '512Mi', memoryLimit: '1Gi' };

/** Props of {@link PostgresSingleton}. */
export interface PostgresSingletonProps extends PodSchedulingProps {
  /**
   * Base name of the StatefulSet, Services and NetworkPolicy; at most 40 characters, starting with
   * a letter (it names Services: a DNS-1035 label). Immutable once
   * deployed: it names the data claim (`data-<name>-0`), so a new name starts an empty database.
   * @default a name generated from the construct path (without hash when the chart disables hashes)
   */
  readonly name?: string;
  /** PostgreSQL major version of the official `postgres` image (14–18). @default 17 */
  readonly majorVersion?: PostgresMajorVersion;
  /**
   * Full image reference, Debian-based, tagged with the declared major (`postgres:17`,
   * `postgres:17.6-bookworm`); `latest` is refused. Pin by digest by adding it after the tag
   * (`postgres:17.6-bookworm@sha256:<64 hex>`): the tag still names the major. @default `postgres:<majorVersion>`
   */
  readonly image?: string;
  /** Database created on first start. @default 'app' */
  readonly database?: string;
  /** User created on first start (its owner). @default 'app' */
  readonly user?: string;
  /**
   * An existing Secret key with the password. Without it, a Secret `<name>-credentials` (key
   * `password`) is declared as an Azure requirement: `pulumi up` (`StatefulStack`) generates it;
   * without Pulumi, create it by hand before applying. The key is letters, digits, '-', '_' and
   * '.', not '.' or '..' (the API server's rule for Secret keys).
   * @default a generated password Secret
   */
  readonly passwordSecret?: SecretKeyRef;
  /** Size of the data disk; a whole number of GiB (text, a `StorageSize` or a cdk8s `Size`). @default '32Gi' */
  readonly storageSize?: SizeInput;
  /**
   * Storage class of the data disk: an Azure Disk class (Azure Files is refused: SMB gives
   * PostgreSQL neither the locking nor the fsync semantics it relies on). The class name is part of
   * the StatefulSet's claim template, which Kubernetes never lets change on an existing StatefulSet.
   * @default a new Premium_LRS AzureDiskStorageClass (WaitForFirstConsumer, Retain) named
   * `<namespace>-<name>-data`, so that renaming or moving the chart keeps the name
   */
  readonly storageClass?: StorageClassRef;
  /** Server resources. @default see {@link PostgresResources} */
  readonly resources?: PostgresResources;
  /** Size of the shared-memory mount (/dev/shm, parallel queries); counts against the memory limit. @default '256Mi' */
  readonly sharedMemorySize?: SizeInput;
  /** Time the server gets to shut down cleanly (at least 60 s). @default Duration.seconds(120) */
  readonly terminationGracePeriod?: Duration;
  /**
   * Server parameters, each checked, passed as `-c name=value` (see {@link PostgresServerSettings}).
   * Parameters the construct owns (`data_directory`, `listen_addresses`, `port`, `hba_file`, ...)
   * are refused. @default none (PostgreSQL's defaults)
   */
  readonly settings?: PostgresServerSettings;
  /**
   * Further `postgresql.conf` parameters by name (e.g. `'auto_explain.log_min_duration': '500ms'`),
   * passed as `-c name=value`; only the name and that the value is one line are checked, so
   * PostgreSQL itself rejects a bad value when it starts. @default none
   */
  readonly extraSettings?: Record<string, string>;
  /**
   * SQL (`.sql`) or shell (`.sh`) scripts by file name, run in name order on the first
   * start only, when the data directory is empty; later changes never run. They travel in one
   * ConfigMap, so names and scripts together hold at most 1 MiB. @default none
   */
  readonly initScripts?: Record<string, string>;
  /**
   * Loads a CSV into a table once, with psql `\copy`, from a Job (see {@link PostgresBulkImportOptions}
   * for what each option may contain); errors name `bulkImport.<option>`. @default none
   */
  readonly bulkImport?: PostgresBulkImportOptions;
  /** Extra labels on every object, the pod and the claim. @default none */
  readonly labels?: Record<string, string>;
  /** Annotations on every object the construct renders (not the pod: a change would restart the server). @default none */
  readonly annotations?: Record<string, string>;
  /**
   * Extra environment variables of the server container; the ones the construct sets
   * (`POSTGRES_USER`, `POSTGRES_DB`, `POSTGRES_PASSWORD*`, `PGDATA`) are refused. @default none
   */
  readonly env?: Record<string, string>;
  /**
   * Containers running beside the server (an exporter, a log shipper), written as Kubernetes writes
   * them (fields of a 1.27 container under their JSON names, quantities as text: `memory: '64Mi'`;
   * a container, port, mount, resources or securityContext field Kubernetes does not know is
   * refused); they may mount the pod's volumes (`data`, `run`,
   * `tmp`, ...) and the ones in `volumes`. Names are DNS-1123 labels, images
   * need a tag other than `latest` or a digest. Each starts from the Pod Security "restricted"
   * securityContext (`runAsNonRoot: true`, `allowPrivilegeEscalation: false`, `capabilities.drop: [ALL]`);
   * the sidecar's own securityContext fields win one by one (a `capabilities` you set replaces the
   * default's), except that privileged containers, root, added capabilities other than
   * NET_BIND_SERVICE and host ports are refused. The pod runs as uid 999 unless the sidecar sets its own.
   * @default none
   */
  readonly sidecars?: Container[];
  /**
   * Extra pod volumes for the sidecars, of the kinds Pod Security "restricted" allows: configMap,
   * csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected or secret. @default none
   */
  readonly volumes?: Volume[];
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
const PORT = 5432;
const OWN_VOLUMES = ['data', 'password', 'shm', 'run', 'tmp', 'init-scripts'];
const OWNED_ENV: Record<string, string> = {
  POSTGRES_USER: 'set user',
  POSTGRES_DB: 'set database',
  POSTGRES_PASSWORD: 'set passwordSecret (the password never goes into the manifest)',
  POSTGRES_PASSWORD_FILE: 'set passwordSecret',
  PGDATA: 'the construct keeps the data directory on its disk',
};

/** Everything the pod spec is rendered from, resolved once in the constructor. */
interface ResolvedServer {
  readonly database: string;
  readonly user: string;
  readonly passwordSecret: SecretKeyRef;
  readonly claimTemplate: ResolvedClaimTemplate;
  readonly settings: Record<string, string>;
  readonly resources: ResolvedResources;
  readonly sharedMemory: StorageSize;
  readonly graceSeconds: number;
  readonly podLabels: Record<string, string>;
  readonly scheduling: ResolvedPodScheduling;
  readonly env: EnvVar[];
  readonly sidecars: Container[];
  readonly volumes: Volume[];
  readonly initConfigMap?: KubeConfigMap;
  readonly headlessServiceName: string;
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
  /** The StatefulSet: the construct's main object (the same object as {@link statefulSet}). */
  public readonly apiObject: KubeStatefulSet;
  /** The StatefulSet (also {@link apiObject}). */
  public readonly statefulSet: KubeStatefulSet;
  /** The Service clients connect to. */
  public readonly service: KubeService;
  public readonly networkPolicy: KubeNetworkPolicy;
  public readonly bulkImport?: PostgresBulkImport;
  private readonly server: ResolvedServer;

  constructor(scope: Construct, id: string, props: PostgresSingletonProps = {}) {
    super(scope, id);
    requestAppChecks(this);
    // The name names Services: a DNS-1035 label (it starts with a letter).
    this.name = checkServiceName(this, 'name', props.name ?? generatedName(this, 40), 40);
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
    this.image = this.checkImage(props.image ?? `postgres:${this.majorVersion}`);
    const database = this.checkIdentifier('database', props.database ?? 'app');
    const user = this.checkIdentifier('user', props.user ?? 'app');
    if (user === 'postgres') invalid(this, 'user', user, 'an application user other than the superuser "postgres"');

    const passwordSecret = props.passwordSecret ?? { name: `${this.name}-credentials`, key: 'password' };
    checkRecord(this, 'passwordSecret', passwordSecret);
    checkDnsSubdomain(this, 'passwordSecret.name', passwordSecret.name);
    checkDataKey(this, 'passwordSecret.key', passwordSecret.key);
    if (props.passwordSecret === undefined) {
      declareAzureRequirement(this, {
        kind: 'kubernetesSecret',
        namespace: this.namespace,
        name: passwordSecret.name,
        keys: { password: { from: 'generatedPassword', length: 32 } },
      });
    }

    const extraLabels = checkObjectLabels(this, 'labels', props.labels);
    const annotations = checkAnnotations(this, 'annotations', props.annotations);
    if (props.storageClass === null)
      invalid(this, 'storageClass', null, 'an AzureDiskStorageClass, the name of an Azure Disk class, or unset');
    this.storageClass =
      props.storageClass ??
      new AzureDiskStorageClass(this, 'StorageClass', {
        // Named from the singleton, not the chart path: the claim template keeps this name forever.
        name: `${this.namespace}-${this.name}-data`,
        sku: 'Premium_LRS',
        labels: Object.keys(extraLabels).length > 0 ? extraLabels : undefined,
      });
    checkDatabaseStorage(this, 'storageClass', this.storageClass);
    const claimTemplate = this.resolveDataClaim(props.storageSize);

    // resolveResources takes any object (a Date too) as an empty one; only a plain record is resources.
    if (props.resources !== undefined) checkRecord(this, 'resources', props.resources);
    const resources = resolveResources(this, 'resources', props.resources, DEFAULT_RESOURCES);
    // The default always gives a limit; a user's limit replaces it, never removes it.
    const memoryLimit = resources.memoryLimit!;
    const sharedMemory = StorageSize.from(props.sharedMemorySize ?? '256Mi', this, 'sharedMemorySize');
    if (!sharedMemory.isSmallerThan(memoryLimit))
      invalid(
        this,
        'sharedMemorySize',
        sharedMemory.toString(),
        `less than the memory limit (${memoryLimit}): /dev/shm is memory the server is charged for`,
      );
    const settings = resolvePostgresSettings(this, props.settings, props.extraSettings, memoryLimit);
    const initScripts =
      props.initScripts === undefined ? {} : checkStringRecord(this, 'initScripts', props.initScripts);
    checkConfigMapSize(this, 'initScripts', initScripts);
    for (const file of Object.keys(initScripts)) {
      if (!/^[\w.-]+\.(sql|sh)$/.test(file))
        invalid(
          this,
          'initScripts file name',
          file,
          'a file name ending in .sql or .sh (scripts travel as text in a ConfigMap)',
        );
    }
    const graceSeconds = durationSeconds(
      this,
      'terminationGracePeriod',
      props.terminationGracePeriod,
      Duration.seconds(120),
      60,
      3600,
    );
    const scheduling = resolvePodScheduling(this, props, { 'kubernetes.io/os': 'linux' });
    const env = checkExtraEnv(this, 'env', props.env, OWNED_ENV);
    const volumes = this.checkVolumes(props.volumes);
    const sidecars = this.checkSidecars(props.sidecars, volumes);

    this.selectorLabels = { 'app.kubernetes.io/name': 'postgres', 'app.kubernetes.io/instance': this.name };
    const labels = {
      ...extraLabels,
      ...this.selectorLabels,
      'app.kubernetes.io/managed-by': 'aks-stateful',
      'aks-stateful.io/database': 'postgres',
    };
    const objectMetadata = (name: string) => metadata({ name, labels, annotations });
    this.clientLabel = { key: 'aks-stateful.io/postgres-client', value: this.name };

    const initConfigMap =
      Object.keys(initScripts).length > 0
        ? new KubeConfigMap(this, 'InitScripts', {
            metadata: objectMetadata(`${this.name}-init`),
            data: { ...initScripts },
          })
        : undefined;
    const headless = new KubeService(this, 'Headless', {
      metadata: objectMetadata(`${this.name}-headless`),
      spec: {
        clusterIP: 'None',
        selector: { ...this.selectorLabels },
        ports: [{ name: 'postgres', port: PORT, targetPort: PORT }],
      },
    });
    this.service = new KubeService(this, 'Service', {
      metadata: objectMetadata(this.name),
      spec: {
        type: 'ClusterIP',
        selector: { ...this.selectorLabels },
        ports: [{ name: 'postgres', port: PORT, targetPort: PORT }],
      },
    });

    this.server = {
      database,
      user,
      passwordSecret,
      claimTemplate,
      settings,
      resources,
      sharedMemory,
      graceSeconds,
      podLabels: labels,
      scheduling,
      env,
      sidecars,
      volumes,
      initConfigMap,
      headlessServiceName: headless.name,
    };
    this.statefulSet = new KubeStatefulSet(this, 'Resource', {
      metadata: objectMetadata(this.name),
      spec: Lazy.any({ produce: () => this.renderSpec() }),
    });
    this.apiObject = this.statefulSet;

    this.networkPolicy = new KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: objectMetadata(this.name),
      spec: {
        podSelector: { matchLabels: { ...this.selectorLabels } },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [{ podSelector: { matchLabels: { [this.clientLabel.key]: this.clientLabel.value } } }],
            ports: [{ protocol: 'TCP', port: PORT }],
          },
        ],
      },
    });

    this.connection = {
      host: `${this.service.name}.${this.namespace}.svc.cluster.local`,
      port: PORT,
      database,
      user,
      passwordSecret,
      namespace: this.namespace,
      majorVersion: this.majorVersion,
      clientLabel: this.clientLabel,
    };
    if (props.bulkImport !== undefined) {
      // Checked here first, so that errors name `bulkImport.<option>`, the prop the user wrote.
      resolveBulkImportOptions(this, 'bulkImport.', props.bulkImport);
      const { table, csv, columns, header } = props.bulkImport;
      const options: PostgresBulkImportOptions = { table, csv, columns, header };
      for (const key of Object.keys(props.bulkImport))
        if (!(BULK_IMPORT_OPTION_KEYS as readonly string[]).includes(key))
          invalid(this, `bulkImport.${key}`, '(set)', `one of ${BULK_IMPORT_OPTION_KEYS.join(', ')}`);
      this.bulkImport = new PostgresBulkImport(this, 'BulkImport', {
        ...options,
        database: this,
        image: this.image,
        labels: extraLabels,
        annotations,
      });
    }
  }

  private checkImage(image: string): string {
    checkImage(this, 'image', image);
    if (/alpine/.test(image)) {
      invalid(
        this,
        'image',
        image,
        `a Debian-based postgres image (e.g. "postgres:${this.majorVersion}"): the Alpine images run as uid 70, not the 999 this construct's security context and volume ownership use`,
      );
    }
    const tag = /:(\d+)(?:[.-][\w.-]*)?$/.exec(image.split('@')[0]);
    if (!tag || Number(tag[1]) !== this.majorVersion) {
      invalid(
        this,
        'image',
        image,
        `an image tagged with major ${this.majorVersion} (e.g. "postgres:${this.majorVersion}" or "postgres:${this.majorVersion}.6-bookworm"): the tag must match majorVersion, which backups rely on`,
      );
    }
    return image;
  }

  private checkIdentifier(field: string, value: string): string {
    if (typeof value !== 'string' || !IDENTIFIER.test(value))
      invalid(
        this,
        field,
        value,
        'a lowercase SQL identifier: letters, digits and _, at most 63, not starting with a digit',
      );
    return value;
  }

  /** The data disk's claim template; every rule names `storageSize` or `storageClass`, the props the user wrote. */
  private resolveDataClaim(size: SizeInput | undefined): ResolvedClaimTemplate {
    const storageSize = StorageSize.from(size ?? '32Gi', this, 'storageSize');
    if (!storageSize.isWholeGibibytes())
      invalid(this, 'storageSize', storageSize.toString(), 'a whole number of GiB: Azure provisions disks in GiB');
    const cls = this.storageClass;
    if (typeof cls !== 'string' && cls.minimumClaimSize && storageSize.isSmallerThan(cls.minimumClaimSize))
      invalid(
        this,
        'storageSize',
        storageSize.toString(),
        `at least ${cls.minimumClaimSize} with class ${cls.name} (${cls.skuName})`,
      );
    const template: ResolvedClaimTemplate = {
      name: 'data',
      size: storageSize,
      storageClass: cls,
      mountPath: dataLayout(this.majorVersion).mountPath,
      accessMode: 'ReadWriteOnce',
    };
    // What is left to check (the class name, its access modes) is named after `storageClass`.
    checkClaimAgainstClass(this, cls, { ...template, volumeMode: 'Filesystem' });
    return template;
  }

  private checkVolumes(given: Volume[] | undefined): Volume[] {
    if (given === undefined) return [];
    const volumes = checkArray(this, 'volumes', given, (f, v) => checkKubeJson<Volume>(this, f, v, 'Volume'));
    const names = new Set<string>();
    volumes.forEach((v, i) => {
      const name = checkDnsLabel(this, `volumes[${i}].name`, v.name);
      if (OWN_VOLUMES.includes(name) || names.has(name))
        invalid(
          this,
          `volumes[${i}].name`,
          name,
          `a name not used by another volume (the construct uses ${OWN_VOLUMES.join(', ')})`,
        );
      names.add(name);
    });
    checkPodVolumes(this, (i) => `volumes[${i}]`, volumes);
    return volumes;
  }

  private checkSidecars(sidecars: Container[] | undefined, volumes: Volume[]): Container[] {
    if (sidecars === undefined) return [];
    checkArray(this, 'sidecars', sidecars, () => undefined);
    const names = new Set(['postgres']);
    const mountable = [...OWN_VOLUMES, ...volumes.map((v) => v.name)];
    return sidecars.map((c, i) => {
      const sidecar = resolveSidecar(this, `sidecars[${i}]`, c, mountable);
      if (names.has(sidecar.name))
        invalid(
          this,
          `sidecars[${i}].name`,
          sidecar.name,
          'a name not used by another container (the server is "postgres")',
        );
      names.add(sidecar.name);
      return sidecar;
    });
  }

  private renderSpec(): StatefulSetSpec {
    const s = this.server;
    const container = postgresContainer({
      image: this.image,
      major: this.majorVersion,
      database: s.database,
      user: s.user,
      passwordKey: s.passwordSecret.key,
      settings: s.settings,
      env: s.env,
      resources: renderResources(s.resources),
      hasInitScripts: s.initConfigMap !== undefined,
    });
    return {
      replicas: 1,
      serviceName: s.headlessServiceName,
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate' },
      // The disk outlives the StatefulSet: deleting the workload must never delete the data.
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      selector: { matchLabels: { ...this.selectorLabels } },
      template: {
        metadata: { labels: s.podLabels },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: s.graceSeconds,
          securityContext: {
            runAsUser: POSTGRES_UID,
            runAsGroup: POSTGRES_UID,
            runAsNonRoot: true,
            fsGroup: POSTGRES_UID,
            fsGroupChangePolicy: 'OnRootMismatch',
            seccompProfile: { type: 'RuntimeDefault' },
          },
          nodeSelector: s.scheduling.nodeSelector,
          tolerations: s.scheduling.tolerations,
          affinity: s.scheduling.affinity,
          priorityClassName: s.scheduling.priorityClassName,
          containers: [container, ...s.sidecars],
          volumes: [
            {
              name: 'password',
              secret: {
                secretName: s.passwordSecret.name,
                defaultMode: 0o440,
                items: [{ key: s.passwordSecret.key, path: s.passwordSecret.key }],
              },
            },
            { name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: s.sharedMemory.toString() } },
            { name: 'run', emptyDir: { sizeLimit: '16Mi' } },
            { name: 'tmp', emptyDir: { sizeLimit: '1Gi' } },
            ...(s.initConfigMap ? [{ name: 'init-scripts', configMap: { name: s.initConfigMap.name } }] : []),
            ...s.volumes,
          ],
        },
      },
      volumeClaimTemplates: [renderClaimTemplate(s.claimTemplate, { ...this.selectorLabels })],
    };
  }
}
