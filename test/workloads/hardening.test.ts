/**
 * Issue 12 for the workloads, one block per class of defect: each case was accepted (or threw
 * something other than a validation error) before the fix.
 */
import { App, Chart, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { describe, expect, it } from 'vitest';
import {
  AksStatefulValidationError,
  PostgresBulkImport,
  PostgresBulkImportProps,
  PostgresSingleton,
  PostgresSingletonProps,
  ZonalStatefulSet,
  ZonalStatefulSetProps,
} from '../../lib';
import { ofKind, only } from '../support/expectations';
import { synthValid } from '../support/validate-manifests';

const ZONES = ['westeurope-1', 'westeurope-2', 'westeurope-3'];
const DIGEST = `sha256:${'a'.repeat(64)}`;

function chart() {
  return new Chart(Testing.app(), 'test', { namespace: 'apps' });
}

function zonal(props: Partial<ZonalStatefulSetProps> = {}, after?: (set: ZonalStatefulSet, c: Chart) => void) {
  const c = chart();
  const set = new ZonalStatefulSet(c, 'kv', {
    name: 'kv',
    zones: ZONES,
    containers: [{ name: 'app', image: 'busybox:1.37' }],
    ...props,
  });
  after?.(set, c);
  const objects = synthValid(c);
  return { set, objects, pod: only(objects, 'StatefulSet').spec.template.spec };
}

function pg(props: PostgresSingletonProps = {}) {
  const c = chart();
  new PostgresSingleton(c, 'db', { name: 'ledger', ...props });
  const objects = synthValid(c);
  return { objects, pod: only(objects, 'StatefulSet').spec.template.spec };
}

function bulk(props: Partial<PostgresBulkImportProps> = {}) {
  const c = chart();
  const database = new PostgresSingleton(c, 'db', { name: 'ledger' });
  new PostgresBulkImport(c, 'import', { database, table: 'todos', csv: 'title\nx\n', ...props });
  return synthValid(c);
}

/** The validation error `build` throws; fails unless it is one and names `field`. */
function refused(build: () => unknown, field: string): AksStatefulValidationError {
  try {
    build();
  } catch (e) {
    expect(e, String(e)).toBeInstanceOf(AksStatefulValidationError);
    expect((e as AksStatefulValidationError).field).toBe(field);
    return e as AksStatefulValidationError;
  }
  throw new Error(`expected a validation error naming ${field}`);
}

describe('booleans are never read by truthiness', () => {
  it.each([
    ['publishNotReadyAddresses', () => zonal({ publishNotReadyAddresses: 'false' as never })],
    ['disruptionBudget.quorum', () => zonal({ disruptionBudget: { quorum: 'false' as never } })],
    ['podSecurity.runAsNonRoot', () => zonal({ podSecurity: { runAsNonRoot: 'false' as never } })],
    [
      'containers[0].securityContext.allowPrivilegeEscalation',
      () =>
        zonal({
          containers: [{ image: 'busybox:1.37', securityContext: { allowPrivilegeEscalation: 'false' as never } }],
        }),
    ],
    ['header', () => bulk({ header: 'false' as never })],
    ['bulkImport.header', () => pg({ bulkImport: { table: 't', csv: 'a\n', header: 'false' as never } })],
  ])('%s: "false" is refused', (field, build) => {
    refused(build, field);
  });
});

describe('arrays are arrays, strings are strings, objects are objects', () => {
  it.each([
    ['preStopCommand', () => zonal({ preStopCommand: 'consul leave' as never })],
    ['preStopCommand', () => zonal({ preStopCommand: 5 as never })],
    ['containers[0].command', () => zonal({ containers: [{ image: 'busybox:1.37', command: 'sh -c true' as never }] })],
    ['volumeClaimTemplates', () => zonal({ volumeClaimTemplates: 'data' as never })],
    ['columns', () => bulk({ columns: 'title' as never })],
    ['table', () => bulk({ table: ['todos'] as never })],
    ['csv', () => bulk({ csv: 42 as never })],
    ['tolerations[0].key', () => zonal({ tolerations: [{ key: ['dedicated'] as never, operator: 'Exists' }] })],
    ['sidecars', () => pg({ sidecars: 'exporter' as never })],
  ])('%s of the wrong type is refused', (field, build) => {
    refused(build, field);
  });

  it('refuses a service account given by name instead of dropping it', () => {
    refused(() => zonal({ serviceAccount: 'consul' as never }), 'serviceAccount');
  });

  it('accepts a service account object, imported or new, and mounts its token', () => {
    const { pod } = zonal({
      serviceAccount: kplus.ServiceAccount.fromServiceAccountName(new Chart(new App(), 'sa'), 'sa', 'consul'),
    });
    expect(pod.serviceAccountName).toBe('consul');
    expect(pod.automountServiceAccountToken).toBe(true);
  });

  it.each([
    ['labels', () => zonal({ labels: new Date() as never })],
    ['env', () => zonal({ env: new Date() as never })],
    ['annotations', () => pg({ annotations: new Date() as never })],
    ['settings', () => pg({ settings: 'shared_buffers=1GB' as never })],
    ['extraSettings', () => pg({ extraSettings: new Date() as never })],
    ['initScripts', () => pg({ initScripts: 'SELECT 1' as never })],
    ['resources', () => pg({ resources: new Date() as never })],
    ['affinity', () => zonal({ affinity: new Date() as never })],
    ['podSecurity', () => zonal({ podSecurity: 'restricted' as never })],
  ])('%s: only a plain record', (field, build) => {
    refused(build, field);
  });

  it('refuses a cdk8s-plus container prop it does not know (a typo would vanish)', () => {
    refused(
      () => zonal({ containers: [{ image: 'busybox:1.37', volumeMount: [] } as never] }),
      'containers[0].volumeMount',
    );
  });
});

describe('values the API server refuses are refused at construction', () => {
  it.each([
    ['name', () => zonal({ name: '1kv' })],
    ['name', () => pg({ name: '1ledger' })],
    ['containers[0].name', () => zonal({ containers: [{ name: 'my_app', image: 'busybox:1.37' }] })],
    ['containers[0].name', () => zonal({ containers: [{ name: 'App', image: 'busybox:1.37' }] })],
    ['initContainers[0].name', () => zonal({ initContainers: [{ name: 'Init', image: 'busybox:1.37' }] })],
    ['containers[0].portNumber', () => zonal({ containers: [{ image: 'busybox:1.37', portNumber: 70000 }] })],
    ['containers[0].ports[0].number', () => zonal({ containers: [{ image: 'busybox:1.37', ports: [{ number: 0 }] }] })],
    [
      'containers[0].ports[0].name',
      () => zonal({ containers: [{ image: 'busybox:1.37', ports: [{ number: 80, name: 'Http_Port' }] }] }),
    ],
    [
      'sidecars[0].ports[0].containerPort',
      () => pg({ sidecars: [{ name: 'exporter', image: 'busybox:1.37', ports: [{ containerPort: 65536 }] }] }),
    ],
    ['podSecurity.runAsUser', () => zonal({ podSecurity: { runAsUser: -1 } })],
    ['podSecurity.fsGroup', () => zonal({ podSecurity: { fsGroup: 1.5 } })],
    ['podSecurity.runAsGroup', () => zonal({ podSecurity: { runAsGroup: 2 ** 31 } })],
    [
      'containers[0].securityContext.user',
      () => zonal({ containers: [{ image: 'busybox:1.37', securityContext: { user: 2 ** 31 } }] }),
    ],
    [
      'sidecars[0].securityContext.runAsUser',
      () => pg({ sidecars: [{ name: 'exporter', image: 'busybox:1.37', securityContext: { runAsUser: -5 } }] }),
    ],
    // Raw Kubernetes sidecars: a field Kubernetes 1.27's Container does not have is refused, not written.
    [
      'sidecars[0].imagePullPolcy',
      () => pg({ sidecars: [{ name: 'x', image: 'busybox:1.37', imagePullPolcy: 'Always' } as never] }),
    ],
    [
      'sidecars[0].ports[0].hostIp',
      () =>
        pg({
          sidecars: [{ name: 'x', image: 'busybox:1.37', ports: [{ containerPort: 80, hostIp: '0.0.0.0' } as never] }],
        }),
    ],
    [
      'sidecars[0].ports[0].hostIP',
      () => pg({ sidecars: [{ name: 'x', image: 'busybox:1.37', ports: [{ containerPort: 80, hostIP: '0.0.0.0' }] }] }),
    ],
    [
      'sidecars[0].volumeMounts[0].path',
      () =>
        pg({
          sidecars: [
            {
              name: 'x',
              image: 'busybox:1.37',
              volumeMounts: [{ name: 'data', mountPath: '/d', path: '/d' } as never],
            },
          ],
        }),
    ],
    [
      'sidecars[0].securityContext.ensureNonRoot',
      () => pg({ sidecars: [{ name: 'x', image: 'busybox:1.37', securityContext: { ensureNonRoot: true } as never }] }),
    ],
    [
      'sidecars[0].securityContext.capabilities.remove',
      () =>
        pg({
          sidecars: [
            { name: 'x', image: 'busybox:1.37', securityContext: { capabilities: { remove: ['ALL'] } as never } },
          ],
        }),
    ],
    [
      'sidecars[0].resources.limits["memory"]',
      () =>
        pg({
          sidecars: [
            {
              name: 'x',
              image: 'busybox:1.37',
              resources: { limits: { memory: Size.mebibytes(64) as never } },
            },
          ],
        }),
    ],
    [
      'sidecars[0].resources.limit',
      () => pg({ sidecars: [{ name: 'x', image: 'busybox:1.37', resources: { limit: { memory: '64Mi' } } as never }] }),
    ],
    // An init container's portNumber would get cdk8s-plus's startup probe, which Kubernetes refuses there.
    ['initContainers[0].portNumber', () => zonal({ initContainers: [{ image: 'busybox:1.37', portNumber: 8080 }] })],
    ['initContainers[0].port', () => zonal({ initContainers: [{ image: 'busybox:1.37', port: 8080 }] })],
    [
      'initContainers[0].lifecycle',
      () =>
        zonal({
          initContainers: [{ image: 'busybox:1.37', lifecycle: { preStop: kplus.Handler.fromCommand(['true']) } }],
        }),
    ],
    ['passwordSecret.key', () => pg({ passwordSecret: { name: 'pw', key: '..' } })],
    [
      'initContainers[0].readiness',
      () =>
        zonal({
          initContainers: [{ name: 'init', image: 'busybox:1.37', readiness: kplus.Probe.fromCommand(['true']) }],
        }),
    ],
  ])('%s', (field, build) => {
    refused(build, field);
  });

  it('refuses two claim templates on one mount path', () => {
    refused(
      () =>
        zonal({
          volumeClaimTemplates: [
            { name: 'a', size: '1Gi', storageClass: 'disk', mountPath: '/data' },
            { name: 'b', size: '1Gi', storageClass: 'disk', mountPath: '/data' },
          ],
        }),
      'volumeClaimTemplates[1].mountPath',
    );
  });

  it('refuses a claim template on the path of a volume mounted later with mount()', () => {
    refused(
      () =>
        zonal(
          { volumeClaimTemplates: [{ name: 'a', size: '1Gi', storageClass: 'disk', mountPath: '/data' }] },
          (set, c) => set.containers[0].mount('/data', kplus.Volume.fromEmptyDir(c, 'scratch', 'scratch')),
        ),
      'volumeClaimTemplates[0].mountPath',
    );
  });

  it('refuses init scripts larger than one ConfigMap holds (1 MiB in all)', () => {
    const half = 'x'.repeat(512 * 1024);
    const e = refused(() => pg({ initScripts: { '001.sql': half, '002.sql': half } }), 'initScripts');
    expect(e.allowed).toMatch(/1 MiB/);
  });

  it('refuses a second preStop hook', () => {
    refused(
      () =>
        zonal({
          preStopCommand: ['consul', 'leave'],
          containers: [{ image: 'busybox:1.37', lifecycle: { preStop: kplus.Handler.fromCommand(['sleep', '5']) } }],
        }),
      'preStopCommand',
    );
  });
});

describe('images through the one image check; pinning by digest accepted', () => {
  it.each([
    ['containers[0].image', () => zonal({ containers: [{ image: 'busybox' }] })],
    ['initContainers[0].image', () => zonal({ initContainers: [{ name: 'init', image: 'busybox:latest' }] })],
    ['sidecars[0].image', () => pg({ sidecars: [{ name: 'exporter', image: 'Exporter:1' }] })],
    ['image', () => bulk({ image: 'postgres' })],
  ])('%s without a tag or digest is refused', (field, build) => {
    refused(build, field);
  });

  it('accepts digests everywhere', () => {
    const { pod } = zonal({ containers: [{ image: `busybox:1.37@${DIGEST}` }] });
    expect(pod.containers[0].image).toBe(`busybox:1.37@${DIGEST}`);
    const server = pg({ image: `postgres:17.6-bookworm@${DIGEST}` }).pod.containers[0];
    expect(server.image).toBe(`postgres:17.6-bookworm@${DIGEST}`);
    const job = only(bulk({ image: `postgres:17@${DIGEST}` }), 'Job');
    expect(job.spec.template.spec.containers[0].image).toBe(`postgres:17@${DIGEST}`);
  });
});

describe('SQL props of the bulk import are typed and rendered by the library', () => {
  const copyCommand = (objects: any[]) =>
    only(objects, 'Job').spec.template.spec.containers[0].env.find((e: any) => e.name === 'COPY_COMMAND').value;

  it('refuses SQL in header (it was spliced into the \\copy options)', () => {
    refused(() => bulk({ header: 'true); DROP TABLE victim; --' as never }), 'header');
  });

  it('renders header false as the keyword, and identifiers quoted', () => {
    expect(copyCommand(bulk({ header: false, table: 'public.todos', columns: ['title', 'order'] }))).toBe(
      '\\copy "public"."todos"("title", "order") FROM pstdin WITH (FORMAT csv, HEADER false)',
    );
  });

  it.each([
    ['table', { table: 'todos; DROP TABLE victim' }],
    ['table', { table: '"todos"' }],
    ['columns[0]', { columns: ['title"); DROP TABLE victim; --'] }],
    ['columns[1]', { columns: ['title', 'title'] }],
  ])('%s: anything but identifiers is refused', (field, props) => {
    refused(() => bulk(props), field);
  });
});

describe('deprecated keys are refused, never emitted', () => {
  it.each([
    ['labels', () => bulk({ labels: { 'beta.kubernetes.io/os': 'linux' } })],
    ['annotations', () => bulk({ annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'runtime/default' } })],
    ['annotations', () => zonal({ annotations: { 'scheduler.alpha.kubernetes.io/critical-pod': '' } })],
    ['nodeSelector', () => pg({ nodeSelector: { 'beta.kubernetes.io/os': 'linux' } })],
    [
      'tolerations[0].key',
      () => zonal({ tolerations: [{ key: 'node-role.kubernetes.io/master', operator: 'Exists' }] }),
    ],
    [
      'affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey',
      () =>
        zonal({
          affinity: {
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [
                { labelSelector: { matchLabels: { app: 'x' } }, topologyKey: 'failure-domain.beta.kubernetes.io/zone' },
              ],
            },
          },
        }),
    ],
  ])('%s', (field, build) => {
    refused(build, field);
  });
});

describe('errors name the prop as the user wrote it', () => {
  it('names bulkImport.<option> on a PostgresSingleton, not the child construct option', () => {
    const e = refused(() => pg({ bulkImport: { table: 'Todos', csv: 'a\n' } }), 'bulkImport.table');
    expect(e.constructPath).toBe('test/db');
  });

  it('refuses options PostgresSingleton owns smuggled into bulkImport', () => {
    refused(() => pg({ bulkImport: { table: 't', csv: 'a\n', image: 'evil:1' } as never }), 'bulkImport.image');
  });

  it('names the element of a template container list', () => {
    refused(
      () =>
        zonal({
          volumeClaimTemplates: [
            { name: 'a', size: '1Gi', storageClass: 'disk', mountPath: '/a', containers: ['app', 'nope'] },
          ],
        }),
      'volumeClaimTemplates[0].containers[1]',
    );
  });
});

describe('only the volume kinds Pod Security "restricted" allows', () => {
  it('refuses a hostPath volume of a PostgresSingleton', () => {
    refused(() => pg({ volumes: [{ name: 'host', hostPath: { path: '/var/log' } }] }), 'volumes[0]');
  });

  it('refuses a hostPath volume mounted into a ZonalStatefulSet container', () => {
    refused(
      () =>
        zonal({}, (set, c) =>
          set.containers[0].mount('/host', kplus.Volume.fromHostPath(c, 'host', 'host', { path: '/var/log' })),
        ),
      'containers[0].volumeMounts (volume host)',
    );
  });

  it('refuses privileged containers, host ports and extra capabilities', () => {
    refused(
      () => zonal({ containers: [{ image: 'busybox:1.37', securityContext: { privileged: true } }] }),
      'containers[0].securityContext.privileged',
    );
    refused(
      () => zonal({ containers: [{ image: 'busybox:1.37', ports: [{ number: 80, hostPort: 80 }] }] }),
      'containers[0].ports[0].hostPort',
    );
    refused(
      () =>
        pg({
          sidecars: [{ name: 'x', image: 'busybox:1.37', securityContext: { capabilities: { add: ['SYS_ADMIN'] } } }],
        }),
      'sidecars[0].securityContext.capabilities.add[0]',
    );
  });

  it('lets NET_BIND_SERVICE through, spelled as Kubernetes spells it', () => {
    const { pod } = zonal({
      containers: [
        {
          image: 'busybox:1.37',
          securityContext: { capabilities: { add: [kplus.Capability.NET_BIND_SERVICE] } },
        },
      ],
    });
    expect(pod.containers[0].securityContext.capabilities).toEqual({ add: ['NET_BIND_SERVICE'], drop: ['ALL'] });
  });
});

describe('NetworkPolicy of PostgresSingleton', () => {
  it('admits only the client label, on 5432', () => {
    const policy = only(pg().objects, 'NetworkPolicy');
    expect(policy.spec.policyTypes).toEqual(['Ingress']);
    expect(policy.spec.ingress).toEqual([
      {
        from: [{ podSelector: { matchLabels: { 'aks-stateful.io/postgres-client': 'ledger' } } }],
        ports: [{ port: 5432, protocol: 'TCP' }],
      },
    ]);
    expect(ofKind(pg().objects, 'StatefulSet')).toHaveLength(1);
  });
});
