import { ApiObject, Chart, JsonPatch, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import {
  AzureDiskStorageClass,
  PostgresSingleton,
  enableStatefulPolicies,
  setTargetCluster,
  statefulPolicyProblems,
} from '../../lib';
import { declareAzureRequirement } from '../../lib/azure/requirements';

const problemsOf = (c: Construct) =>
  statefulPolicyProblems(c).map((p) => [p.constructPath, p.field, p.value, p.allowed]);

function ownChart(id = 'team', namespace?: string) {
  const c = new Chart(Testing.app(), id, namespace ? { namespace } : {});
  enableStatefulPolicies(c);
  return c;
}

describe('policy: two objects with one identity', () => {
  it('names both construct paths for two PostgresSingletons named ledger-db in one namespace', () => {
    const app = Testing.app();
    const a = new Chart(app, 'payments', { namespace: 'ledger' });
    const b = new Chart(app, 'reports', { namespace: 'ledger' });
    new PostgresSingleton(a, 'db', { name: 'ledger-db' });
    new PostgresSingleton(b, 'db', { name: 'ledger-db' });
    expect(() => Testing.synth(a)).toThrow(
      /reports\/db\/Resource: metadata\.name "ledger-db" is not allowed: a name no other object of this kind uses in its namespace: payments\/db\/Resource already defines StatefulSet ledger\/ledger-db/,
    );
  });

  it('ignores the namespace of cluster-scoped kinds: two StorageClasses "fast" with different SKUs in two charts', () => {
    const app = Testing.app();
    new AzureDiskStorageClass(new Chart(app, 'a', { namespace: 'one' }), 'fast', { name: 'fast' });
    new AzureDiskStorageClass(new Chart(app, 'b', { namespace: 'two' }), 'fast', { name: 'fast', sku: 'Premium_LRS' });
    expect(problemsOf(app)).toEqual([
      [
        'b/fast/Resource',
        'metadata.name',
        'fast',
        expect.stringMatching(/^a name .*: a\/fast\/Resource already defines StorageClass fast,/),
      ],
    ]);
  });

  it('puts namespaced objects without a namespace in default, and keeps groups, namespaces and clusters apart', () => {
    const c = ownChart();
    const cm = (id: string, namespace?: string, apiVersion = 'v1', kind = 'ConfigMap') =>
      new ApiObject(c, id, { apiVersion, kind, metadata: { name: 'settings', ...(namespace ? { namespace } : {}) } });
    cm('implicit');
    cm('explicit', 'default');
    cm('elsewhere', 'other');
    cm('other-group', undefined, 'example.com/v1');
    // Named by the server: cdk8s would name them, so the name is patched away.
    for (const id of ['job-a', 'job-b'])
      new ApiObject(c, id, {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { generateName: 'migrate-' },
      }).addJsonPatch(JsonPatch.remove('/metadata/name'));
    expect(problemsOf(c)).toEqual([
      ['team/explicit', 'metadata.name', 'settings', expect.stringContaining('team/implicit')],
    ]);

    const app = Testing.app();
    const primary = new Chart(app, 'primary', { namespace: 'velero' });
    const restore = new Chart(app, 'restore', { namespace: 'velero' });
    setTargetCluster(restore, 'restore');
    for (const chart of [primary, restore])
      new ApiObject(chart, 'sa', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'velero' } });
    enableStatefulPolicies(app);
    expect(problemsOf(app)).toEqual([]);
  });
});

describe('policy: API versions Kubernetes 1.33 does not serve', () => {
  it.each([
    ['policy/v1beta1', 'PodDisruptionBudget', 'policy/v1'],
    ['batch/v1beta1', 'CronJob', 'batch/v1'],
    ['extensions/v1beta1', 'Deployment', 'apps/v1'],
    ['extensions/v1beta1', 'Ingress', 'networking.k8s.io/v1'],
    ['storage.k8s.io/v1beta1', 'StorageClass', 'storage.k8s.io/v1'],
    ['flowcontrol.apiserver.k8s.io/v1beta2', 'FlowSchema', 'flowcontrol.apiserver.k8s.io/v1'],
    ['flowcontrol.apiserver.k8s.io/v1beta3', 'PriorityLevelConfiguration', 'flowcontrol.apiserver.k8s.io/v1'],
    ['autoscaling/v2beta2', 'HorizontalPodAutoscaler', 'autoscaling/v2'],
  ])('rejects %s %s, naming %s', (apiVersion, kind, instead) => {
    const c = ownChart();
    new ApiObject(c, 'old', { apiVersion, kind, metadata: { name: 'old' } });
    expect(problemsOf(c)).toEqual([
      [
        'team/old',
        'apiVersion',
        apiVersion,
        `an API version Kubernetes 1.33 serves: ${apiVersion} ${kind} was removed, use ${instead}`,
      ],
    ]);
  });

  it('accepts served versions, including still-served kinds of a version with removed ones', () => {
    const c = ownChart();
    new ApiObject(c, 'pdb', { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'a' } });
    new ApiObject(c, 'vac', {
      apiVersion: 'storage.k8s.io/v1beta1',
      kind: 'VolumeAttributesClass',
      metadata: { name: 'b' },
    });
    expect(problemsOf(c)).toEqual([]);
  });
});

describe("policy: deprecated label and annotation keys in the team's own objects", () => {
  it('rejects them in metadata, pod templates, node selectors, affinities, spread constraints and StorageClass topologies', () => {
    const c = ownChart();
    new ApiObject(c, 'web', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { 'beta.kubernetes.io/os': 'linux' } },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: {
            labels: { app: 'web' },
            annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'runtime/default' },
          },
          spec: {
            containers: [{ name: 'web', image: 'nginx:1.27' }],
            nodeSelector: { 'beta.kubernetes.io/arch': 'amd64' },
            affinity: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [
                    {
                      matchExpressions: [
                        { key: 'failure-domain.beta.kubernetes.io/zone', operator: 'In', values: ['1'] },
                      ],
                    },
                  ],
                },
              },
            },
            topologySpreadConstraints: [
              {
                maxSkew: 1,
                topologyKey: 'failure-domain.beta.kubernetes.io/region',
                whenUnsatisfiable: 'DoNotSchedule',
              },
            ],
          },
        },
      },
    });
    new ApiObject(c, 'claim', {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data', annotations: { 'volume.beta.kubernetes.io/storage-class': 'managed-csi' } },
    });
    new ApiObject(c, 'class', {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'zonal' },
      provisioner: 'disk.csi.azure.com',
      allowedTopologies: [
        { matchLabelExpressions: [{ key: 'failure-domain.beta.kubernetes.io/zone', values: ['westeurope-1'] }] },
      ],
    });
    expect(problemsOf(c).map(([path, field, value]) => `${path} ${field} ${value}`)).toEqual([
      'team/web metadata.labels beta.kubernetes.io/os',
      'team/web spec.template.metadata.annotations seccomp.security.alpha.kubernetes.io/pod',
      'team/web spec.template.spec.nodeSelector beta.kubernetes.io/arch',
      'team/web spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].key failure-domain.beta.kubernetes.io/zone',
      'team/web spec.template.spec.topologySpreadConstraints[0].topologyKey failure-domain.beta.kubernetes.io/region',
      'team/claim metadata.annotations volume.beta.kubernetes.io/storage-class',
      'team/class allowedTopologies[0].matchLabelExpressions[0].key failure-domain.beta.kubernetes.io/zone',
    ]);
    expect(statefulPolicyProblems(c)[0].allowed).toBe(
      'a current key: "beta.kubernetes.io/os" is deprecated, use kubernetes.io/os',
    );
  });

  it('accepts current keys', () => {
    const c = ownChart();
    new ApiObject(c, 'cm', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x', labels: { 'kubernetes.io/os': 'linux', 'topology.kubernetes.io/zone': 'westeurope-1' } },
    });
    expect(problemsOf(c)).toEqual([]);
  });
});

describe('policy: contradicting Azure requirements fail at synth', () => {
  it('names both declaring construct paths and the field, for every contradiction at once', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'stack');
    const a = new Construct(chart, 'a');
    const b = new Construct(chart, 'b');
    declareAzureRequirement(a, { kind: 'fileShare', account: 'acct3', share: 'reports', quotaGiB: 100 });
    declareAzureRequirement(b, { kind: 'fileShare', account: 'acct3', share: 'reports', quotaGiB: 200 });
    declareAzureRequirement(a, {
      kind: 'blobContainer',
      account: 'acct3',
      container: 'dumps',
      lifecycleRules: [{ prefix: 'pg/', deleteAfterDays: 7 }],
    });
    declareAzureRequirement(b, {
      kind: 'blobContainer',
      account: 'acct3',
      container: 'dumps',
      lifecycleRules: [{ prefix: 'pg/', deleteAfterDays: 30 }],
    });
    expect(() => Testing.synth(chart)).toThrow(
      /^2 problems in the app:\n- stack\/b: quotaGiB of fileShare:acct3\/reports 200 is not allowed: the same value as declared by stack\/a \(100\)[^\n]*\n- stack\/b: retention of prefix "pg\/" of blobContainer:acct3\/dumps 30 is not allowed: the same value as declared by stack\/a \(7\)/,
    );
  });
});
