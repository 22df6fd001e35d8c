/**
 * Pod Security "restricted" for every pod the workloads render, with their defaults and in the
 * examples. The fields are asserted one by one from the published standard (a shared checker is
 * being written separately): pod runAsNonRoot and seccomp RuntimeDefault, every container without
 * privilege escalation and with every capability dropped (only NET_BIND_SERVICE may be added), no
 * privileged containers, host namespaces, host ports or hostPath, and only the allowed volume kinds.
 */
import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { PostgresBulkImport, PostgresSingleton, ZonalStatefulSet } from '../../lib';
import { ConsulClusterChart } from '../../examples/workloads/consul-cluster';
import { NginxZonalChart } from '../../examples/workloads/nginx-zonal';
import { PostgresChart } from '../../examples/workloads/postgres';
import { StatefulDiscoveryChart } from '../../examples/workloads/stateful-discovery';
import { synthValid } from '../support/validate-manifests';

const VOLUME_KINDS = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
];

/** Where the pod spec of a workload object is, by kind. */
function podSpecs(objects: any[]): Array<{ name: string; spec: any }> {
  return objects.flatMap((o) => {
    const name = `${o.kind}/${o.metadata?.name}`;
    if (o.kind === 'Pod') return [{ name, spec: o.spec }];
    if (['StatefulSet', 'Deployment', 'DaemonSet', 'ReplicaSet', 'Job'].includes(o.kind))
      return [{ name, spec: o.spec.template.spec }];
    if (o.kind === 'CronJob') return [{ name, spec: o.spec.jobTemplate.spec.template.spec }];
    return [];
  });
}

/** Violations of Pod Security "restricted" in one pod spec. */
function restrictedProblems(spec: any): string[] {
  const problems: string[] = [];
  const pod = spec.securityContext ?? {};
  for (const key of ['hostNetwork', 'hostPID', 'hostIPC']) if (spec[key] === true) problems.push(`${key}: true`);
  if (spec.securityContext?.seccompProfile?.type !== 'RuntimeDefault')
    problems.push('pod seccompProfile is not RuntimeDefault');
  for (const volume of spec.volumes ?? []) {
    const kind = Object.keys(volume).find((k) => k !== 'name');
    if (!kind || !VOLUME_KINDS.includes(kind)) problems.push(`volume ${volume.name} of kind ${kind}`);
  }
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
    const s = c.securityContext ?? {};
    const nonRoot = s.runAsNonRoot ?? pod.runAsNonRoot;
    if (nonRoot !== true) problems.push(`${c.name}: runAsNonRoot is not true`);
    if ((s.runAsUser ?? pod.runAsUser) === 0) problems.push(`${c.name}: runs as uid 0`);
    if (s.privileged === true) problems.push(`${c.name}: privileged`);
    if (s.allowPrivilegeEscalation !== false) problems.push(`${c.name}: allowPrivilegeEscalation is not false`);
    if (!(s.capabilities?.drop ?? []).includes('ALL')) problems.push(`${c.name}: does not drop ALL capabilities`);
    for (const cap of s.capabilities?.add ?? [])
      if (cap !== 'NET_BIND_SERVICE') problems.push(`${c.name}: adds capability ${cap}`);
    if (s.seccompProfile !== undefined && s.seccompProfile.type !== 'RuntimeDefault')
      problems.push(`${c.name}: seccompProfile ${s.seccompProfile.type}`);
    for (const port of c.ports ?? []) if (port.hostPort) problems.push(`${c.name}: hostPort ${port.hostPort}`);
  }
  return problems;
}

function expectRestricted(objects: any[], expectedPods: number): void {
  const pods = podSpecs(objects);
  expect(pods).toHaveLength(expectedPods);
  for (const { name, spec } of pods) expect(restrictedProblems(spec), name).toEqual([]);
}

describe('Pod Security "restricted"', () => {
  it.each([
    ['Consul', ConsulClusterChart, 'consul', 1],
    ['nginx', NginxZonalChart, 'nginx', 1],
    ['stateful discovery', StatefulDiscoveryChart, 'stateful', 1],
    ['PostgreSQL and its import Job', PostgresChart, 'todo', 2],
  ] as const)('the %s example', (_, ExampleChart, namespace, pods) => {
    const chart = new ExampleChart(Testing.app(), 'example', { namespace });
    expectRestricted(synthValid(chart), pods);
  });

  it('a ZonalStatefulSet with defaults, init containers and sidecars (the image user set)', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'apps' });
    new ZonalStatefulSet(chart, 'kv', {
      zones: ['westeurope-1'],
      podSecurity: { runAsUser: 1000 },
      initContainers: [{ name: 'init', image: 'busybox:1.37' }],
      containers: [
        { name: 'app', image: 'busybox:1.37' },
        { name: 'sidecar', image: 'busybox:1.37' },
      ],
    });
    expectRestricted(synthValid(chart), 1);
  });

  it('a PostgresSingleton with a sidecar, uid 999 and fsGroup', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'apps' });
    new PostgresSingleton(chart, 'db', {
      name: 'ledger',
      sidecars: [{ name: 'exporter', image: 'quay.io/prometheuscommunity/postgres-exporter:v0.17.1' }],
      volumes: [{ name: 'queries', emptyDir: {} }],
    });
    const objects = synthValid(chart);
    expectRestricted(objects, 1);
    const pod = podSpecs(objects)[0].spec;
    expect(pod.securityContext).toMatchObject({ runAsUser: 999, runAsGroup: 999, fsGroup: 999, runAsNonRoot: true });
    // The sidecar's defaults, under what the user sets.
    expect(pod.containers[1].securityContext).toEqual({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
  });

  it("a sidecar's own securityContext fields win over the defaults, one by one", () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'apps' });
    new PostgresSingleton(chart, 'db', {
      name: 'ledger',
      sidecars: [{ name: 'exporter', image: 'busybox:1.37', securityContext: { readOnlyRootFilesystem: true } }],
    });
    const pod = podSpecs(synthValid(chart))[0].spec;
    expect(pod.containers[1].securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
  });

  it('a PostgresBulkImport Job on its own', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'apps' });
    const database = new PostgresSingleton(chart, 'db', { name: 'ledger' });
    new PostgresBulkImport(chart, 'import', { database, table: 'todos', csv: 'title\nx\n' });
    expectRestricted(synthValid(chart), 2);
  });
});
