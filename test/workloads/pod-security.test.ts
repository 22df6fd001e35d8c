/**
 * Pod Security "restricted" for every pod the workloads render, with their defaults and in the
 * examples, checked with the shared implementation of the admission rules (test/support/pod-security.ts).
 */
import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { PostgresBulkImport, PostgresSingleton, ZonalStatefulSet } from '../../lib';
import { ConsulClusterChart } from '../../examples/workloads/consul-cluster';
import { NginxZonalChart } from '../../examples/workloads/nginx-zonal';
import { PostgresChart } from '../../examples/workloads/postgres';
import { StatefulDiscoveryChart } from '../../examples/workloads/stateful-discovery';
import { podSecurityViolations, podSpecsOf } from '../support/pod-security';
import { synthValid } from '../support/validate-manifests';

function expectRestricted(objects: any[], expectedPods: number): void {
  const pods = objects.flatMap(podSpecsOf);
  expect(pods).toHaveLength(expectedPods);
  for (const pod of pods) {
    const violations = podSecurityViolations(pod.spec, 'restricted', pod.metadata).map((v) => `${v.rule}: ${v.path}`);
    expect(violations, `${pod.kind}/${pod.name}`).toEqual([]);
  }
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
    const pod = objects.flatMap(podSpecsOf)[0].spec;
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
    const pod = synthValid(chart).flatMap(podSpecsOf)[0].spec;
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
