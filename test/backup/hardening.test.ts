/**
 * Issue 12 for the backup, restore and drill constructs: props checked by type, values the API
 * server, Azure, libpq or the scripts refuse refused at construction, SQL that cannot become a
 * meta-command, Pod Security "restricted" pods and opt-in egress NetworkPolicies.
 */
import { Chart, Duration } from 'cdk8s';
import { podSecurityViolations } from '../support/pod-security';
import { describe, expect, it } from 'vitest';
import { BackupCronJob, PostgresRestoreDrill, PostgresRestoreJob } from '../../lib';
import { DRILL_SCRIPT } from '../../lib/postgres/scripts';
import { CLIENT_ID, CONNECTION, STORAGE, envOf, podOf, rejected, synthByKind, testChart } from './helpers';

const js = (value: unknown) => value as never;
const BOOLEAN = 'true or false (a boolean, not a string)';

const builders = {
  BackupCronJob: (props: object) =>
    new BackupCronJob(testChart(), 'job', { database: CONNECTION, storage: STORAGE, ...props }),
  PostgresRestoreJob: (props: object) =>
    new PostgresRestoreJob(testChart(), 'job', {
      database: CONNECTION,
      storage: STORAGE,
      mode: { mode: 'replace' },
      ...props,
    }),
  PostgresRestoreDrill: (props: object) =>
    new PostgresRestoreDrill(testChart(), 'job', { database: CONNECTION, storage: STORAGE, ...props }),
};
const each = Object.entries(builders);

describe('props checked by type', () => {
  it.each(each)("%s: suspend 'false' is refused, not rendered as a string", (_name, build) => {
    expect(() => build({ suspend: js('false') })).toThrow(rejected('test/job', 'suspend', '"false"', BOOLEAN));
  });

  it('PostgresRestoreJob: restoreOwnership is a boolean, not text the script compares', () => {
    expect(() => builders.PostgresRestoreJob({ restoreOwnership: js('true') })).toThrow(
      rejected('test/job', 'restoreOwnership', '"true"', BOOLEAN),
    );
  });

  it.each(each)('%s: a Duration prop given a number is refused by name', (_name, build) => {
    expect(() => build({ activeDeadline: js(3600) })).toThrow(
      rejected('test/job', 'activeDeadline', '3600', 'a cdk8s Duration'),
    );
    expect(() => build({ ttlAfterFinished: Duration.millis(1500) })).toThrow(
      rejected('test/job', 'ttlAfterFinished (seconds)', '1.5', 'a whole number of seconds'),
    );
  });

  it.each(each)('%s: labels given as a string, an array or a deprecated key are refused', (_name, build) => {
    expect(() => build({ labels: js('abc') })).toThrow(
      rejected('test/job', 'labels', '"abc"', 'a record of label keys to label values'),
    );
    expect(() => build({ annotations: js(['a']) })).toThrow(
      rejected('test/job', 'annotations', '["a"]', 'a record of annotation keys'),
    );
    expect(() => build({ labels: { 'beta.kubernetes.io/os': 'linux' } })).toThrow(
      rejected('test/job', 'labels', '"beta.kubernetes.io/os"', 'use kubernetes.io/os'),
    );
  });
});

describe('values refused at construction', () => {
  it.each(['-rf', 'postgres/-x', '--help', '.hidden', 'a//b', 'a/'])(
    'refuses the blob prefix %j (az would read it as an option, or Azure as another name)',
    (prefix) => {
      expect(() => builders.BackupCronJob({ storage: { ...STORAGE, prefix } })).toThrow(
        rejected('test/job', 'storage.prefix', JSON.stringify(prefix), "none starting with '.' or '-'"),
      );
    },
  );

  it.each([
    'https://backups01.blob.core.windows.net\n--debug',
    'https://backups01.blob.core.windows.net\t',
    'ftp://backups01.blob.core.windows.net',
    'http://backups01.blob.core.windows.net',
    'https://user:pw@backups01.blob.core.windows.net',
    'https://backups01.blob.core.windows.net?sv=1',
    'https:\\\\backups01.blob.core.windows.net',
  ])('refuses the blob endpoint %j', (blobEndpoint) => {
    expect(() => builders.BackupCronJob({ storage: { ...STORAGE, blobEndpoint } })).toThrow(
      new RegExp(`^test/job: storage\\.blobEndpoint .* is not allowed: `),
    );
  });

  it.each(['.....', '[db]', '[::1]', '999.1.1.1', 'db host', '/var/run/postgresql', 'a,b', '-db', 'db-'])(
    'refuses the database host %j',
    (host) => {
      expect(() => builders.BackupCronJob({ database: { ...CONNECTION, host } })).toThrow(
        rejected('test/job', 'database.host', JSON.stringify(host), 'a DNS name'),
      );
    },
  );

  it.each(['db.data.svc.cluster.local', '10.0.0.5', '::1', 'fd00::5', 'orders-db'])(
    'accepts the database host %j',
    (host) => {
      expect(() => builders.BackupCronJob({ database: { ...CONNECTION, host } })).not.toThrow();
    },
  );

  it.each(['.', '..', 'pass word', 'päss'])('refuses the Secret key %j', (key) => {
    expect(() =>
      builders.BackupCronJob({ database: { ...CONNECTION, passwordSecret: { name: 'orders-db', key } } }),
    ).toThrow(rejected('test/job', 'database.passwordSecret.key', JSON.stringify(key), "and not '.' or '..'"));
  });

  it('accepts images pinned by digest, with or without a tag (postgres needs the tag for its major)', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(() => builders.BackupCronJob({ azureCliImage: `mcr.microsoft.com/azure-cli@${digest}` })).not.toThrow();
    expect(() => builders.BackupCronJob({ postgresImage: `postgres:15.8@${digest}` })).not.toThrow();
    expect(() => builders.BackupCronJob({ postgresImage: `postgres@${digest}` })).toThrow(
      rejected(
        'test/job',
        'postgresImage',
        JSON.stringify(`postgres@${digest}`),
        'an image whose tag starts with the PostgreSQL major',
      ),
    );
    expect(() => builders.PostgresRestoreDrill({ azureCliImage: 'mcr.microsoft.com/azure-cli:latest' })).toThrow(
      rejected(
        'test/job',
        'azureCliImage',
        '"mcr.microsoft.com/azure-cli:latest"',
        'a tag other than "latest" or a digest',
      ),
    );
  });

  it('refuses a schedule with day of week 7 (the CronJob controller allows 0-6)', () => {
    expect(() => builders.BackupCronJob({ schedule: '0 3 * * 7' })).toThrow(
      /^test\/job: schedule "0 3 \* \* 7" is not allowed/,
    );
  });
});

describe("the drill's verification query cannot become psql script or a second statement", () => {
  it.each(['\\! id', 'SELECT true \\g /tmp/x', "SELECT E'\\\\x' = 'x'", 'SELECT true\u0000', 'SELECT true\r', ' \n '])(
    'refuses %j at construction',
    (query) => {
      expect(() => builders.PostgresRestoreDrill({ verificationQuery: query })).toThrow(
        rejected('test/job', 'verificationQuery', JSON.stringify(query), 'without backslashes (no psql meta-commands)'),
      );
    },
  );

  it('hands the query to the drill container unchanged, as one environment variable, and nowhere else', () => {
    const query = "SELECT count(*) > 10\nFROM orders WHERE note <> ';'";
    const drill = builders.PostgresRestoreDrill({ verificationQuery: query });
    const pod = podOf(drill.cronJob.toJson());
    expect(envOf(pod.containers[1]).DRILL_QUERY).toBe(query);
    expect(pod.containers[1].args).toEqual([DRILL_SCRIPT]);
    // That psql never interprets it, and the server runs it as one read-only statement of a
    // non-superuser, is shown against a real server in test/backup/e2e/backup-restore.test.ts.
  });
});

describe('Pod Security "restricted" for every pod', () => {
  it.each(each)(
    '%s: non-root with a non-zero uid, RuntimeDefault seccomp, no escalation, ALL dropped, read-only root',
    (_name, build) => {
      for (const auth of [undefined, { mode: 'workloadIdentity' as const, clientId: CLIENT_ID }]) {
        const job = build({ storage: { ...STORAGE, ...(auth ? { auth } : {}) } });
        const kind = job instanceof PostgresRestoreJob ? 'Job' : 'CronJob';
        const pod = podOf(synthByKind(Chart.of(job)).only(kind));
        expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
        expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
        expect(pod.hostNetwork ?? pod.hostPID ?? pod.hostIPC).toBeUndefined();
        for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
          expect(container.securityContext, container.name).toEqual({
            runAsNonRoot: true,
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
          });
          expect(container.ports).toBeUndefined();
        }
        // Every rule of the standard (volume kinds included), with the admission rules' implementation.
        expect(podSecurityViolations(pod, 'restricted')).toEqual([]);
        // HOME and az's configuration are on the writable emptyDir, since the root filesystem is read-only.
        const az = pod.containers.find((c: any) => c.image.startsWith('mcr.microsoft.com/azure-cli'));
        expect(envOf(az)).toMatchObject({ HOME: '/tmp', AZURE_CONFIG_DIR: '/tmp' });
        expect(az.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
      }
    },
  );
});

describe('egress NetworkPolicies', () => {
  it('renders DNS, the database and the storage endpoint for the backup pods, and refuses all ingress', () => {
    const chart = testChart();
    const backup = new BackupCronJob(chart, 'backup', {
      database: CONNECTION,
      storage: { ...STORAGE, blobEndpoint: 'http://azurite.dev.svc.cluster.local:10000/devstoreaccount1' },
      networkPolicy: { storageEndpoint: { cidrs: ['10.0.8.0/24'] }, database: { podSelector: { app: 'orders-db' } } },
    });
    const policy = synthByKind(chart).only('NetworkPolicy');
    expect(policy.metadata).toMatchObject({ name: backup.name, namespace: 'data' });
    expect(policy.spec).toEqual({
      podSelector: {
        matchLabels: { 'app.kubernetes.io/name': 'postgres-backup', 'app.kubernetes.io/instance': backup.name },
      },
      policyTypes: ['Ingress', 'Egress'],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
              podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
            },
          ],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
        { to: [{ ipBlock: { cidr: '10.0.8.0/24' } }], ports: [{ protocol: 'TCP', port: 10000 }] },
        { to: [{ podSelector: { matchLabels: { app: 'orders-db' } } }], ports: [{ protocol: 'TCP', port: 5432 }] },
      ],
    });
    // The policy selects the job's pods.
    const pod = synthByKind(chart).only('CronJob').spec.jobTemplate.spec.template.metadata.labels;
    expect(pod).toMatchObject(policy.spec.podSelector.matchLabels);
  });

  it('reaches an IP-addressed database by its address, and the drill no database at all', () => {
    const restore = builders.PostgresRestoreJob({
      database: { ...CONNECTION, host: '10.2.0.4' },
      networkPolicy: { storageEndpoint: { cidrs: ['10.0.8.4/32'] } },
    });
    expect(restore.networkPolicy!.toJson().spec.egress[2]).toEqual({
      to: [{ ipBlock: { cidr: '10.2.0.4/32' } }],
      ports: [{ protocol: 'TCP', port: 5432 }],
    });
    const drill = builders.PostgresRestoreDrill({ networkPolicy: { storageEndpoint: { cidrs: ['10.0.8.4/32'] } } });
    expect(drill.networkPolicy!.toJson().spec.egress).toHaveLength(2);
    expect(() =>
      builders.PostgresRestoreDrill({ networkPolicy: { storageEndpoint: { cidrs: ['10.0.8.4/32'] }, database: {} } }),
    ).toThrow(rejected('test/job', 'networkPolicy.database', '{}', 'the drill never connects'));
  });

  it('needs the sign-in ranges with workload identity, and refuses bad ranges by name', () => {
    const storage = { ...STORAGE, auth: { mode: 'workloadIdentity' as const, clientId: CLIENT_ID } };
    expect(() =>
      builders.BackupCronJob({ storage, networkPolicy: { storageEndpoint: { cidrs: ['10.0.8.4/32'] } } }),
    ).toThrow(rejected('test/job', 'networkPolicy.signIn', '(unset)', 'AzureActiveDirectory'));
    const job = builders.BackupCronJob({
      storage,
      networkPolicy: { storageEndpoint: { cidrs: ['10.0.8.4/32'] }, signIn: { cidrs: ['20.190.128.0/18'] } },
    });
    expect(job.networkPolicy!.toJson().spec.egress[2]).toEqual({
      to: [{ ipBlock: { cidr: '20.190.128.0/18' } }],
      ports: [{ protocol: 'TCP', port: 443 }],
    });
    for (const cidr of ['10.0.8.4', '10.0.8.4/33', 'storage.azure.com/32', '::/129']) {
      expect(() => builders.BackupCronJob({ networkPolicy: { storageEndpoint: { cidrs: [cidr] } } })).toThrow(
        rejected('test/job', 'networkPolicy.storageEndpoint.cidrs[0]', JSON.stringify(cidr), 'CIDR notation'),
      );
    }
    expect(() => builders.BackupCronJob({ networkPolicy: { storageEndpoint: { cidrs: js('10.0.0.0/8') } } })).toThrow(
      rejected('test/job', 'networkPolicy.storageEndpoint.cidrs', '"10.0.0.0/8"', 'an array'),
    );
  });
});
