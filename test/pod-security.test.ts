/**
 * The Pod Security level of every pod the examples render, against an explicit table, and the
 * `pod-security.kubernetes.io/enforce` label of every Namespace the examples and the library create,
 * against the level its pods meet (computed with test/support/pod-security.ts, the admission rules).
 *
 * Restricted everywhere, except the Velero node agent: it reads every pod's volumes from the node
 * (hostPath /var/lib/kubelet/pods, root), which only Privileged allows (docs/security.md).
 */
import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { addExamples, DEFAULT_CLUSTER_EXAMPLES, type ExampleGroup } from '../examples';
import { PaymentsChart } from '../examples/team-stack/payments';
import { install } from './ark/fixtures';
import {
  leastStrict,
  objectPath,
  podSecurityLevel,
  podSecurityViolations,
  podSpecsOf,
  type PodSecurityLevel,
  type PodSpecAt,
} from './support/pod-security';

const ENFORCE = 'pod-security.kubernetes.io/enforce';

/** Each pod of the examples (`<chart>: <Kind>/<name>`) and the level it must meet, exactly. */
const EXPECTED_LEVELS: Readonly<Record<string, PodSecurityLevel>> = {
  'storage-disk-claim: Pod/storage-disk-claim-writer-c8822389': 'restricted',
  'storage-shared-files: Pod/storage-shared-files-writer-a-c8ffbdff': 'restricted',
  'storage-shared-files: Pod/storage-shared-files-writer-b-c897fc58': 'restricted',
  'storage-static-share: Pod/storage-static-share-reader-c85a873c': 'restricted',
  'storage-snapshots: Pod/storage-snapshots-source-writer-c8901507': 'restricted',
  'storage-snapshots: Pod/storage-snapshots-restored-reader-c8ad9026': 'restricted',
  'storage-snapshots: Pod/storage-snapshots-clone-reader-c89444f8': 'restricted',
  'storage-raw-block: Pod/storage-raw-block-block-user-c8bdeb51': 'restricted',
  'workloads-stateful: StatefulSet/stateful': 'restricted',
  'workloads-nginx-zonal: StatefulSet/web': 'restricted',
  'workloads-consul: StatefulSet/consul': 'restricted',
  'workloads-postgres: StatefulSet/todo-db': 'restricted',
  'workloads-postgres: Job/workloads-postgres-todo-db-bulkimport-job-c85d7951': 'restricted',
  'postgres-backup: StatefulSet/shop-db': 'restricted',
  'postgres-backup: CronJob/shop-db-backup': 'restricted',
  'postgres-backup: Job/shop-db-restore': 'restricted',
  'postgres-backup: CronJob/shop-db-restore-drill': 'restricted',
  'ark-primary: Job/velero-install-crds-v1-18-1': 'restricted',
  'ark-primary: Deployment/velero': 'restricted',
  'ark-primary: DaemonSet/node-agent': 'privileged',
  'ark-restore: Job/velero-install-crds-v1-18-1': 'restricted',
  'ark-restore: Deployment/velero': 'restricted',
  'ark-restore: DaemonSet/node-agent': 'privileged',
  'payments: StatefulSet/ledger-db': 'restricted',
  'payments: CronJob/ledger-db-backup': 'restricted',
  'payments: Job/ledger-db-restore': 'restricted',
  'payments: StatefulSet/cache': 'restricted',
};

/** The clusters the examples go to: the restore cluster never shares one with the primary. */
const CLUSTERS: Readonly<Record<string, readonly ExampleGroup[] | 'payments'>> = {
  primary: DEFAULT_CLUSTER_EXAMPLES,
  restore: ['ark-restore'],
  payments: 'payments',
};

interface PodOfChart extends PodSpecAt {
  readonly key: string;
}

function synthCluster(groups: readonly ExampleGroup[] | 'payments'): { pods: PodOfChart[]; namespaces: any[] } {
  // The team stack's chart (examples/team-stack) is its own cluster's.
  const charts =
    groups === 'payments'
      ? [new PaymentsChart(Testing.app(), 'payments', { namespace: 'payments', storageAccount: 'stpayments01' })]
      : addExamples(Testing.app(), groups);
  const pods: PodOfChart[] = [];
  const namespaces: any[] = [];
  for (const chart of charts) {
    for (const object of Testing.synth(chart)) {
      if (object.kind === 'Namespace') namespaces.push(object);
      for (const pod of podSpecsOf(object)) pods.push({ ...pod, key: `${chart.node.id}: ${pod.kind}/${pod.name}` });
    }
  }
  return { pods, namespaces };
}

const clusters = Object.fromEntries(Object.entries(CLUSTERS).map(([name, groups]) => [name, synthCluster(groups)]));
const allPods = Object.values(clusters).flatMap((c) => c.pods);

function describeViolations(pod: PodSpecAt, level: PodSecurityLevel): string[] {
  return podSecurityViolations(pod.spec, level, pod.metadata).map(
    (v) => `${v.rule} at ${objectPath(pod, v.path)}: ${v.message}`,
  );
}

/** What a namespace holding these pods can enforce: the least strict of their levels (restricted when empty). */
function namespaceLevel(pods: readonly PodSpecAt[], namespace: string): PodSecurityLevel {
  return leastStrict(pods.filter((p) => p.namespace === namespace).map((p) => podSecurityLevel(p.spec, p.metadata)));
}

describe('Pod Security levels of the example pods', () => {
  it('the table lists every pod the examples render, and nothing else', () => {
    expect(allPods.map((p) => p.key).sort()).toEqual(Object.keys(EXPECTED_LEVELS).sort());
  });

  it('only the Velero node agent is privileged', () => {
    expect(Object.entries(EXPECTED_LEVELS).filter(([, level]) => level !== 'restricted')).toEqual([
      ['ark-primary: DaemonSet/node-agent', 'privileged'],
      ['ark-restore: DaemonSet/node-agent', 'privileged'],
    ]);
  });

  it.each(allPods.map((p) => [p.key, EXPECTED_LEVELS[p.key] ?? 'restricted', p] as const))(
    '%s meets %s',
    (_, expected, pod) => {
      // The violations are in the comparison so that a failure says what to change.
      expect({
        level: podSecurityLevel(pod.spec, pod.metadata),
        violations: describeViolations(pod, expected),
      }).toEqual({ level: expected, violations: [] });
    },
  );
});

describe('Pod Security labels of the namespaces', () => {
  const namespaces = Object.entries(clusters).flatMap(([cluster, { pods, namespaces }]) =>
    namespaces.map((ns) => [`${cluster} cluster: Namespace/${ns.metadata.name}`, ns, pods] as const),
  );

  it('the examples create their namespaces', () => {
    expect(namespaces.map(([name]) => name)).toEqual(
      expect.arrayContaining([
        'primary cluster: Namespace/storage-disk',
        'primary cluster: Namespace/todo',
        'primary cluster: Namespace/postgres-backup',
        'primary cluster: Namespace/velero',
        'restore cluster: Namespace/velero',
        'payments cluster: Namespace/payments',
      ]),
    );
  });

  it.each(namespaces)('%s enforces the level its pods meet', (_, ns, pods) => {
    expect(ns.metadata.labels?.[ENFORCE]).toBe(namespaceLevel(pods, ns.metadata.name));
  });

  it('the example namespaces also audit and warn at that level, against the latest policy', () => {
    for (const [name, ns] of namespaces) {
      const labels = ns.metadata.labels ?? {};
      const level = labels[ENFORCE];
      expect(
        {
          audit: labels['pod-security.kubernetes.io/audit'],
          warn: labels['pod-security.kubernetes.io/warn'],
          version: labels['pod-security.kubernetes.io/enforce-version'],
        },
        name,
      ).toEqual({ audit: level, warn: level, version: 'latest' });
    }
  });

  describe.each([
    ['without the node agent', false],
    ['with the node agent', true],
  ] as const)("ArkInstallation's namespace %s", (_, nodeAgent) => {
    it('enforces the level its pods meet', () => {
      const { chart } = install({ nodeAgent }, new Chart(Testing.app(), 'velero-only'));
      const objects = Testing.synth(chart);
      const namespace = objects.find((o) => o.kind === 'Namespace');
      const pods = objects.flatMap((o) => podSpecsOf(o));
      expect(namespace?.metadata.labels?.[ENFORCE]).toBe(namespaceLevel(pods, namespace?.metadata.name));
    });
  });
});
