/**
 * Every public prop of every public backup construct, made hostile (issue 12): each generated value
 * is either refused with a validation error naming the prop (nested paths as the user wrote them),
 * or synthesizes valid objects.
 */
import { Duration } from 'cdk8s';
import { describe, it } from 'vitest';
import { BackupCronJob, PostgresRestoreDrill, PostgresRestoreJob } from '../../lib';
import { HostileSubject, assertHostileInputHandled } from '../support/hostile';
import { CLIENT_ID, CONNECTION, TENANT_ID } from './helpers';

const RUNS = { numRuns: 600 };

/** Every prop of the database connection and the storage, as nested paths. */
const CONNECTION_PATHS = [
  'database',
  'database.host',
  'database.port',
  'database.database',
  'database.user',
  'database.passwordSecret',
  'database.passwordSecret.name',
  'database.passwordSecret.key',
  'database.namespace',
  'database.majorVersion',
  'database.clientLabel',
  'database.clientLabel.key',
  'database.clientLabel.value',
];
const STORAGE_PATHS = [
  'storage',
  'storage.storageAccount',
  'storage.container',
  'storage.prefix',
  'storage.blobEndpoint',
  'storage.auth',
  'storage.auth.mode',
  'storage.auth.secretName',
];
const IDENTITY_PATHS = ['storage.auth.clientId', 'storage.auth.tenantId', 'storage.auth.identityName'];
const JOB_PATHS = [
  'name',
  'postgresImage',
  'azureCliImage',
  'scratchSize',
  'activeDeadline',
  'backoffLimit',
  'ttlAfterFinished',
  'labels',
  'labels.team',
  'annotations',
  'annotations.note',
  'networkPolicy',
  'networkPolicy.storageEndpoint',
  'networkPolicy.storageEndpoint.cidrs',
  'networkPolicy.storageEndpoint.cidrs.0',
  'networkPolicy.storageEndpoint.port',
  'networkPolicy.database',
  'networkPolicy.database.podSelector',
  'networkPolicy.database.podSelector.app',
  'networkPolicy.database.cidrs',
  'networkPolicy.dns',
  'networkPolicy.dns.namespaceSelector',
  'networkPolicy.dns.podSelector',
];
const CRON_PATHS = [
  'schedule',
  'timeZone',
  'suspend',
  'startingDeadline',
  'successfulJobsHistoryLimit',
  'failedJobsHistoryLimit',
];
const resources = (...containers: string[]) =>
  containers.flatMap((c) => [
    `resources.${c}`,
    `resources.${c}.cpu`,
    `resources.${c}.memory`,
    `resources.${c}.memory.limit`,
  ]);

const STORAGE: any = {
  storageAccount: 'backups01',
  container: 'pg-dumps',
  prefix: 'team/postgres',
  blobEndpoint: 'https://backups01.blob.core.windows.net',
  auth: { mode: 'storageAccountKey', secretName: 'backup-key' },
};
const IDENTITY_STORAGE = {
  ...STORAGE,
  auth: { mode: 'workloadIdentity', clientId: CLIENT_ID, tenantId: TENANT_ID, identityName: 'backups-identity' },
};
const STORAGE_POLICY = { storageEndpoint: { cidrs: ['10.1.0.0/16'], port: 443 }, dns: {} };
const COMMON = {
  database: CONNECTION,
  storage: STORAGE,
  postgresImage: 'postgres:15.8',
  azureCliImage: 'mcr.microsoft.com/azure-cli:2.77.0',
  activeDeadline: Duration.hours(2),
  backoffLimit: 1,
  ttlAfterFinished: Duration.days(1),
  labels: { team: 'payments' },
  annotations: { note: 'x' },
  networkPolicy: {
    storageEndpoint: { cidrs: ['10.1.0.0/16'], port: 443 },
    database: { podSelector: { app: 'orders-db' } },
    dns: {},
  },
};
const CRON = {
  schedule: '30 2 * * *',
  timeZone: 'Europe/Amsterdam',
  suspend: false,
  startingDeadline: Duration.minutes(30),
  successfulJobsHistoryLimit: 3,
  failedJobsHistoryLimit: 3,
};

const subjects: HostileSubject<any>[] = [
  {
    name: 'BackupCronJob',
    build: (chart, props) => new BackupCronJob(chart, 'backup', props),
    valid: { ...COMMON, ...CRON, retentionDays: 30, scratchSize: '10Gi', name: 'orders-backup', compression: 'gzip:1' },
    paths: [
      'compression',
      ...CONNECTION_PATHS,
      ...STORAGE_PATHS,
      ...JOB_PATHS,
      ...CRON_PATHS,
      'retentionDays',
      ...resources('dump', 'upload'),
    ],
  },
  {
    name: 'BackupCronJob (workload identity)',
    build: (chart, props) => new BackupCronJob(chart, 'backup', props),
    valid: {
      ...COMMON,
      storage: IDENTITY_STORAGE,
      networkPolicy: { ...STORAGE_POLICY, signIn: { cidrs: ['20.190.128.0/18'] } },
    },
    paths: [...IDENTITY_PATHS, 'networkPolicy.signIn', 'networkPolicy.signIn.cidrs', 'networkPolicy.signIn.cidrs.0'],
  },
  {
    name: 'PostgresRestoreJob',
    build: (chart, props) => new PostgresRestoreJob(chart, 'restore', props),
    valid: {
      ...COMMON,
      mode: { mode: 'newDatabase', database: 'orders_copy' },
      sourceDatabase: 'orders',
      restoreOwnership: false,
      suspend: true,
      scratchSize: '64Mi',
      name: 'orders-restore',
    },
    paths: [
      ...CONNECTION_PATHS,
      ...STORAGE_PATHS,
      ...JOB_PATHS,
      'mode',
      'mode.mode',
      'mode.database',
      'sourceDatabase',
      'dump',
      'restoreOwnership',
      'suspend',
      ...resources('fetch', 'restore'),
    ],
  },
  {
    name: 'PostgresRestoreJob (workload identity)',
    build: (chart, props) => new PostgresRestoreJob(chart, 'restore', props),
    valid: {
      ...COMMON,
      storage: IDENTITY_STORAGE,
      mode: { mode: 'replace' },
      networkPolicy: { ...STORAGE_POLICY, signIn: { cidrs: ['20.190.128.0/18'] } },
    },
    paths: [...IDENTITY_PATHS, 'networkPolicy.signIn', 'networkPolicy.signIn.cidrs'],
  },
  {
    name: 'PostgresRestoreDrill',
    build: (chart, props) => new PostgresRestoreDrill(chart, 'drill', props),
    valid: {
      ...COMMON,
      networkPolicy: STORAGE_POLICY,
      ...CRON,
      verificationQuery: 'SELECT count(*) > 10 FROM orders',
      scratchSize: '20Gi',
      name: 'orders-drill',
    },
    paths: [
      ...CONNECTION_PATHS,
      ...STORAGE_PATHS,
      ...JOB_PATHS.filter((path) => !path.startsWith('networkPolicy.database')),
      ...CRON_PATHS,
      'verificationQuery',
      ...resources('fetch', 'drill'),
    ],
  },
  {
    name: 'BackupCronJob.addRestoreJob',
    build: (chart, props) =>
      new BackupCronJob(chart, 'backup', { database: CONNECTION, storage: STORAGE }).addRestoreJob('restore', props),
    valid: { mode: { mode: 'replace' }, suspend: true },
    paths: ['mode', 'mode.mode', 'database', 'database.host', 'sourceDatabase', 'suspend', 'restoreOwnership'],
  },
  {
    // The dump's name must lie under the source database's prefix: made hostile on its own.
    name: 'PostgresRestoreJob dump',
    build: (chart, props) => new PostgresRestoreJob(chart, 'restore', props),
    valid: {
      database: CONNECTION,
      storage: STORAGE,
      mode: { mode: 'replace' },
      dump: 'team/postgres/orders/20250101T023000Z.dump',
    },
    paths: ['dump'],
  },
  {
    name: 'BackupCronJob.addRestoreDrill',
    build: (chart, props) =>
      new BackupCronJob(chart, 'backup', { database: CONNECTION, storage: STORAGE }).addRestoreDrill('drill', props),
    valid: { verificationQuery: 'SELECT true', suspend: true, schedule: '0 5 * * 0' },
    paths: ['verificationQuery', 'schedule', 'suspend', 'networkPolicy', 'networkPolicy.database', 'networkPolicy.dns'],
  },
];

describe('backup constructs under hostile props', () => {
  for (const subject of subjects) {
    it(`${subject.name}: every prop refused by name or rendered valid`, () => {
      assertHostileInputHandled(subject, RUNS);
    });
  }
});
