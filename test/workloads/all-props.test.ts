import { Chart, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { describe, expect, it } from 'vitest';
import {
  AzureDiskStorageClass,
  PostgresSingleton,
  PostgresSingletonProps,
  ZonalStatefulSet,
  ZonalStatefulSetProps,
} from '../../lib';
import { synthValid } from '../support/validate-manifests';

// Every prop is set (Required<...>), and every prop has an assertion (Record<keyof ...>): a new prop
// fails the typecheck here until it is set and its effect on the manifest is checked.

const ZONES = ['westeurope-1', 'westeurope-2'];
const AFFINITY = {
  podAffinity: {
    preferredDuringSchedulingIgnoredDuringExecution: [
      {
        weight: 50,
        podAffinityTerm: { labelSelector: { matchLabels: { app: 'cache' } }, topologyKey: 'kubernetes.io/hostname' },
      },
    ],
  },
};
const TOLERATIONS = [{ key: 'dedicated', operator: 'Equal', value: 'data', effect: 'NoSchedule' }];

describe('PostgresSingleton with every prop', () => {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'apps' });
  const disk = new AzureDiskStorageClass(chart, 'disk', { name: 'pg-disk', sku: 'Premium_LRS' });
  const props: Required<PostgresSingletonProps> = {
    name: 'ledger',
    majorVersion: 16,
    image: 'registry.example.com/postgres:16.9-bookworm',
    database: 'books',
    user: 'clerk',
    passwordSecret: { name: 'ledger-pw', key: 'pw' },
    storageSize: Size.gibibytes(100),
    storageClass: disk,
    resources: { cpuRequest: '500m', cpuLimit: '2', memoryRequest: '1Gi', memoryLimit: '4Gi' },
    sharedMemorySize: '512Mi',
    terminationGracePeriod: Duration.seconds(300),
    settings: { shared_buffers: '1GB' },
    extraSettings: { 'pg_stat_statements.track': 'all' },
    initScripts: { '001.sql': 'CREATE TABLE t (id int);\n' },
    bulkImport: { table: 't', csv: 'id\n1\n' },
    labels: { team: 'finance' },
    annotations: { 'example.com/owner': 'finance' },
    env: { TZ: 'UTC' },
    sidecars: [{ name: 'exporter', image: 'quay.io/prometheuscommunity/postgres-exporter:v0.17.1' }],
    volumes: [{ name: 'queries', emptyDir: {} }],
    nodeSelector: { agentpool: 'data' },
    tolerations: TOLERATIONS,
    affinity: AFFINITY,
    priorityClassName: 'databases',
  };
  const db = new PostgresSingleton(chart, 'db', props);
  const objects = synthValid(chart);
  const of = (kind: string) => objects.filter((o) => o.kind === kind);
  const sts = of('StatefulSet')[0];
  const pod = sts.spec.template.spec;
  const server = pod.containers[0];
  const env = Object.fromEntries(server.env.map((e: any) => [e.name, e.value]));

  const effects: Record<keyof PostgresSingletonProps, () => void> = {
    name: () => expect(sts.metadata.name).toBe('ledger'),
    majorVersion: () => expect(db.connection.majorVersion).toBe(16),
    image: () => expect(server.image).toBe(props.image),
    database: () => expect(env.POSTGRES_DB).toBe('books'),
    user: () => expect(env.POSTGRES_USER).toBe('clerk'),
    passwordSecret: () =>
      expect(pod.volumes.find((v: any) => v.name === 'password').secret.secretName).toBe('ledger-pw'),
    storageSize: () => expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('100Gi'),
    storageClass: () => expect(sts.spec.volumeClaimTemplates[0].spec.storageClassName).toBe('pg-disk'),
    resources: () =>
      expect(server.resources).toEqual({
        requests: { cpu: '500m', memory: '1Gi' },
        limits: { cpu: '2', memory: '4Gi' },
      }),
    sharedMemorySize: () => expect(pod.volumes.find((v: any) => v.name === 'shm').emptyDir.sizeLimit).toBe('512Mi'),
    terminationGracePeriod: () => expect(pod.terminationGracePeriodSeconds).toBe(300),
    settings: () => expect(server.args).toContain('shared_buffers=1GB'),
    extraSettings: () => expect(server.args).toContain('pg_stat_statements.track=all'),
    initScripts: () => expect(of('ConfigMap').some((c) => c.data['001.sql'])).toBe(true),
    bulkImport: () => expect(of('Job')).toHaveLength(1),
    labels: () => {
      for (const o of objects) if (o.kind !== 'StorageClass') expect(o.metadata.labels?.team, o.kind).toBe('finance');
      expect(sts.spec.template.metadata.labels.team).toBe('finance');
    },
    annotations: () => {
      for (const o of objects)
        if (o.kind !== 'StorageClass') expect(o.metadata.annotations?.['example.com/owner'], o.kind).toBe('finance');
    },
    env: () => expect(env.TZ).toBe('UTC'),
    sidecars: () => expect(pod.containers[1].name).toBe('exporter'),
    volumes: () => expect(pod.volumes).toContainEqual({ name: 'queries', emptyDir: {} }),
    nodeSelector: () => expect(pod.nodeSelector.agentpool).toBe('data'),
    tolerations: () => expect(pod.tolerations).toEqual(TOLERATIONS),
    affinity: () => expect(pod.affinity).toEqual(AFFINITY),
    priorityClassName: () => expect(pod.priorityClassName).toBe('databases'),
  };

  it.each(Object.keys(effects) as Array<keyof PostgresSingletonProps>)('%s reaches the manifest', (prop) => {
    effects[prop]();
  });
});

describe('ZonalStatefulSet with every prop', () => {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'apps' });
  const disk = new AzureDiskStorageClass(chart, 'disk', { name: 'kv-disk', sku: 'Premium_ZRS' });
  const account = new kplus.ServiceAccount(chart, 'sa', { metadata: { name: 'kv' } });
  const props: Required<ZonalStatefulSetProps> = {
    name: 'kv',
    containers: [
      { name: 'app', image: 'busybox:1.37', ports: [{ number: 8080, name: 'http' }] },
      { name: 'sidecar', image: 'busybox:1.37' },
    ],
    initContainers: [{ name: 'init', image: 'busybox:1.37' }],
    zones: ZONES,
    replicas: 4,
    volumeClaimTemplates: [{ name: 'data', size: '8Gi', storageClass: disk, mountPath: '/data' }],
    podManagementPolicy: 'Parallel',
    partition: 2,
    terminationGracePeriod: Duration.seconds(45),
    preStopCommand: ['sh', '-c', 'sleep 5'],
    serviceAccount: account,
    labels: { team: 'platform' },
    annotations: { 'example.com/owner': 'platform' },
    env: { TZ: 'UTC' },
    publishNotReadyAddresses: true,
    hostSpreading: 'preferred',
    disruptionBudget: { maxUnavailable: 2 },
    claimRetention: { whenDeleted: 'Delete', whenScaled: 'Retain' },
    podSecurity: { runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, runAsNonRoot: true },
    nodeSelector: { agentpool: 'data' },
    tolerations: TOLERATIONS,
    affinity: AFFINITY,
    priorityClassName: 'stateful',
  };
  new ZonalStatefulSet(chart, 'kv', props);
  const objects = synthValid(chart);
  const one = (kind: string) => objects.filter((o) => o.kind === kind)[0];
  const sts = one('StatefulSet');
  const pod = sts.spec.template.spec;
  const mine = objects.filter((o) => ['StatefulSet', 'Service', 'PodDisruptionBudget'].includes(o.kind));

  const effects: Record<keyof ZonalStatefulSetProps, () => void> = {
    name: () => expect(mine.map((o) => o.metadata.name)).toEqual(['kv', 'kv', 'kv']),
    containers: () => expect(pod.containers.map((c: any) => c.name)).toEqual(['app', 'sidecar']),
    initContainers: () => expect(pod.initContainers.map((c: any) => c.name)).toEqual(['init']),
    zones: () =>
      expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
        { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ZONES }] },
      ]),
    replicas: () => expect(sts.spec.replicas).toBe(4),
    volumeClaimTemplates: () => expect(sts.spec.volumeClaimTemplates[0].spec.storageClassName).toBe('kv-disk'),
    podManagementPolicy: () => expect(sts.spec.podManagementPolicy).toBe('Parallel'),
    partition: () => expect(sts.spec.updateStrategy.rollingUpdate.partition).toBe(2),
    terminationGracePeriod: () => expect(pod.terminationGracePeriodSeconds).toBe(45),
    preStopCommand: () => expect(pod.containers[0].lifecycle.preStop.exec.command).toEqual(['sh', '-c', 'sleep 5']),
    serviceAccount: () => expect(pod.serviceAccountName).toBe('kv'),
    labels: () => {
      for (const o of mine) expect(o.metadata.labels.team, o.kind).toBe('platform');
      expect(sts.spec.template.metadata.labels.team).toBe('platform');
    },
    annotations: () => {
      for (const o of mine) expect(o.metadata.annotations, o.kind).toEqual({ 'example.com/owner': 'platform' });
    },
    env: () => {
      for (const c of [...pod.initContainers, ...pod.containers])
        expect(c.env, c.name).toContainEqual({ name: 'TZ', value: 'UTC' });
    },
    publishNotReadyAddresses: () => expect(one('Service').spec.publishNotReadyAddresses).toBe(true),
    hostSpreading: () =>
      expect(pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toHaveLength(1),
    disruptionBudget: () => expect(one('PodDisruptionBudget').spec.maxUnavailable).toBe(2),
    claimRetention: () =>
      expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Delete', whenScaled: 'Retain' }),
    podSecurity: () => expect(pod.securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 }),
    nodeSelector: () => expect(pod.nodeSelector).toEqual({ agentpool: 'data' }),
    tolerations: () => expect(pod.tolerations).toEqual(TOLERATIONS),
    affinity: () => expect(pod.affinity.podAffinity).toEqual(AFFINITY.podAffinity),
    priorityClassName: () => expect(pod.priorityClassName).toBe('stateful'),
  };

  it.each(Object.keys(effects) as Array<keyof ZonalStatefulSetProps>)('%s reaches the manifest', (prop) => {
    effects[prop]();
  });
});
