import { Construct } from 'constructs';
import { invalid } from '../core/errors';
import { checkInstance } from '../core/types';
import { isStorageClass } from './claim-rules';
import { SizeInput, StorageSize } from '../core/storage-size';
import { MetadataProps } from '../core/metadata';
import { StorageClassRef, VolumeAccessMode } from './azure-storage-class';
import { AzureVolumeClaim } from './azure-volume-claim';
import { VolumeSnapshot } from './volume-snapshot';

/** The path a construct will have, for checks that must run before `super()`. */
function childPath(scope: Construct, id: string): string {
  return scope.node.path ? `${scope.node.path}/${id}` : id;
}

/** Options shared by claims made from existing data. */
interface DerivedClaimProps extends MetadataProps {
  /**
   * Claim name. Immutable once deployed: a renamed claim is a new, empty volume (the old one is
   * released), and pods mount claims by name. The generated one changes with the construct path.
   * @default a name generated from the construct path
   */
  readonly name?: string;
  /** Size; never smaller than the source. @default the source claim's size */
  readonly size?: SizeInput;
  /** Storage class; it must use the source's driver. @default the source claim's class */
  readonly storageClass?: StorageClassRef;
  /** Access mode. @default the source claim's */
  readonly accessMode?: VolumeAccessMode;
}

function checkSource(
  scope: string,
  source: AzureVolumeClaim,
  props: DerivedClaimProps,
  what: string,
): StorageSize | undefined {
  // The source prop (`source` or `snapshot`) is checked by the caller first: a string there would
  // otherwise surface as an error about a size the user never gave.
  const size = props.size === undefined ? undefined : StorageSize.from(props.size, scope, 'size');
  if (size && size.isSmallerThan(source.size)) {
    invalid(
      scope,
      'size',
      size.toString(),
      `at least ${source.size}, the size of the ${what} "${source.name}": a volume cannot shrink`,
    );
  }
  const cls = props.storageClass;
  if (cls !== undefined && typeof cls !== 'string' && !isStorageClass(cls)) {
    invalid(
      scope,
      'storageClass',
      cls,
      'a storage class: a class name or a construct such as AzureDiskStorageClass or AzureFileStorageClass',
    );
  }
  if (
    cls !== undefined &&
    typeof cls !== 'string' &&
    typeof source.storageClass !== 'string' &&
    cls.driver !== source.storageClass.driver
  ) {
    invalid(
      scope,
      'storageClass',
      cls.name,
      `a class of driver ${source.storageClass.driver}: data cannot move between Azure Disks and Azure Files through a snapshot or clone`,
    );
  }
  return size;
}

/** Props of {@link ClaimFromSnapshot}. */
export interface ClaimFromSnapshotProps extends DerivedClaimProps {
  /** The snapshot to restore. */
  readonly snapshot: VolumeSnapshot;
}

/** A new claim whose volume starts as a copy of a VolumeSnapshot. */
export class ClaimFromSnapshot extends AzureVolumeClaim {
  constructor(scope: Construct, id: string, props: ClaimFromSnapshotProps) {
    const path = childPath(scope, id);
    const snapshot = checkInstance(path, 'snapshot', props.snapshot, VolumeSnapshot, 'a VolumeSnapshot construct');
    const source = snapshot.sourceClaim;
    const size = checkSource(path, source, props, 'snapshot source claim');
    super(scope, id, {
      name: props.name,
      labels: props.labels,
      annotations: props.annotations,
      size: size ?? source.size,
      storageClass: props.storageClass ?? source.storageClass,
      accessMode: props.accessMode ?? source.accessMode,
      volumeMode: source.volumeMode,
      dataSource: { kind: 'VolumeSnapshot', name: props.snapshot.name },
    });
    if (this.namespace !== props.snapshot.namespace) {
      invalid(
        this,
        'snapshot',
        props.snapshot.name,
        `a snapshot in namespace "${this.namespace}": a claim can only be restored from a snapshot in its own namespace`,
      );
    }
  }
}

/** Props of {@link ClonedClaim}. */
export interface ClonedClaimProps extends DerivedClaimProps {
  /** The claim to clone; it must be in the same namespace. */
  readonly source: AzureVolumeClaim;
}

/** A new claim whose volume starts as a copy of another claim's (a CSI volume clone). */
export class ClonedClaim extends AzureVolumeClaim {
  constructor(scope: Construct, id: string, props: ClonedClaimProps) {
    const path = childPath(scope, id);
    checkInstance(path, 'source', props.source, AzureVolumeClaim, 'an AzureVolumeClaim (or a claim derived from one)');
    const size = checkSource(path, props.source, props, 'source claim');
    super(scope, id, {
      name: props.name,
      labels: props.labels,
      annotations: props.annotations,
      size: size ?? props.source.size,
      storageClass: props.storageClass ?? props.source.storageClass,
      accessMode: props.accessMode ?? props.source.accessMode,
      volumeMode: props.source.volumeMode,
      dataSource: { kind: 'PersistentVolumeClaim', name: props.source.name },
    });
    if (this.namespace !== props.source.namespace) {
      invalid(
        this,
        'source',
        props.source.name,
        `a claim in namespace "${this.namespace}": a clone must be in its source's namespace`,
      );
    }
  }
}
