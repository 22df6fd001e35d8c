import { Chart, Duration, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import {
  AksStatefulValidationError,
  AzureDiskStorageClass,
  AzureFileStorageClass,
  PostgresBulkImport,
  PostgresBulkImportProps,
  PostgresSingleton,
  PostgresSingletonProps,
  StorageSize,
  listAzureRequirements,
} from '../../lib';
import { ofKind, only } from '../support/expectations';
import { synthValid } from '../support/validate-manifests';

type Props = PostgresSingletonProps | ((scope: Chart) => PostgresSingletonProps);

function build(props: Props = {}) {
  const app = Testing.app();
  const chart = new Chart(app, 'test', { namespace: 'apps' });
  const db = new PostgresSingleton(chart, 'db', typeof props === 'function' ? props(chart) : props);
  return { app, chart, db };
}

function synthDb(props: Props = {}) {
  const built = build(props);
  const objects = synthValid(built.chart);
  const sts = only(objects, 'StatefulSet');
  const pod = sts.spec.template.spec;
  const container = pod.containers[0];
  const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value]));
  const mounts = Object.fromEntries(container.volumeMounts.map((m: any) => [m.name, m]));
  const volumes = Object.fromEntries(pod.volumes.map((v: any) => [v.name, v]));
  return { ...built, objects, sts, pod, container, env, mounts, volumes };
}

describe('PostgresSingleton', () => {
  describe('defaults', () => {
    it('runs postgres:17 with database and user app and PGDATA below the mount point', () => {
      const { db, container, env, mounts, sts } = synthDb();
      expect(db.majorVersion).toBe(17);
      expect(container.image).toBe('postgres:17');
      expect(container.name).toBe('postgres');
      expect(container.ports).toEqual([{ name: 'postgres', containerPort: 5432, protocol: 'TCP' }]);
      expect(env).toMatchObject({
        POSTGRES_USER: 'app',
        POSTGRES_DB: 'app',
        PGDATA: '/var/lib/postgresql/data/pgdata',
      });
      expect(mounts.data).toEqual({ name: 'data', mountPath: '/var/lib/postgresql/data' });
      expect(container.args).toBeUndefined();
      expect(sts.spec).toMatchObject({
        replicas: 1,
        podManagementPolicy: 'OrderedReady',
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      });
    });

    it('reads the password from the mounted Secret, never from an env value', () => {
      const { db, container, env, mounts, volumes, objects } = synthDb();
      const secret = `${db.name}-credentials`;
      expect(env.POSTGRES_PASSWORD_FILE).toBe('/run/secrets/postgres/password');
      expect(mounts.password).toEqual({ name: 'password', mountPath: '/run/secrets/postgres', readOnly: true });
      expect(volumes.password.secret).toMatchObject({
        secretName: secret,
        items: [{ key: 'password', path: 'password' }],
      });
      for (const e of container.env) {
        if (/PASSWORD/.test(e.name))
          expect(e, e.name).toEqual({ name: 'POSTGRES_PASSWORD_FILE', value: '/run/secrets/postgres/password' });
      }
      expect(container.envFrom).toBeUndefined();
      // No Secret object is ever synthesized: the password is generated at deploy time.
      expect(ofKind(objects, 'Secret')).toEqual([]);
    });

    it('runs as the postgres user without privileges', () => {
      const { pod, container } = synthDb();
      expect(pod.securityContext).toEqual({
        runAsUser: 999,
        runAsGroup: 999,
        runAsNonRoot: true,
        fsGroup: 999,
        fsGroupChangePolicy: 'OnRootMismatch',
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(container.securityContext).toMatchObject({
        runAsUser: 999,
        runAsGroup: 999,
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
      expect(pod.automountServiceAccountToken).toBe(false);
    });

    it('probes startup, readiness and liveness with pg_isready', () => {
      const { container } = synthDb();
      const command = ['pg_isready', '--username', 'app', '--dbname', 'app', '--quiet'];
      for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
        expect(container[probe], probe).toMatchObject({ exec: { command } });
      }
      // Startup gets long enough for crash recovery before liveness counts.
      expect(container.startupProbe.periodSeconds * container.startupProbe.failureThreshold).toBeGreaterThanOrEqual(
        600,
      );
    });

    it('mounts a memory-backed /dev/shm with a size limit and gives 120 s to shut down', () => {
      const { pod, mounts, volumes } = synthDb();
      expect(mounts.shm).toEqual({ name: 'shm', mountPath: '/dev/shm' });
      expect(volumes.shm).toEqual({ name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '256Mi' } });
      expect(pod.terminationGracePeriodSeconds).toBe(120);
    });

    it('requests 250m CPU and 512Mi, limits memory to 1Gi and sets no CPU limit', () => {
      const { container } = synthDb();
      expect(container.resources).toEqual({ requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '1Gi' } });
    });

    it('creates a retained, late-binding Premium_LRS disk class and a 32Gi claim template', () => {
      const { db, objects, sts } = synthDb();
      const cls = only(objects, 'StorageClass');
      expect(cls).toMatchObject({
        provisioner: 'disk.csi.azure.com',
        parameters: { skuName: 'Premium_LRS' },
        reclaimPolicy: 'Retain',
        volumeBindingMode: 'WaitForFirstConsumer',
      });
      expect(db.storageClass).toBeInstanceOf(AzureDiskStorageClass);
      expect(sts.spec.volumeClaimTemplates).toEqual([
        {
          metadata: { name: 'data', labels: db.selectorLabels },
          spec: {
            storageClassName: cls.metadata.name,
            accessModes: ['ReadWriteOnce'],
            volumeMode: 'Filesystem',
            resources: { requests: { storage: '32Gi' } },
          },
        },
      ]);
    });

    it('renders a client Service and a headless Service for the StatefulSet', () => {
      const { db, objects, sts } = synthDb({ name: 'orders' });
      const services = ofKind(objects, 'Service');
      expect(services).toHaveLength(2);
      const client = services.find((s) => s.metadata.name === 'orders');
      const headless = services.find((s) => s.metadata.name === 'orders-headless');
      expect(client.spec).toEqual({
        type: 'ClusterIP',
        selector: db.selectorLabels,
        ports: [{ name: 'postgres', port: 5432, targetPort: 5432 }],
      });
      expect(headless.spec).toEqual({
        clusterIP: 'None',
        selector: db.selectorLabels,
        ports: [{ name: 'postgres', port: 5432, targetPort: 5432 }],
      });
      expect(sts.spec.serviceName).toBe('orders-headless');
      expect(sts.spec.selector).toEqual({
        matchLabels: { 'app.kubernetes.io/name': 'postgres', 'app.kubernetes.io/instance': 'orders' },
      });
    });

    it('admits only pods with the client label through its NetworkPolicy', () => {
      const { db, objects } = synthDb({ name: 'orders' });
      const policy = only(objects, 'NetworkPolicy');
      expect(db.connection.clientLabel).toEqual({ key: 'aks-stateful.io/postgres-client', value: 'orders' });
      expect(policy.spec).toEqual({
        podSelector: { matchLabels: db.selectorLabels },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [{ podSelector: { matchLabels: { 'aks-stateful.io/postgres-client': 'orders' } } }],
            ports: [{ protocol: 'TCP', port: 5432 }],
          },
        ],
      });
    });

    it('renders no PodDisruptionBudget, so a drain can move the single replica', () => {
      const { objects } = synthDb();
      expect(ofKind(objects, 'PodDisruptionBudget')).toEqual([]);
      expect(objects.map((o) => o.kind).sort()).toEqual([
        'NetworkPolicy',
        'Service',
        'Service',
        'StatefulSet',
        'StorageClass',
      ]);
    });

    it('declares a generated password Secret as an Azure requirement', () => {
      const { app } = build({ name: 'orders' });
      expect(listAzureRequirements(app)).toEqual([
        {
          kind: 'kubernetesSecret',
          namespace: 'apps',
          name: 'orders-credentials',
          keys: { password: { from: 'generatedPassword', length: 32 } },
          key: 'kubernetesSecret:apps/orders-credentials',
          declaredBy: ['test/db'],
        },
      ]);
    });

    it('describes how to connect, without any secret', () => {
      const { db } = build({ name: 'orders' });
      expect(db.connection).toEqual({
        host: 'orders.apps.svc.cluster.local',
        port: 5432,
        database: 'app',
        user: 'app',
        passwordSecret: { name: 'orders-credentials', key: 'password' },
        namespace: 'apps',
        majorVersion: 17,
        clientLabel: { key: 'aks-stateful.io/postgres-client', value: 'orders' },
      });
    });

    it('generates a name from the construct path', () => {
      const { db, sts } = synthDb();
      expect(db.name).toMatch(/^test-db-[0-9a-f]{8}$/);
      expect(sts.metadata.name).toBe(db.name);
      expect(db.connection.host).toBe(`${db.name}.apps.svc.cluster.local`);
    });
  });

  describe('options', () => {
    it.each([14, 15, 16, 17] as const)(
      'PostgreSQL %i keeps PGDATA in a subdirectory of the data mount',
      (majorVersion) => {
        const { db, container, env, mounts } = synthDb({ majorVersion });
        expect(container.image).toBe(`postgres:${majorVersion}`);
        expect(env.PGDATA).toBe('/var/lib/postgresql/data/pgdata');
        expect(mounts.data.mountPath).toBe('/var/lib/postgresql/data');
        expect(db.connection.majorVersion).toBe(majorVersion);
      },
    );

    it('PostgreSQL 18 mounts the disk at /var/lib/postgresql and leaves PGDATA to the image', () => {
      const { db, container, env, mounts } = synthDb({ majorVersion: 18 });
      expect(container.image).toBe('postgres:18');
      expect(mounts.data.mountPath).toBe('/var/lib/postgresql');
      expect(Object.keys(env)).not.toContain('PGDATA');
      expect(db.connection.majorVersion).toBe(18);
    });

    it.each([
      ['myregistry.azurecr.io/library/postgres:16.4-bookworm', 16],
      ['postgres:15.8', 15],
      ['postgres:17@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 17],
    ] as const)('takes image %s for major %i', (image, majorVersion) => {
      const { db, container } = synthDb({ image, majorVersion });
      expect(container.image).toBe(image);
      expect(db.image).toBe(image);
    });

    it('passes settings as -c key=value arguments', () => {
      const { container } = synthDb({
        settings: { shared_buffers: '256MB' },
        extraSettings: { 'auto_explain.log_min_duration': '500ms', log_line_prefix: '%m [%p] ' },
      });
      expect(container.args).toEqual([
        '-c',
        'shared_buffers=256MB',
        '-c',
        'auto_explain.log_min_duration=500ms',
        '-c',
        'log_line_prefix=%m [%p] ',
      ]);
    });

    it('puts init scripts in a ConfigMap mounted at /docker-entrypoint-initdb.d', () => {
      const scripts = {
        '01-schema.sql': 'CREATE TABLE todos (id serial primary key, title text);',
        '02-seed.sh': 'echo seeded',
      };
      const { objects, mounts, volumes } = synthDb({ name: 'orders', initScripts: scripts });
      const cm = only(objects, 'ConfigMap');
      expect(cm.metadata.name).toBe('orders-init');
      expect(cm.data).toEqual(scripts);
      expect(volumes['init-scripts']).toEqual({ name: 'init-scripts', configMap: { name: 'orders-init' } });
      expect(mounts['init-scripts']).toEqual({
        name: 'init-scripts',
        mountPath: '/docker-entrypoint-initdb.d',
        readOnly: true,
      });
    });

    it('has no init script volume without scripts', () => {
      const { objects, volumes, mounts } = synthDb();
      expect(ofKind(objects, 'ConfigMap')).toEqual([]);
      expect(volumes['init-scripts']).toBeUndefined();
      expect(mounts['init-scripts']).toBeUndefined();
    });

    it('sets resources, shared memory, grace period and storage size', () => {
      const { container, volumes, pod, sts } = synthDb({
        resources: { cpuRequest: '500m', cpuLimit: '2', memoryRequest: '2Gi', memoryLimit: StorageSize.gibibytes(4) },
        sharedMemorySize: '1Gi',
        terminationGracePeriod: Duration.minutes(5),
        storageSize: StorageSize.gibibytes(256),
      });
      expect(container.resources).toEqual({
        requests: { cpu: '500m', memory: '2Gi' },
        limits: { cpu: '2', memory: '4Gi' },
      });
      expect(volumes.shm.emptyDir).toEqual({ medium: 'Memory', sizeLimit: '1Gi' });
      expect(pod.terminationGracePeriodSeconds).toBe(300);
      expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('256Gi');
    });

    it('takes a storage class construct and creates none of its own', () => {
      const { objects, sts, db } = synthDb((scope) => ({
        storageSize: '100Gi',
        storageClass: new AzureDiskStorageClass(scope, 'v2', {
          name: 'pg-v2',
          sku: 'PremiumV2_LRS',
          diskIopsReadWrite: 5000,
          diskMbpsReadWrite: 200,
        }),
      }));
      expect(ofKind(objects, 'StorageClass').map((c) => c.metadata.name)).toEqual(['pg-v2']);
      expect(sts.spec.volumeClaimTemplates[0].spec).toMatchObject({
        storageClassName: 'pg-v2',
        resources: { requests: { storage: '100Gi' } },
      });
      expect(db.storageClass).toMatchObject({ name: 'pg-v2' });
    });

    it('takes an existing storage class by name', () => {
      const { objects, sts } = synthDb({ storageClass: 'premium-retain' });
      expect(ofKind(objects, 'StorageClass')).toEqual([]);
      expect(sts.spec.volumeClaimTemplates[0].spec.storageClassName).toBe('premium-retain');
    });

    it.each(['default', 'managed', 'managed-csi', 'managed-premium', 'managed-csi-premium'])(
      "refuses AKS's built-in %s class, which deletes the disk with its claim",
      (name) => {
        const chart = new Chart(Testing.app(), 'test', { namespace: 'apps' });
        expect(() => new PostgresSingleton(chart, 'db', { storageClass: name })).toThrow(
          new RegExp(
            `^test/db: storageClass "${name}" is not allowed: a class with reclaimPolicy Retain: AKS's built-in ${name} class has Delete`,
          ),
        );
      },
    );

    it('puts extra labels on its objects and the pod, but not in the selector', () => {
      const { objects, sts, db } = synthDb({ labels: { team: 'orders' }, initScripts: { 'a.sql': 'select 1;' } });
      for (const o of objects.filter((x) => x.kind !== 'StorageClass')) {
        expect(o.metadata.labels, `${o.kind}/${o.metadata.name}`).toMatchObject({
          team: 'orders',
          'app.kubernetes.io/name': 'postgres',
        });
      }
      expect(sts.spec.template.metadata.labels).toMatchObject({ team: 'orders' });
      expect(sts.spec.selector.matchLabels).toEqual(db.selectorLabels);
    });

    it('puts extra labels on every object it creates, including the default class and the import', () => {
      const { objects } = synthDb({ labels: { team: 'orders' }, bulkImport: { table: 'todos', csv: 'title\nx\n' } });
      for (const o of objects)
        expect(o.metadata.labels, `${o.kind}/${o.metadata.name}`).toMatchObject({ team: 'orders' });
    });

    it('declares no Azure requirement when given a password Secret, and uses it', () => {
      const { app, volumes, env, db } = synthDb({ name: 'orders', passwordSecret: { name: 'orders-pg', key: 'pw' } });
      expect(listAzureRequirements(app)).toEqual([]);
      expect(volumes.password.secret).toMatchObject({ secretName: 'orders-pg', items: [{ key: 'pw', path: 'pw' }] });
      expect(env.POSTGRES_PASSWORD_FILE).toBe('/run/secrets/postgres/pw');
      expect(db.connection.passwordSecret).toEqual({ name: 'orders-pg', key: 'pw' });
    });

    it('takes database and user names', () => {
      const { env, container, db } = synthDb({ database: 'orders_db', user: 'orders_owner' });
      expect(env).toMatchObject({ POSTGRES_DB: 'orders_db', POSTGRES_USER: 'orders_owner' });
      expect(container.readinessProbe.exec.command).toEqual([
        'pg_isready',
        '--username',
        'orders_owner',
        '--dbname',
        'orders_db',
        '--quiet',
      ]);
      expect(db.connection).toMatchObject({ database: 'orders_db', user: 'orders_owner' });
    });
  });

  describe('rejects bad input with the path, field, value and what is allowed', () => {
    const cases: Array<[string, Props, RegExp]> = [
      [
        'major 13',
        { majorVersion: 13 as never },
        /^test\/db: majorVersion 13 is not allowed: one of 14, 15, 16, 17, 18/,
      ],
      [
        'major 19',
        { majorVersion: 19 as never },
        /^test\/db: majorVersion 19 is not allowed: one of 14, 15, 16, 17, 18/,
      ],
      [
        'an image of another major',
        { majorVersion: 16, image: 'postgres:17.2' },
        /^test\/db: image "postgres:17.2" is not allowed: an image tagged with major 16 .*the tag must match majorVersion/,
      ],
      [
        'an image of another major by default',
        { image: 'postgres:16' },
        /^test\/db: image "postgres:16" is not allowed: an image tagged with major 17/,
      ],
      [
        'an untagged image',
        { image: 'postgres' },
        /^test\/db: image "postgres" is not allowed: an image reference with a tag other than "latest" or a digest/,
      ],
      ['a latest image', { image: 'postgres:latest' }, /^test\/db: image "postgres:latest" is not allowed/],
      [
        'a database name with capitals',
        { database: 'Orders' },
        /^test\/db: database "Orders" is not allowed: a lowercase SQL identifier/,
      ],
      [
        'a database name with a hyphen',
        { database: 'my-db' },
        /^test\/db: database "my-db" is not allowed: a lowercase SQL identifier/,
      ],
      [
        'a user starting with a digit',
        { user: '1app' },
        /^test\/db: user "1app" is not allowed: a lowercase SQL identifier/,
      ],
      [
        'a user name with a quote',
        { user: "app'; drop" },
        /^test\/db: user "app'; drop" is not allowed: a lowercase SQL identifier/,
      ],
      [
        'the superuser',
        { user: 'postgres' },
        /^test\/db: user "postgres" is not allowed: an application user other than the superuser "postgres"/,
      ],
      [
        'an Azure Files class',
        (scope) => ({ storageClass: new AzureFileStorageClass(scope, 'files', { name: 'files' }) }),
        /^test\/db: storageClass "files" is not allowed: an Azure Disk class: PostgreSQL on Azure Files \(SMB or NFS\) loses the fsync, locking and permission semantics/,
      ],
      [
        'an NFS Azure Files class',
        (scope) => ({
          storageClass: new AzureFileStorageClass(scope, 'nfs', { name: 'nfs', sku: 'Premium_LRS', protocol: 'nfs' }),
        }),
        /^test\/db: storageClass "nfs" is not allowed: an Azure Disk class/,
      ],
      [
        'the built-in azurefile-csi class',
        { storageClass: 'azurefile-csi' },
        /^test\/db: storageClass "azurefile-csi" is not allowed: an Azure Disk class: .*\(azurefile-csi is AKS's built-in Azure Files class\)/,
      ],
      [
        'the built-in azurefile-csi-premium class',
        { storageClass: 'azurefile-csi-premium' },
        /^test\/db: storageClass "azurefile-csi-premium" is not allowed: an Azure Disk class/,
      ],
      [
        'a disk class that deletes its disks',
        (scope) => ({
          storageClass: new AzureDiskStorageClass(scope, 'del', { name: 'del', reclaimPolicy: 'Delete' }),
        }),
        /^test\/db: storageClass "del" is not allowed: a class with reclaimPolicy Retain: with Delete, deleting the claim deletes the database's disk/,
      ],
      [
        'a grace period under 60 s',
        { terminationGracePeriod: Duration.seconds(30) },
        /^test\/db: terminationGracePeriod \(seconds\) 30 is not allowed: a whole number of seconds from 60 to 3600/,
      ],
      [
        'a memory limit under the request',
        { resources: { memoryRequest: '2Gi', memoryLimit: '1Gi' } },
        /^test\/db: resources\.memoryLimit "1Gi" is not allowed: at least the memory request \(2Gi\)/,
      ],
      [
        'a memory limit under the default request',
        { resources: { memoryLimit: '256Mi' } },
        /^test\/db: resources\.memoryLimit "256Mi" is not allowed: at least the memory request \(512Mi\)/,
      ],
      [
        'a decimal memory unit',
        { resources: { memoryLimit: '1G' } },
        /^test\/db: resources\.memoryLimit "1G" is not allowed: a positive whole number with a binary unit/,
      ],
      [
        'shared memory equal to the memory limit',
        { sharedMemorySize: '1Gi' },
        /^test\/db: sharedMemorySize "1Gi" is not allowed: less than the memory limit \(1Gi\): \/dev\/shm is memory the server is charged for/,
      ],
      [
        'shared memory above the memory limit',
        { sharedMemorySize: '2Gi', resources: { memoryLimit: '1Gi' } },
        /^test\/db: sharedMemorySize "2Gi" is not allowed: less than the memory limit/,
      ],
      [
        'a CPU request with a unit word',
        { resources: { cpuRequest: '0.5 cores' } },
        /^test\/db: resources\.cpuRequest "0.5 cores" is not allowed: a CPU quantity in cores or whole millicores/,
      ],
      [
        'a CPU limit in millicores with a decimal',
        { resources: { cpuLimit: '1.5m' } },
        /^test\/db: resources\.cpuLimit "1.5m" is not allowed: a CPU quantity/,
      ],
      [
        'a settings key with capitals and a space',
        { extraSettings: { 'Shared Buffers': '1GB' } },
        /^test\/db: extraSettings key "Shared Buffers" is not allowed: a postgresql.conf parameter name/,
      ],
      [
        'a multi-line extra setting',
        { extraSettings: { log_line_prefix: '%m\nfsync=off' } },
        /^test\/db: extraSettings\["log_line_prefix"\] "%m\\nfsync=off" is not allowed: a non-empty single-line string/,
      ],
      [
        'a work_mem that smuggles a second setting',
        { settings: { work_mem: '4MB\nfsync=off' } },
        /^test\/db: settings\.work_mem "4MB\\nfsync=off" is not allowed: a whole number with a unit kB, MB, GB or TB/,
      ],
      [
        'an init script that is neither SQL nor shell',
        { initScripts: { 'schema.txt': 'create table t();' } },
        /^test\/db: initScripts file name "schema.txt" is not allowed: a file name ending in .sql or .sh/,
      ],
      [
        'an init script name with a slash',
        { initScripts: { 'sub/a.sql': 'select 1;' } },
        /^test\/db: initScripts file name "sub\/a.sql" is not allowed/,
      ],
      [
        'a name longer than 40 characters',
        { name: 'a'.repeat(41) },
        /^test\/db: name "a{41}" is not allowed: a DNS-1035 label .*at most 40 characters/,
      ],
      [
        'a bad password Secret key',
        { passwordSecret: { name: 'pg', key: 'pass word' } },
        /^test\/db: passwordSecret\.key "pass word" is not allowed: a Secret or ConfigMap key/,
      ],
      [
        'a bad label',
        { labels: { 'failure-domain.beta.kubernetes.io/zone': 'westeurope-1' } },
        /^test\/db: labels "failure-domain.beta.kubernetes.io\/zone" is not allowed: a current key/,
      ],
    ];
    it.each(cases)('%s', (_, props, message) => {
      let error: unknown;
      try {
        build(props);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AksStatefulValidationError);
      expect((error as Error).message).toMatch(message);
    });

    it.each([
      ['10 GB', /a positive whole number with a binary unit/],
      ['1536Mi', /a whole number of GiB/],
    ])('a storage size of %s', (storageSize, allowed) => {
      expect(() => build({ storageSize })).toThrow(
        new RegExp(`^test/db: storageSize "${storageSize}" is not allowed: ${allowed.source}`),
      );
    });

    it('names the storageSize prop when the size is bad', () => {
      expect(() => build({ storageSize: '10 GB' })).toThrow(/^test\/db: storageSize "10 GB" is not allowed/);
    });

    it('rejects a CPU limit below the CPU request', () => {
      expect(() => build({ resources: { cpuRequest: '2', cpuLimit: '500m' } })).toThrow(
        /^test\/db: resources\.cpuLimit "500m" is not allowed/,
      );
    });
  });
});

describe('PostgresBulkImport', () => {
  const CSV = 'title,done\nbuy milk,false\nwrite tests,true\n';

  function jobParts(objects: any[]) {
    const job = only(objects, 'Job');
    const pod = job.spec.template.spec;
    return {
      job,
      pod,
      container: pod.containers[0],
      script: [...pod.containers[0].command, ...pod.containers[0].args].join(' '),
    };
  }

  it('loads a CSV through the bulkImport prop with a Job the NetworkPolicy admits', () => {
    const { objects, db } = synthDb({
      name: 'todo',
      bulkImport: { table: 'public.todos', csv: CSV, columns: ['title', 'done'] },
    });
    const data = ofKind(objects, 'ConfigMap');
    expect(data).toHaveLength(1);
    expect(data[0].data).toEqual({ 'data.csv': CSV });
    const { job, pod, container, script } = jobParts(objects);
    expect(db.bulkImport).toBeInstanceOf(PostgresBulkImport);
    expect(job.metadata.namespace).toBe('apps');
    expect(job.spec.backoffLimit).toBe(3);
    expect(job.spec.template.metadata.labels).toEqual({ 'aks-stateful.io/postgres-client': 'todo' });
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.automountServiceAccountToken).toBe(false);
    // The client pod the backup and restore jobs use (lib/postgres/job-pod), plus the CSV.
    expect(pod.securityContext).toMatchObject({ runAsUser: 999, runAsGroup: 999, runAsNonRoot: true });
    expect(container.securityContext).toEqual({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.volumes).toContainEqual({ name: 'data', configMap: { name: data[0].metadata.name } });
    expect(container.volumeMounts).toContainEqual({ name: 'data', mountPath: '/import', readOnly: true });
    expect(container.image).toBe('postgres:17');
    expect(container.env).toEqual([
      { name: 'SCRATCH_DIR', value: '/scratch' },
      { name: 'HOME', value: '/tmp' },
      { name: 'PGHOST', value: 'todo.apps.svc.cluster.local' },
      { name: 'PGPORT', value: '5432' },
      { name: 'PGDATABASE', value: 'app' },
      { name: 'PGUSER', value: 'app' },
      { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'todo-credentials', key: 'password' } } },
      { name: 'PGCONNECT_TIMEOUT', value: '30' },
      { name: 'PGAPPNAME', value: 'aks-stateful-bulk-import' },
      { name: 'IMPORT_TABLE', value: '"public"."todos"' },
      {
        name: 'COPY_COMMAND',
        value: String.raw`\copy "public"."todos"("title", "done") FROM pstdin WITH (FORMAT csv, HEADER true)`,
      },
      { name: 'IMPORT_FILE', value: '/import/data.csv' },
    ]);
    expect(script).toContain('set -euo pipefail');
    // The \copy command reaches psql through the environment, never through shell quoting.
    expect(script).toContain('exec psql --no-psqlrc -v ON_ERROR_STOP=1 --command "$COPY_COMMAND" < "$IMPORT_FILE"');
    // A second run (a retry, or the Job applied again after its TTL) loads nothing into a table that has rows.
    expect(script).toMatch(
      /SELECT EXISTS \(SELECT 1 FROM \$IMPORT_TABLE\)[\s\S]*nothing imported"; exit 0; fi\nexec psql/,
    );
  });

  it('works standalone against a database, with all columns and no header', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'test', { namespace: 'apps' });
    const pg = new PostgresSingleton(chart, 'db', {
      name: 'todo',
      majorVersion: 16,
      passwordSecret: { name: 'todo-pw', key: 'secret' },
    });
    const imp = new PostgresBulkImport(chart, 'import', {
      database: pg,
      table: 'todos',
      csv: 'x,true\n',
      header: false,
    });
    const objects = synthValid(chart);
    const { job, container, script } = jobParts(objects);
    expect(job.metadata.name).toBe(imp.job.name);
    expect(job.spec.template.metadata.labels).toEqual({ 'aks-stateful.io/postgres-client': 'todo' });
    expect(container.image).toBe('postgres:16');
    const password = container.env.find((e: any) => e.name === 'PGPASSWORD');
    expect(password).toEqual({ name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'todo-pw', key: 'secret' } } });
    expect(container.env.find((e: any) => e.name === 'COPY_COMMAND').value).toBe(
      String.raw`\copy "todos" FROM pstdin WITH (FORMAT csv, HEADER false)`,
    );
    expect(script).toContain('--command "$COPY_COMMAND"');
    expect(only(objects, 'ConfigMap').data).toEqual({ 'data.csv': 'x,true\n' });
  });

  it('accepts a CSV of exactly 900 KiB', () => {
    const csv = 'x'.repeat(900 * 1024);
    const { objects } = synthDb({ bulkImport: { table: 'todos', csv } });
    // The whole CSV reaches the ConfigMap the import Job reads (900 KiB + 1 is rejected below).
    expect(only(objects, 'ConfigMap').data['data.csv']).toBe(csv);
  });

  describe('rejects bad input with the path, field, value and what is allowed', () => {
    function standalone(props: Omit<PostgresBulkImportProps, 'database'>) {
      const chart = new Chart(Testing.app(), 'test', { namespace: 'apps' });
      const pg = new PostgresSingleton(chart, 'db', { name: 'todo' });
      return new PostgresBulkImport(chart, 'import', { database: pg, ...props });
    }

    it.each([
      [
        'a table name with capitals',
        { table: 'Todos', csv: CSV },
        /^test\/import: table "Todos" is not allowed: a lowercase table name, optionally schema-qualified/,
      ],
      [
        'a three-part table name',
        { table: 'db.public.todos', csv: CSV },
        /^test\/import: table "db.public.todos" is not allowed: a lowercase table name/,
      ],
      [
        'an injected table name',
        { table: "todos FROM '/etc/passwd'; --", csv: CSV },
        /^test\/import: table "todos FROM '\/etc\/passwd'; --" is not allowed/,
      ],
      [
        'a bad column',
        { table: 'todos', csv: CSV, columns: ['title', 'Done'] },
        /^test\/import: columns\[1\] "Done" is not allowed: a lowercase column name/,
      ],
      [
        'an empty column list',
        { table: 'todos', csv: CSV, columns: [] },
        /^test\/import: columns \[\] is not allowed: at least one column, or unset for all/,
      ],
      ['an empty CSV', { table: 'todos', csv: '' }, /^test\/import: csv "" is not allowed: a non-empty string/],
      [
        'a CSV over 900 KiB',
        { table: 'todos', csv: 'x'.repeat(900 * 1024 + 1) },
        /^test\/import: csv "921601 bytes" is not allowed: between 1 byte and 921600 bytes/,
      ],
    ] as Array<[string, Omit<PostgresBulkImportProps, 'database'>, RegExp]>)('%s', (_, props, message) => {
      expect(() => standalone(props)).toThrow(message);
    });

    it('names the prop as the user wrote it when a bulkImport option is bad', () => {
      expect(() => build({ bulkImport: { table: 'todos', csv: '' } })).toThrow(
        /^test\/db: bulkImport\.csv "" is not allowed/,
      );
    });

    it('does not let a reserved word through unquoted', () => {
      let imp: PostgresBulkImport | undefined;
      try {
        imp = standalone({ table: 'todos', csv: CSV, columns: ['order', 'user'] });
      } catch (e) {
        expect((e as Error).message).toMatch(/^test\/import: columns\[0\] "order" is not allowed/);
        return;
      }
      const env = (imp.job.toJson() as any).spec.template.spec.containers[0].env as Array<{
        name: string;
        value?: string;
      }>;
      expect(env.find((e) => e.name === 'COPY_COMMAND')?.value).toMatch(/^\\copy "todos"\("order", "user"\) FROM/);
    });

    it("runs in the database's namespace, or refuses another one", () => {
      const app = Testing.app();
      const dbChart = new Chart(app, 'test', { namespace: 'apps' });
      const pg = new PostgresSingleton(dbChart, 'db', { name: 'todo' });
      const etl = new Chart(app, 'etl', { namespace: 'etl' });
      try {
        new PostgresBulkImport(etl, 'import', { database: pg, table: 'todos', csv: CSV });
      } catch (e) {
        expect((e as Error).message).toMatch(/^etl\/import: .*namespace/);
        return;
      }
      const objects = synthValid(etl);
      for (const o of objects) expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe('apps');
    });
  });
});

describe('PostgresSingleton image variants', () => {
  it('refuses Alpine images, whose postgres user is not uid 999', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'apps' });
    expect(() => new PostgresSingleton(chart, 'db', { image: 'postgres:17-alpine' })).toThrow(
      /^test\/db: image "postgres:17-alpine" is not allowed: a Debian-based postgres image .* the Alpine images run as uid 70/,
    );
  });

  it('passes the server image to the import Job, so a private registry serves both', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'apps' });
    new PostgresSingleton(chart, 'db', {
      image: 'registry.example.com/postgres:17.6-bookworm',
      bulkImport: { table: 'todos', csv: 'a\n1\n' },
    });
    const job = synthValid(chart).find((o) => o.kind === 'Job');
    expect(job.spec.template.spec.containers[0].image).toBe('registry.example.com/postgres:17.6-bookworm');
  });
});
