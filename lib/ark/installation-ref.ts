import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { RoleAssignment } from '../azure/requirement-types';
import { invalid } from '../core/errors';
import { ResolvedArkAuth } from './auth';

/**
 * What a storage location, a snapshot location or a schedule needs of the installation it belongs
 * to. They depend on this narrow view, never on ArkInstallation itself, so the installation can
 * build them without an import cycle.
 */
export interface IArkInstallation extends IConstruct {
  /** Namespace of the server; Velero reads its custom resources only there. */
  readonly namespace: string;
  /** Service account the server runs as (workload identity federates it). */
  readonly serviceAccountName: string;
  /** How Velero authenticates to Azure. */
  readonly auth: ResolvedArkAuth;
  /** A restore-only installation: nothing in it may write to a backup container. */
  readonly readOnly: boolean;
  /** The Job that installs Velero's CRDs; every custom resource is applied after it. */
  readonly crdJob: ApiObject;
  /** Whether the node agent (file-system backup) runs. */
  readonly hasNodeAgent: boolean;
  /** The installation's VolumeSnapshotLocation, when it takes disk snapshots. */
  readonly volumeSnapshotLocation?: { readonly name: string };
}

/** What the installation and schedules read of a BackupStorageLocation. */
export interface IArkBackupStorageLocation extends IConstruct {
  readonly name: string;
  readonly isDefault: boolean;
  readonly readOnly: boolean;
  readonly roleAssignments: readonly RoleAssignment[];
}

// Locations are recorded here, beside the interface, so that a location joins its installation
// without calling back into the installation's class.
const LOCATIONS = new WeakMap<IArkInstallation, IArkBackupStorageLocation[]>();

/** Records a location of `installation`: one default, unique names. */
export function joinInstallation(installation: IArkInstallation, location: IArkBackupStorageLocation): void {
  const locations = LOCATIONS.get(installation) ?? [];
  if (location.isDefault) {
    const other = locations.find((l) => l.isDefault);
    if (other)
      invalid(
        location,
        'default',
        true,
        `false: ${other.node.path} is already the default location of ${installation.node.path}`,
      );
  }
  const same = locations.find((l) => l.name === location.name);
  if (same) invalid(location, 'name', location.name, `a name not used by ${same.node.path}`);
  locations.push(location);
  LOCATIONS.set(installation, locations);
}

/** Every location of `installation`, in the order they were created. */
export function locationsOf(installation: IArkInstallation): readonly IArkBackupStorageLocation[] {
  return [...(LOCATIONS.get(installation) ?? [])];
}

/**
 * Checks that a prop is an installation (by shape: the class cannot be imported here without a
 * cycle). A string or a plain object would otherwise fail later as a TypeError.
 */
export function checkInstallation(scope: IConstruct, field: string, value: unknown): IArkInstallation {
  const candidate = value as Partial<IArkInstallation> | null | undefined;
  const ok =
    candidate !== null &&
    typeof candidate === 'object' &&
    typeof candidate.node?.path === 'string' &&
    typeof candidate.namespace === 'string' &&
    typeof candidate.readOnly === 'boolean' &&
    typeof candidate.auth === 'object' &&
    candidate.crdJob instanceof ApiObject;
  if (!ok) invalid(scope, field, value, 'an ArkInstallation');
  return candidate as IArkInstallation;
}
