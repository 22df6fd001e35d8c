import { Chart, Duration, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import {
  AZURE_CLI_IMAGE,
  PostgresRestoreJob,
  PostgresRestoreJobProps,
  PostgresSingleton,
  StorageSize,
  listAzureRequirements,
} from '../../lib';
import { formatValue } from '../../lib/core/errors';
import { FETCH_SCRIPT, RESTORE_SCRIPT } from '../../lib/postgres/scripts';
import {
  CLIENT_ID,
  CONNECTION,
  STORAGE,
  envOf,
  leakedCredentials,
  podOf,
  rejected,
  synthByKind,
  testChart,
} from './helpers';

const PROPS: PostgresRestoreJobProps = { database: CONNECTION, storage: STORAGE, mode: { mode: 'replace' } };

function synthRestore(props: Partial<PostgresRestoreJobProps> = {}) {
  const app = Testing.app();
  const chart = testChart(app);
  const restore = new PostgresRestoreJob(chart, 'restore', { ...PROPS, ...props });
  const { objects, only } = synthByKind(chart);
  const job = only('Job');
  const pod = podOf(job);
  return { app, restore, objects, job, pod, fetch: pod.containers[0], restoreContainer: pod.containers[1] };
}

function build(props: Partial<PostgresRestoreJobProps>, chart: Chart = testChart()) {
  return () => new PostgresRestoreJob(chart, 'restore', { ...PROPS, ...props });
}

describe('PostgresRestoreJob', () => {
  it('renders a suspended Job that never retries by itself, in the database namespace', () => {
    const { restore, objects, job } = synthRestore();
    expect(objects.map((o) => o.kind)).toEqual(['Job']);
    expect(job.metadata).toMatchObject({ name: restore.name, namespace: 'data' });
    expect(job.spec).toMatchObject({
      suspend: true,
      backoffLimit: 0,
      activeDeadlineSeconds: 6 * 3600,
      ttlSecondsAfterFinished: 7 * 86400,
    });
    expect(job.spec.template.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'postgres-restore',
      'app.kubernetes.io/instance': restore.name,
      'app.kubernetes.io/component': 'restore',
      'app.kubernetes.io/managed-by': 'aks-stateful',
      'example.com/orders-db-client': 'true',
    });
  });

  it('streams the latest dump under the prefix from a fetch container into a restore container that uses the password from its Secret', () => {
    const { pod, fetch, restoreContainer } = synthRestore();
    expect(pod).toMatchObject({ restartPolicy: 'Never', securityContext: { runAsUser: 999, runAsNonRoot: true } });
    // Side by side: the dump goes through a pipe in the scratch volume, which holds nothing else of size.
    expect(pod.initContainers).toBeUndefined();
    expect(pod.containers.map((c: any) => c.name)).toEqual(['fetch', 'restore']);
    expect(pod.volumes[0]).toEqual({ name: 'scratch', emptyDir: { sizeLimit: '64Mi' } });
    expect(fetch).toMatchObject({
      name: 'fetch',
      image: AZURE_CLI_IMAGE,
      command: ['bash', '-c'],
      args: [FETCH_SCRIPT],
    });
    expect(envOf(fetch)).toMatchObject({
      AZURE_STORAGE_ACCOUNT: 'backups01',
      BLOB_CONTAINER: 'pg-dumps',
      AUTH_MODE: 'storageAccountKey',
      DUMP_PREFIX: 'postgres/orders/',
      AZURE_STORAGE_KEY: { secretKeyRef: { name: 'azure-storage-backups01', key: 'azurestorageaccountkey' } },
      AZURE_CONFIG_DIR: '/tmp',
      AZURE_CLI_VERSION: '2.77.0',
      RESTORE_WAIT_SECONDS: '900',
    });
    expect(envOf(fetch).BACKUP_BLOB).toBeUndefined();
    // Only the restoring container asks for scratch space: a pod's request is the sum of its containers'.
    expect(fetch.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } });
    expect(restoreContainer).toMatchObject({
      name: 'restore',
      image: 'postgres:15',
      command: ['bash', '-c'],
      args: [RESTORE_SCRIPT],
    });
    expect(envOf(restoreContainer)).toEqual({
      SCRATCH_DIR: '/scratch',
      HOME: '/tmp',
      PGHOST: 'orders-db.data.svc.cluster.local',
      PGPORT: '5432',
      PGDATABASE: 'orders',
      PGUSER: 'orders_app',
      PGPASSWORD: { secretKeyRef: { name: 'orders-db', key: 'password' } },
      PGCONNECT_TIMEOUT: '30',
      PGAPPNAME: 'aks-stateful-restore',
      RESTORE_MODE: 'replace',
      RESTORE_OWNERSHIP: 'false',
      RESTORE_JOBS: '1',
      APPLY_GLOBALS: 'false',
      FETCH_WAIT_SECONDS: '900',
    });
    // Streamed, without the globals: the fetch container neither stores the dump nor fetches them.
    expect(envOf(fetch)).not.toHaveProperty('FETCH_TO_FILE');
    expect(envOf(fetch)).not.toHaveProperty('FETCH_GLOBALS');
    expect(restoreContainer.resources).toEqual({
      requests: { cpu: '250m', memory: '256Mi', 'ephemeral-storage': '64Mi' },
      limits: { memory: '512Mi' },
    });
  });

  it("bounds each container's wait for the other by 15 minutes, or by a shorter Job deadline", () => {
    const { fetch, restoreContainer } = synthRestore({ activeDeadline: Duration.minutes(5) });
    expect(envOf(fetch).RESTORE_WAIT_SECONDS).toBe('300');
    expect(envOf(restoreContainer).FETCH_WAIT_SECONDS).toBe('300');
  });

  it('passes az the version of a version tag only, so that it is never primed for the wrong az', () => {
    const digest = `@sha256:${'a'.repeat(64)}`;
    expect(
      envOf(synthRestore({ azureCliImage: `mcr.microsoft.com/azure-cli:2.76.0${digest}` }).fetch).AZURE_CLI_VERSION,
    ).toBe('2.76.0');
    expect(
      envOf(synthRestore({ azureCliImage: 'mcr.microsoft.com/azure-cli:azurelinux3.0' }).fetch),
    ).not.toHaveProperty('AZURE_CLI_VERSION');
    expect(envOf(synthRestore({ azureCliImage: 'myacr.azurecr.io/azure-cli:2.77' }).fetch)).not.toHaveProperty(
      'AZURE_CLI_VERSION',
    );
  });

  it('restores into a new database', () => {
    const { restore, restoreContainer } = synthRestore({ mode: { mode: 'newDatabase', database: 'orders_restored' } });
    expect(envOf(restoreContainer)).toMatchObject({
      RESTORE_MODE: 'newDatabase',
      RESTORE_DATABASE: 'orders_restored',
      PGDATABASE: 'orders',
    });
    expect(restore.targetDatabase).toBe('orders_restored');
  });

  it('restores a named dump, or the dumps of another database', () => {
    const named = synthRestore({ dump: 'postgres/orders/20250101T023000Z.dump' });
    expect(envOf(named.fetch).BACKUP_BLOB).toBe('postgres/orders/20250101T023000Z.dump');
    const other = synthRestore({ sourceDatabase: 'orders_old', storage: { ...STORAGE, prefix: 'archive' } });
    expect(envOf(other.fetch).DUMP_PREFIX).toBe('archive/orders_old/');
  });

  it('declares read access only: the container and the key Secret, or the identity as Storage Blob Data Reader', () => {
    const { app } = synthRestore();
    expect(listAzureRequirements(app).map((r) => r.key)).toEqual([
      'storageAccount:backups01',
      'blobContainer:backups01/pg-dumps',
      'kubernetesSecret:data/azure-storage-backups01',
    ]);
    expect(listAzureRequirements(app).find((r) => r.kind === 'blobContainer')).not.toHaveProperty('lifecycleRules');
    const wi = synthRestore({
      storage: { ...STORAGE, auth: { mode: 'workloadIdentity', clientId: CLIENT_ID, identityName: 'orders-restore' } },
    });
    expect(wi.objects.map((o) => o.kind)).toEqual(['ServiceAccount', 'Job']);
    expect(wi.pod.serviceAccountName).toBe(wi.restore.name);
    expect(wi.job.spec.template.metadata.labels['azure.workload.identity/use']).toBe('true');
    expect(listAzureRequirements(wi.app).find((r) => r.kind === 'workloadIdentity')).toMatchObject({
      identity: 'orders-restore',
      namespace: 'data',
      serviceAccount: wi.restore.name,
      roles: [
        {
          role: 'Storage Blob Data Reader',
          scope: { type: 'blobContainer', account: 'backups01', container: 'pg-dumps' },
        },
      ],
    });
  });

  it('restores into a PostgresSingleton', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
    const db = new PostgresSingleton(chart, 'db', { majorVersion: 17 });
    const restore = new PostgresRestoreJob(chart, 'restore', {
      database: db,
      storage: STORAGE,
      mode: { mode: 'replace' },
    });
    const job = synthByKind(chart).only('Job');
    expect(job.metadata.namespace).toBe('shop');
    expect(podOf(job).containers[1].image).toBe('postgres:17');
    expect(job.spec.template.metadata.labels[db.clientLabel.key]).toBe(db.clientLabel.value);
    expect(restore.dumpPrefix).toBe('postgres/app/');
  });

  it('renders every option', () => {
    const props: Required<PostgresRestoreJobProps> = {
      networkPolicy: { storageEndpoint: { cidrs: ['10.1.2.3/32'] } },
      database: CONNECTION,
      storage: { ...STORAGE, prefix: 'pg', blobEndpoint: 'https://backups01.blob.core.chinacloudapi.cn' },
      mode: { mode: 'newDatabase', database: 'orders_2025' },
      sourceDatabase: 'orders_legacy',
      dump: 'pg/orders_legacy/20250101T023000Z.dump',
      restoreOwnership: true,
      applyGlobals: true,
      jobs: 8,
      suspend: false,
      postgresImage: 'postgres:16',
      azureCliImage: 'mcr.microsoft.com/azure-cli:2.76.0',
      scratchSize: StorageSize.gibibytes(100),
      activeDeadline: Duration.hours(12),
      backoffLimit: 2,
      ttlAfterFinished: Duration.days(1),
      name: 'orders-restore',
      resources: {
        fetch: { cpuRequest: '200m' },
        restore: { cpuRequest: '2', memoryRequest: '1Gi', memoryLimit: '2Gi' },
      },
      labels: { team: 'orders', 'app.kubernetes.io/name': 'mine' },
      annotations: { 'example.com/owner': 'orders' },
    };
    const { job, pod, fetch, restoreContainer, objects } = synthRestore(props);
    expect(job.metadata.name).toBe('orders-restore');
    expect(objects.find((o) => o.kind === 'NetworkPolicy')?.spec.egress[1].to).toEqual([
      { ipBlock: { cidr: '10.1.2.3/32' } },
    ]);
    expect(job.metadata.labels).toMatchObject({ team: 'orders', 'app.kubernetes.io/name': 'postgres-restore' });
    expect(job.metadata.annotations).toEqual({ 'example.com/owner': 'orders' });
    expect(job.spec.template.metadata.labels.team).toBe('orders');
    expect(job.spec.template.metadata.annotations).toBeUndefined();
    expect(job.spec).toMatchObject({
      suspend: false,
      backoffLimit: 2,
      activeDeadlineSeconds: 12 * 3600,
      ttlSecondsAfterFinished: 86400,
    });
    expect(pod.volumes[0].emptyDir.sizeLimit).toBe('100Gi');
    expect(fetch.image).toBe('mcr.microsoft.com/azure-cli:2.76.0');
    expect(envOf(fetch)).toMatchObject({
      AZURE_CLI_VERSION: '2.76.0',
      RESTORE_WAIT_SECONDS: '900',
      DUMP_PREFIX: 'pg/orders_legacy/',
      BACKUP_BLOB: 'pg/orders_legacy/20250101T023000Z.dump',
      BLOB_ENDPOINT: 'https://backups01.blob.core.chinacloudapi.cn',
      FETCH_TO_FILE: 'true',
      FETCH_GLOBALS: 'true',
    });
    expect(fetch.resources.requests.cpu).toBe('200m');
    expect(restoreContainer.image).toBe('postgres:16');
    expect(envOf(restoreContainer)).toMatchObject({
      RESTORE_MODE: 'newDatabase',
      RESTORE_DATABASE: 'orders_2025',
      RESTORE_OWNERSHIP: 'true',
      RESTORE_JOBS: '8',
      APPLY_GLOBALS: 'true',
      FETCH_WAIT_SECONDS: '900',
    });
    expect(restoreContainer.resources).toEqual({
      requests: { cpu: '2', memory: '1Gi', 'ephemeral-storage': '100Gi' },
      limits: { memory: '2Gi' },
    });
  });

  it('restores in parallel from a downloaded file only when jobs is above 1, into the scratch size given', () => {
    const { pod, fetch, restoreContainer } = synthRestore({ jobs: 4, scratchSize: '20Gi' });
    expect(envOf(fetch).FETCH_TO_FILE).toBe('true');
    expect(envOf(restoreContainer).RESTORE_JOBS).toBe('4');
    expect(pod.volumes[0]).toEqual({ name: 'scratch', emptyDir: { sizeLimit: '20Gi' } });
    expect(restoreContainer.resources.requests['ephemeral-storage']).toBe('20Gi');
    const one = synthRestore({ jobs: 1 });
    expect(envOf(one.fetch)).not.toHaveProperty('FETCH_TO_FILE');
    expect(envOf(one.restoreContainer).RESTORE_JOBS).toBe('1');
  });

  it('applies the globals with owners and privileges: restoreOwnership follows applyGlobals unless set', () => {
    const applied = synthRestore({ applyGlobals: true });
    expect(envOf(applied.fetch).FETCH_GLOBALS).toBe('true');
    expect(envOf(applied.restoreContainer)).toMatchObject({ APPLY_GLOBALS: 'true', RESTORE_OWNERSHIP: 'true' });
    const owners = synthRestore({ restoreOwnership: true });
    expect(envOf(owners.fetch)).not.toHaveProperty('FETCH_GLOBALS');
    expect(envOf(owners.restoreContainer)).toMatchObject({ APPLY_GLOBALS: 'false', RESTORE_OWNERSHIP: 'true' });
  });

  it('puts no Secret, key or password into the manifests', () => {
    expect(leakedCredentials(synthRestore().objects)).toEqual([]);
  });

  describe('bad input', () => {
    it('rejects a bad mode', () => {
      expect(build({ mode: undefined as never })).toThrow(
        rejected(
          'test/restore',
          'mode',
          '(unset)',
          "{ mode: 'replace' } or { mode: 'newDatabase', database: '<name>' }",
        ),
      );
      expect(build({ mode: { mode: 'clean' } as never })).toThrow(
        rejected('test/restore', 'mode.mode', '"clean"', 'one of replace, newDatabase'),
      );
      expect(build({ mode: { mode: 'newDatabase', database: 'o'.repeat(36) } })).toThrow(
        rejected(
          'test/restore',
          'mode.database',
          JSON.stringify('o'.repeat(36)),
          `a name of at most 35 bytes, so that "<name>__restoring_<UTC timestamp>" fits PostgreSQL's 63`,
        ),
      );
      expect(build({ mode: { mode: 'newDatabase', database: 'o'.repeat(35) } })).not.toThrow();
      expect(build({ mode: { mode: 'newDatabase', database: 'orders new' } })).toThrow(
        rejected('test/restore', 'mode.database', '"orders new"', 'a PostgreSQL name'),
      );
      expect(build({ mode: { mode: 'newDatabase', database: 'orders' } })).toThrow(
        rejected(
          'test/restore',
          'mode.database',
          '"orders"',
          `a database other than the connection's own ("orders"): use { mode: 'replace' } to restore into it`,
        ),
      );
    });

    it.each([
      'postgres/orders/latest',
      'postgres/billing/20250101T023000Z.dump',
      'postgres/orders/sub/20250101T023000Z.dump',
      'postgres/orders/.dump',
      '20250101T023000Z.dump',
    ])('rejects the dump name %j', (dump) => {
      expect(build({ dump })).toThrow(
        rejected(
          'test/restore',
          'dump',
          JSON.stringify(dump),
          'a dump blob name under "postgres/orders/", like "postgres/orders/20250101T023000Z.dump"',
        ),
      );
    });

    it.each([0, 65, 2.5, -1, Number.NaN, '4', '1'])('rejects jobs %j', (jobs) => {
      expect(build({ jobs: jobs as never, scratchSize: '10Gi' })).toThrow(
        rejected('test/restore', 'jobs', formatValue(jobs), 'a whole number from 1 to 64'),
      );
    });

    it('requires scratchSize to hold the dump when jobs is above 1', () => {
      expect(build({ jobs: 2 })).toThrow(
        rejected(
          'test/restore',
          'scratchSize',
          '(unset)',
          'a size that holds the whole dump: with jobs 2 it is downloaded to the scratch volume before pg_restore --jobs reads it',
        ),
      );
      expect(build({ jobs: 64, scratchSize: '1Ti' })).not.toThrow();
      expect(build({ jobs: 1 })).not.toThrow();
    });

    it('rejects applyGlobals that is not a boolean, and applyGlobals without ownership', () => {
      expect(build({ applyGlobals: 'true' as never })).toThrow(
        rejected('test/restore', 'applyGlobals', '"true"', 'true or false'),
      );
      expect(build({ applyGlobals: true, restoreOwnership: false })).toThrow(
        rejected(
          'test/restore',
          'restoreOwnership',
          'false',
          'true or unset with applyGlobals: true (the applied roles would own nothing and hold no grant)',
        ),
      );
    });

    it('rejects a pg_restore older than the target server, and a bad source database', () => {
      expect(build({ postgresImage: 'postgres:14' })).toThrow(
        rejected(
          'test/restore',
          'postgresImage',
          '"postgres:14"',
          "a postgres image of major 15 or newer: pg_restore must be at least the target server's version",
        ),
      );
      expect(build({ sourceDatabase: 'a/b' })).toThrow(
        rejected('test/restore', 'sourceDatabase', '"a/b"', 'a PostgreSQL name'),
      );
    });

    it('rejects bad storage, durations and names', () => {
      expect(build({ storage: { ...STORAGE, container: 'X' } })).toThrow(
        rejected('test/restore', 'storage.container', '"X"', 'a blob container name'),
      );
      expect(build({ activeDeadline: Duration.seconds(10) })).toThrow(
        rejected('test/restore', 'activeDeadline (seconds)', '10', 'a whole number of seconds from 60'),
      );
      expect(build({ backoffLimit: 11 })).toThrow(
        rejected('test/restore', 'backoffLimit', '11', 'a whole number from 0 to 10'),
      );
      expect(build({ name: 'r'.repeat(64) })).toThrow(
        rejected('test/restore', 'name', JSON.stringify('r'.repeat(64)), 'at most 63 characters'),
      );
      expect(build({ resources: { restore: { cpuRequest: '-1' } } })).toThrow(
        rejected('test/restore', 'resources.restore.cpuRequest', '"-1"', 'a CPU quantity'),
      );
    });
  });
});
