import { Chart, Duration, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import {
  AZURE_CLI_IMAGE,
  PostgresRestoreDrill,
  PostgresRestoreDrillProps,
  StorageSize,
  listAzureRequirements,
} from '../../lib';
import { formatValue } from '../../lib/core/errors';
import { DEFAULT_DRILL_QUERY } from '../../lib/backup/postgres-restore-drill';
import { DRILL_SCRIPT, FETCH_SCRIPT } from '../../lib/postgres/scripts';
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

const PROPS: PostgresRestoreDrillProps = { database: CONNECTION, storage: STORAGE };

function synthDrill(props: Partial<PostgresRestoreDrillProps> = {}) {
  const app = Testing.app();
  const chart = testChart(app);
  const drill = new PostgresRestoreDrill(chart, 'drill', { ...PROPS, ...props });
  const { objects, only } = synthByKind(chart);
  const cronJob = only('CronJob');
  const pod = podOf(cronJob);
  return { app, drill, objects, cronJob, pod, fetch: pod.containers[0], drillContainer: pod.containers[1] };
}

function build(props: Partial<PostgresRestoreDrillProps>, chart: Chart = testChart()) {
  return () => new PostgresRestoreDrill(chart, 'drill', { ...PROPS, ...props });
}

describe('PostgresRestoreDrill', () => {
  it('renders a weekly CronJob that is off until enabled, in the database namespace', () => {
    const { drill, objects, cronJob } = synthDrill();
    expect(objects.map((o) => o.kind)).toEqual(['CronJob']);
    expect(cronJob.metadata).toMatchObject({ name: drill.name, namespace: 'data' });
    expect(cronJob.spec).toMatchObject({
      schedule: '0 5 * * 0',
      timeZone: 'Etc/UTC',
      suspend: true,
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 3600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
    });
    expect(cronJob.spec.jobTemplate.spec).toMatchObject({
      backoffLimit: 0,
      activeDeadlineSeconds: 6 * 3600,
      ttlSecondsAfterFinished: 7 * 86400,
    });
  });

  it('streams the latest dump into a throwaway server in its own pod, never touching the real one', () => {
    const { cronJob, pod, fetch, drillContainer } = synthDrill();
    expect(pod.initContainers).toBeUndefined();
    expect(fetch).toMatchObject({ name: 'fetch', image: AZURE_CLI_IMAGE, args: [FETCH_SCRIPT] });
    expect(envOf(fetch)).toMatchObject({
      DUMP_PREFIX: 'postgres/orders/',
      BLOB_CONTAINER: 'pg-dumps',
      RESTORE_WAIT_SECONDS: '900',
      // The dump's roles, when the backup saved them, are applied in the throwaway server.
      FETCH_GLOBALS: 'true',
    });
    // Streamed: the drill's scratch space is for the throwaway server's data, not the dump.
    expect(envOf(fetch)).not.toHaveProperty('FETCH_TO_FILE');
    expect(fetch.resources.requests).not.toHaveProperty('ephemeral-storage');
    expect(drillContainer).toMatchObject({
      name: 'drill',
      image: 'postgres:15',
      command: ['bash', '-c'],
      args: [DRILL_SCRIPT],
    });
    expect(envOf(drillContainer)).toEqual({
      SCRATCH_DIR: '/scratch',
      HOME: '/tmp',
      DRILL_DATABASE: 'orders',
      DRILL_QUERY: DEFAULT_DRILL_QUERY,
      FETCH_WAIT_SECONDS: '900',
    });
    // No password and no NetworkPolicy label: the drill has no business with the production server.
    expect(cronJob.spec.jobTemplate.spec.template.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'postgres-restore-drill',
      'app.kubernetes.io/instance': cronJob.metadata.name,
      'app.kubernetes.io/component': 'restore-drill',
      'app.kubernetes.io/managed-by': 'aks-stateful',
    });
    expect(pod.securityContext).toMatchObject({ runAsUser: 999, runAsGroup: 999, runAsNonRoot: true });
    expect(pod.volumes[0]).toEqual({ name: 'scratch', emptyDir: { sizeLimit: '50Gi' } });
    expect(drillContainer.resources).toEqual({
      requests: { cpu: '500m', memory: '512Mi', 'ephemeral-storage': '50Gi' },
      limits: { memory: '1Gi' },
    });
  });

  it('declares read access to the container', () => {
    const { app } = synthDrill({ storage: { ...STORAGE, auth: { mode: 'workloadIdentity', clientId: CLIENT_ID } } });
    expect(listAzureRequirements(app).find((r) => r.kind === 'workloadIdentity')).toMatchObject({
      roles: [
        {
          role: 'Storage Blob Data Reader',
          scope: { type: 'blobContainer', account: 'backups01', container: 'pg-dumps' },
        },
      ],
    });
  });

  it('renders every option', () => {
    const props: Required<PostgresRestoreDrillProps> = {
      networkPolicy: { storageEndpoint: { cidrs: ['10.1.2.3/32'] } },
      database: CONNECTION,
      storage: { ...STORAGE, prefix: 'nightly' },
      schedule: '0 6 1 * *',
      timeZone: 'America/New_York',
      suspend: false,
      verificationQuery: 'SELECT count(*) > 1000 FROM orders',
      postgresImage: 'postgres:17',
      azureCliImage: 'mcr.microsoft.com/azure-cli:2.76.0',
      scratchSize: StorageSize.gibibytes(200),
      activeDeadline: Duration.hours(2),
      backoffLimit: 1,
      ttlAfterFinished: Duration.days(30),
      startingDeadline: Duration.minutes(30),
      successfulJobsHistoryLimit: 2,
      failedJobsHistoryLimit: 6,
      name: 'orders-drill',
      resources: {
        fetch: { memoryLimit: '1Gi' },
        drill: { cpuRequest: '2', memoryRequest: '2Gi', memoryLimit: '4Gi' },
      },
      labels: { team: 'orders', 'app.kubernetes.io/name': 'mine' },
      annotations: { 'example.com/owner': 'orders' },
    };
    const { drill, cronJob, pod, fetch, drillContainer } = synthDrill(props);
    expect(drill.verificationQuery).toBe('SELECT count(*) > 1000 FROM orders');
    expect(cronJob.metadata.name).toBe('orders-drill');
    expect(drill.apiObject).toBe(drill.cronJob);
    expect(drill.networkPolicy?.toJson().spec.egress[1].to).toEqual([{ ipBlock: { cidr: '10.1.2.3/32' } }]);
    expect(cronJob.metadata.labels).toMatchObject({
      team: 'orders',
      'app.kubernetes.io/name': 'postgres-restore-drill',
    });
    expect(cronJob.metadata.annotations).toEqual({ 'example.com/owner': 'orders' });
    expect(cronJob.spec.jobTemplate.spec.template.metadata.labels.team).toBe('orders');
    expect(cronJob.spec.jobTemplate.spec.template.metadata.annotations).toBeUndefined();
    expect(cronJob.spec).toMatchObject({
      schedule: '0 6 1 * *',
      timeZone: 'America/New_York',
      suspend: false,
      startingDeadlineSeconds: 1800,
      successfulJobsHistoryLimit: 2,
      failedJobsHistoryLimit: 6,
    });
    expect(cronJob.spec.jobTemplate.spec).toMatchObject({
      backoffLimit: 1,
      activeDeadlineSeconds: 7200,
      ttlSecondsAfterFinished: 30 * 86400,
    });
    expect(pod.volumes[0].emptyDir.sizeLimit).toBe('200Gi');
    expect(fetch.image).toBe('mcr.microsoft.com/azure-cli:2.76.0');
    expect(fetch.resources.limits.memory).toBe('1Gi');
    expect(envOf(fetch).DUMP_PREFIX).toBe('nightly/orders/');
    expect(drillContainer.image).toBe('postgres:17');
    expect(envOf(drillContainer).DRILL_QUERY).toBe('SELECT count(*) > 1000 FROM orders');
    expect(drillContainer.resources).toEqual({
      requests: { cpu: '2', memory: '2Gi', 'ephemeral-storage': '200Gi' },
      limits: { memory: '4Gi' },
    });
  });

  it('puts no Secret, key or password into the manifests', () => {
    expect(leakedCredentials(synthDrill().objects)).toEqual([]);
  });

  describe('bad input', () => {
    it.each(['', '   ', 'x'.repeat(4097)])('rejects the verification query %j', (query) => {
      expect(build({ verificationQuery: query })).toThrow(
        rejected(
          'test/drill',
          'verificationQuery',
          formatValue(query),
          'one SQL query of at most 4096 characters that returns one row of one boolean',
        ),
      );
    });

    it('rejects a server image older than the database, and a bad schedule', () => {
      expect(build({ postgresImage: 'postgres:14' })).toThrow(
        rejected(
          'test/drill',
          'postgresImage',
          '"postgres:14"',
          "a postgres image of major 15 or newer: the throwaway server must be at least the database's version",
        ),
      );
      expect(build({ schedule: '0 5 * * 8' })).toThrow(
        rejected('test/drill', 'schedule', '"0 5 * * 8"', 'a five-field cron expression'),
      );
      expect(build({ timeZone: 'local' })).toThrow(
        rejected('test/drill', 'timeZone', '"local"', 'an IANA time zone name'),
      );
      expect(build({ name: 'd'.repeat(53) })).toThrow(
        rejected('test/drill', 'name', JSON.stringify('d'.repeat(53)), 'at most 52 characters'),
      );
      expect(build({ scratchSize: '1.5Gi' })).toThrow(
        rejected('test/drill', 'scratchSize', '"1.5Gi"', 'a positive whole number with a binary unit'),
      );
    });
  });
});
