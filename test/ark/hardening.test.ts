/**
 * Issue 12 for lib/ark, one block per class of defect: each case failed (or rendered something
 * else than asked) before the fix. The property-based sweep is hostile-props.test.ts; these are the
 * cases it cannot see, because the old outcome was valid YAML that did the wrong thing.
 */
import { Duration, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { ArkBackupStorageLocation, ArkInstallationProps, ArkSchedule } from '../../lib';
import { AksStatefulValidationError } from '../../lib/core/errors';
import { ACCOUNT_KEY, KUBECTL_IMAGE_TAG, NEWEST, STORAGE, install, rejected, synthInstall } from './fixtures';

/** The validation error building `props` throws (fails the test when it throws nothing or something else). */
function errorOf(build: () => unknown): AksStatefulValidationError {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(AksStatefulValidationError);
    return error as AksStatefulValidationError;
  }
  throw new Error('expected a validation error, got none');
}
const installError = (props: Record<string, unknown>) => errorOf(() => install(props as Partial<ArkInstallationProps>));

describe('booleans are booleans, never read by truthiness', () => {
  it("nodeAgent: 'false' is refused (it rendered the root hostPath DaemonSet)", () => {
    expect(() => install({ nodeAgent: 'false' as never })).toThrow(
      rejected('test/velero', 'nodeAgent', '"false"', 'true, false or node agent options'),
    );
    expect(synthInstall({ nodeAgent: false }).all('DaemonSet')).toHaveLength(0);
  });

  it("a location's readOnly: 'false' is refused (it became ReadOnly)", () => {
    const { installation } = install();
    expect(() =>
      installation.addBackupStorageLocation('second', {
        ...STORAGE,
        container: 'second',
        readOnly: 'false' as never,
      }),
    ).toThrow(rejected('test/velero/second', 'readOnly', '"false"', 'true or false (a boolean, not a string)'));
  });

  it('readOnly: 1 names readOnly, not auth', () => {
    expect(installError({ readOnly: 1, auth: ACCOUNT_KEY }).field).toBe('readOnly');
  });

  it.each([
    ['createNamespace', { createNamespace: 'false' }],
    ['defaultVolumesToFsBackup', { defaultVolumesToFsBackup: 'false' }],
    ['nodeAgent.privileged', { nodeAgent: { privileged: 'false' } }],
    [
      'auth.useAAD',
      { auth: { mode: 'servicePrincipal', clientId: '11111111-1111-1111-1111-111111111111', useAAD: 'false' } },
    ],
    ['backupStorage.default', { backupStorage: { ...STORAGE, default: 'false' } }],
    ['volumeSnapshots.incremental', { volumeSnapshots: { resourceGroup: 'rg-snapshots', incremental: 0 } }],
  ])('%s given as a string or number is refused', (field, props) => {
    const error = installError(props);
    expect(error.field).toBe(field);
    expect(error.allowed).toMatch(/true or false/);
  });

  it.each([
    ['paused', { paused: 'false' }],
    ['snapshotVolumes', { snapshotVolumes: 'false' }],
    ['defaultVolumesToFsBackup', { defaultVolumesToFsBackup: 'false' }],
  ])("a schedule's %s given as a string is refused (paused: 'false' paused it)", (field, options) => {
    const { installation } = install({ nodeAgent: true });
    const error = errorOf(() => installation.addSchedule('daily', { schedule: '@daily', ...(options as object) }));
    expect(error.field).toBe(field);
  });
});

describe('strings, arrays and objects are what they claim to be', () => {
  it("images: 'myacr.azurecr.io/velero' is refused (it was spread character by character and ignored)", () => {
    expect(installError({ images: 'myacr.azurecr.io/velero' }).field).toBe('images');
    expect(installError({ images: { veleroo: 'myacr.azurecr.io/velero' } }).field).toBe('images.veleroo');
  });

  it("volumeSnapshots.tags: 'abc' is refused (it rendered tags 0=a,1=b,2=c)", () => {
    expect(installError({ volumeSnapshots: { resourceGroup: 'rg-snapshots', tags: 'abc' } }).field).toBe(
      'volumeSnapshots.tags',
    );
  });

  it("nodeAgent: 'yes' and customResourcesScope: 'chart' are refused (the first was taken as on, the second threw a TypeError)", () => {
    expect(installError({ nodeAgent: 'yes' }).field).toBe('nodeAgent');
    expect(installError({ customResourcesScope: 'chart' }).field).toBe('customResourcesScope');
    expect(installError({ backupStorage: 'aksvelero01/velero' }).field).toBe('backupStorage');
    // A construct outside any Chart cannot hold ApiObjects (cdk8s threw its own error at construction).
    expect(installError({ customResourcesScope: new Construct(Testing.app(), 'loose') }).field).toBe(
      'customResourcesScope',
    );
  });

  it("auth.keyEnvVar: ['AZURE_KEY'] is refused (a one-element array passed the regex)", () => {
    expect(installError({ auth: { mode: 'storageAccountKey', keyEnvVar: ['AZURE_KEY'] } }).field).toBe(
      'auth.keyEnvVar',
    );
  });

  it('a schedule with a storage location that is a string, or an installation that is not one, is refused', () => {
    const { installation, chart } = install();
    expect(
      errorOf(() => installation.addSchedule('daily', { schedule: '@daily', storageLocation: 'default' as never }))
        .field,
    ).toBe('storageLocation');
    expect(
      errorOf(() => new ArkSchedule(chart, 's', { schedule: '@daily', installation: 'velero' as never })).field,
    ).toBe('installation');
    expect(
      errorOf(() => new ArkBackupStorageLocation(chart, 'b', { ...STORAGE, installation: {} as never })).field,
    ).toBe('installation');
  });

  it('a schedule id that is a number is refused (123 passed the name check as "123")', () => {
    const { installation } = install();
    expect(errorOf(() => installation.addSchedule(123 as never, { schedule: '@daily' })).field).toBe('addSchedule id');
  });
});

describe('values Velero or Kubernetes refuse are refused at construction', () => {
  it("a ttl longer than Go's time.Duration (about 292 years) is refused, as text or as a Duration", () => {
    const { installation } = install();
    expect(() => installation.addSchedule('a', { schedule: '@daily', ttl: '2562048h' })).toThrow(
      rejected('test/velero/a', 'ttl', '"2562048h"', 'at most 2562047h47m16s'),
    );
    expect(() => installation.addSchedule('b', { schedule: '@daily', ttl: Duration.days(400000) })).toThrow(
      rejected('test/velero/b', 'ttl (seconds)', '34560000000', 'at most 2562047h47m16s'),
    );
    // The largest one Go parses is still accepted.
    const { one } = synthInstall({}, (i) => i.addSchedule('c', { schedule: '@daily', ttl: '2562047h47m16s' }));
    expect(one('Schedule').spec.template.ttl).toBe('2562047h47m16s');
  });

  it('Duration props given a number or a fraction of a second are validation errors', () => {
    const { installation } = install();
    expect(errorOf(() => installation.addSchedule('a', { schedule: '@daily', ttl: 1500 as never })).field).toBe('ttl');
    expect(errorOf(() => installation.addSchedule('b', { schedule: '@daily', ttl: Duration.millis(1500) })).field).toBe(
      'ttl (seconds)',
    );
    expect(installError({ volumeSnapshots: { resourceGroup: 'rg', apiTimeout: 300 } }).field).toBe(
      'volumeSnapshots.apiTimeout',
    );
  });

  it('time zones are spelled exactly as in the tz database (Velero never runs a schedule in "utc")', () => {
    const { installation } = install();
    expect(
      errorOf(() => installation.addSchedule('a', { schedule: '@daily', timeZone: 'europe/amsterdam' })).field,
    ).toBe('timeZone');
    expect(errorOf(() => installation.addSchedule('b', { schedule: '@daily', timeZone: 'utc' })).field).toBe(
      'timeZone',
    );
  });

  it("a blob prefix starting with '-' is refused (az reads it as an option)", () => {
    expect(() => install({ backupStorage: { ...STORAGE, prefix: '-rf' } })).toThrow(
      rejected('test/velero/BackupStorageLocation', 'backupStorage.prefix', '"-rf"', "none starting with '.' or '-'"),
    );
  });

  it('errors about a nested prop name it as the user wrote it (backupStorage.subscriptionId, not subscriptionId)', () => {
    expect(installError({ backupStorage: { ...STORAGE, subscriptionId: 'prod' } }).field).toBe(
      'backupStorage.subscriptionId',
    );
    expect(installError({ volumeSnapshots: { resourceGroup: 'rg', name: 'Disks' } }).field).toBe(
      'volumeSnapshots.name',
    );
  });
});

describe('images: the core image rule, and pinning by digest', () => {
  const digest = `sha256:${'0'.repeat(64)}`;

  it('renders <repository>:<tag>@<digest> for every image when digests are given', () => {
    const { one } = synthInstall({
      nodeAgent: true,
      imageDigests: { velero: digest, azurePlugin: digest, kubectl: digest },
    });
    const pod = one('Deployment').spec.template.spec;
    expect(pod.containers[0].image).toBe(`velero/velero:v${NEWEST.velero}@${digest}`);
    expect(pod.initContainers.map((c: any) => c.image)).toEqual([
      `registry.k8s.io/kubectl:${KUBECTL_IMAGE_TAG}@${digest}`,
      `velero/velero-plugin-for-microsoft-azure:v${NEWEST.plugin}@${digest}`,
    ]);
    expect(one('Job').spec.template.spec.containers[0].image).toBe(`velero/velero:v${NEWEST.velero}@${digest}`);
    expect(one('DaemonSet').spec.template.spec.containers[0].image).toBe(`velero/velero:v${NEWEST.velero}@${digest}`);
  });

  it.each([
    ['imageDigests.velero', { imageDigests: { velero: 'sha256:abc' } }],
    ['imageDigests.kubectl', { imageDigests: { kubectl: `SHA256:${'0'.repeat(64)}` } }],
    ['imageDigests.azureplugin', { imageDigests: { azureplugin: digest } }],
    ['imageDigests', { imageDigests: digest }],
    ['images.velero', { images: { velero: `velero/velero@${digest}` } }],
    ['images.velero', { images: { velero: `velero/velero:v${NEWEST.velero}` } }],
    ['images.kubectl', { images: { kubectl: 'registry.k8s.io/Kubectl' } }],
  ])('refuses %s', (field, props) => {
    expect(installError(props).field).toBe(field);
  });
});

describe('labels and annotations of the installation (issue 10)', () => {
  it('go on every object the installation renders; the locations add their own; Velero wins', () => {
    const { objects, one } = synthInstall({
      nodeAgent: true,
      labels: { team: 'platform', component: 'mine' },
      annotations: { owner: 'platform' },
      backupStorage: { ...STORAGE, labels: { team: 'backups' } },
      volumeSnapshots: { resourceGroup: 'rg-snapshots' },
    });
    expect(objects.length).toBeGreaterThan(10);
    for (const object of objects) {
      expect(object.metadata.labels.component, object.kind).toBe('velero');
      expect(object.metadata.annotations?.owner, object.kind).toBe('platform');
    }
    expect(one('BackupStorageLocation').metadata.labels.team).toBe('backups');
    expect(one('VolumeSnapshotLocation').metadata.labels.team).toBe('platform');
    expect(one('Namespace').metadata.labels.team).toBe('platform');
    expect(one('Namespace').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
  });

  it('are checked like every construct’s', () => {
    expect(installError({ labels: 'abc' }).field).toBe('labels');
    expect(installError({ annotations: { 'bad key!': 'x' } }).field).toBe('annotations key');
    expect(installError({ backupStorage: { ...STORAGE, labels: ['a'] } }).field).toBe('backupStorage.labels');
  });
});
