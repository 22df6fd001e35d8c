import { Chart } from 'cdk8s';
// Types from the package index; classes from their own modules: the index loads every cdk8s-plus
// construct (about 6 ms at start-up) where these need a few (the same classes the index re-exports).
import type * as kplus from 'cdk8s-plus-27';
import type { Volume as KplusVolume } from 'cdk8s-plus-27/lib/volume';
import { kplusPvcModule, kplusVolumeModule } from '../core/cdk8s-plus-modules';
import { KubePersistentVolumeClaim } from '../core/kube-objects';
import { metadata, MetadataProps, nonEmpty, resolveMetadataProps } from '../core/metadata';
import { checkRecord } from '../core/types';
import { Construct } from 'constructs';
import { checkDnsSubdomain } from '../core/names';
import { SizeInput, StorageSize } from '../core/storage-size';
import { checkOneOf } from '../core/values';
import { StorageClassRef, VolumeAccessMode, storageClassName } from './azure-storage-class';
import { checkClaimAgainstClass } from './claim-rules';
import { requestAppChecks } from '../core/app-checks';

/** How a claim's volume is presented: a mounted filesystem, or a raw block device. */
export type VolumeMode = 'Filesystem' | 'Block';

/** Where a new volume's initial content comes from. */
export interface ClaimDataSource {
  /** `VolumeSnapshot` to restore a snapshot, `PersistentVolumeClaim` to clone a claim. */
  readonly kind: 'VolumeSnapshot' | 'PersistentVolumeClaim';
  /** Name of the snapshot or claim, in the claim's namespace. */
  readonly name: string;
}

/** Props of {@link AzureVolumeClaim}. */
export interface AzureVolumeClaimProps extends MetadataProps {
  /**
   * Claim name. Immutable once deployed: a renamed claim is a new, empty volume (the old one is
   * released), and pods mount claims by name. The generated one changes with the construct path.
   * @default a name generated from the construct path
   */
  readonly name?: string;
  /** Requested size, e.g. `StorageSize.gibibytes(10)`, cdk8s `Size.gibibytes(10)` or `'10Gi'`; a whole number of GiB. */
  readonly size: SizeInput;
  /** Storage class construct (its rules are checked) or the name of an existing class. */
  readonly storageClass: StorageClassRef;
  /** Access mode. @default 'ReadWriteOnce' */
  readonly accessMode?: VolumeAccessMode;
  /** Filesystem or raw block device. @default 'Filesystem' */
  readonly volumeMode?: VolumeMode;
  /** Initial content from a snapshot or another claim. @default an empty volume */
  readonly dataSource?: ClaimDataSource;
}

/**
 * A PersistentVolumeClaim on an Azure CSI storage class, checked against what the class can do:
 * access modes (no ReadWriteMany on an unshared disk), raw block (disks only), whole GiB sizes,
 * and the class's minimum size (premium file shares start at 100Gi).
 */
export class AzureVolumeClaim extends Construct implements kplus.IStorage {
  /** The claim's name. */
  public readonly name: string;
  /** The claim's namespace (its chart's, or `default`). */
  public readonly namespace: string;
  /** The requested size. */
  public readonly size: StorageSize;
  /** The storage class the claim uses. */
  public readonly storageClass: StorageClassRef;
  public readonly accessMode: VolumeAccessMode;
  public readonly volumeMode: VolumeMode;
  /** The PersistentVolumeClaim object. */
  public readonly apiObject: KubePersistentVolumeClaim;
  private volume?: KplusVolume;

  constructor(scope: Construct, id: string, props: AzureVolumeClaimProps) {
    super(scope, id);
    requestAppChecks(this);
    this.size = StorageSize.from(props.size, this, 'size');
    this.storageClass = props.storageClass;
    this.accessMode = checkOneOf(this, 'accessMode', props.accessMode ?? 'ReadWriteOnce', [
      'ReadWriteOnce',
      'ReadWriteOncePod',
      'ReadOnlyMany',
      'ReadWriteMany',
    ]);
    this.volumeMode = checkOneOf(this, 'volumeMode', props.volumeMode ?? 'Filesystem', ['Filesystem', 'Block']);
    checkClaimAgainstClass(this, this.storageClass, this);
    if (props.dataSource !== undefined) {
      checkRecord(this, 'dataSource', props.dataSource);
      checkOneOf(this, 'dataSource.kind', props.dataSource.kind, ['VolumeSnapshot', 'PersistentVolumeClaim']);
      checkDnsSubdomain(this, 'dataSource.name', props.dataSource.name);
    }
    const extra = resolveMetadataProps(this, props);
    this.apiObject = new KubePersistentVolumeClaim(this, 'Resource', {
      metadata: metadata({
        name: props.name === undefined ? undefined : checkDnsSubdomain(this, 'name', props.name),
        labels: nonEmpty(extra.labels),
        annotations: nonEmpty(extra.annotations),
      }),
      spec: {
        storageClassName: storageClassName(this.storageClass),
        accessModes: [this.accessMode],
        volumeMode: this.volumeMode,
        resources: { requests: { storage: this.size.toString() } },
        dataSource: props.dataSource && {
          apiGroup: props.dataSource.kind === 'VolumeSnapshot' ? 'snapshot.storage.k8s.io' : undefined,
          kind: props.dataSource.kind,
          name: props.dataSource.name,
        },
      },
    });
    this.name = this.apiObject.name;
    this.namespace = this.apiObject.metadata.namespace ?? Chart.of(this).namespace ?? 'default';
  }

  /**
   * The claim as cdk8s-plus storage, so that `container.mount(path, claim)` works (cdk8s-plus's
   * `IStorage`). The same volume as {@link toVolume}.
   */
  public asVolume(): KplusVolume {
    return this.toVolume();
  }

  /** A cdk8s-plus volume for this claim, to mount into pods and workloads (one per claim). */
  public toVolume(): KplusVolume {
    // cdk8s-plus is loaded here, by a caller who mounts the claim the cdk8s-plus way.
    this.volume ??= kplusVolumeModule().Volume.fromPersistentVolumeClaim(
      this,
      'Volume',
      kplusPvcModule().PersistentVolumeClaim.fromClaimName(this, 'Ref', this.name),
    );
    return this.volume;
  }
}
