import { Chart, Duration, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { ArkSchedule, ArkScheduleOptions, ArkScheduleProps, VeleroSchedule } from '../../lib';
import { synthValid } from '../support/validate-manifests';
import { STORAGE, install, rejected, synthInstall } from './fixtures';

describe('ArkSchedule', () => {
  it('defaults: every namespace, 30 days, the default location, no disk snapshots without a snapshot location', () => {
    const { one } = synthInstall({}, (i) => i.addSchedule('nightly', { schedule: '0 2 * * *', name: 'nightly' }));
    const schedule = one('Schedule');
    expect(schedule.metadata).toEqual({
      name: 'nightly',
      namespace: 'velero',
      labels: { component: 'velero', 'aks-stateful.io/needs-crds': 'velero.io' },
    });
    expect(schedule.spec).toEqual({
      schedule: '0 2 * * *',
      template: { snapshotVolumes: false, ttl: '720h', storageLocation: 'default' },
    });
  });

  it("leaves file-system backup to the installation's default unless the schedule sets it", () => {
    const { objects } = synthInstall({ nodeAgent: true, defaultVolumesToFsBackup: true }, (i) => {
      i.addSchedule('inherit', { schedule: '@daily', name: 'inherit' });
      i.addSchedule('opt-out', { schedule: '@daily', name: 'opt-out', defaultVolumesToFsBackup: false });
    });
    const schedules = objects.filter((o: any) => o.kind === 'Schedule');
    const byName = Object.fromEntries(schedules.map((o: any) => [o.metadata.name, o.spec.template]));
    // Velero uses the server's --default-volumes-to-fs-backup only where the field is absent.
    expect(byName.inherit).not.toHaveProperty('defaultVolumesToFsBackup');
    expect(byName['opt-out'].defaultVolumesToFsBackup).toBe(false);
    const server = objects.find((o: any) => o.kind === 'Deployment');
    expect(server.spec.template.spec.containers[0].args).toContain('--default-volumes-to-fs-backup=true');
  });

  it('snapshots volumes by default when the installation has a snapshot location', () => {
    const { one } = synthInstall({ volumeSnapshots: { resourceGroup: 'rg-snapshots', name: 'disks' } }, (i) =>
      i.addSchedule('nightly', { schedule: '@daily' }),
    );
    expect(one('Schedule').spec.template).toMatchObject({ snapshotVolumes: true, volumeSnapshotLocations: ['disks'] });
  });

  it('renders every option, the time zone as CRON_TZ', () => {
    const props: Required<ArkScheduleOptions> = {
      schedule: '30 1 * * 1-5',
      timeZone: 'Europe/Amsterdam',
      name: 'wp-weekdays',
      includedNamespaces: ['wp', 'db'],
      excludedNamespaces: ['kube-system'],
      labelSelector: { 'app.kubernetes.io/part-of': 'wordpress' },
      snapshotVolumes: false,
      defaultVolumesToFsBackup: true,
      ttl: '168h',
      storageLocation: undefined as never,
      paused: true,
      labels: { team: 'wordpress', component: 'someone-else' },
      annotations: { 'example.com/owner': 'wp-team' },
    };
    const { one } = synthInstall({ nodeAgent: true, volumeSnapshots: { resourceGroup: 'rg-snapshots' } }, (i) => {
      const archive = i.addBackupStorageLocation('archive', { ...STORAGE, container: 'archive', name: 'archive' });
      i.addSchedule('wp', { ...props, storageLocation: archive });
    });
    const schedule = one('Schedule');
    expect(schedule.metadata.name).toBe('wp-weekdays');
    expect(schedule.metadata.labels.team).toBe('wordpress');
    // The library's own labels win over the user's.
    expect(schedule.metadata.labels.component).toBe('velero');
    expect(schedule.metadata.annotations).toEqual({ 'example.com/owner': 'wp-team' });
    expect(schedule.spec).toEqual({
      schedule: 'CRON_TZ=Europe/Amsterdam 30 1 * * 1-5',
      paused: true,
      template: {
        includedNamespaces: ['wp', 'db'],
        excludedNamespaces: ['kube-system'],
        labelSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'wordpress' } },
        snapshotVolumes: false,
        defaultVolumesToFsBackup: true,
        ttl: '168h',
        storageLocation: 'archive',
      },
    });
  });

  it('can live in another chart and is also exported as VeleroSchedule', () => {
    const app = Testing.app();
    const { installation } = install({}, new Chart(app, 'velero'));
    const schedules = new Chart(app, 'schedules');
    const schedule = new VeleroSchedule(schedules, 'hourly', {
      installation,
      schedule: '@hourly',
      includedNamespaces: ['*'],
    });
    expect(schedule).toBeInstanceOf(ArkSchedule);
    const [object] = synthValid(schedules);
    expect(object.metadata.namespace).toBe('velero');
    expect(object.spec.template.includedNamespaces).toEqual(['*']);
  });

  const cases: Array<[string, Partial<ArkScheduleProps>, RegExp]> = [
    [
      'a six-field cron',
      { schedule: '0 0 2 * * *' },
      rejected('test/velero/s', 'schedule', '"0 0 2 * * *"', 'it has 6 fields'),
    ],
    [
      'day of week 7',
      { schedule: '0 2 * * 7' },
      rejected('test/velero/s', 'schedule', '"0 2 * * 7"', 'outside 0-6 (Sunday is 0)'),
    ],
    [
      'day of week range ending in 7',
      { schedule: '0 2 * * 5-7' },
      rejected('test/velero/s', 'schedule', '"0 2 * * 5-7"', 'outside 0-6'),
    ],
    [
      'CRON_TZ inside the expression',
      { schedule: 'CRON_TZ=Europe/Paris 0 2 * * *' },
      rejected('test/velero/s', 'schedule', '"CRON_TZ=Europe/Paris 0 2 * * *"', 'put the time zone in timeZone'),
    ],
    [
      'an unknown time zone',
      { timeZone: 'CET+1' },
      rejected('test/velero/s', 'timeZone', '"CET+1"', 'an IANA time zone name'),
    ],
    ['a ttl in days', { ttl: '30d' }, rejected('test/velero/s', 'ttl', '"30d"', 'there is no "d": 30 days is "720h"')],
    ['a ttl as a number', { ttl: 720 as never }, rejected('test/velero/s', 'ttl', '720', 'a cdk8s Duration or')],
    [
      'a ttl Duration of a fraction of a second',
      { ttl: Duration.millis(1500) },
      rejected('test/velero/s', 'ttl (seconds)', '1.5', 'a positive whole number of seconds'),
    ],
    [
      'disk snapshots without a snapshot location',
      { snapshotVolumes: true },
      rejected(
        'test/velero/s',
        'snapshotVolumes',
        'true',
        'without a snapshot location there is nowhere to put disk snapshots',
      ),
    ],
    [
      'file-system backup without the node agent',
      { defaultVolumesToFsBackup: true },
      rejected('test/velero/s', 'defaultVolumesToFsBackup', 'true', 'the node agent (nodeAgent: true)'),
    ],
    [
      'a bad namespace',
      { includedNamespaces: ['WP'] },
      rejected('test/velero/s', 'includedNamespaces[0]', '"WP"', 'a DNS-1123 label'),
    ],
    [
      'an empty namespace list',
      { includedNamespaces: [] },
      rejected('test/velero/s', 'includedNamespaces', '[]', 'a non-empty list of namespaces'),
    ],
    [
      'a repeated namespace',
      { excludedNamespaces: ['a1', 'a1'] },
      rejected('test/velero/s', 'excludedNamespaces', '["a1","a1"]', 'each namespace once'),
    ],
    [
      'a namespace both included and excluded',
      { includedNamespaces: ['wp'], excludedNamespaces: ['wp'] },
      rejected('test/velero/s', 'excludedNamespaces', '["wp"]', 'no namespace that is also included (wp)'),
    ],
    [
      'a bad label selector',
      { labelSelector: { app: 'word press' } },
      rejected('test/velero/s', 'labelSelector["app"]', '"word press"', 'a label value'),
    ],
    [
      'a name too long for backup labels',
      { name: 'a'.repeat(49) },
      rejected('test/velero/s', 'name', `"${'a'.repeat(49)}"`, 'at most 48 characters'),
    ],
  ];
  it.each(cases)('rejects %s', (_, props, message) => {
    const { installation } = install();
    expect(() => new ArkSchedule(installation, 's', { schedule: '@daily', installation, ...props })).toThrow(message);
  });

  it('rejects a read-only location and a location of another installation', () => {
    const { installation } = install();
    const readOnly = installation.addBackupStorageLocation('old', {
      ...STORAGE,
      container: 'old-backups',
      readOnly: true,
      name: 'old',
    });
    expect(() => installation.addSchedule('s', { schedule: '@daily', storageLocation: readOnly })).toThrow(
      rejected('test/velero/s', 'storageLocation', '"old"', 'a ReadWrite location'),
    );
    const other = install({}, new Chart(Testing.app(), 'other')).installation;
    expect(() =>
      installation.addSchedule('t', { schedule: '@daily', storageLocation: other.backupStorageLocation }),
    ).toThrow(
      rejected(
        'test/velero/t',
        'storageLocation',
        '"other/velero/BackupStorageLocation"',
        'a location of test/velero: test/velero/BackupStorageLocation, test/velero/old',
      ),
    );
  });
});

describe('ArkSchedule durations', () => {
  it('takes the ttl as a cdk8s Duration, rendered as the Go duration Velero reads', () => {
    const ttlOf = (ttl: Duration) =>
      synthInstall({}, (i) => i.addSchedule('nightly', { schedule: '@daily', ttl })).one('Schedule').spec.template.ttl;
    expect(ttlOf(Duration.days(30))).toBe('720h');
    expect(ttlOf(Duration.minutes(90))).toBe('1h30m');
    expect(ttlOf(Duration.seconds(45))).toBe('45s');
  });
});

describe('ArkSchedule names that stay stable', () => {
  function scheduleNames(chartId: string): string[] {
    const app = Testing.app();
    const chart = new Chart(app, chartId);
    const resources = new Chart(app, `${chartId}-resources`);
    const { installation } = install({ customResourcesScope: resources }, chart);
    installation.addSchedule('payments-daily', { schedule: '0 2 * * *' });
    return resources.toJson().flatMap((o: any) => (o.kind === 'Schedule' ? [o.metadata.name] : []));
  }

  it('names a schedule without a name after the id given to addSchedule, whatever the charts are called', () => {
    expect(scheduleNames('velero')).toEqual(['payments-daily']);
    expect(scheduleNames('renamed')).toEqual(['payments-daily']);
  });

  it('names a directly constructed schedule after its construct id', () => {
    const { chart, installation } = install();
    const schedule = new ArkSchedule(chart, 'nightly', { schedule: '@daily', installation });
    expect(schedule.name).toBe('nightly');
  });

  it('refuses an id that cannot be the default name, naming the id', () => {
    const { installation } = install();
    expect(() => installation.addSchedule('Payments_Daily', { schedule: '@daily' })).toThrow(
      rejected(
        'test/velero',
        'addSchedule id',
        '"Payments_Daily"',
        'since it names the Schedule by default; or give a name',
      ),
    );
    expect(() => installation.addSchedule('x'.repeat(49), { schedule: '@daily' })).toThrow(/at most 48 characters/);
    expect(installation.addSchedule('Upper', { schedule: '@daily', name: 'upper' }).name).toBe('upper');
  });
});
