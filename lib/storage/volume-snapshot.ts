import { ApiObject } from 'cdk8s';
import { metadata, MetadataProps, nonEmpty, resolveMetadataProps } from '../core/metadata';
import { Construct } from 'constructs';
import { invalid } from '../core/errors';
import { checkInstance } from '../core/types';
import { checkDnsSubdomain } from '../core/names';
import { AzureVolumeClaim } from './azure-volume-claim';
import { IVolumeSnapshotClass, checkSnapshotClassRef } from './snapshot-classes';

/** Props of {@link VolumeSnapshot}. */
export interface VolumeSnapshotProps extends MetadataProps {
  /** VolumeSnapshot name. @default a name generated from the construct path */
  readonly name?: string;
  /** The claim to snapshot; it must be in the same namespace. */
  readonly claim: AzureVolumeClaim;
  /** Snapshot class construct (its driver must match the claim's) or the name of an existing class. */
  readonly snapshotClass: IVolumeSnapshotClass | string;
}

/** A CSI VolumeSnapshot (`snapshot.storage.k8s.io/v1`) of an Azure Disk or Azure Files claim. */
export class VolumeSnapshot extends Construct {
  public readonly name: string;
  public readonly namespace: string;
  /** The claim it was taken of; restores default to its size and class. */
  public readonly sourceClaim: AzureVolumeClaim;
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: VolumeSnapshotProps) {
    super(scope, id);
    this.sourceClaim = checkInstance(
      this,
      'claim',
      props.claim,
      AzureVolumeClaim,
      'an AzureVolumeClaim (or a claim derived from one)',
    );
    const snapshotClass = checkSnapshotClassRef(this, 'snapshotClass', props.snapshotClass);
    if (
      typeof snapshotClass !== 'string' &&
      typeof props.claim.storageClass !== 'string' &&
      snapshotClass.driver !== props.claim.storageClass.driver
    ) {
      invalid(
        this,
        'snapshotClass',
        snapshotClass.name,
        `a snapshot class of driver ${props.claim.storageClass.driver} (the claim's), not ${snapshotClass.driver}`,
      );
    }
    if (typeof snapshotClass === 'string') checkDnsSubdomain(this, 'snapshotClass', snapshotClass);
    const extra = resolveMetadataProps(this, props);
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'snapshot.storage.k8s.io/v1',
      kind: 'VolumeSnapshot',
      metadata: metadata({
        name: props.name === undefined ? undefined : checkDnsSubdomain(this, 'name', props.name),
        labels: nonEmpty(extra.labels),
        annotations: nonEmpty(extra.annotations),
      }),
      spec: {
        volumeSnapshotClassName: typeof snapshotClass === 'string' ? snapshotClass : snapshotClass.name,
        source: { persistentVolumeClaimName: props.claim.name },
      },
    });
    this.name = this.apiObject.name;
    this.namespace = this.apiObject.metadata.namespace ?? 'default';
    if (this.namespace !== props.claim.namespace) {
      invalid(
        this,
        'namespace',
        this.namespace,
        `the claim's namespace "${props.claim.namespace}": a snapshot can only be taken of a claim in its own namespace`,
      );
    }
  }
}
