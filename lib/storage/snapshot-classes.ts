import { ApiObject } from 'cdk8s';
import { metadata, MetadataProps, nonEmpty, resolveMetadataProps } from '../core/metadata';
import { checkBoolean, checkStringRecord } from '../core/types';
import { Construct, IConstruct } from 'constructs';
import { invalid } from '../core/errors';
import { checkResourceGroupName, renderAzureTags } from '../azure/names';
import { checkDnsSubdomain } from '../core/names';
import { checkOneOf } from '../core/values';
import { AzureCsiDriver } from './azure-storage-class';
import { makeClusterScoped } from '../core/cluster-scoped';

/** What happens to the Azure snapshot when its VolumeSnapshot object is deleted. */
export type SnapshotDeletionPolicy = 'Retain' | 'Delete';

/** A VolumeSnapshotClass whose driver is known, so snapshots can be checked against their claims. */
export interface IVolumeSnapshotClass extends IConstruct {
  readonly name: string;
  readonly driver: AzureCsiDriver;
}

/**
 * A snapshot class prop: the name of an existing class, or a class construct of one of the two Azure
 * drivers (any object that is not would otherwise be read for a driver it does not have).
 */
export function checkSnapshotClassRef(
  scope: IConstruct,
  field: string,
  value: IVolumeSnapshotClass | string,
): IVolumeSnapshotClass | string {
  if (typeof value === 'string') return checkDnsSubdomain(scope, field, value);
  const ok =
    value instanceof Construct &&
    typeof (value as IVolumeSnapshotClass).name === 'string' &&
    ['disk.csi.azure.com', 'file.csi.azure.com'].includes((value as IVolumeSnapshotClass).driver);
  if (!ok) {
    invalid(
      scope,
      field,
      value,
      'a VolumeSnapshotClass name or a snapshot class construct such as AzureDiskSnapshotClass or AzureFileSnapshotClass',
    );
  }
  return value;
}

/** Props shared by the Azure snapshot classes. */
export interface AzureSnapshotClassProps extends MetadataProps {
  /** VolumeSnapshotClass name; immutable once snapshots refer to it. @default a name generated from the construct path */
  readonly name?: string;
  /** Keep the Azure snapshot when its VolumeSnapshot object is deleted. @default 'Retain' */
  readonly deletionPolicy?: SnapshotDeletionPolicy;
  /** Marks the class as the default for its driver. @default false */
  readonly isDefaultClass?: boolean;
}

function renderSnapshotClass(
  scope: Construct,
  driver: AzureCsiDriver,
  props: AzureSnapshotClassProps,
  parameters?: Record<string, string>,
): ApiObject {
  const extra = resolveMetadataProps(scope, props);
  const isDefaultClass = checkBoolean(scope, 'isDefaultClass', props.isDefaultClass, false);
  return makeClusterScoped(
    new ApiObject(scope, 'Resource', {
      apiVersion: 'snapshot.storage.k8s.io/v1',
      kind: 'VolumeSnapshotClass',
      metadata: metadata({
        name: props.name === undefined ? undefined : checkDnsSubdomain(scope, 'name', props.name),
        labels: nonEmpty(extra.labels),
        annotations: nonEmpty({
          ...extra.annotations,
          ...(isDefaultClass ? { 'snapshot.storage.kubernetes.io/is-default-class': 'true' } : {}),
        }),
      }),
      driver,
      deletionPolicy: checkOneOf(scope, 'deletionPolicy', props.deletionPolicy ?? 'Retain', ['Retain', 'Delete']),
      ...(parameters && Object.keys(parameters).length > 0 ? { parameters } : {}),
    }),
  );
}

/** Props of {@link AzureDiskSnapshotClass}. */
export interface AzureDiskSnapshotClassProps extends AzureSnapshotClassProps {
  /** Incremental snapshots store only changed blocks: cheaper and faster. @default true */
  readonly incremental?: boolean;
  /**
   * Resource group for the snapshots. Put it outside the cluster's node resource group: that group
   * is deleted with the cluster, and the snapshots with it. @default the node resource group
   */
  readonly resourceGroup?: string;
  /** Azure tags on every snapshot. @default none */
  readonly tags?: Record<string, string>;
}

/** A VolumeSnapshotClass for Azure Disks (`disk.csi.azure.com`), incremental by default. */
export class AzureDiskSnapshotClass extends Construct implements IVolumeSnapshotClass {
  public readonly name: string;
  public readonly driver = 'disk.csi.azure.com' as const;
  /** The resource group snapshots go to, when set. */
  public readonly resourceGroup?: string;
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: AzureDiskSnapshotClassProps = {}) {
    super(scope, id);
    const incremental = checkBoolean(this, 'incremental', props.incremental, true);
    const tags = props.tags === undefined ? {} : checkStringRecord(this, 'tags', props.tags);
    const parameters: Record<string, string> = { incremental: String(incremental) };
    if (props.resourceGroup !== undefined) {
      this.resourceGroup = checkResourceGroupName(this, 'resourceGroup', props.resourceGroup);
      parameters.resourceGroup = this.resourceGroup;
    }
    if (Object.keys(tags).length > 0) parameters.tags = renderAzureTags(this, 'tags', tags);
    this.apiObject = renderSnapshotClass(this, this.driver, props, parameters);
    this.name = this.apiObject.name;
  }
}

/** A VolumeSnapshotClass for Azure Files shares (`file.csi.azure.com`): share snapshots live in the share's account. */
export class AzureFileSnapshotClass extends Construct implements IVolumeSnapshotClass {
  public readonly name: string;
  public readonly driver = 'file.csi.azure.com' as const;
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: AzureSnapshotClassProps = {}) {
    super(scope, id);
    this.apiObject = renderSnapshotClass(this, this.driver, props);
    this.name = this.apiObject.name;
  }
}
