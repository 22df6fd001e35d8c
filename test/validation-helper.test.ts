/**
 * Proves the manifest validation helper catches what it claims to: each
 * "fails" case asserts the exact problem line, each "passes" case asserts an
 * empty problem list, so a helper that accepted or rejected everything fails here.
 */
import { describe, it, expect } from 'vitest';
import { ApiObject, JsonPatch, Testing } from 'cdk8s';
import { assertValidManifests, manifestProblems, synthValid } from './support/validate-manifests';

const clone = <T>(value: T): T => structuredClone(value);

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', labels: { 'app.kubernetes.io/name': 'web' } },
  spec: {
    containers: [
      {
        name: 'app',
        image: 'nginx:1.27',
        imagePullPolicy: 'IfNotPresent',
        ports: [{ containerPort: 80 }],
        resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: 1073741824 } },
        readinessProbe: { httpGet: { path: '/', port: 'http' } },
      },
    ],
  },
};

const pvc = {
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'data' },
  spec: {
    accessModes: ['ReadWriteOnce'],
    storageClassName: 'managed-csi-premium',
    resources: { requests: { storage: '64Gi' } },
  },
};

const storageClass = {
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name: 'managed-csi-premium-zrs' },
  provisioner: 'disk.csi.azure.com',
  parameters: { skuName: 'Premium_ZRS' },
  reclaimPolicy: 'Retain',
  volumeBindingMode: 'WaitForFirstConsumer',
  allowVolumeExpansion: true,
};

const statefulSet = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'web', namespace: 'db' },
  spec: {
    serviceName: 'web',
    replicas: 3,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          { name: 'app', image: 'postgres:16', volumeMounts: [{ name: 'data', mountPath: '/var/lib/postgresql' }] },
        ],
        topologySpreadConstraints: [
          {
            maxSkew: 1,
            topologyKey: 'topology.kubernetes.io/zone',
            whenUnsatisfiable: 'DoNotSchedule',
            labelSelector: { matchLabels: { app: 'web' } },
          },
        ],
      },
    },
    volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: pvc.spec }],
    persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Delete' },
  },
};

const snapshotClass = {
  apiVersion: 'snapshot.storage.k8s.io/v1',
  kind: 'VolumeSnapshotClass',
  metadata: { name: 'csi-azuredisk-vsc', labels: { 'velero.io/csi-volumesnapshot-class': 'true' } },
  driver: 'disk.csi.azure.com',
  deletionPolicy: 'Retain',
  parameters: { incremental: 'true' },
};

const snapshot = {
  apiVersion: 'snapshot.storage.k8s.io/v1',
  kind: 'VolumeSnapshot',
  metadata: { name: 'snap', namespace: 'db' },
  spec: { volumeSnapshotClassName: 'csi-azuredisk-vsc', source: { persistentVolumeClaimName: 'data-web-0' } },
};

const schedule = {
  apiVersion: 'velero.io/v1',
  kind: 'Schedule',
  metadata: { name: 'nightly', namespace: 'velero' },
  spec: {
    schedule: '0 2 * * *',
    useOwnerReferencesInBackup: false,
    template: {
      includedNamespaces: ['db'],
      snapshotVolumes: true,
      ttl: '720h0m0s',
      storageLocation: 'default',
      labelSelector: { matchLabels: { app: 'web' } },
    },
  },
};

describe('core kinds (kubernetes-models)', () => {
  it('accepts a valid Pod, PVC, StorageClass and StatefulSet', () => {
    expect(manifestProblems([pod, pvc, storageClass, statefulSet])).toEqual([]);
    expect(() => assertValidManifests([pod, pvc, storageClass, statefulSet])).not.toThrow();
  });

  it('reports a misspelled field with its path', () => {
    const bad = clone(pod);
    Object.assign(bad.spec.containers[0]!, { imagePullPolcy: 'Always' });
    expect(manifestProblems([bad])).toEqual(['Pod/p: unknown field spec.containers[0].imagePullPolcy']);
  });

  it('reports unknown fields deep inside a StatefulSet, including under volumeClaimTemplates', () => {
    const bad = clone(statefulSet);
    Object.assign(bad.spec.template.spec.containers[0]!, { volumeMount: [] });
    Object.assign(bad.spec.volumeClaimTemplates[0]!.spec, { storageClass: 'x' });
    expect(manifestProblems([bad])).toEqual([
      'StatefulSet/web: unknown field spec.template.spec.containers[0].volumeMount',
      'StatefulSet/web: unknown field spec.volumeClaimTemplates[0].spec.storageClass',
    ]);
  });

  it('reports a wrong type', () => {
    const bad = clone(statefulSet);
    Object.assign(bad.spec, { replicas: '3' });
    expect(manifestProblems([bad])).toEqual(['StatefulSet/web: spec.replicas: must be integer']);
  });

  it('reports a missing required field', () => {
    const bad = clone(statefulSet) as { spec: Partial<typeof statefulSet.spec> };
    delete bad.spec.selector;
    expect(manifestProblems([bad])).toEqual(["StatefulSet/web: spec: must have required property 'selector'"]);
  });

  it('reports a null quantity once, and a non-scalar quantity as a type error', () => {
    const nulled = clone(pvc);
    Object.assign(nulled.spec.resources.requests, { storage: null });
    const object = clone(pvc);
    Object.assign(object.spec.resources.requests, { storage: { amount: 64, unit: 'Gi' } });
    expect(manifestProblems([nulled, object])).toEqual([
      'PersistentVolumeClaim/data: spec.resources.requests.storage: null is not allowed here',
      'PersistentVolumeClaim/data: spec.resources.requests.storage: must be number or string',
    ]);
  });

  it('reports nulls that the kubernetes-models validators accept', () => {
    const bad = clone(pod);
    Object.assign(bad.metadata, { labels: null });
    Object.assign(bad.spec.containers[0]!, { image: null });
    expect(manifestProblems([bad])).toEqual([
      'Pod/p: metadata.labels: null is not allowed here',
      'Pod/p: spec.containers[0].image: null is not allowed here',
    ]);
  });

  it('refuses unknown kinds and API versions removed from Kubernetes', () => {
    const problems = manifestProblems([
      { apiVersion: 'v1', kind: 'Podd', metadata: { name: 'x' } },
      { apiVersion: 'apps/v1beta1', kind: 'Deployment', metadata: { name: 'old' }, spec: { template: {} } },
      { apiVersion: 'batch/v1beta1', kind: 'CronJob', metadata: { name: 'cron' } },
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } },
      { kind: 'Pod', metadata: { name: 'no-api-version' } },
    ]);
    expect(problems).toHaveLength(5);
    expect(problems[0]).toMatch(/^Podd\/x: no schema for v1 Podd/);
    expect(problems[1]).toBe(
      'Deployment/old: no schema for apps/v1beta1 Deployment: apps/v1beta1 was removed from Kubernetes in 1.16',
    );
    expect(problems[2]).toBe(
      'CronJob/cron: no schema for batch/v1beta1 CronJob: batch/v1beta1 was removed from Kubernetes in 1.25',
    );
    expect(problems[3]).toMatch(/^Widget\/w: no schema for example.com\/v1 Widget/);
    expect(problems[4]).toMatch(/^Pod\/no-api-version: not a Kubernetes object/);
  });
});

describe('what the API server refuses beyond the schema (api-server-rules.ts)', () => {
  it('reports names, ports, mounts and keys the schema accepts', () => {
    const service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: '1db' },
      spec: { ports: [{ port: 5432, targetPort: 70000 }] },
    };
    const badPod = clone(pod);
    Object.assign(badPod.spec.containers[0]!, { name: 'App', volumeMounts: [{ name: 'data', mountPath: '/data' }] });
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { '..': 'x' } };
    const problems = manifestProblems([service, badPod, configMap]);
    expect(problems.map((p) => p.replace(/ is not .*| in the pod$/, ''))).toEqual([
      'Service/1db: metadata.name: "1db"',
      'Service/1db: spec.ports[0].targetPort: 70000',
      'Pod/p: spec.containers[0].name: "App"',
      'Pod/p: spec.containers[0].volumeMounts[0].name: no volume named "data"',
      'ConfigMap/cm: data[".."]: key ".."',
    ]);
  });

  it('passes the same objects once fixed', () => {
    const service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'db' },
      spec: { ports: [{ port: 5432, targetPort: 5432 }] },
    };
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { 'init.sql': 'x' } };
    expect(manifestProblems([service, pod, configMap])).toEqual([]);
  });
});

describe('custom resources (reference CRDs)', () => {
  it('accepts a valid VolumeSnapshotClass and VolumeSnapshot', () => {
    expect(manifestProblems([snapshotClass, snapshot])).toEqual([]);
  });

  it('reports unknown spec and metadata fields of a VolumeSnapshot', () => {
    const bad = clone(snapshot);
    Object.assign(bad.spec, { snapshotClassName: 'x' });
    Object.assign(bad.metadata, { label: {} });
    expect(manifestProblems([bad])).toEqual([
      'VolumeSnapshot/snap: unknown field metadata.label',
      'VolumeSnapshot/snap: unknown field spec.snapshotClassName',
    ]);
  });

  it('reports schema errors, the CRD CEL rule on spec.source, and a version that is not served', () => {
    const wrong = clone(snapshotClass);
    Object.assign(wrong, { deletionPolicy: 'Keep' });
    const empty = clone(snapshot);
    Object.assign(empty.spec, { source: {} });
    const beta = { ...clone(snapshot), apiVersion: 'snapshot.storage.k8s.io/v1beta1' };
    const problems = manifestProblems([wrong, empty, beta]);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toBe(
      'VolumeSnapshotClass/csi-azuredisk-vsc: deletionPolicy: must be one of ["Delete","Retain"]',
    );
    expect(problems[1]).toBe(
      'VolumeSnapshot/snap: spec.source: exactly one of volumeSnapshotContentName and persistentVolumeClaimName must be set',
    );
    expect(problems[2]).toMatch(/^VolumeSnapshot\/snap: snapshot.storage.k8s.io\/v1beta1 VolumeSnapshot is not served/);
  });

  it('accepts a valid velero.io/v1 Schedule', () => {
    expect(manifestProblems([schedule])).toEqual([]);
  });

  it('reports a Schedule with a wrong type, an unknown field and a missing required field', () => {
    const badType = clone(schedule);
    Object.assign(badType.spec.template, { snapshotVolumes: 'yes' });
    const unknown = clone(schedule);
    Object.assign(unknown.spec.template, { includedNamespace: ['db'] });
    const missing = clone(schedule) as { spec: Partial<typeof schedule.spec> };
    delete missing.spec.schedule;
    expect(manifestProblems([badType, unknown, missing])).toEqual([
      'Schedule/nightly: spec.template.snapshotVolumes: must be boolean',
      'Schedule/nightly: unknown field spec.template.includedNamespace',
      "Schedule/nightly: spec: must have required property 'schedule'",
    ]);
  });
});

describe('synthValid', () => {
  it('returns the synthesized objects of a valid chart', () => {
    const chart = Testing.chart();
    new ApiObject(chart, 'pvc', pvc);
    new ApiObject(chart, 'snap', snapshot);
    const objects = synthValid(chart);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'PersistentVolumeClaim/data',
      'VolumeSnapshot/snap',
    ]);
  });

  it('throws one error listing every problem of a broken chart', () => {
    const chart = Testing.chart();
    new ApiObject(chart, 'pod', {
      ...clone(pod),
      spec: { containers: [{ name: 'app', image: 'nginx', imagePullPolcy: 'Always' }] },
    });
    // A JSON patch is one way a null reaches the synthesized output (cdk8s drops null props otherwise).
    new ApiObject(chart, 'pvc', pvc).addJsonPatch(JsonPatch.replace('/spec/resources/requests/storage', null));
    expect(() => synthValid(chart)).toThrow(
      [
        '2 manifest problem(s):',
        '  Pod/p: unknown field spec.containers[0].imagePullPolcy',
        '  PersistentVolumeClaim/data: spec.resources.requests.storage: null is not allowed here',
      ].join('\n'),
    );
  });
});
