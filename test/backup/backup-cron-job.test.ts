import { App, Chart, Duration, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import {
  AZURE_CLI_IMAGE,
  BackupCronJob,
  BackupCronJobProps,
  PostgresSingleton,
  StorageSize,
  listAzureRequirements,
} from '../../lib';
import { CLIENT_ID_SET_AT_DEPLOY } from '../../lib/azure/requirements';
import { DUMP_SCRIPT, UPLOAD_SCRIPT } from '../../lib/postgres/scripts';
import {
  CLIENT_ID,
  CONNECTION,
  STORAGE,
  TENANT_ID,
  envOf,
  leakedCredentials,
  podOf,
  rejected,
  synthByKind,
  testChart,
} from './helpers';

const PROPS: BackupCronJobProps = { database: CONNECTION, storage: STORAGE };

function synthBackup(props: Partial<BackupCronJobProps> = {}) {
  const app = Testing.app();
  const chart = testChart(app);
  const backup = new BackupCronJob(chart, 'backup', { ...PROPS, ...props });
  const { objects, only } = synthByKind(chart);
  const cronJob = only('CronJob');
  const pod = podOf(cronJob);
  return { app, backup, objects, cronJob, pod, dump: pod.containers[0], upload: pod.containers[1] };
}

function build(props: Partial<BackupCronJobProps>, chart: Chart = testChart()) {
  return () => new BackupCronJob(chart, 'backup', { ...PROPS, ...props });
}

describe('BackupCronJob', () => {
  it('renders a daily CronJob that cannot overlap, with bounded Jobs and histories, in the database namespace', () => {
    const { backup, objects, cronJob } = synthBackup();
    expect(objects.map((o) => o.kind)).toEqual(['CronJob']);
    expect(cronJob.metadata).toMatchObject({ name: backup.name, namespace: 'data' });
    expect(backup.name).toMatch(/^test-backup-[0-9a-f]{8}$/);
    expect(cronJob.spec).toMatchObject({
      schedule: '30 2 * * *',
      timeZone: 'Etc/UTC',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 3600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      suspend: false,
    });
    expect(cronJob.spec.jobTemplate.spec).toMatchObject({
      backoffLimit: 1,
      activeDeadlineSeconds: 3 * 3600,
      ttlSecondsAfterFinished: 7 * 86400,
    });
  });

  it('runs a non-root pod once, labelled for the database NetworkPolicy, with a size-limited scratch volume', () => {
    const { cronJob, pod } = synthBackup();
    expect(cronJob.spec.jobTemplate.spec.template.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'postgres-backup',
      'app.kubernetes.io/instance': cronJob.metadata.name,
      'app.kubernetes.io/component': 'backup',
      'app.kubernetes.io/managed-by': 'aks-stateful',
      'example.com/orders-db-client': 'true',
    });
    expect(pod).toMatchObject({
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: {
        runAsUser: 999,
        runAsGroup: 999,
        runAsNonRoot: true,
        fsGroup: 999,
        seccompProfile: { type: 'RuntimeDefault' },
      },
    });
    expect(pod.serviceAccountName).toBeUndefined();
    expect(pod.volumes).toEqual([
      // The dump streams through pipes on the scratch volume: it holds no archive, only small files.
      { name: 'scratch', emptyDir: { sizeLimit: '16Mi' } },
      { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } },
    ]);
    expect(pod.initContainers).toBeUndefined();
    for (const container of pod.containers) {
      expect(container.securityContext).toEqual({
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
      expect(container.volumeMounts).toEqual([
        { name: 'scratch', mountPath: '/scratch' },
        { name: 'tmp', mountPath: '/tmp' },
      ]);
      expect(container.command).toEqual(['bash', '-c']);
    }
  });

  it('dumps in a container started alongside the upload, from postgres:<server major>, with the password from its Secret', () => {
    const { dump } = synthBackup();
    expect(dump).toMatchObject({ name: 'dump', image: 'postgres:15', args: [DUMP_SCRIPT] });
    expect(envOf(dump)).toEqual({
      SCRATCH_DIR: '/scratch',
      HOME: '/tmp',
      PGHOST: 'orders-db.data.svc.cluster.local',
      PGPORT: '5432',
      PGDATABASE: 'orders',
      PGUSER: 'orders_app',
      PGPASSWORD: { secretKeyRef: { name: 'orders-db', key: 'password' } },
      PGCONNECT_TIMEOUT: '30',
      PGAPPNAME: 'aks-stateful-backup',
      BLOB_DIR: 'postgres/orders',
      // pg_dump's own default; the dump passes no --compress for it.
      DUMP_COMPRESSION: 'gzip',
    });
    expect(dump.resources).toEqual({
      requests: { cpu: '250m', memory: '256Mi', 'ephemeral-storage': '16Mi' },
      limits: { memory: '512Mi' },
    });
  });

  it('uploads from the pinned azure-cli image with the account key from its Secret', () => {
    const { upload } = synthBackup();
    expect(upload).toMatchObject({ name: 'upload', image: AZURE_CLI_IMAGE, args: [UPLOAD_SCRIPT] });
    expect(envOf(upload)).toEqual({
      SCRATCH_DIR: '/scratch',
      HOME: '/tmp',
      AZURE_CONFIG_DIR: '/tmp',
      AZURE_CORE_COLLECT_TELEMETRY: 'false',
      // The version of the image tag, for which the script writes az's command index.
      AZURE_CLI_VERSION: AZURE_CLI_IMAGE.split(':')[1],
      AZURE_STORAGE_ACCOUNT: 'backups01',
      BLOB_CONTAINER: 'pg-dumps',
      AUTH_MODE: 'storageAccountKey',
      AZURE_STORAGE_KEY: { secretKeyRef: { name: 'azure-storage-backups01', key: 'azurestorageaccountkey' } },
      // It waits for the dump's "ready" marker at most as long as the Job may run.
      DUMP_WAIT_SECONDS: String(3 * 3600),
      // Named in the error when the image lacks curl, openssl or coreutils.
      CONTAINER_IMAGE: AZURE_CLI_IMAGE,
    });
    expect(upload.resources).toEqual({
      requests: { cpu: '100m', memory: '256Mi' },
      limits: { memory: '512Mi' },
    });
  });

  it('declares the container with its retention rule and the account-key Secret', () => {
    const { app } = synthBackup({ retentionDays: 14 });
    expect(listAzureRequirements(app)).toEqual([
      { kind: 'storageAccount', account: 'backups01', key: 'storageAccount:backups01', declaredBy: ['test/backup'] },
      {
        kind: 'blobContainer',
        account: 'backups01',
        container: 'pg-dumps',
        lifecycleRules: [{ prefix: 'postgres/orders/', deleteAfterDays: 14 }],
        key: 'blobContainer:backups01/pg-dumps',
        declaredBy: ['test/backup'],
      },
      {
        kind: 'kubernetesSecret',
        namespace: 'data',
        name: 'azure-storage-backups01',
        keys: {
          azurestorageaccountname: { from: 'storageAccountName', account: 'backups01' },
          azurestorageaccountkey: { from: 'storageAccountKey', account: 'backups01' },
        },
        key: 'kubernetesSecret:data/azure-storage-backups01',
        declaredBy: ['test/backup'],
      },
    ]);
  });

  it('with workload identity: an annotated service account, the webhook label, and the identity with Contributor on the container', () => {
    const app = Testing.app();
    const chart = testChart(app);
    const backup = new BackupCronJob(chart, 'backup', {
      ...PROPS,
      storage: { ...STORAGE, auth: { mode: 'workloadIdentity', clientId: CLIENT_ID, tenantId: TENANT_ID } },
    });
    const { objects, only } = synthByKind(chart);
    expect(objects.map((o) => o.kind)).toEqual(['ServiceAccount', 'CronJob']);
    const account = only('ServiceAccount');
    expect(account.metadata).toMatchObject({
      name: backup.name,
      namespace: 'data',
      annotations: { 'azure.workload.identity/client-id': CLIENT_ID, 'azure.workload.identity/tenant-id': TENANT_ID },
    });
    const cronJob = only('CronJob');
    const pod = podOf(cronJob);
    expect(pod.serviceAccountName).toBe(backup.name);
    expect(cronJob.spec.jobTemplate.spec.template.metadata.labels['azure.workload.identity/use']).toBe('true');
    const env = envOf(pod.containers[1]);
    expect(env.AUTH_MODE).toBe('workloadIdentity');
    expect(env.AZURE_STORAGE_KEY).toBeUndefined();
    expect(listAzureRequirements(app).map((r) => r.key)).toEqual([
      'storageAccount:backups01',
      'blobContainer:backups01/pg-dumps',
      `workloadIdentity:data/${backup.name}`,
    ]);
    expect(listAzureRequirements(app).find((r) => r.kind === 'workloadIdentity')).toMatchObject({
      identity: 'backups01-postgres-backup',
      roles: [
        {
          role: 'Storage Blob Data Contributor',
          scope: { type: 'blobContainer', account: 'backups01', container: 'pg-dumps' },
        },
      ],
    });
  });

  it('with workload identity and no client id: the annotation says the deploy step fills it, the requirement names the service account', () => {
    const app = Testing.app();
    const chart = testChart(app);
    const backup = new BackupCronJob(chart, 'backup', {
      ...PROPS,
      storage: { ...STORAGE, auth: { mode: 'workloadIdentity', identityName: 'id-backups' } },
    });
    const account = synthByKind(chart).only('ServiceAccount');
    expect(account.metadata.annotations).toEqual({ 'azure.workload.identity/client-id': CLIENT_ID_SET_AT_DEPLOY });
    expect(listAzureRequirements(app).find((r) => r.kind === 'workloadIdentity')).toMatchObject({
      identity: 'id-backups',
      namespace: 'data',
      serviceAccount: backup.name,
    });
  });

  it('backs up a PostgresSingleton: its namespace, Service, Secret, major version and client label', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'test', { namespace: 'shop' });
    const db = new PostgresSingleton(chart, 'db', { name: 'shop-db', majorVersion: 16, database: 'shop' });
    const backup = new BackupCronJob(chart, 'backup', { database: db, storage: STORAGE });
    const { only } = synthByKind(chart);
    const cronJob = only('CronJob');
    const pod = podOf(cronJob);
    expect(cronJob.metadata.namespace).toBe('shop');
    expect(cronJob.spec.jobTemplate.spec.template.metadata.labels[db.clientLabel.key]).toBe(db.clientLabel.value);
    expect(pod.containers[0].image).toBe('postgres:16');
    expect(envOf(pod.containers[0])).toMatchObject({
      PGHOST: db.connection.host,
      PGDATABASE: 'shop',
      PGUSER: 'app',
      PGPASSWORD: { secretKeyRef: { name: 'shop-db-credentials', key: 'password' } },
    });
    expect(backup.dumpPrefix).toBe('postgres/shop/');
    expect(backup.clientMajorVersion).toBe(16);
  });

  it('accepts a pg_dump newer than the server', () => {
    const { backup, dump } = synthBackup({ postgresImage: 'postgres:17.5-bookworm' });
    expect(dump.image).toBe('postgres:17.5-bookworm');
    expect(backup.clientMajorVersion).toBe(17);
  });

  it('passes a blob endpoint for sovereign clouds and emulators', () => {
    const { upload } = synthBackup({
      storage: { ...STORAGE, blobEndpoint: 'https://backups01.blob.core.chinacloudapi.cn' },
    });
    expect(envOf(upload).BLOB_ENDPOINT).toBe('https://backups01.blob.core.chinacloudapi.cn');
    const local = synthBackup({
      storage: { ...STORAGE, blobEndpoint: 'http://azurite.dev.svc.cluster.local:10000/devstoreaccount1' },
    });
    expect(envOf(local.upload).BLOB_ENDPOINT).toBe('http://azurite.dev.svc.cluster.local:10000/devstoreaccount1');
    expect(
      envOf(synthBackup({ storage: { ...STORAGE, blobEndpoint: 'http://127.0.0.1:10000/devstoreaccount1' } }).upload)
        .BLOB_ENDPOINT,
    ).toBe('http://127.0.0.1:10000/devstoreaccount1');
  });

  it('renders every option', () => {
    const props: Required<BackupCronJobProps> = {
      networkPolicy: { storageEndpoint: { cidrs: ['10.1.2.3/32'] } },
      database: CONNECTION,
      storage: {
        storageAccount: 'backups01',
        container: 'pg-dumps',
        prefix: 'team-a/nightly',
        blobEndpoint: 'https://backups01.blob.core.usgovcloudapi.net',
        auth: { mode: 'storageAccountKey', secretName: 'dump-storage' },
      },
      schedule: '15 1 * * 1-5',
      timeZone: 'Europe/Amsterdam',
      retentionDays: 10,
      postgresImage: 'postgres:16',
      azureCliImage: 'mcr.microsoft.com/azure-cli:2.76.0',
      compression: 'zstd:3',
      scratchSize: StorageSize.gibibytes(64),
      activeDeadline: Duration.hours(1),
      backoffLimit: 0,
      ttlAfterFinished: Duration.days(1),
      startingDeadline: Duration.minutes(5),
      successfulJobsHistoryLimit: 1,
      failedJobsHistoryLimit: 5,
      suspend: true,
      name: 'orders-backup',
      labels: { team: 'orders', 'app.kubernetes.io/name': 'mine' },
      annotations: { 'example.com/owner': 'orders' },
      resources: {
        dump: { cpuRequest: '1', memoryRequest: '512Mi', memoryLimit: '1Gi' },
        upload: { cpuRequest: '200m', memoryRequest: '384Mi', memoryLimit: StorageSize.mebibytes(768) },
      },
    };
    const { app, backup, cronJob, pod, dump, upload } = synthBackup(props);
    expect(cronJob.metadata.name).toBe('orders-backup');
    expect(backup.apiObject).toBe(backup.cronJob);
    expect(backup.networkPolicy?.toJson().spec.egress[1].to).toEqual([{ ipBlock: { cidr: '10.1.2.3/32' } }]);
    expect(cronJob.metadata.labels).toMatchObject({ team: 'orders', 'app.kubernetes.io/name': 'postgres-backup' });
    expect(cronJob.metadata.annotations).toEqual({ 'example.com/owner': 'orders' });
    expect(cronJob.spec.jobTemplate.spec.template.metadata.labels.team).toBe('orders');
    expect(cronJob.spec.jobTemplate.spec.template.metadata.annotations).toBeUndefined();
    expect(cronJob.spec).toMatchObject({
      schedule: '15 1 * * 1-5',
      timeZone: 'Europe/Amsterdam',
      suspend: true,
      startingDeadlineSeconds: 300,
      successfulJobsHistoryLimit: 1,
      failedJobsHistoryLimit: 5,
    });
    expect(cronJob.spec.jobTemplate.spec).toMatchObject({
      backoffLimit: 0,
      activeDeadlineSeconds: 3600,
      ttlSecondsAfterFinished: 86400,
    });
    expect(pod.volumes[0]).toEqual({ name: 'scratch', emptyDir: { sizeLimit: '64Gi' } });
    expect(dump.image).toBe('postgres:16');
    expect(envOf(dump).BLOB_DIR).toBe('team-a/nightly/orders');
    expect(envOf(dump).DUMP_COMPRESSION).toBe('zstd:3');
    expect(backup.compression).toBe('zstd:3');
    expect(dump.resources).toEqual({
      requests: { cpu: '1', memory: '512Mi', 'ephemeral-storage': '64Gi' },
      limits: { memory: '1Gi' },
    });
    expect(upload.image).toBe('mcr.microsoft.com/azure-cli:2.76.0');
    // The pod's ephemeral-storage request is the sum over its containers: only the dump asks for the scratch.
    expect(upload.resources).toEqual({ requests: { cpu: '200m', memory: '384Mi' }, limits: { memory: '768Mi' } });
    expect(envOf(upload)).toMatchObject({
      BLOB_ENDPOINT: 'https://backups01.blob.core.usgovcloudapi.net',
      AZURE_STORAGE_KEY: { secretKeyRef: { name: 'dump-storage', key: 'azurestorageaccountkey' } },
    });
    expect(backup.dumpPrefix).toBe('team-a/nightly/orders/');
    expect(backup.retentionDays).toBe(10);
    expect(listAzureRequirements(app).find((r) => r.kind === 'blobContainer')).toMatchObject({
      lifecycleRules: [{ prefix: 'team-a/nightly/orders/', deleteAfterDays: 10 }],
    });
    expect(listAzureRequirements(app).find((r) => r.kind === 'kubernetesSecret')?.key).toBe(
      'kubernetesSecret:data/dump-storage',
    );
  });

  it('puts no Secret, key or password into the manifests', () => {
    expect(leakedCredentials(synthBackup().objects)).toEqual([]);
    expect(
      leakedCredentials(
        synthBackup({ storage: { ...STORAGE, auth: { mode: 'workloadIdentity', clientId: CLIENT_ID } } }).objects,
      ),
    ).toEqual([]);
    // The detector itself finds what it is meant to find.
    expect(
      leakedCredentials([
        { name: 'PGPASSWORD', value: 'hunter2' },
        { kind: 'Secret' },
        'DefaultEndpointsProtocol=https;AccountKey=abc',
      ]),
    ).toHaveLength(3);
  });

  it('keeps generated names within the 52 characters a CronJob name may have', () => {
    const chart = new Chart(Testing.app(), 'a-rather-long-chart-name-for-the-orders-team', { namespace: 'data' });
    const backup = new BackupCronJob(chart, 'nightly-postgres-backup-of-the-orders-database', PROPS);
    expect(backup.name.length).toBeLessThanOrEqual(52);
    expect(synthByKind(chart).only('CronJob').metadata.name).toBe(backup.name);
  });

  it('merges the container of backups of two databases, each with its own retention prefix', () => {
    const app = Testing.app();
    const chart = testChart(app);
    new BackupCronJob(chart, 'orders', { ...PROPS, retentionDays: 30 });
    new BackupCronJob(chart, 'billing', {
      ...PROPS,
      database: { ...CONNECTION, database: 'billing' },
      retentionDays: 90,
    });
    const container = listAzureRequirements(app).find((r) => r.kind === 'blobContainer');
    expect(container).toMatchObject({
      lifecycleRules: [
        { prefix: 'postgres/orders/', deleteAfterDays: 30 },
        { prefix: 'postgres/billing/', deleteAfterDays: 90 },
      ],
      declaredBy: ['test/billing', 'test/orders'],
    });
  });

  it('adds a restore job and a drill that inherit its storage, source database and image', () => {
    const app = Testing.app();
    const chart = testChart(app);
    const backup = new BackupCronJob(chart, 'backup', {
      ...PROPS,
      postgresImage: 'postgres:17',
      storage: { ...STORAGE, prefix: 'pg' },
    });
    const restore = backup.addRestoreJob('restore', { mode: { mode: 'newDatabase', database: 'orders_copy' } });
    const drill = backup.addRestoreDrill('drill');
    expect(restore.dumpPrefix).toBe('pg/orders/');
    expect(restore.targetDatabase).toBe('orders_copy');
    expect(drill.dumpPrefix).toBe('pg/orders/');
    const { objects } = synthByKind(chart);
    const job = objects.find((o) => o.kind === 'Job');
    expect(podOf(job).containers[1].image).toBe('postgres:17');
    const drillCronJob = objects.find((o) => o.kind === 'CronJob' && o.metadata.name === drill.name);
    expect(podOf(drillCronJob).containers[1].image).toBe('postgres:17');
    // Into another server: the restore runs there, still reading this backup's dumps.
    const other = backup.addRestoreJob('to-staging', {
      mode: { mode: 'replace' },
      database: {
        ...CONNECTION,
        host: 'staging-db.staging.svc.cluster.local',
        namespace: 'staging',
        database: 'orders_staging',
      },
    });
    expect(other.namespace).toBe('staging');
    expect(other.dumpPrefix).toBe('pg/orders/');
    expect(other.targetDatabase).toBe('orders_staging');
  });

  describe('bad input', () => {
    it('rejects a pg_dump older than the server', () => {
      expect(build({ postgresImage: 'postgres:14' })).toThrow(
        rejected(
          'test/backup',
          'postgresImage',
          '"postgres:14"',
          'a postgres image of major 15 or newer: pg_dump refuses to dump a server newer than itself, and the server is PostgreSQL 15',
        ),
      );
      const chart = testChart();
      const db = new PostgresSingleton(chart, 'db', { majorVersion: 17 });
      expect(
        () => new BackupCronJob(chart, 'backup', { database: db, storage: STORAGE, postgresImage: 'postgres:16.4' }),
      ).toThrow(rejected('test/backup', 'postgresImage', '"postgres:16.4"', 'a postgres image of major 17 or newer'));
    });

    it.each([
      ['postgres', 'an image reference with a tag other than "latest" or a digest'],
      ['postgres:latest', 'an image reference with a tag other than "latest" or a digest'],
      ['postgres:bookworm', 'an image whose tag starts with the PostgreSQL major version'],
      ['postgres:15-alpine', 'a Debian-based postgres image'],
      ['Postgres:15', 'an image reference with a tag other than "latest" or a digest'],
    ])('rejects the postgres image %j', (image, allowed) => {
      expect(build({ postgresImage: image })).toThrow(
        rejected('test/backup', 'postgresImage', JSON.stringify(image), allowed),
      );
    });

    it.each(['mcr.microsoft.com/azure-cli', 'mcr.microsoft.com/azure-cli:latest', 'registry.local:5000/azure-cli'])(
      'rejects the unpinned az image %j',
      (image) => {
        expect(build({ azureCliImage: image })).toThrow(
          rejected(
            'test/backup',
            'azureCliImage',
            JSON.stringify(image),
            'an image reference with a tag other than "latest" or a digest',
          ),
        );
      },
    );

    it('accepts an az image pinned by tag and digest, or from a registry with a port', () => {
      expect(build({ azureCliImage: `mcr.microsoft.com/azure-cli:2.77.0@sha256:${'a'.repeat(64)}` })).not.toThrow();
      expect(build({ azureCliImage: 'registry.local:5000/azure-cli:2.77.0' })).not.toThrow();
    });

    it('rejects a bad schedule or time zone', () => {
      expect(build({ schedule: '0 2 * *' })).toThrow(
        rejected('test/backup', 'schedule', '"0 2 * *"', 'a five-field cron expression'),
      );
      expect(build({ timeZone: 'Mars/Olympus' })).toThrow(
        rejected('test/backup', 'timeZone', '"Mars/Olympus"', 'an IANA time zone name'),
      );
    });

    it.each([0, -1, 1.5, 36501])('rejects the retention %j', (days) => {
      expect(build({ retentionDays: days })).toThrow(
        rejected('test/backup', 'retentionDays', String(days), 'a whole number from 1 to 36500'),
      );
    });

    it.each([
      ['30 2 * * *', 1, 2],
      ['0 3 * * 0', 13, 14],
      ['0 3 * * 1-5', 5, 6],
      ['@monthly', 61, 62],
      ['0 3 1 1 *', 400, 732],
    ])('rejects a retention that keeps fewer than two dumps of %j', (schedule, days, minimum) => {
      expect(build({ schedule, retentionDays: days })).toThrow(
        rejected(
          'test/backup',
          'retentionDays',
          String(days),
          `at least ${minimum} days: the schedule "${schedule}" runs up to ${minimum / 2} day(s) apart`,
        ),
      );
      expect(build({ schedule, retentionDays: minimum })).not.toThrow();
    });

    it('rejects bad storage settings', () => {
      const storage = (s: object) => build({ storage: { ...STORAGE, ...s } });
      expect(storage({ storageAccount: 'Backups' })).toThrow(
        rejected('test/backup', 'storage.storageAccount', '"Backups"', 'a storage account name'),
      );
      expect(storage({ container: 'pg_dumps' })).toThrow(
        rejected('test/backup', 'storage.container', '"pg_dumps"', 'a blob container name'),
      );
      for (const prefix of ['', '/postgres', 'postgres/', 'a//b', '../up', 'a/./b', 'with space', 'ü']) {
        expect(storage({ prefix })).toThrow(
          rejected(
            'test/backup',
            'storage.prefix',
            JSON.stringify(prefix),
            "a blob name prefix of '/'-separated segments",
          ),
        );
      }
      for (const endpoint of [
        'http://backups01.blob.core.windows.net',
        'https://backups01.blob.core.windows.net/',
        'https://x.blob.core.windows.net?sv=2020&sig=abc',
        'ftp://x',
        'not a url',
        'https://user:pw@x.net',
      ]) {
        expect(storage({ blobEndpoint: endpoint })).toThrow(
          rejected('test/backup', 'storage.blobEndpoint', JSON.stringify(endpoint), 'an https URL of the blob service'),
        );
      }
      expect(storage({ auth: { mode: 'sas' } })).toThrow(
        rejected('test/backup', 'storage.auth.mode', '"sas"', 'one of storageAccountKey, workloadIdentity'),
      );
      expect(storage({ auth: { mode: 'storageAccountKey', secretName: 'Dump_Key' } })).toThrow(
        rejected('test/backup', 'storage.auth.secretName', '"Dump_Key"', 'a DNS-1123 subdomain'),
      );
      expect(storage({ auth: { mode: 'workloadIdentity', clientId: 'backup-identity' } })).toThrow(
        rejected(
          'test/backup',
          'storage.auth.clientId',
          '"backup-identity"',
          'the client id (a GUID) of the user-assigned managed identity',
        ),
      );
      expect(storage({ auth: { mode: 'workloadIdentity', clientId: CLIENT_ID, tenantId: 'contoso' } })).toThrow(
        rejected('test/backup', 'storage.auth.tenantId', '"contoso"', 'a tenant id (a GUID)'),
      );
      expect(storage({ auth: { mode: 'workloadIdentity', clientId: CLIENT_ID, identityName: 'x' } })).toThrow(
        rejected('test/backup', 'storage.auth.identityName', '"x"', "3 to 128 letters, digits, '-' or '_'"),
      );
    });

    it('rejects a bad connection, naming the field', () => {
      const db = (c: object) => build({ database: { ...CONNECTION, ...c } });
      expect(db({ host: 'db host' })).toThrow(
        rejected(
          'test/backup',
          'database.host',
          '"db host"',
          'a DNS name (e.g. db.data.svc.cluster.local), an IPv4 address or an IPv6 address without brackets',
        ),
      );
      expect(db({ port: 0 })).toThrow(rejected('test/backup', 'database.port', '0', 'a whole number from 1 to 65535'));
      expect(db({ port: 65536 })).toThrow(
        rejected('test/backup', 'database.port', '65536', 'a whole number from 1 to 65535'),
      );
      expect(db({ database: 'my db' })).toThrow(
        rejected('test/backup', 'database.database', '"my db"', 'a PostgreSQL name of at most 63 letters'),
      );
      expect(db({ database: '-x' })).toThrow(rejected('test/backup', 'database.database', '"-x"', 'a PostgreSQL name'));
      expect(db({ user: 'a=b' })).toThrow(rejected('test/backup', 'database.user', '"a=b"', 'a PostgreSQL name'));
      expect(db({ passwordSecret: { name: 'Orders', key: 'password' } })).toThrow(
        rejected('test/backup', 'database.passwordSecret.name', '"Orders"', 'a DNS-1123 subdomain'),
      );
      expect(db({ passwordSecret: { name: 'orders', key: 'pass word' } })).toThrow(
        rejected('test/backup', 'database.passwordSecret.key', '"pass word"', 'a Secret or ConfigMap key'),
      );
      expect(db({ namespace: 'Data' })).toThrow(
        rejected('test/backup', 'database.namespace', '"Data"', 'a DNS-1123 label'),
      );
      expect(db({ majorVersion: 13 })).toThrow(
        rejected('test/backup', 'database.majorVersion', '13', 'one of 14, 15, 16, 17, 18'),
      );
      expect(db({ clientLabel: { key: 'bad key', value: 'x' } })).toThrow(
        rejected('test/backup', 'database.clientLabel.key', '"bad key"', 'a label key'),
      );
    });

    it('names the connection of a database construct in errors', () => {
      const chart = testChart();
      const db = new PostgresSingleton(chart, 'db', { majorVersion: 15 });
      const broken = { node: db.node, connection: { ...db.connection, port: -1 } } as unknown as PostgresSingleton;
      expect(() => new BackupCronJob(chart, 'backup', { database: broken, storage: STORAGE })).toThrow(
        rejected('test/backup', 'database.connection.port', '-1', 'a whole number from 1 to 65535'),
      );
    });

    it('rejects bad sizes, durations, counts and names', () => {
      expect(build({ scratchSize: '10 GB' })).toThrow(
        rejected('test/backup', 'scratchSize', '"10 GB"', 'a positive whole number with a binary unit'),
      );
      expect(build({ scratchSize: '512Ki' })).toThrow(
        rejected('test/backup', 'scratchSize', '"512Ki"', 'a size from 1Mi to 16Ti'),
      );
      expect(build({ activeDeadline: Duration.seconds(30) })).toThrow(
        rejected('test/backup', 'activeDeadline (seconds)', '30', 'a whole number of seconds from 60 to 604800'),
      );
      expect(build({ startingDeadline: Duration.millis(1500) })).toThrow(
        rejected('test/backup', 'startingDeadline (seconds)', '1.5', 'a whole number of seconds from 10'),
      );
      expect(build({ ttlAfterFinished: Duration.days(400) })).toThrow(
        rejected(
          'test/backup',
          'ttlAfterFinished (seconds)',
          '34560000',
          'a whole number of seconds from 0 to 31536000',
        ),
      );
      expect(build({ backoffLimit: -1 })).toThrow(
        rejected('test/backup', 'backoffLimit', '-1', 'a whole number from 0 to 10'),
      );
      expect(build({ successfulJobsHistoryLimit: 1.5 })).toThrow(
        rejected('test/backup', 'successfulJobsHistoryLimit', '1.5', 'a whole number from 0 to 100'),
      );
      expect(build({ failedJobsHistoryLimit: 101 })).toThrow(
        rejected('test/backup', 'failedJobsHistoryLimit', '101', 'a whole number from 0 to 100'),
      );
      expect(build({ name: 'Orders-Backup' })).toThrow(
        rejected('test/backup', 'name', '"Orders-Backup"', 'a DNS-1123 label'),
      );
      expect(build({ name: 'b'.repeat(53) })).toThrow(
        rejected('test/backup', 'name', JSON.stringify('b'.repeat(53)), 'at most 52 characters'),
      );
    });

    it('rejects bad resources', () => {
      expect(build({ resources: { dump: { cpuRequest: 'lots' } } })).toThrow(
        rejected('test/backup', 'resources.dump.cpuRequest', '"lots"', 'a CPU quantity'),
      );
      expect(build({ resources: { upload: { memoryRequest: '1Gi', memoryLimit: '512Mi' } } })).toThrow(
        rejected('test/backup', 'resources.upload.memoryLimit', '"512Mi"', 'at least the memory request (1Gi)'),
      );
      expect(build({ resources: { upload: { memoryRequest: '64Mi', memoryLimit: '64Mi' } } })).toThrow(
        rejected('test/backup', 'resources.upload.memoryLimit', '"64Mi"', 'at least 128Mi'),
      );
      expect(build({ resources: { dump: { memoryLimit: '1GB' } } })).toThrow(
        rejected('test/backup', 'resources.dump.memoryLimit', '"1GB"', 'a positive whole number with a binary unit'),
      );
    });

    it('rejects two backups of one database into one prefix with different retention when the requirements are listed', () => {
      const app = new App();
      const chart = testChart(app);
      new BackupCronJob(chart, 'a', { ...PROPS, retentionDays: 30 });
      new BackupCronJob(chart, 'b', { ...PROPS, retentionDays: 60 });
      expect(() => listAzureRequirements(app)).toThrow(
        rejected(
          'test/b',
          'retention of prefix "postgres/orders/" of blobContainer:backups01/pg-dumps',
          '60',
          'the same value as declared by test/a (30)',
        ),
      );
    });
  });
});
