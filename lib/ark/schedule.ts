import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { MetadataProps, metadata, nonEmpty, resolveMetadataProps } from '../core/metadata';
import { checkCronSchedule, checkTimeZone } from '../core/cron';
import { invalid } from '../core/errors';
import { checkDnsLabel, checkLabels } from '../core/names';
import type { ArkBackupStorageLocation } from './backup-storage-location';
import { checkGoDuration } from './go-duration';
import { IArkInstallation, checkInstallation, locationsOf } from './installation-ref';
import { checkBoolean, checkOptionalBoolean, checkRecord } from '../core/types';
import { NEEDS_VELERO_CRDS_LABEL, VELERO_CRDS_GROUP, VELERO_LABELS, dependOnCrdJob } from './labels';

/**
 * The Schedule's name: the given one, or else the id (short and stable, unlike a name generated
 * from the construct path, which a chart rename would change along with every backup's name).
 * `idField` names where the user wrote the id, for the error.
 */
export function defaultScheduleName(scope: Construct, idField: string, id: string): string {
  if (typeof id !== 'string' || !/^[a-z0-9]([-a-z0-9]{0,46}[a-z0-9])?$/.test(id)) {
    invalid(
      scope,
      idField,
      id,
      "a DNS label of at most 48 characters (lowercase letters, digits and '-'), since it names the Schedule by default; or give a name",
    );
  }
  return id;
}

/** What a schedule backs up and how; everything but the installation. */
export interface ArkScheduleOptions extends MetadataProps {
  /** Five-field cron expression or macro, e.g. "0 2 * * *" or "@daily". */
  readonly schedule: string;
  /** IANA time zone the cron expression is read in (rendered as `CRON_TZ=<zone>`). @default UTC, the server's clock */
  readonly timeZone?: string;
  /**
   * Name of the Schedule, a DNS label of at most 48 characters; backups are named
   * `<name>-<yyyyMMddHHmmss>`, so restores, `velero backup get` and monitoring refer to it.
   * Immutable once deployed: renaming creates a new Schedule and a new series of backups.
   * @default the id given to `addSchedule` (or the construct id), unchanged by chart or construct renames
   */
  readonly name?: string;
  /** Namespaces to back up (`template.includedNamespaces`). @default every namespace */
  readonly includedNamespaces?: string[];
  /** Namespaces to leave out (`template.excludedNamespaces`). @default none */
  readonly excludedNamespaces?: string[];
  /** Only objects with these labels (`template.labelSelector.matchLabels`). @default every object */
  readonly labelSelector?: Record<string, string>;
  /** Take Azure disk snapshots of persistent volumes. @default true when the installation has volume snapshots, else false */
  readonly snapshotVolumes?: boolean;
  /**
   * Copy every pod volume's files with the node agent (kopia) unless excluded with
   * `backup.velero.io/backup-volumes-excludes`. Needs the node agent. @default false: only volumes marked with {@link markForFsBackup}
   */
  readonly defaultVolumesToFsBackup?: boolean;
  /**
   * How long backups are kept: a cdk8s `Duration` (`Duration.days(30)`, rendered "720h") or a Go
   * duration ("720h" = 30 days; there is no "d" unit). @default Duration.days(30), rendered '720h'
   */
  readonly ttl?: Duration | string;
  /** Location the backups go to; must be writable. @default the installation's default location */
  readonly storageLocation?: ArkBackupStorageLocation;
  /** Create the schedule paused. @default false */
  readonly paused?: boolean;
}

/** Props of {@link ArkSchedule}. */
export interface ArkScheduleProps extends ArkScheduleOptions {
  /** The installation that runs the schedule (the Schedule lives in its namespace). */
  readonly installation: IArkInstallation;
}

/**
 * A Velero `Schedule` (what Ark called an ArkSchedule): a cron expression and the backup
 * template, checked against the installation (no schedules on a read-only installation, disk
 * snapshots only with a snapshot location, file-system backup only with the node agent).
 */
export class ArkSchedule extends Construct {
  public readonly name: string;
  /** The expression as rendered, with `CRON_TZ=` when a time zone is given. */
  public readonly schedule: string;
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: ArkScheduleProps) {
    super(scope, id);
    checkRecord(this, 'props', props);
    const installation = checkInstallation(this, 'installation', props.installation);
    if (installation.readOnly) {
      invalid(
        this,
        'installation',
        installation.node.path,
        'an installation that is not readOnly: a read-only (restore) cluster takes no backups',
      );
    }
    const cron = checkCronSchedule(this, 'schedule', props.schedule);
    this.schedule =
      props.timeZone === undefined ? cron : `CRON_TZ=${checkTimeZone(this, 'timeZone', props.timeZone)} ${cron}`;

    const location =
      props.storageLocation === undefined ? locationsOf(installation).find((l) => l.isDefault) : props.storageLocation;
    if (!location)
      invalid(this, 'storageLocation', undefined, 'a backup storage location: the installation has no default one');
    if (!locationsOf(installation).includes(location)) {
      invalid(
        this,
        'storageLocation',
        typeof location?.node?.path === 'string' ? location.node.path : location,
        `a location of ${installation.node.path}: ${locationsOf(installation)
          .map((l) => l.node.path)
          .join(', ')}`,
      );
    }
    if (location.readOnly)
      invalid(
        this,
        'storageLocation',
        location.name,
        'a ReadWrite location: Velero refuses to write backups to a ReadOnly one',
      );

    const snapshotVolumes = checkBoolean(
      this,
      'snapshotVolumes',
      props.snapshotVolumes,
      installation.volumeSnapshotLocation !== undefined,
    );
    if (snapshotVolumes && !installation.volumeSnapshotLocation) {
      invalid(
        this,
        'snapshotVolumes',
        true,
        'false unless the installation has volumeSnapshots: without a snapshot location there is nowhere to put disk snapshots',
      );
    }
    // Unset stays unset: Velero then applies the server's --default-volumes-to-fs-backup, which an
    // explicit false here would silently override.
    const fsBackup = checkOptionalBoolean(this, 'defaultVolumesToFsBackup', props.defaultVolumesToFsBackup);
    const paused = checkBoolean(this, 'paused', props.paused, false);
    if (fsBackup && !installation.hasNodeAgent) {
      invalid(
        this,
        'defaultVolumesToFsBackup',
        true,
        'false unless the installation runs the node agent (nodeAgent: true): file-system backup happens on the nodes',
      );
    }
    const included = this.checkNamespaces('includedNamespaces', props.includedNamespaces);
    const excluded = this.checkNamespaces('excludedNamespaces', props.excludedNamespaces);
    const overlap = (included ?? []).filter((ns) => (excluded ?? []).includes(ns));
    if (overlap.length > 0)
      invalid(this, 'excludedNamespaces', excluded, `no namespace that is also included (${overlap.join(', ')})`);
    const labels =
      props.labelSelector === undefined ? undefined : checkLabels(this, 'labelSelector', props.labelSelector);
    const ttl = checkGoDuration(this, 'ttl', props.ttl ?? '720h', '720h');

    const extra = resolveMetadataProps(this, props);
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'velero.io/v1',
      kind: 'Schedule',
      metadata: metadata({
        name:
          props.name === undefined ? defaultScheduleName(this, 'id', id) : checkDnsLabel(this, 'name', props.name, 48),
        namespace: installation.namespace,
        // The library's labels win: Velero and the apply order select on them.
        labels: { ...extra.labels, ...VELERO_LABELS, [NEEDS_VELERO_CRDS_LABEL]: VELERO_CRDS_GROUP },
        annotations: nonEmpty(extra.annotations),
      }),
      spec: {
        schedule: this.schedule,
        ...(paused ? { paused: true } : {}),
        template: {
          ...(included ? { includedNamespaces: included } : {}),
          ...(excluded ? { excludedNamespaces: excluded } : {}),
          ...(labels && Object.keys(labels).length > 0 ? { labelSelector: { matchLabels: labels } } : {}),
          snapshotVolumes,
          ...(fsBackup === undefined ? {} : { defaultVolumesToFsBackup: fsBackup }),
          ttl,
          storageLocation: location.name,
          ...(snapshotVolumes ? { volumeSnapshotLocations: [installation.volumeSnapshotLocation!.name] } : {}),
        },
      },
    });
    this.name = this.apiObject.name;
    dependOnCrdJob(this.apiObject, installation.crdJob);
  }

  private checkNamespaces(field: string, namespaces: string[] | undefined): string[] | undefined {
    if (namespaces === undefined) return undefined;
    if (!Array.isArray(namespaces) || namespaces.length === 0)
      invalid(this, field, namespaces, 'a non-empty list of namespaces, or leave it unset');
    namespaces.forEach((ns, i) => {
      if (ns !== '*') checkDnsLabel(this, `${field}[${i}]`, ns);
    });
    if (new Set(namespaces).size !== namespaces.length) invalid(this, field, namespaces, 'each namespace once');
    return [...namespaces];
  }
}
