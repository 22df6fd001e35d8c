import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Include, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { ARK_TO_VELERO, migrateArkManifest, migrateArkObjects } from '../../lib';
import { assertValidManifests, synthValid } from '../support/validate-manifests';
import { rejected } from './fixtures';

/** What an Ark v0.10 cluster on Azure had: its namespace, a location, a schedule, and a workload using restic. */
const ARK_YAML = `
apiVersion: v1
kind: Namespace
metadata:
  name: heptio-ark
---
apiVersion: ark.heptio.com/v1
kind: BackupStorageLocation
metadata:
  name: default
  namespace: heptio-ark
  labels:
    component: ark
spec:
  provider: azure
  objectStorage:
    bucket: ark
  config:
    resourceGroup: rg-backups
    storageAccount: arkbackups01
---
apiVersion: ark.heptio.com/v1
kind: VolumeSnapshotLocation
metadata:
  name: default
  namespace: heptio-ark
spec:
  provider: azure
  config:
    apiTimeout: 15m
---
apiVersion: ark.heptio.com/v1
kind: Schedule
metadata:
  name: wp-daily
  namespace: heptio-ark
  labels:
    ark-schedule: wp-daily
spec:
  schedule: "0 2 * * *"
  template:
    includedNamespaces: [wp]
    excludedNamespaces: [heptio-ark]
    labelSelector:
      matchLabels:
        ark.heptio.com/backup: "true"
      matchExpressions:
        - key: ark.heptio.com/skip
          operator: DoesNotExist
    snapshotVolumes: true
    defaultVolumesToRestic: false
    ttl: 720h0m0s
    storageLocation: default
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: wordpress
  namespace: wp
spec:
  selector:
    matchLabels: { app: wordpress }
  template:
    metadata:
      labels: { app: wordpress }
      annotations:
        backup.ark.heptio.com/backup-volumes: wp-content
        pre.hook.backup.ark.heptio.com/command: '["/bin/sh", "-c", "sync"]'
    spec:
      containers:
        - name: wordpress
          image: wordpress:6.8
          volumeMounts: [{ name: wp-content, mountPath: /var/www/html }]
      volumes:
        - name: wp-content
          persistentVolumeClaim: { claimName: wp-content }
`;

function includeArk(yaml = ARK_YAML) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ark-'));
  const file = path.join(dir, 'ark.yaml');
  fs.writeFileSync(file, yaml);
  const chart = Testing.chart();
  new Include(chart, 'ark', { url: file });
  return chart;
}

describe('Ark to Velero migration', () => {
  it('rewrites an Ark v0.10 install into objects that validate against the Velero 1.18.1 CRDs', () => {
    const chart = includeArk();
    const changes = migrateArkObjects(chart);
    const objects = synthValid(chart);
    const [ns, bsl, vsl, schedule, deployment] = objects;
    expect(ns.metadata.name).toBe('velero');
    expect(bsl).toMatchObject({
      apiVersion: 'velero.io/v1',
      metadata: { namespace: 'velero', labels: { component: 'velero' } },
    });
    expect(bsl.spec).toEqual({
      provider: 'azure',
      objectStorage: { bucket: 'ark' },
      config: { resourceGroup: 'rg-backups', storageAccount: 'arkbackups01' },
    });
    expect(vsl).toMatchObject({ apiVersion: 'velero.io/v1', metadata: { namespace: 'velero' } });
    expect(schedule.metadata).toEqual({
      name: 'wp-daily',
      namespace: 'velero',
      labels: { 'velero.io/schedule-name': 'wp-daily' },
    });
    expect(schedule.spec.template).toEqual({
      includedNamespaces: ['wp'],
      excludedNamespaces: ['velero'],
      labelSelector: {
        matchLabels: { 'velero.io/backup': 'true' },
        matchExpressions: [{ key: 'velero.io/skip', operator: 'DoesNotExist' }],
      },
      snapshotVolumes: true,
      defaultVolumesToFsBackup: false,
      ttl: '720h0m0s',
      storageLocation: 'default',
    });
    expect(deployment.metadata.namespace).toBe('wp');
    expect(deployment.spec.template.metadata.annotations).toEqual({
      'backup.velero.io/backup-volumes': 'wp-content',
      'pre.hook.backup.velero.io/command': '["/bin/sh", "-c", "sync"]',
    });
    expect(changes.filter((c) => c.object.includes('wordpress')).map((c) => `${c.from} -> ${c.to}`)).toEqual([
      'backup.ark.heptio.com/backup-volumes -> backup.velero.io/backup-volumes',
      'pre.hook.backup.ark.heptio.com/command -> pre.hook.backup.velero.io/command',
    ]);
    // Running it again finds nothing left to do.
    expect(migrateArkObjects(chart)).toEqual([]);
  });

  it('returns plain manifests unchanged when nothing is Ark-era, and never mutates its input', () => {
    const manifest = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x', labels: { app: 'x' } },
      data: { a: 'ark.heptio.com' },
    };
    const copy = structuredClone(manifest);
    expect(migrateArkManifest(manifest)).toEqual({ manifest: copy, changes: [] });
    const schedule = {
      apiVersion: 'ark.heptio.com/v1',
      kind: 'Schedule',
      metadata: { name: 's', namespace: 'heptio-ark' },
      spec: { schedule: '@daily', template: {} },
    };
    const result = migrateArkManifest(schedule);
    expect(result.manifest).toMatchObject({ apiVersion: 'velero.io/v1', metadata: { namespace: 'velero' } });
    expect(schedule.apiVersion).toBe('ark.heptio.com/v1');
    expect(result.changes.map((c) => c.path)).toEqual(['/apiVersion', '/metadata/namespace']);
  });

  it('migrates a `kubectl get -o yaml` export: a List, with the fields the API server filled in dropped', () => {
    const exported = {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        {
          apiVersion: 'ark.heptio.com/v1',
          kind: 'Schedule',
          metadata: {
            name: 'wp-daily',
            namespace: 'heptio-ark',
            uid: '5b0c',
            resourceVersion: '4242',
            generation: 3,
            creationTimestamp: '2018-11-02T10:00:00Z',
            annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"apiVersion":"ark.heptio.com/v1"}' },
          },
          spec: { schedule: '0 2 * * *', template: { includedNamespaces: ['wp'], ttl: '720h0m0s' } },
          status: { phase: 'Enabled', lastBackup: '2019-02-01T02:00:00Z' },
        },
      ],
    };
    const { manifest, changes } = migrateArkManifest(exported);
    expect(manifest.kind).toBe('List');
    expect(manifest.items[0]).toEqual({
      apiVersion: 'velero.io/v1',
      kind: 'Schedule',
      metadata: { name: 'wp-daily', namespace: 'velero', annotations: {} },
      spec: { schedule: '0 2 * * *', template: { includedNamespaces: ['wp'], ttl: '720h0m0s' } },
    });
    assertValidManifests(manifest.items);
    expect(changes.filter((c) => c.action === 'remove').map((c) => c.path)).toEqual([
      '/items/0/status',
      '/items/0/metadata/uid',
      '/items/0/metadata/resourceVersion',
      '/items/0/metadata/creationTimestamp',
      '/items/0/metadata/generation',
      '/items/0/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration',
    ]);
    expect(changes.filter((c) => c.action !== 'remove').map((c) => c.path)).toEqual([
      '/items/0/apiVersion',
      '/items/0/metadata/namespace',
    ]);
  });

  it('does every rename its exported table (ARK_TO_VELERO, docs/ark.md) lists', () => {
    // Probes that carry each Ark-era name once; the table is read, not copied, so a row the
    // migration does not perform fails here.
    const schedule = migrateArkManifest({
      apiVersion: 'ark.heptio.com/v1',
      kind: 'Schedule',
      metadata: {
        name: 's',
        namespace: 'heptio-ark',
        labels: { 'ark-schedule': 's', component: 'ark', 'team.ark.heptio.com/owner': 'x' },
      },
      spec: {
        schedule: '0 1 * * *',
        template: {
          includedNamespaces: ['heptio-ark'],
          excludedNamespaces: ['heptio-ark'],
          defaultVolumesToRestic: true,
        },
      },
    });
    const deployment = migrateArkManifest({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', namespace: 'wp' },
      spec: {
        template: {
          metadata: {
            annotations: {
              'backup.ark.heptio.com/backup-volumes': 'data',
              'pre.hook.backup.ark.heptio.com/command': 'sync',
              'post.hook.backup.ark.heptio.com/command': 'true',
            },
          },
        },
      },
    });
    const done = [...schedule.changes, ...deployment.changes].flatMap((c) => {
      const key = c.path.split('/').pop()!;
      return [`${c.from} -> ${c.to}`, `${key}: ${c.from} -> ${key}: ${c.to}`];
    });
    const glob = (pattern: string) => pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^ ]*');
    for (const row of ARK_TO_VELERO) {
      const arks = row.ark.split(', ');
      const veleros = row.velero.split(', ');
      expect(arks).toHaveLength(veleros.length);
      arks.forEach((ark, i) => {
        const rename = new RegExp(`^${glob(ark)} -> ${glob(veleros[i])}$`);
        expect(
          done.some((d) => rename.test(d)),
          `${row.what}: ${ark} -> ${veleros[i]}`,
        ).toBe(true);
      });
    }
    expect(JSON.stringify([schedule.manifest, deployment.manifest])).not.toMatch(/ark\.heptio|heptio-ark|Restic|"ark"/);
  });

  it('refuses what must not be carried over', () => {
    const ark = (kind: string, extra: object = {}) => ({
      apiVersion: 'ark.heptio.com/v1',
      kind,
      metadata: { name: 'x', namespace: 'heptio-ark' },
      ...extra,
    });
    expect(() => migrateArkManifest(ark('Config'))).toThrow(
      rejected('migrateArkManifest Config/x', 'kind', '"Config"', 'upgrade to Ark v0.10'),
    );
    expect(() => migrateArkManifest(ark('ResticRepository'))).toThrow(
      rejected(
        'migrateArkManifest ResticRepository/x',
        'kind',
        '"ResticRepository"',
        'the server creates ResticRepository objects itself',
      ),
    );
    expect(() => migrateArkManifest(ark('Widget'))).toThrow(
      rejected('migrateArkManifest Widget/x', 'kind', '"Widget"', 'one of Backup, Restore, Schedule'),
    );
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'backups.ark.heptio.com' },
      spec: { group: 'ark.heptio.com' },
    };
    expect(() => migrateArkManifest(crd)).toThrow(
      rejected(
        'migrateArkManifest CustomResourceDefinition/backups.ark.heptio.com',
        'kind',
        '"CustomResourceDefinition"',
        "not Ark's CRDs",
      ),
    );
    const server = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'ark' },
      spec: { template: { spec: { containers: [{ name: 'ark', image: 'gcr.io/heptio-images/ark:v0.10.2' }] } } },
    };
    expect(() => migrateArkManifest(server)).toThrow(
      rejected(
        'migrateArkManifest Deployment/ark',
        'image',
        '"gcr.io/heptio-images/ark:v0.10.2"',
        'replace the Ark Deployment and DaemonSet with ArkInstallation',
      ),
    );
    const both = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'p',
        annotations: { 'backup.ark.heptio.com/backup-volumes': 'a', 'backup.velero.io/backup-volumes': 'b' },
      },
    };
    expect(() => migrateArkManifest(both)).toThrow(
      rejected(
        'migrateArkManifest',
        '/metadata/annotations',
        '"backup.ark.heptio.com/backup-volumes"',
        'keep one of the two',
      ),
    );
    expect(() => migrateArkManifest({} as any)).toThrow(
      rejected('migrateArkManifest', 'kind', '(unset)', 'the kind of a Kubernetes object'),
    );
    expect(() => migrateArkManifest('kind: Schedule' as any)).toThrow(
      rejected('migrateArkManifest', 'manifest', '"kind: Schedule"', 'a Kubernetes object'),
    );
    // A metadata that is not an object was a TypeError ('in' on a string).
    expect(() => migrateArkManifest({ ...ark('Schedule'), metadata: 'x' })).toThrow(
      rejected('migrateArkManifest', 'metadata', '"x"', 'an object with name'),
    );
    expect(() => migrateArkObjects('chart' as any)).toThrow(
      rejected('migrateArkObjects', 'scope', '"chart"', 'a construct'),
    );
  });

  it('names the construct of an included object in errors', () => {
    const chart = includeArk(
      'apiVersion: ark.heptio.com/v1\nkind: Config\nmetadata:\n  name: default\n  namespace: heptio-ark\n',
    );
    expect(() => migrateArkObjects(chart)).toThrow(
      /^test\/ark\/default-config-heptio-ark Config\/default: kind "Config" is not allowed/,
    );
  });
});
