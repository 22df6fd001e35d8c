import { Chart, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { describe, expect, it } from 'vitest';
import {
  AksStatefulValidationError,
  AzureDiskStorageClass,
  PostgresSingleton,
  PostgresSingletonProps,
  ZonalStatefulSet,
  ZonalStatefulSetProps,
} from '../../lib';
import { synthValid } from '../support/validate-manifests';

const ZONES = ['westeurope-1', 'westeurope-2', 'westeurope-3'];

function chart(id = 'test', props: { namespace?: string; disableResourceNameHashes?: boolean } = {}) {
  return new Chart(Testing.app(), id, { namespace: 'apps', ...props });
}

function pg(props: PostgresSingletonProps = {}) {
  const c = chart();
  const db = new PostgresSingleton(c, 'db', { name: 'ledger', ...props });
  const objects = synthValid(c);
  const sts = objects.find((o) => o.kind === 'StatefulSet');
  return { db, objects, sts, pod: sts.spec.template.spec };
}

function zonal(props: Partial<ZonalStatefulSetProps> = {}) {
  const c = chart();
  const set = new ZonalStatefulSet(c, 'kv', {
    name: 'kv',
    zones: ZONES,
    containers: [{ name: 'app', image: 'busybox:1.37' }],
    ...props,
  });
  const objects = synthValid(c);
  const sts = objects.find((o) => o.kind === 'StatefulSet');
  return { set, objects, sts, pod: sts.spec.template.spec };
}

function error(build: () => unknown): AksStatefulValidationError {
  try {
    build();
  } catch (e) {
    expect(e).toBeInstanceOf(AksStatefulValidationError);
    return e as AksStatefulValidationError;
  }
  throw new Error('expected an AksStatefulValidationError');
}

describe('sizes: cdk8s Size accepted, errors name the prop as written', () => {
  it('takes Size for the disk, the memory and the shared memory of PostgresSingleton', () => {
    const { sts, pod } = pg({
      storageSize: Size.gibibytes(64),
      resources: { memoryRequest: Size.gibibytes(1), memoryLimit: Size.gibibytes(2) },
      sharedMemorySize: Size.mebibytes(512),
    });
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('64Gi');
    expect(pod.containers[0].resources).toMatchObject({ requests: { memory: '1Gi' }, limits: { memory: '2Gi' } });
    expect(pod.volumes.find((v: any) => v.name === 'shm').emptyDir.sizeLimit).toBe('512Mi');
  });

  it('names storageSize, never a claim template field, for a size that is not whole GiB', () => {
    const e = error(() => pg({ storageSize: Size.mebibytes(1536) }));
    expect(e.field).toBe('storageSize');
    expect(e.message).toMatch(/^test\/db: storageSize "1536Mi" is not allowed: a whole number of GiB/);
    expect(e.message).not.toMatch(/volumeClaimTemplates/);
  });

  it('takes Size in a ZonalStatefulSet claim template', () => {
    const c = chart();
    const disk = new AzureDiskStorageClass(c, 'disk', { name: 'premium', sku: 'Premium_LRS' });
    new ZonalStatefulSet(c, 'kv', {
      zones: ZONES,
      containers: [{ name: 'app', image: 'busybox:1.37' }],
      volumeClaimTemplates: [{ name: 'data', size: Size.gibibytes(10), storageClass: disk, mountPath: '/data' }],
    });
    const sts = synthValid(c).find((o) => o.kind === 'StatefulSet');
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('10Gi');
  });
});

describe('names that stay stable', () => {
  it("names PostgresSingleton's own StorageClass from its namespace and name, so renaming the chart keeps it", () => {
    const names = ['payments', 'payments-v2'].map((id) => {
      const c = chart(id);
      new PostgresSingleton(c, 'db', { name: 'ledger' });
      const objects = synthValid(c);
      const sts = objects.find((o) => o.kind === 'StatefulSet');
      const cls = objects.find((o) => o.kind === 'StorageClass');
      expect(sts.spec.volumeClaimTemplates[0].spec.storageClassName).toBe(cls.metadata.name);
      return cls.metadata.name;
    });
    expect(names).toEqual(['apps-ledger-data', 'apps-ledger-data']);
  });

  it('honours the chart’s disableResourceNameHashes for the generated name', () => {
    const hashed = new PostgresSingleton(chart('shop'), 'orders');
    const plain = new PostgresSingleton(chart('shop', { disableResourceNameHashes: true }), 'orders');
    expect(hashed.name).toMatch(/^shop-orders-[0-9a-f]{8}$/);
    expect(plain.name).toBe('shop-orders');
    expect(plain.statefulSet.name).toBe('shop-orders');
    // The probe used to read the setting leaves nothing behind.
    expect(Testing.synth(Chart.of(plain)).map((o) => o.kind)).not.toContain('ConfigMap');
  });

  it("names a ZonalStatefulSet's PodDisruptionBudget after the set", () => {
    const { objects } = zonal();
    expect(objects.find((o) => o.kind === 'PodDisruptionBudget').metadata.name).toBe('kv');
  });
});

describe('one name for the main object', () => {
  it('apiObject is the StatefulSet on both', () => {
    const { db } = pg();
    expect(db.apiObject).toBe(db.statefulSet);
    expect(db.apiObject.kind).toBe('StatefulSet');
    expect(zonal().set.apiObject.kind).toBe('StatefulSet');
    const { db: withImport } = pg({ bulkImport: { table: 'todos', csv: 'a\n1\n' } });
    expect(withImport.bulkImport?.apiObject).toBe(withImport.bulkImport?.job);
    expect(withImport.bulkImport?.apiObject.kind).toBe('Job');
  });
});

describe('scheduling on both constructs', () => {
  const affinity = {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: 'agentpool', operator: 'In', values: ['db'] }] }],
      },
    },
  };
  const tolerations = [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }];

  it('PostgresSingleton adds nodeSelector, tolerations, affinity and priorityClassName', () => {
    const { pod } = pg({ nodeSelector: { agentpool: 'db' }, tolerations, affinity, priorityClassName: 'databases' });
    expect(pod.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux', agentpool: 'db' });
    expect(pod.tolerations).toEqual(tolerations);
    expect(pod.affinity).toEqual(affinity);
    expect(pod.priorityClassName).toBe('databases');
  });

  it('ZonalStatefulSet merges extra affinity with its zone spreading, never replacing it', () => {
    const { pod } = zonal({ affinity, tolerations, nodeSelector: { agentpool: 'db' }, priorityClassName: 'kv' });
    const terms = pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    expect(terms).toEqual([
      {
        matchExpressions: [
          { key: 'topology.kubernetes.io/zone', operator: 'In', values: ZONES },
          { key: 'agentpool', operator: 'In', values: ['db'] },
        ],
      },
    ]);
    expect(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    expect(pod.tolerations).toEqual(tolerations);
    expect(pod.nodeSelector).toEqual({ agentpool: 'db' });
    expect(pod.priorityClassName).toBe('kv');
  });

  it.each([
    [
      'a node selector that contradicts the construct',
      () => pg({ nodeSelector: { 'kubernetes.io/os': 'windows' } }),
      /^test\/db: nodeSelector\["kubernetes.io\/os"\] "windows" is not allowed: "linux"/,
    ],
    [
      'a zone node selector on a zonal set',
      () => zonal({ nodeSelector: { 'topology.kubernetes.io/zone': 'westeurope-1' } }),
      /^test\/kv: nodeSelector\["topology.kubernetes.io\/zone"\] "westeurope-1" is not allowed: unset: the zones prop/,
    ],
    [
      'a toleration with a bad effect (from JavaScript)',
      () => pg({ tolerations: [{ key: 'a', operator: 'Equal', value: 'b', effect: 'NoRun' }] }),
      /^test\/db: tolerations\[0\]\.effect "NoRun" is not allowed: one of NoSchedule, PreferNoSchedule, NoExecute/,
    ],
    [
      'a value with operator Exists',
      () => zonal({ tolerations: [{ key: 'a', operator: 'Exists', value: 'b' }] }),
      /^test\/kv: tolerations\[0\]\.value "b" is not allowed: unset with operator Exists/,
    ],
    [
      'tolerationSeconds without NoExecute',
      () => pg({ tolerations: [{ key: 'a', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 60 }] }),
      /^test\/db: tolerations\[0\]\.tolerationSeconds 60 is not allowed: unset unless effect is NoExecute/,
    ],
    [
      'an affinity with an unknown key',
      () => zonal({ affinity: { nodeAfinity: {} } as never }),
      /^test\/kv: affinity\.nodeAfinity \{\} is not allowed: a field of a Kubernetes 1.27 Affinity: nodeAffinity, podAffinity, podAntiAffinity/,
    ],
    [
      'a priority class that is not a name',
      () => pg({ priorityClassName: 'High Priority' }),
      /^test\/db: priorityClassName "High Priority" is not allowed: a DNS-1123 subdomain/,
    ],
  ])('refuses %s', (_, build, message) => {
    expect(error(build).message).toMatch(message);
  });
});

describe('extra env and sidecars', () => {
  it('PostgresSingleton adds env to the server and runs sidecars that mount its volumes', () => {
    const { pod } = pg({
      env: { TZ: 'Europe/Berlin' },
      sidecars: [
        {
          name: 'exporter',
          image: 'quay.io/prometheuscommunity/postgres-exporter:v0.17.1',
          volumeMounts: [
            { name: 'run', mountPath: '/var/run/postgresql' },
            { name: 'queries', mountPath: '/etc/exporter' },
          ],
        },
      ],
      volumes: [{ name: 'queries', emptyDir: {} }],
    });
    expect(pod.containers[0].env).toContainEqual({ name: 'TZ', value: 'Europe/Berlin' });
    expect(pod.containers.map((c: any) => c.name)).toEqual(['postgres', 'exporter']);
    expect(pod.volumes).toContainEqual({ name: 'queries', emptyDir: {} });
  });

  it('ZonalStatefulSet adds env to every container and init container', () => {
    const { pod } = zonal({
      env: { TZ: 'UTC' },
      initContainers: [{ name: 'init', image: 'busybox:1.37' }],
      containers: [
        { name: 'app', image: 'busybox:1.37' },
        { name: 'sidecar', image: 'busybox:1.37' },
      ],
    });
    for (const c of [...pod.initContainers, ...pod.containers])
      expect(c.env, c.name).toEqual([{ name: 'TZ', value: 'UTC' }]);
  });

  it.each([
    [
      'an env var the construct owns',
      () => pg({ env: { PGDATA: '/elsewhere' } }),
      /^test\/db: env\["PGDATA"\] "\/elsewhere" is not allowed: unset/,
    ],
    [
      'a non-string env value (from JavaScript)',
      () => zonal({ env: { N: 1 as never } }),
      /^test\/kv: env\["N"\] 1 is not allowed: a string/,
    ],
    [
      'an env var a container sets itself',
      () =>
        zonal({
          env: { TZ: 'UTC' },
          containers: [{ name: 'app', image: 'busybox:1.37', envVariables: { TZ: kplus.EnvValue.fromValue('CET') } }],
        }),
      /^test\/kv: env\["TZ"\] "UTC" is not allowed: unset: container app sets it itself/,
    ],
    [
      'a sidecar named postgres',
      () => pg({ sidecars: [{ name: 'postgres', image: 'busybox:1.37' }] }),
      /^test\/db: sidecars\[0\]\.name "postgres" is not allowed/,
    ],
    [
      'a sidecar mounting a volume the pod lacks',
      () => pg({ sidecars: [{ name: 'x', image: 'busybox:1.37', volumeMounts: [{ name: 'nope', mountPath: '/x' }] }] }),
      /^test\/db: sidecars\[0\]\.volumeMounts\[0\]\.name "nope" is not allowed: one of the pod's volumes/,
    ],
    [
      'a volume named like one of the construct’s',
      () => pg({ volumes: [{ name: 'data', emptyDir: {} }] }),
      /^test\/db: volumes\[0\]\.name "data" is not allowed/,
    ],
  ])('refuses %s', (_, build, message) => {
    expect(error(build).message).toMatch(message);
  });
});

describe('PostgreSQL server settings', () => {
  it('renders checked settings and extra settings as -c arguments, numbers as text', () => {
    const { pod } = pg({
      settings: { shared_buffers: '256MB', max_connections: 200, work_mem: '8MB', checkpoint_timeout: '15min' },
      extraSettings: { 'pg_stat_statements.track': 'all' },
    });
    expect(pod.containers[0].args).toEqual([
      '-c',
      'shared_buffers=256MB',
      '-c',
      'max_connections=200',
      '-c',
      'work_mem=8MB',
      '-c',
      'checkpoint_timeout=15min',
      '-c',
      'pg_stat_statements.track=all',
    ]);
  });

  it.each([
    [
      'a setting the construct owns',
      { extraSettings: { port: '5433' } },
      /^test\/db: extraSettings\["port"\] "5433" is not allowed: unset: the Services/,
    ],
    [
      'data_directory in settings (from JavaScript)',
      { settings: { data_directory: '/x' } as never },
      /^test\/db: settings\.data_directory "\/x" is not allowed: unset: the construct sets PGDATA/,
    ],
    [
      'listen_addresses',
      { extraSettings: { listen_addresses: 'localhost' } },
      /^test\/db: extraSettings\["listen_addresses"\] "localhost" is not allowed: unset/,
    ],
    [
      'hba_file',
      { extraSettings: { hba_file: '/etc/hba' } },
      /^test\/db: extraSettings\["hba_file"\] "\/etc\/hba" is not allowed: unset/,
    ],
    [
      'an unknown checked setting',
      { settings: { shared_bufers: '1GB' } as never },
      /^test\/db: settings\.shared_bufers "1GB" is not allowed: one of shared_buffers, .*; put other parameters in extraSettings/,
    ],
    [
      'a known setting in extraSettings',
      { extraSettings: { work_mem: '4MB' } },
      /^test\/db: extraSettings\["work_mem"\] "4MB" is not allowed: unset: set settings\.work_mem/,
    ],
    [
      'a memory setting without unit PostgreSQL reads',
      { settings: { work_mem: '4Mi' } },
      /^test\/db: settings\.work_mem "4Mi" is not allowed: a whole number with a unit kB, MB, GB or TB/,
    ],
    [
      'too many connections',
      { settings: { max_connections: '100000' } },
      /^test\/db: settings\.max_connections "100000" is not allowed: a whole number from 1 to 10000/,
    ],
    [
      'a checkpoint every second',
      { settings: { checkpoint_timeout: '1s' } },
      /^test\/db: settings\.checkpoint_timeout "1s" is not allowed: a time from 30s to 1d/,
    ],
    [
      'shared_buffers as large as the memory limit',
      { settings: { shared_buffers: '1GB' }, resources: { memoryLimit: '1Gi' } },
      /^test\/db: settings\.shared_buffers "1GB" is not allowed: less than the memory limit \(1Gi\)/,
    ],
  ] as Array<[string, PostgresSingletonProps, RegExp]>)('refuses %s', (_, props, message) => {
    expect(error(() => pg(props)).message).toMatch(message);
  });
});

describe('labels and annotations', () => {
  it('puts annotations on every object of both constructs but not on the pods', () => {
    const annotations = { 'team.example.com/owner': 'payments' };
    for (const { objects, sts } of [
      pg({ annotations, bulkImport: { table: 'todos', csv: 'a\n1\n' } }),
      zonal({ annotations }),
    ]) {
      for (const o of objects.filter((x) => x.kind !== 'StorageClass'))
        expect(o.metadata.annotations, `${o.kind}/${o.metadata.name}`).toEqual(annotations);
      expect(sts.spec.template.metadata.annotations).toBeUndefined();
    }
  });

  it('refuses a bad annotation key', () => {
    expect(error(() => zonal({ annotations: { 'bad key': 'x' } })).message).toMatch(
      /^test\/kv: annotations key "bad key"/,
    );
  });
});

describe('claim templates from JavaScript', () => {
  it('a claim template without a storage class is a validation error naming it', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'apps' });
    expect(
      () =>
        new ZonalStatefulSet(chart, 'kv', {
          zones: ZONES,
          containers: [{ name: 'kv', image: 'registry.example/kv:1.0' }],
          volumeClaimTemplates: [{ name: 'data', mountPath: '/data', size: '10Gi' } as never],
        }),
    ).toThrow(/^test\/kv: volumeClaimTemplates\[0\]\.storageClass \(unset\) is not allowed: a storage class/);
  });
});
