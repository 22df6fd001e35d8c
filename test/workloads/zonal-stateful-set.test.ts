import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { describe, expect, it } from 'vitest';
import {
  AksStatefulValidationError,
  AzureDiskStorageClass,
  AzureFileStorageClass,
  StorageSize,
  ZonalStatefulSet,
  ZonalStatefulSetProps,
} from '../../lib';
import { only } from '../support/expectations';
import { synthValid } from '../support/validate-manifests';

const ZONES = ['westeurope-1', 'westeurope-2', 'westeurope-3'];
const APP: kplus.ContainerProps = {
  name: 'app',
  image: 'consul:1.15',
  ports: [
    { number: 8500, name: 'http' },
    { number: 8301, name: 'serf' },
  ],
};
const SIDECAR: kplus.ContainerProps = { name: 'sidecar', image: 'busybox:1.36' };
const INIT: kplus.ContainerProps = { name: 'init', image: 'busybox:1.36' };

type Extra = (scope: Chart, disk: AzureDiskStorageClass) => Partial<ZonalStatefulSetProps>;

/** A chart with a Premium_LRS class `disk` and a set `kv` (3 zones, one container) plus `extra`. */
function build(extra: Extra = () => ({}), id = 'kv') {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'apps' });
  const disk = new AzureDiskStorageClass(chart, 'disk', { name: 'premium', sku: 'Premium_LRS' });
  const set = new ZonalStatefulSet(chart, id, { zones: ZONES, containers: [APP], ...extra(chart, disk) });
  return { chart, disk, set };
}

function synth(built: ReturnType<typeof build>) {
  const objects = synthValid(built.chart);
  const sts = only(objects, 'StatefulSet');
  return {
    ...built,
    objects,
    sts,
    pod: sts.spec.template.spec,
    service: only(objects, 'Service'),
    pdb: only(objects, 'PodDisruptionBudget'),
  };
}

const synthSet = (extra?: Extra, id?: string) => synth(build(extra, id));

describe('ZonalStatefulSet', () => {
  it('renders a StatefulSet with one replica per zone, ordered start, staged updates and retained claims', () => {
    const { set, sts } = synthSet((_, disk) => ({
      name: 'consul',
      volumeClaimTemplates: [{ name: 'data', size: '10Gi', storageClass: disk, mountPath: '/consul/data' }],
    }));
    expect(sts.metadata).toMatchObject({
      name: 'consul',
      namespace: 'apps',
      labels: { 'app.kubernetes.io/name': 'consul' },
    });
    expect(sts.spec).toMatchObject({
      replicas: 3,
      serviceName: 'consul',
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
    });
    const selector = { 'app.kubernetes.io/name': 'consul', 'app.kubernetes.io/managed-by': 'aks-stateful' };
    expect(sts.spec.selector).toEqual({ matchLabels: selector });
    expect(set.selectorLabels).toEqual(selector);
    expect(sts.spec.template.metadata.labels).toEqual(selector);
    expect(sts.spec.volumeClaimTemplates).toEqual([
      {
        metadata: { name: 'data', labels: selector },
        spec: {
          storageClassName: 'premium',
          accessModes: ['ReadWriteOnce'],
          volumeMode: 'Filesystem',
          resources: { requests: { storage: '10Gi' } },
        },
      },
    ]);
    expect(set).toMatchObject({ name: 'consul', namespace: 'apps', serviceName: 'consul', replicas: 3, zones: ZONES });
  });

  it('takes an explicit replica count, policy, partition, grace period and claim retention', () => {
    const { sts, pod } = synthSet(() => ({
      replicas: 5,
      podManagementPolicy: 'Parallel',
      partition: 3,
      terminationGracePeriod: Duration.minutes(2),
      claimRetention: { whenDeleted: 'Delete', whenScaled: 'Retain' },
    }));
    expect(sts.spec).toMatchObject({
      replicas: 5,
      podManagementPolicy: 'Parallel',
      updateStrategy: { rollingUpdate: { partition: 3 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' },
    });
    expect(pod.terminationGracePeriodSeconds).toBe(120);
  });

  it('renders a typed size as quantity text and takes a class by name', () => {
    const { sts } = synthSet(() => ({
      volumeClaimTemplates: [
        {
          name: 'wal',
          size: StorageSize.tebibytes(1),
          storageClass: 'managed-csi-premium',
          mountPath: '/wal',
          accessMode: 'ReadWriteOncePod',
        },
      ],
    }));
    expect(sts.spec.volumeClaimTemplates[0].spec).toEqual({
      storageClassName: 'managed-csi-premium',
      accessModes: ['ReadWriteOncePod'],
      volumeMode: 'Filesystem',
      resources: { requests: { storage: '1Ti' } },
    });
  });

  it('mounts every claim template into all containers and init containers by default', () => {
    const { pod } = synthSet((_, disk) => ({
      containers: [APP, SIDECAR],
      initContainers: [INIT],
      volumeClaimTemplates: [{ name: 'data', size: '10Gi', storageClass: disk, mountPath: '/data' }],
    }));
    for (const c of [...pod.initContainers, ...pod.containers]) {
      expect(c.volumeMounts, c.name).toEqual([{ name: 'data', mountPath: '/data' }]);
    }
    expect(pod.initContainers.map((c: any) => c.name)).toEqual(['init']);
    expect(pod.containers.map((c: any) => c.name)).toEqual(['app', 'sidecar']);
    // Claim templates are not pod volumes.
    expect(pod.volumes).toBeUndefined();
  });

  it('mounts a template only into the containers it names', () => {
    const { pod } = synthSet((_, disk) => ({
      containers: [APP, SIDECAR],
      initContainers: [INIT],
      volumeClaimTemplates: [
        { name: 'data', size: '10Gi', storageClass: disk, mountPath: '/data', containers: ['app', 'init'] },
        { name: 'logs', size: '1Gi', storageClass: disk, mountPath: '/logs', containers: ['sidecar'] },
      ],
    }));
    const mounts = Object.fromEntries(
      [...pod.initContainers, ...pod.containers].map((c: any) => [c.name, c.volumeMounts]),
    );
    expect(mounts).toEqual({
      init: [{ name: 'data', mountPath: '/data' }],
      app: [{ name: 'data', mountPath: '/data' }],
      sidecar: [{ name: 'logs', mountPath: '/logs' }],
    });
  });

  it("renders a headless Service with the containers' ports", () => {
    const { service, set } = synthSet(() => ({
      containers: [APP, { ...SIDECAR, ports: [{ number: 9100, name: 'metrics' }] }],
    }));
    expect(service.metadata).toMatchObject({ name: set.name, namespace: 'apps', labels: set.selectorLabels });
    expect(service.spec).toEqual({
      clusterIP: 'None',
      selector: set.selectorLabels,
      publishNotReadyAddresses: false,
      ports: [
        { name: 'http', port: 8500, targetPort: 8500 },
        { name: 'serf', port: 8301, targetPort: 8301 },
        { name: 'metrics', port: 9100, targetPort: 9100 },
      ],
    });
  });

  it('publishes not-ready addresses when asked, and leaves ports out when no container has one', () => {
    const { service } = synthSet(() => ({ containers: [SIDECAR], publishNotReadyAddresses: true }));
    expect(service.spec.publishNotReadyAddresses).toBe(true);
    expect(service.spec.ports).toBeUndefined();
  });

  it('spreads replicas evenly over the zones and keeps them inside those zones', () => {
    const { pod, set } = synthSet(() => ({ zones: ['northeurope-1', 'northeurope-2'], replicas: 4 }));
    expect(pod.topologySpreadConstraints).toEqual([
      {
        maxSkew: 1,
        topologyKey: 'topology.kubernetes.io/zone',
        whenUnsatisfiable: 'DoNotSchedule',
        labelSelector: { matchLabels: set.selectorLabels },
      },
    ]);
    expect(pod.affinity.nodeAffinity).toEqual({
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [
          {
            matchExpressions: [
              { key: 'topology.kubernetes.io/zone', operator: 'In', values: ['northeurope-1', 'northeurope-2'] },
            ],
          },
        ],
      },
    });
  });

  it('never puts two replicas on one node by default', () => {
    const { pod, set } = synthSet();
    expect(pod.affinity.podAntiAffinity).toEqual({
      requiredDuringSchedulingIgnoredDuringExecution: [
        { labelSelector: { matchLabels: set.selectorLabels }, topologyKey: 'kubernetes.io/hostname' },
      ],
    });
  });

  it('only prefers separate nodes with hostSpreading preferred', () => {
    const { pod, set } = synthSet(() => ({ hostSpreading: 'preferred' }));
    expect(pod.affinity.podAntiAffinity).toEqual({
      preferredDuringSchedulingIgnoredDuringExecution: [
        {
          weight: 100,
          podAffinityTerm: {
            labelSelector: { matchLabels: set.selectorLabels },
            topologyKey: 'kubernetes.io/hostname',
          },
        },
      ],
    });
  });

  it('renders a PodDisruptionBudget of one unavailable replica by default', () => {
    const { pdb, set } = synthSet();
    expect(pdb.metadata).toMatchObject({ namespace: 'apps', labels: set.selectorLabels });
    expect(pdb.spec).toEqual({ selector: { matchLabels: set.selectorLabels }, maxUnavailable: 1 });
  });

  it('takes a larger maxUnavailable', () => {
    const { pdb } = synthSet(() => ({ replicas: 5, disruptionBudget: { maxUnavailable: 2 } }));
    expect(pdb.spec.maxUnavailable).toBe(2);
    expect(pdb.spec.minAvailable).toBeUndefined();
  });

  it.each([
    [3, 2],
    [5, 3],
    [4, 3],
  ])('keeps a quorum of %i replicas up: minAvailable %i', (replicas, minAvailable) => {
    const { pdb } = synthSet(() => ({ replicas, disruptionBudget: { quorum: true } }));
    expect(pdb.spec.minAvailable).toBe(minAvailable);
    expect(pdb.spec.maxUnavailable).toBeUndefined();
  });

  it('runs the preStop command in the first container only', () => {
    const { pod } = synthSet(() => ({
      containers: [APP, SIDECAR],
      initContainers: [INIT],
      preStopCommand: ['consul', 'leave'],
    }));
    expect(pod.containers[0].lifecycle).toEqual({ preStop: { exec: { command: ['consul', 'leave'] } } });
    expect(pod.containers[1].lifecycle).toBeUndefined();
    expect(pod.initContainers[0].lifecycle).toBeUndefined();
  });

  it('has no lifecycle hook without preStopCommand', () => {
    const { pod } = synthSet();
    expect(pod.containers[0].lifecycle).toBeUndefined();
  });

  it('mounts no service account token unless a service account is given', () => {
    const { pod } = synthSet();
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBeUndefined();
  });

  it('runs as the given service account, with its token', () => {
    const { pod } = synthSet((scope) => ({
      serviceAccount: kplus.ServiceAccount.fromServiceAccountName(scope, 'sa', 'consul-server'),
    }));
    expect(pod.serviceAccountName).toBe('consul-server');
    expect(pod.automountServiceAccountToken).toBe(true);
  });

  it('refuses root and uses the runtime seccomp profile by default', () => {
    const { pod } = synthSet();
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  });

  it('sets fsGroup with fsGroupChangePolicy OnRootMismatch, and the user and group', () => {
    const { pod } = synthSet(() => ({ podSecurity: { fsGroup: 1000, runAsUser: 100, runAsGroup: 1000 } }));
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 100,
      runAsGroup: 1000,
      fsGroup: 1000,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  it('puts extra labels on the StatefulSet, the pods, the Service and the budget', () => {
    const { sts, service, pdb } = synthSet(() => ({ labels: { team: 'platform', 'example.com/tier': 'data' } }));
    for (const labels of [
      sts.metadata.labels,
      sts.spec.template.metadata.labels,
      service.metadata.labels,
      pdb.metadata.labels,
    ]) {
      expect(labels).toMatchObject({ team: 'platform', 'example.com/tier': 'data' });
    }
    // Extra labels never widen the selector.
    expect(Object.keys(sts.spec.selector.matchLabels).sort()).toEqual([
      'app.kubernetes.io/managed-by',
      'app.kubernetes.io/name',
    ]);
  });

  it("lists the replicas' DNS names", () => {
    const { set } = build(() => ({ name: 'consul' }));
    expect(set.podDnsNames).toEqual([
      'consul-0.consul.apps.svc.cluster.local',
      'consul-1.consul.apps.svc.cluster.local',
      'consul-2.consul.apps.svc.cluster.local',
    ]);
  });

  it('generates a name from the construct path when none is given', () => {
    const { set, sts, service } = synthSet();
    expect(set.name).toMatch(/^test-kv-[0-9a-f]{8}$/);
    expect(sts.metadata.name).toBe(set.name);
    expect(service.metadata.name).toBe(set.name);
    expect(set.podDnsNames[0]).toBe(`${set.name}-0.${set.name}.apps.svc.cluster.local`);
  });

  it('renders volumes, mounts, env and ports added to containers after construction', () => {
    const built = build((_, disk) => ({
      containers: [APP, SIDECAR],
      volumeClaimTemplates: [{ name: 'data', size: '10Gi', storageClass: disk, mountPath: '/data' }],
    }));
    const cache = kplus.Volume.fromEmptyDir(built.chart, 'cache', 'cache');
    built.set.containers[0].mount('/cache', cache);
    built.set.containers[0].env.addVariable('LATE', kplus.EnvValue.fromValue('yes'));
    built.set.containers[1].addPort({ number: 9100, name: 'metrics' });
    const { pod, service } = synth(built);
    expect(pod.volumes).toEqual([{ name: 'cache', emptyDir: {} }]);
    expect(pod.containers[0].volumeMounts).toEqual([
      { name: 'cache', mountPath: '/cache' },
      { name: 'data', mountPath: '/data' },
    ]);
    expect(pod.containers[0].env).toContainEqual({ name: 'LATE', value: 'yes' });
    expect(pod.containers[1].volumeMounts).toEqual([{ name: 'data', mountPath: '/data' }]);
    expect(service.spec.ports).toContainEqual({ name: 'metrics', port: 9100, targetPort: 9100 });
  });

  describe('storage that cannot follow pods across zones', () => {
    it('rejects a zonal LRS class with Immediate binding under three zones', () => {
      expect(() =>
        build((scope) => ({
          volumeClaimTemplates: [
            {
              name: 'data',
              size: '10Gi',
              mountPath: '/data',
              storageClass: new AzureDiskStorageClass(scope, 'now', {
                name: 'now',
                sku: 'Premium_LRS',
                volumeBindingMode: 'Immediate',
              }),
            },
          ],
        })),
      ).toThrow(
        /^test\/kv: volumeClaimTemplates\[0\]\.storageClass "now" is not allowed: a class with volumeBindingMode WaitForFirstConsumer \(or a ZRS SKU\): Premium_LRS disks are zonal/,
      );
    });

    function pinned() {
      return build((scope) => ({
        zones: ['westeurope-2'],
        volumeClaimTemplates: [
          {
            name: 'data',
            size: '10Gi',
            mountPath: '/data',
            storageClass: new AzureDiskStorageClass(scope, 'now', {
              name: 'now',
              sku: 'Premium_LRS',
              volumeBindingMode: 'Immediate',
              zones: ['westeurope-2'],
            }),
          },
        ],
      }));
    }

    it('accepts an Immediate LRS class pinned to the single zone the set uses', () => {
      expect(() => pinned()).not.toThrow();
      // The same class under a different single zone is rejected (as a missing zone).
      expect(() =>
        build((scope) => ({
          zones: ['westeurope-1'],
          volumeClaimTemplates: [
            {
              name: 'data',
              size: '10Gi',
              mountPath: '/data',
              storageClass: new AzureDiskStorageClass(scope, 'now', {
                name: 'now',
                sku: 'Premium_LRS',
                volumeBindingMode: 'Immediate',
                zones: ['westeurope-2'],
              }),
            },
          ],
        })),
      ).toThrow(/^test\/kv: volumeClaimTemplates\[0\]\.storageClass "now" is not allowed/);
    });

    it('synthesizes an Immediate LRS class pinned to the single zone the set uses', () => {
      const { sts } = synth(pinned());
      expect(sts.spec.volumeClaimTemplates[0].spec.storageClassName).toBe('now');
    });

    it('accepts a ZRS class with Immediate binding', () => {
      const { sts } = synth(
        build((scope) => ({
          volumeClaimTemplates: [
            {
              name: 'data',
              size: '10Gi',
              mountPath: '/data',
              storageClass: new AzureDiskStorageClass(scope, 'zrs', {
                name: 'zrs',
                sku: 'Premium_ZRS',
                volumeBindingMode: 'Immediate',
              }),
            },
          ],
        })),
      );
      expect(sts.spec.volumeClaimTemplates[0].spec.storageClassName).toBe('zrs');
    });

    it("accepts a class whose zones cover the set's zones", () => {
      const { sts } = synth(
        build((scope) => ({
          zones: ['westeurope-1', 'westeurope-2'],
          volumeClaimTemplates: [
            {
              name: 'data',
              size: '10Gi',
              mountPath: '/data',
              storageClass: new AzureDiskStorageClass(scope, 'two', {
                name: 'two',
                sku: 'Premium_LRS',
                zones: ['westeurope-1', 'westeurope-2', 'westeurope-3'],
              }),
            },
          ],
        })),
      );
      expect(sts.spec.replicas).toBe(2);
    });
  });

  describe('rejects bad input with the path, field, value and what is allowed', () => {
    const rwm = (scope: Chart) =>
      new AzureDiskStorageClass(scope, 'shared', { name: 'shared', sku: 'Premium_LRS', maxShares: 2 });
    const cases: Array<[string, Extra, RegExp]> = [
      ['empty zones', () => ({ zones: [] }), /^test\/kv: zones \[\] is not allowed: a non-empty list of zones/],
      [
        'a bad zone',
        () => ({ zones: ['westeurope-1', 'westeurope'] }),
        /^test\/kv: zones\[1\] "westeurope" is not allowed: an AKS zone like "westeurope-1"/,
      ],
      [
        'a zone number 4',
        () => ({ zones: ['westeurope-4'] }),
        /^test\/kv: zones\[0\] "westeurope-4" is not allowed: an AKS zone/,
      ],
      [
        'a repeated zone',
        () => ({ zones: ['westeurope-1', 'westeurope-1'] }),
        /^test\/kv: zones \["westeurope-1","westeurope-1"\] is not allowed: each zone once/,
      ],
      [
        'mixed regions',
        () => ({ zones: ['westeurope-1', 'northeurope-2'] }),
        /^test\/kv: zones \["westeurope-1","northeurope-2"\] is not allowed: zones of a single region/,
      ],
      ['replicas 0', () => ({ replicas: 0 }), /^test\/kv: replicas 0 is not allowed: a whole number from 1 to 1000/],
      [
        'fractional replicas',
        () => ({ replicas: 1.5 }),
        /^test\/kv: replicas 1.5 is not allowed: a whole number from 1 to 1000/,
      ],
      [
        'no containers',
        () => ({ containers: [] }),
        /^test\/kv: containers \[\] is not allowed: at least one container/,
      ],
      [
        'two containers with one name',
        () => ({ containers: [APP, { ...SIDECAR, name: 'app' }] }),
        /^test\/kv: containers "app" is not allowed: a distinct name for every container and init container/,
      ],
      [
        'an init container named like a container',
        () => ({ initContainers: [{ ...INIT, name: 'app' }] }),
        /^test\/kv: containers "app" is not allowed: a distinct name/,
      ],
      [
        'two unnamed containers',
        () => ({ containers: [{ image: 'a:1' }, { image: 'b:1' }] }),
        /^test\/kv: containers "main" is not allowed: a distinct name .*\(set `name`\)/,
      ],
      [
        'a duplicate template name',
        (_, disk) => ({
          volumeClaimTemplates: [
            { name: 'data', size: '10Gi', storageClass: disk, mountPath: '/a' },
            { name: 'data', size: '10Gi', storageClass: disk, mountPath: '/b' },
          ],
        }),
        /^test\/kv: volumeClaimTemplates\[1\]\.name "data" is not allowed: a name not used by another template/,
      ],
      [
        'a template name that is not a DNS label',
        (_, disk) => ({
          volumeClaimTemplates: [{ name: 'Data_1', size: '10Gi', storageClass: disk, mountPath: '/data' }],
        }),
        /^test\/kv: volumeClaimTemplates\[0\]\.name "Data_1" is not allowed: a DNS-1123 label/,
      ],
      [
        'a relative mountPath',
        (_, disk) => ({
          volumeClaimTemplates: [{ name: 'data', size: '10Gi', storageClass: disk, mountPath: 'data' }],
        }),
        /^test\/kv: volumeClaimTemplates\[0\]\.mountPath "data" is not allowed: an absolute path like \/data/,
      ],
      [
        'a mountPath with ..',
        (_, disk) => ({
          volumeClaimTemplates: [{ name: 'data', size: '10Gi', storageClass: disk, mountPath: '/data/../etc' }],
        }),
        /^test\/kv: volumeClaimTemplates\[0\]\.mountPath "\/data\/\.\.\/etc" is not allowed/,
      ],
      [
        'a template naming an unknown container',
        (_, disk) => ({
          volumeClaimTemplates: [
            { name: 'data', size: '10Gi', storageClass: disk, mountPath: '/data', containers: ['app', 'sidecar'] },
          ],
        }),
        /^test\/kv: volumeClaimTemplates\[0\]\.containers\[1\] "sidecar" is not allowed: one of the containers: app/,
      ],
      [
        'a decimal size',
        (_, disk) => ({
          volumeClaimTemplates: [{ name: 'data', size: '10 GB', storageClass: disk, mountPath: '/data' }],
        }),
        /^test\/kv: volumeClaimTemplates\[0\]\.size "10 GB" is not allowed: a positive whole number with a binary unit/,
      ],
      [
        'a size that is not whole GiB',
        (_, disk) => ({
          volumeClaimTemplates: [{ name: 'data', size: '1536Mi', storageClass: disk, mountPath: '/data' }],
        }),
        /^test\/kv: volumeClaimTemplates\[0\]\.size "1536Mi" is not allowed: a whole number of GiB/,
      ],
      [
        'ReadWriteMany on a disk class',
        (_, disk) => ({
          volumeClaimTemplates: [
            { name: 'data', size: '10Gi', storageClass: disk, mountPath: '/data', accessMode: 'ReadWriteMany' },
          ],
        }),
        /^test\/kv: volumeClaimTemplates\[0\]\.accessMode "ReadWriteMany" is not allowed: one of ReadWriteOnce, ReadWriteOncePod with class premium: an Azure Disk attaches to one node at a time/,
      ],
      [
        'ReadWriteMany on a shared disk as a filesystem',
        (scope) => ({
          volumeClaimTemplates: [
            { name: 'data', size: '10Gi', storageClass: rwm(scope), mountPath: '/data', accessMode: 'ReadWriteMany' },
          ],
        }),
        /^test\/kv: volumeClaimTemplates\[0\]\.accessMode "ReadWriteMany" is not allowed: ReadWriteOnce for a Filesystem disk/,
      ],
      [
        'a premium file share under its minimum',
        (scope) => ({
          volumeClaimTemplates: [
            {
              name: 'data',
              size: '10Gi',
              storageClass: new AzureFileStorageClass(scope, 'pf', { name: 'pf', sku: 'Premium_LRS' }),
              mountPath: '/data',
            },
          ],
        }),
        /^test\/kv: volumeClaimTemplates\[0\]\.size "10Gi" is not allowed: at least 100Gi with class pf/,
      ],
      [
        'a class name that is not a DNS subdomain',
        () => ({
          volumeClaimTemplates: [{ name: 'data', size: '10Gi', storageClass: 'Managed CSI', mountPath: '/data' }],
        }),
        /^test\/kv: volumeClaimTemplates\[0\]\.storageClass "Managed CSI" is not allowed: a DNS-1123 subdomain/,
      ],
      [
        'a class that leaves out one of the zones',
        (scope) => ({
          volumeClaimTemplates: [
            {
              name: 'data',
              size: '10Gi',
              mountPath: '/data',
              storageClass: new AzureDiskStorageClass(scope, 'two', {
                name: 'two',
                sku: 'Premium_LRS',
                zones: ['westeurope-1', 'westeurope-2'],
              }),
            },
          ],
        }),
        /^test\/kv: volumeClaimTemplates\[0\]\.storageClass "two" is not allowed: a class whose allowedTopologies include every zone of the workload: westeurope-3 missing/,
      ],
      [
        'partition above replicas',
        () => ({ partition: 4 }),
        /^test\/kv: partition 4 is not allowed: a whole number from 0 to 3/,
      ],
      [
        'a negative partition',
        () => ({ partition: -1 }),
        /^test\/kv: partition -1 is not allowed: a whole number from 0 to 3/,
      ],
      [
        'a bad podManagementPolicy',
        () => ({ podManagementPolicy: 'Sequential' as never }),
        /^test\/kv: podManagementPolicy "Sequential" is not allowed: one of OrderedReady, Parallel/,
      ],
      [
        'a bad hostSpreading',
        () => ({ hostSpreading: 'never' as never }),
        /^test\/kv: hostSpreading "never" is not allowed: one of required, preferred/,
      ],
      [
        'quorum with one replica',
        () => ({ zones: ['westeurope-1'], disruptionBudget: { quorum: true } }),
        /^test\/kv: disruptionBudget\.quorum true is not allowed: false with 1 replica\(s\): a quorum budget needs at least 3 replicas/,
      ],
      [
        'quorum with two replicas',
        () => ({ replicas: 2, disruptionBudget: { quorum: true } }),
        /^test\/kv: disruptionBudget\.quorum true is not allowed: false with 2 replica\(s\)/,
      ],
      [
        'quorum with maxUnavailable',
        () => ({ disruptionBudget: { quorum: true, maxUnavailable: 1 } }),
        /^test\/kv: disruptionBudget\.maxUnavailable 1 is not allowed: unset when quorum is true/,
      ],
      [
        'maxUnavailable above replicas',
        () => ({ disruptionBudget: { maxUnavailable: 4 } }),
        /^test\/kv: disruptionBudget\.maxUnavailable 4 is not allowed: a whole number from 1 to 3/,
      ],
      [
        'maxUnavailable 0',
        () => ({ disruptionBudget: { maxUnavailable: 0 } }),
        /^test\/kv: disruptionBudget\.maxUnavailable 0 is not allowed: a whole number from 1 to 3/,
      ],
      [
        'an empty preStopCommand',
        () => ({ preStopCommand: [] }),
        /^test\/kv: preStopCommand \[\] is not allowed: a non-empty command/,
      ],
      [
        'a name longer than 52 characters',
        () => ({ name: 'a'.repeat(53) }),
        /^test\/kv: name "a{53}" is not allowed: a DNS-1035 label .* at most 52 characters/,
      ],
      [
        'a name that is not a DNS label',
        () => ({ name: 'Consul' }),
        /^test\/kv: name "Consul" is not allowed: a DNS-1035 label/,
      ],
      [
        'the deprecated zone label',
        () => ({ labels: { 'failure-domain.beta.kubernetes.io/zone': 'westeurope-1' } }),
        /^test\/kv: labels "failure-domain.beta.kubernetes.io\/zone" is not allowed: a current key: .* is deprecated, use topology.kubernetes.io\/zone/,
      ],
      [
        'a bad label value',
        () => ({ labels: { team: 'a b' } }),
        /^test\/kv: labels\["team"\] "a b" is not allowed: a label value/,
      ],
      [
        'a bad claimRetention.whenDeleted',
        () => ({ claimRetention: { whenDeleted: 'Keep' as never } }),
        /^test\/kv: claimRetention\.whenDeleted "Keep" is not allowed: one of Retain, Delete/,
      ],
      [
        'a bad claimRetention.whenScaled',
        () => ({ claimRetention: { whenScaled: 'Orphan' as never } }),
        /^test\/kv: claimRetention\.whenScaled "Orphan" is not allowed: one of Retain, Delete/,
      ],
      [
        'a grace period that is not a Duration (a number, from JavaScript)',
        () => ({ terminationGracePeriod: 30 as never }),
        /^test\/kv: terminationGracePeriod 30 is not allowed: a cdk8s Duration/,
      ],
      [
        'a grace period longer than a day',
        () => ({ terminationGracePeriod: Duration.days(2) }),
        /^test\/kv: terminationGracePeriod \(seconds\) 172800 is not allowed: a whole number of seconds from 0 to 86400/,
      ],
    ];
    it.each(cases)('%s', (_, extra, message) => {
      let error: unknown;
      try {
        build(extra);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AksStatefulValidationError);
      expect((error as Error).message).toMatch(message);
    });

    it('a generated name longer than 52 characters', () => {
      expect(() => build(() => ({}), 'k'.repeat(60))).toThrow(
        /^test\/k{60}: name "k+-[0-9a-f]{8}" is not allowed: at most 52 characters \(pods add "-<ordinal>" and revision labels a hash\); set a shorter name/,
      );
    });
  });
});
