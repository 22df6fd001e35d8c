/**
 * Every public prop of every public construct and function of lib/ark, made hostile one at a time
 * (ArkVolumeSnapshotLocation and VeleroCrdJob are public as types only, built by the installation:
 * their props are reached through `volumeSnapshots` and the installation's own props)
 * (issue 12): each value either throws a validation error naming that prop, or synthesizes valid
 * objects. Truthiness bugs that still produce valid YAML (a 'false' that turns a feature on) are
 * covered by the targeted tests in installation.test.ts, locations.test.ts and schedule.test.ts.
 */
import { Chart, Duration } from 'cdk8s';
import { describe, it } from 'vitest';
import * as kplus from 'cdk8s-plus-27';
import {
  ArkBackupStorageLocation,
  ArkInstallation,
  ArkInstallationProps,
  ArkSchedule,
  excludeFromFsBackup,
  markForFsBackup,
  migrateArkManifest,
  migrateArkObjects,
} from '../../lib';
import { assertHostileInputHandled } from '../support/hostile';
import {
  ACCOUNT_KEY,
  NEWEST,
  NODE_RG,
  SERVICE_PRINCIPAL,
  STORAGE,
  SUBSCRIPTION,
  TENANT,
  WORKLOAD_IDENTITY,
} from './fixtures';

const DIGEST = `sha256:${'a'.repeat(64)}`;

/** Props that set every prop of ArkInstallation (so each path has a valid value to replace). */
const FULL: ArkInstallationProps = {
  auth: { ...WORKLOAD_IDENTITY, tenantId: TENANT, cloudName: 'AzurePublicCloud' },
  backupStorage: {
    ...STORAGE,
    subscriptionId: SUBSCRIPTION,
    prefix: 'aks-prod',
    name: 'primary',
    default: true,
    storageAccountUri: 'https://aksvelero01.blob.core.windows.net',
    blockSizeInBytes: 4194304,
    sku: 'Standard_ZRS',
    config: { activeDirectoryAuthorityURI: 'https://login.microsoftonline.com/' },
    labels: { team: 'platform' },
    annotations: { owner: 'platform' },
  },
  volumeSnapshots: {
    resourceGroup: 'rg-snapshots',
    subscriptionId: SUBSCRIPTION,
    incremental: true,
    tags: { team: 'platform' },
    apiTimeout: Duration.minutes(5),
    name: 'default',
    role: 'Contributor',
    config: {},
    labels: { team: 'platform' },
    annotations: { owner: 'platform' },
  },
  nodeAgent: { privileged: false },
  readOnly: false,
  namespace: 'velero',
  createNamespace: true,
  veleroVersion: NEWEST.velero,
  azurePluginVersion: NEWEST.plugin,
  images: {
    velero: 'velero/velero',
    azurePlugin: 'velero/velero-plugin-for-microsoft-azure',
    kubectl: 'registry.k8s.io/kubectl',
  },
  imageDigests: { velero: DIGEST, azurePlugin: DIGEST, kubectl: DIGEST },
  credentialsSecretName: 'cloud-credentials',
  serviceAccountName: 'velero',
  clusterRoleName: 'cluster-admin',
  defaultVolumesToFsBackup: true,
  resources: { cpuRequest: '500m', cpuLimit: '1', memoryRequest: '128Mi', memoryLimit: '1Gi' },
  nodeAgentResources: { cpuRequest: '100m', memoryRequest: '256Mi', memoryLimit: '1Gi' },
  labels: { team: 'platform' },
  annotations: { owner: 'platform' },
};

const nested = (prefix: string, keys: readonly string[]) => keys.map((k) => `${prefix}.${k}`);

const INSTALLATION_PATHS = [
  ...Object.keys(FULL),
  'customResourcesScope',
  ...nested('auth', [
    'mode',
    'identityName',
    'clientId',
    'subscriptionId',
    'tenantId',
    'nodeResourceGroup',
    'cloudName',
  ]),
  ...nested('backupStorage', Object.keys(FULL.backupStorage)),
  'backupStorage.config.activeDirectoryAuthorityURI',
  'backupStorage.labels.team',
  'backupStorage.annotations.owner',
  ...nested('volumeSnapshots', Object.keys(FULL.volumeSnapshots!)),
  'volumeSnapshots.tags.team',
  'nodeAgent.privileged',
  ...nested('images', ['velero', 'azurePlugin', 'kubectl']),
  ...nested('imageDigests', ['velero', 'azurePlugin', 'kubectl']),
  ...nested('resources', ['cpuRequest', 'cpuLimit', 'memoryRequest', 'memoryLimit', 'ephemeralStorageRequest']),
  ...nested('nodeAgentResources', ['cpuRequest', 'memoryRequest', 'memoryLimit']),
  'labels.team',
  'annotations.owner',
];

/** An installation for the child constructs, built fresh in each chart. */
const installation = (chart: Chart, props: Partial<ArkInstallationProps> = {}) =>
  new ArkInstallation(chart, 'velero', {
    auth: { ...WORKLOAD_IDENTITY, nodeResourceGroup: NODE_RG },
    backupStorage: STORAGE,
    volumeSnapshots: { resourceGroup: 'rg-snapshots' },
    nodeAgent: true,
    ...props,
  });

describe('lib/ark under hostile props', () => {
  it('ArkInstallation: every prop, nested ones too (workload identity)', () => {
    assertHostileInputHandled(
      {
        name: 'ArkInstallation',
        valid: FULL,
        paths: INSTALLATION_PATHS,
        build: (c, p) => new ArkInstallation(c, 'v', p),
      },
      { numRuns: 500 },
    );
  });

  it('ArkInstallation: the service principal and account key auth props', () => {
    const sp: ArkInstallationProps = {
      auth: { ...SERVICE_PRINCIPAL, useAAD: true, cloudName: 'AzureChinaCloud' },
      backupStorage: STORAGE,
    };
    assertHostileInputHandled(
      {
        name: 'ArkInstallation (service principal)',
        valid: sp,
        paths: nested('auth', [
          'mode',
          'subscriptionId',
          'tenantId',
          'clientId',
          'nodeResourceGroup',
          'cloudName',
          'useAAD',
        ]),
        build: (c, p) => new ArkInstallation(c, 'v', p),
      },
      { numRuns: 60 },
    );
    const key: ArkInstallationProps = {
      auth: { ...ACCOUNT_KEY, keyEnvVar: 'AZURE_STORAGE_ACCOUNT_ACCESS_KEY' },
      backupStorage: STORAGE,
    };
    assertHostileInputHandled(
      {
        name: 'ArkInstallation (account key)',
        valid: key,
        paths: ['auth.keyEnvVar', 'auth.cloudName', 'auth.mode'],
        build: (c, p) => new ArkInstallation(c, 'v', p),
      },
      { numRuns: 40 },
    );
  });

  it('ArkInstallation read-only (restore cluster)', () => {
    assertHostileInputHandled(
      {
        name: 'ArkInstallation (readOnly)',
        valid: { auth: WORKLOAD_IDENTITY, backupStorage: STORAGE, readOnly: true } as ArkInstallationProps,
        paths: ['readOnly', 'defaultVolumesToFsBackup', 'backupStorage.default'],
        build: (c, p) => new ArkInstallation(c, 'v', p),
      },
      { numRuns: 40 },
    );
  });

  it('ArkBackupStorageLocation (addBackupStorageLocation and the class)', () => {
    const valid = {
      storageAccount: 'aksvelero02',
      container: 'velero',
      resourceGroup: 'rg-backups',
      name: 'secondary',
      readOnly: false,
      default: false,
      prefix: 'a/b',
      labels: { team: 'platform' },
      annotations: { owner: 'platform' },
    };
    assertHostileInputHandled(
      {
        name: 'ArkBackupStorageLocation',
        valid,
        paths: [...Object.keys(valid), 'subscriptionId', 'storageAccountUri', 'blockSizeInBytes', 'sku', 'config'],
        build: (c, p) => installation(c).addBackupStorageLocation('second', p),
      },
      { numRuns: 150 },
    );
    assertHostileInputHandled(
      {
        name: 'ArkBackupStorageLocation (installation)',
        valid: { ...valid, installation: 'the installation' as unknown },
        paths: ['installation'],
        build: (c, p) => {
          const i = installation(c);
          new ArkBackupStorageLocation(c, 'bsl', {
            ...p,
            installation: p.installation === 'the installation' ? i : p.installation,
          } as never);
        },
      },
      { numRuns: 40 },
    );
  });

  it('ArkSchedule (addSchedule and the class)', () => {
    const valid = {
      schedule: '0 2 * * *',
      timeZone: 'Europe/Amsterdam',
      name: 'daily',
      includedNamespaces: ['payments'],
      excludedNamespaces: ['kube-system'],
      labelSelector: { app: 'ledger' },
      snapshotVolumes: true,
      defaultVolumesToFsBackup: false,
      ttl: Duration.days(30),
      paused: false,
      labels: { team: 'platform' },
      annotations: { owner: 'platform' },
    };
    assertHostileInputHandled(
      {
        name: 'ArkSchedule',
        valid,
        paths: [...Object.keys(valid), 'includedNamespaces.0', 'labelSelector.app', 'storageLocation', 'installation'],
        build: (c, p) => {
          const i = installation(c);
          new ArkSchedule(c, 'daily', { installation: i, ...p } as never);
        },
      },
      { numRuns: 250 },
    );
    assertHostileInputHandled(
      {
        name: 'addSchedule id',
        valid: { 'addSchedule id': 'daily' as unknown },
        paths: ['addSchedule id'],
        build: (c, p) => installation(c).addSchedule(p['addSchedule id'] as string, { schedule: '@daily' }),
      },
      { numRuns: 40 },
    );
  });

  it('markForFsBackup and excludeFromFsBackup', () => {
    const build = (mark: typeof markForFsBackup) => (c: Chart, p: { workload?: unknown; volumes?: unknown }) => {
      const pod = new kplus.Pod(c, 'pod', {
        containers: [{ image: 'nginx:1.27', securityContext: { ensureNonRoot: false } }],
      });
      pod.addVolume(kplus.Volume.fromEmptyDir(c, 'data', 'data'));
      mark((p.workload === 'pod' ? pod : p.workload) as never, p.volumes as never);
    };
    for (const [name, mark] of [
      ['markForFsBackup', markForFsBackup],
      ['excludeFromFsBackup', excludeFromFsBackup],
    ] as const) {
      assertHostileInputHandled(
        {
          name,
          valid: { workload: 'pod', volumes: ['data'] },
          paths: ['volumes', 'volumes.0', 'workload'],
          build: build(mark),
        },
        { numRuns: 60 },
      );
    }
  });

  it('migrateArkManifest and migrateArkObjects', () => {
    const valid = {
      apiVersion: 'ark.heptio.com/v1',
      kind: 'Schedule',
      metadata: { name: 'daily', namespace: 'heptio-ark', labels: { 'ark-schedule': 'daily' } },
      spec: { schedule: '0 1 * * *', template: { includedNamespaces: ['heptio-ark'], ttl: '720h0m0s' } },
    };
    assertHostileInputHandled(
      {
        name: 'migrateArkManifest',
        valid,
        paths: [
          'apiVersion',
          'kind',
          'metadata',
          'metadata.labels',
          'metadata.namespace',
          'spec',
          'spec.template.includedNamespaces',
        ],
        // The result is the user's own object renamed, not validated: it must come back, or a validation error.
        build: (_c, p) => void migrateArkManifest(p),
      },
      { numRuns: 80 },
    );
    assertHostileInputHandled(
      {
        name: 'migrateArkObjects',
        valid: { scope: 'chart' },
        paths: ['scope'],
        build: (c, p) => {
          migrateArkObjects((p.scope === 'chart' ? c : p.scope) as never);
        },
      },
      { numRuns: 40 },
    );
  });
});
