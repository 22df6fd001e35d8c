/**
 * One test per API-server rule: an object the API server accepts (no problems) and one it refuses
 * (exactly the expected problem, at the expected path), each from a valid base object.
 */
import { describe, expect, it } from 'vitest';
import { apiServerProblems, ianaServiceNameProblem, quantityValue } from './api-server-rules';

type Json = Record<string, any>;

function pod(): Json {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-0', namespace: 'shop', labels: { 'app.kubernetes.io/name': 'web' } },
    spec: {
      securityContext: { runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, supplementalGroups: [2000] },
      initContainers: [{ name: 'init', image: 'busybox:1.37', volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
      containers: [
        {
          name: 'app',
          image: 'nginx:1.27',
          ports: [{ name: 'http', containerPort: 8080 }],
          env: [{ name: 'APP_MODE', value: 'x' }],
          readinessProbe: { httpGet: { path: '/', port: 'http' } },
          livenessProbe: { tcpSocket: { port: 8080 } },
          volumeMounts: [
            { name: 'data', mountPath: '/data' },
            { name: 'config', mountPath: '/etc/app', subPath: 'app/conf' },
          ],
          resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: 1, memory: '1Gi' } },
        },
      ],
      volumes: [
        { name: 'data', emptyDir: {} },
        { name: 'config', configMap: { name: 'app' } },
      ],
    },
  };
}

const named = (kind: string, name: string, extra: Json = {}): Json => ({
  apiVersion: 'v1',
  kind,
  metadata: { name },
  ...extra,
});

const problemsOf = (object: Json) => apiServerProblems(object).map((p) => `${p.path}: ${p.message}`);
const pathsOf = (object: Json) => apiServerProblems(object).map((p) => p.path);

/** A copy of the pod with one change. */
function podWith(change: (spec: Json, object: Json) => void): Json {
  const object = pod();
  change(object.spec, object);
  return object;
}

const app = (spec: Json): Json => spec.containers[0];

describe('a valid pod', () => {
  it('has no problems', () => {
    expect(problemsOf(pod())).toEqual([]);
  });
});

describe('metadata.name per kind', () => {
  it('most kinds: a DNS-1123 subdomain', () => {
    expect(problemsOf(named('ConfigMap', 'app.config-1'))).toEqual([]);
    expect(pathsOf(named('ConfigMap', 'App_Config'))).toEqual(['metadata.name']);
    expect(pathsOf(named('PersistentVolumeClaim', 'x'.repeat(254)))).toEqual(['metadata.name']);
  });

  it('Services: a DNS-1035 label (no leading digit, no dots)', () => {
    expect(problemsOf(named('Service', 'db'))).toEqual([]);
    expect(problemsOf(named('Service', '1db'))).toEqual([
      'metadata.name: "1db" is not a DNS-1035 label: lowercase letters, digits and \'-\', starting with a letter, ending with a letter or digit, at most 63 characters',
    ]);
    expect(pathsOf(named('Service', 'db.primary'))).toEqual(['metadata.name']);
  });

  it('Namespaces: a DNS-1123 label', () => {
    expect(problemsOf(named('Namespace', '1-shop'))).toEqual([]);
    expect(pathsOf(named('Namespace', 'shop.eu'))).toEqual(['metadata.name']);
  });

  it('StatefulSets: a DNS-1123 label leaving room for pod names and revision labels (52 characters)', () => {
    expect(problemsOf(named('StatefulSet', 'x'.repeat(52)))).toEqual([]);
    expect(pathsOf(named('StatefulSet', 'x'.repeat(53)))).toEqual(['metadata.name']);
    expect(pathsOf(named('StatefulSet', 'web.eu'))).toEqual(['metadata.name']);
  });

  it('CronJobs: at most 52 characters; Jobs: at most 63', () => {
    expect(problemsOf(named('CronJob', 'x'.repeat(52), { spec: { schedule: '@daily' } }))).toEqual([]);
    expect(problemsOf(named('CronJob', 'x'.repeat(53), { spec: { schedule: '@daily' } }))).toEqual([
      'metadata.name: "' + 'x'.repeat(53) + '" is not at most 52 characters',
    ]);
    expect(problemsOf(named('Job', 'x'.repeat(63)))).toEqual([]);
    expect(pathsOf(named('Job', 'x'.repeat(64)))).toEqual(['metadata.name']);
  });

  it('RBAC kinds: a path segment', () => {
    expect(problemsOf(named('ClusterRole', 'system:velero'))).toEqual([]);
    expect(pathsOf(named('Role', 'a/b'))).toEqual(['metadata.name']);
  });

  it('the namespace: a DNS-1123 label', () => {
    expect(pathsOf({ ...named('ConfigMap', 'c'), metadata: { name: 'c', namespace: 'Shop' } })).toEqual([
      'metadata.namespace',
    ]);
  });
});

describe('labels and annotations', () => {
  it('label keys and values, in object, template and selector', () => {
    const good = {
      kind: 'Deployment',
      metadata: { name: 'web', labels: { 'app.kubernetes.io/name': 'web', tier: '' } },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'a', image: 'x:1' }] } },
      },
    };
    expect(problemsOf(good)).toEqual([]);
    const bad = structuredClone(good);
    bad.metadata.labels = { 'Bad Key': 'x', ok: '-starts-with-dash' } as any;
    bad.spec.selector.matchLabels = { app: 'x'.repeat(64) };
    bad.spec.template.metadata.labels = { 'a/b/c': 'web' } as any;
    expect(pathsOf(bad)).toEqual([
      'metadata.labels["Bad Key"]',
      'metadata.labels.ok',
      'spec.selector.matchLabels.app',
      'spec.template.metadata.labels["a/b/c"]',
    ]);
  });

  it('annotation keys are qualified names; the total is at most 256 KiB', () => {
    expect(problemsOf({ ...named('ConfigMap', 'c'), metadata: { name: 'c', annotations: { 'a.io/b': 'x' } } })).toEqual(
      [],
    );
    const bad = {
      ...named('ConfigMap', 'c'),
      metadata: { name: 'c', annotations: { 'a b': 'x', big: 'x'.repeat(262144) } },
    };
    expect(pathsOf(bad)).toEqual(['metadata.annotations["a b"]', 'metadata.annotations']);
  });
});

describe('containers', () => {
  it('names are DNS-1123 labels', () => {
    expect(pathsOf(podWith((s) => (app(s).name = 'App_1')))).toEqual(['spec.containers[0].name']);
  });

  it('init containers take no probes or lifecycle hooks, unless they are sidecars (restartPolicy Always)', () => {
    const probe = { tcpSocket: { port: 8080 } };
    expect(
      pathsOf(
        podWith((s) =>
          Object.assign(s.initContainers[0], {
            startupProbe: probe,
            lifecycle: { preStop: { exec: { command: ['true'] } } },
          }),
        ),
      ),
    ).toEqual(['spec.initContainers[0].startupProbe', 'spec.initContainers[0].lifecycle']);
    expect(
      problemsOf(podWith((s) => Object.assign(s.initContainers[0], { restartPolicy: 'Always', startupProbe: probe }))),
    ).toEqual([]);
  });

  it('names are unique within the pod, init containers included', () => {
    expect(problemsOf(podWith((s) => (app(s).name = 'init')))).toEqual([
      'spec.containers[0].name: duplicate container name "init" (containers and init containers share names)',
    ]);
  });

  it('container ports are 1-65535 and host ports, when set, too', () => {
    expect(
      problemsOf(podWith((s) => (app(s).ports = [{ containerPort: 1, hostPort: 0 }, { containerPort: 65535 }]))),
    ).toEqual([]);
    expect(
      pathsOf(
        podWith(
          (s) =>
            (app(s).ports = [{ containerPort: 0 }, { containerPort: 65536 }, { containerPort: 80, hostPort: 70000 }]),
        ),
      ),
    ).toEqual([
      'spec.containers[0].ports[0].containerPort',
      'spec.containers[0].ports[1].containerPort',
      'spec.containers[0].ports[2].hostPort',
    ]);
  });

  it('port names are IANA service names, unique within the container', () => {
    for (const good of ['http', 'postgres-tls', 'a1', 'x'.repeat(15)])
      expect(ianaServiceNameProblem(good)).toBeUndefined();
    for (const bad of ['HTTP', '8080', 'a--b', '-http', 'http-', 'x'.repeat(16), 'a_b', ''])
      expect(ianaServiceNameProblem(bad), bad).toBeDefined();
    expect(
      pathsOf(
        podWith(
          (s) =>
            (app(s).ports = [
              { name: 'http', containerPort: 80 },
              { name: 'http', containerPort: 81 },
              { name: 'metrics_port', containerPort: 9090 },
            ]),
        ),
      ),
    ).toEqual(['spec.containers[0].ports[1].name', 'spec.containers[0].ports[2].name']);
  });

  it('probe and lifecycle ports are a number 1-65535 or an IANA service name', () => {
    const bad = podWith((s) => {
      app(s).readinessProbe = { httpGet: { port: 'HTTP' } };
      app(s).livenessProbe = { tcpSocket: { port: 0 } };
      app(s).startupProbe = { grpc: { port: 70000 } };
      app(s).lifecycle = { preStop: { httpGet: { port: 'drain-port-too-long' } } };
    });
    expect(pathsOf(bad)).toEqual([
      'spec.containers[0].livenessProbe.tcpSocket.port',
      'spec.containers[0].readinessProbe.httpGet.port',
      'spec.containers[0].startupProbe.grpc.port',
      'spec.containers[0].lifecycle.preStop.httpGet.port',
    ]);
  });

  it('environment variable names: printable ASCII without "="', () => {
    expect(problemsOf(podWith((s) => (app(s).env = [{ name: 'my.var-1' }, { name: 'HTTP PROXY' }])))).toEqual([]);
    expect(pathsOf(podWith((s) => (app(s).env = [{ name: 'A=B' }, { name: '' }, { name: 'tab\there' }])))).toEqual([
      'spec.containers[0].env[0].name',
      'spec.containers[0].env[1].name',
      'spec.containers[0].env[2].name',
    ]);
  });
});

describe('volumes and mounts', () => {
  it('volume names are unique DNS-1123 labels', () => {
    expect(
      pathsOf(
        podWith((s) => {
          s.volumes.push({ name: 'data', emptyDir: {} }, { name: 'Scratch', emptyDir: {} });
        }),
      ),
    ).toEqual(['spec.volumes[2].name', 'spec.volumes[3].name']);
  });

  it('a mount names a volume of the pod (or a StatefulSet claim template)', () => {
    expect(problemsOf(podWith((s) => (app(s).volumeMounts[0].name = 'missing')))).toEqual([
      'spec.containers[0].volumeMounts[0].name: no volume named "missing" in the pod',
    ]);
    const statefulSet = {
      kind: 'StatefulSet',
      metadata: { name: 'db' },
      spec: {
        selector: { matchLabels: { app: 'db' } },
        template: {
          spec: {
            containers: [
              {
                name: 'db',
                image: 'postgres:17',
                volumeMounts: [{ name: 'pgdata', mountPath: '/var/lib/postgresql' }],
              },
            ],
          },
        },
        volumeClaimTemplates: [{ metadata: { name: 'pgdata' }, spec: {} }],
      },
    };
    expect(problemsOf(statefulSet)).toEqual([]);
    statefulSet.spec.volumeClaimTemplates[0]!.metadata.name = 'pg_data';
    expect(pathsOf(statefulSet)).toEqual([
      'spec.volumeClaimTemplates[0].metadata.name',
      'spec.template.spec.containers[0].volumeMounts[0].name',
    ]);
  });

  it('one mountPath per container; subPath relative and inside the volume', () => {
    const bad = podWith((s) => {
      app(s).volumeMounts[1].mountPath = '/data';
      app(s).volumeMounts.push({ name: 'config', mountPath: '/x', subPath: '../etc' });
    });
    expect(problemsOf(bad)).toEqual([
      'spec.containers[0].volumeMounts[1].mountPath: "/data" is already mounted by spec.containers[0].volumeMounts[0]',
      'spec.containers[0].volumeMounts[2].subPath: "../etc" is not a relative path without \'..\' segments',
    ]);
  });

  it('a volume device names a volume and does not reuse a mount path', () => {
    expect(pathsOf(podWith((s) => (app(s).volumeDevices = [{ name: 'nope', devicePath: '/data' }])))).toEqual([
      'spec.containers[0].volumeDevices[0].name',
      'spec.containers[0].volumeDevices[0].devicePath',
    ]);
  });
});

describe('security ids', () => {
  it('runAsUser, runAsGroup, fsGroup and supplemental groups are integers 0-2147483647', () => {
    expect(problemsOf(podWith((s) => (s.securityContext = { runAsUser: 0, fsGroup: 2 ** 31 - 1 })))).toEqual([]);
    const bad = podWith((s) => {
      s.securityContext = { runAsUser: -1, runAsGroup: 1.5, fsGroup: 2 ** 31, supplementalGroups: [1, -5] };
      app(s).securityContext = { runAsUser: 2 ** 32, runAsGroup: '1000' };
    });
    expect(pathsOf(bad)).toEqual([
      'spec.containers[0].securityContext.runAsUser',
      'spec.containers[0].securityContext.runAsGroup',
      'spec.securityContext.runAsUser',
      'spec.securityContext.runAsGroup',
      'spec.securityContext.fsGroup',
      'spec.securityContext.supplementalGroups[1]',
    ]);
  });
});

describe('resources', () => {
  it('parses quantities', () => {
    expect(quantityValue('250m')).toBe(0.25);
    expect(quantityValue('1Gi')).toBe(1024 ** 3);
    expect(quantityValue('1G')).toBe(1e9);
    expect(quantityValue('1e3')).toBe(1000);
    expect(quantityValue(2)).toBe(2);
    for (const bad of ['1 Gi', 'ten', '1GB', '', '1.2.3']) expect(quantityValue(bad), bad).toBeUndefined();
  });

  it('requests are at most the limits, and quantities parse', () => {
    expect(
      problemsOf(podWith((s) => (app(s).resources = { requests: { cpu: '1' }, limits: { cpu: '1000m' } }))),
    ).toEqual([]);
    const bad = podWith(
      (s) =>
        (app(s).resources = {
          requests: { cpu: '1500m', memory: '2Gi' },
          limits: { cpu: 1, memory: '2G', 'ephemeral-storage': 'lots' },
        }),
    );
    expect(problemsOf(bad)).toEqual([
      'spec.containers[0].resources.limits.ephemeral-storage: "lots" is not a quantity',
      'spec.containers[0].resources.requests.cpu: request "1500m" is more than the limit 1',
      'spec.containers[0].resources.requests.memory: request "2Gi" is more than the limit "2G"',
    ]);
  });
});

describe('ConfigMap and Secret data', () => {
  it('keys: letters, digits, "-", "_" and "."; not "." or ".."', () => {
    expect(problemsOf(named('ConfigMap', 'c', { data: { 'init.sql': 'x', '.env': 'y', a_b: 'z' } }))).toEqual([]);
    expect(pathsOf(named('ConfigMap', 'c', { data: { '.': 'x', '..': 'y', 'a/b': 'z' } }))).toEqual([
      'data["."]',
      'data[".."]',
      'data["a/b"]',
    ]);
    expect(pathsOf(named('Secret', 's', { stringData: { 'bad key': 'x' } }))).toEqual(['stringData["bad key"]']);
  });

  it('a ConfigMap key is in data or binaryData, not both', () => {
    expect(pathsOf(named('ConfigMap', 'c', { data: { k: 'x' }, binaryData: { k: 'eA==' } }))).toEqual(['binaryData.k']);
  });

  it('the total is at most 1 MiB (base64 counted decoded)', () => {
    const half = 'x'.repeat(512 * 1024);
    expect(problemsOf(named('ConfigMap', 'c', { data: { a: half, b: half } }))).toEqual([]);
    expect(problemsOf(named('ConfigMap', 'c', { data: { a: half, b: half + 'x' } }))).toEqual([
      ': ConfigMap data totals 1048577 bytes, more than 1 MiB (1048576)',
    ]);
    const base64 = Buffer.from('y'.repeat(1024 * 1024)).toString('base64');
    expect(problemsOf(named('Secret', 's', { data: { a: base64 } }))).toEqual([]);
    expect(pathsOf(named('Secret', 's', { data: { a: base64 }, stringData: { b: 'z' } }))).toEqual(['']);
  });
});

describe('CronJob', () => {
  const cron = (spec: Json) => ({ kind: 'CronJob', metadata: { name: 'nightly' }, spec: { jobTemplate: {}, ...spec } });

  it('day of week 0-6 (the controller refuses 7)', () => {
    expect(problemsOf(cron({ schedule: '0 2 * * 0-6' }))).toEqual([]);
    expect(pathsOf(cron({ schedule: '0 2 * * 7' }))).toEqual(['spec.schedule']);
    expect(pathsOf(cron({ schedule: 'CRON_TZ=UTC 0 2 * * *' }))).toEqual(['spec.schedule']);
  });

  it('time zones spelled as in the tz database', () => {
    expect(problemsOf(cron({ schedule: '@daily', timeZone: 'Europe/Amsterdam' }))).toEqual([]);
    expect(pathsOf(cron({ schedule: '@daily', timeZone: 'europe/amsterdam' }))).toEqual(['spec.timeZone']);
    expect(pathsOf(cron({ schedule: '@daily', timeZone: 'Mars/Olympus' }))).toEqual(['spec.timeZone']);
  });
});

describe('Service ports', () => {
  const service = (ports: Json[]) => ({ kind: 'Service', metadata: { name: 'db' }, spec: { ports } });

  it('ports 1-65535, targetPort a number or an IANA name, names unique DNS labels, named when several', () => {
    expect(problemsOf(service([{ port: 5432 }]))).toEqual([]);
    expect(
      problemsOf(
        service([
          { name: 'pg', port: 5432, targetPort: 'postgres' },
          { name: 'metrics', port: 9187, targetPort: 9187 },
        ]),
      ),
    ).toEqual([]);
    expect(
      pathsOf(
        service([
          { name: 'pg', port: 0, targetPort: 'Postgres' },
          { name: 'pg', port: 70000 },
          { port: 80, targetPort: 65536 },
        ]),
      ),
    ).toEqual([
      'spec.ports[0].port',
      'spec.ports[0].targetPort',
      'spec.ports[1].port',
      'spec.ports[1].name',
      'spec.ports[2].targetPort',
      'spec.ports[2].name',
    ]);
  });
});
