import { IConstruct } from 'constructs';
import { StorageSize } from '../core/storage-size';

/** The two Azure CSI drivers AKS ships. */
export type AzureCsiDriver = 'disk.csi.azure.com' | 'file.csi.azure.com';

/** PersistentVolumeClaim access modes. */
export type VolumeAccessMode = 'ReadWriteOnce' | 'ReadWriteOncePod' | 'ReadOnlyMany' | 'ReadWriteMany';

/** When a claim's volume is created: at claim time, or once a pod using it is scheduled. */
export type VolumeBindingMode = 'WaitForFirstConsumer' | 'Immediate';

/** What happens to the Azure disk or share when its claim is deleted. */
export type VolumeReclaimPolicy = 'Retain' | 'Delete';

/**
 * A storage class this library knows the facts of, so that claims and workloads can be checked
 * against it at synth time (zones, binding mode, access modes, minimum sizes).
 */
export interface IAzureStorageClass extends IConstruct {
  /** The StorageClass object's name. */
  readonly name: string;
  /** Which CSI driver provisions its volumes. */
  readonly driver: AzureCsiDriver;
  /** The Azure SKU, e.g. `Premium_LRS`. */
  readonly skuName: string;
  /** When volumes are provisioned. */
  readonly volumeBindingMode: VolumeBindingMode;
  /** What happens to the Azure resource when the claim goes. */
  readonly reclaimPolicy: VolumeReclaimPolicy;
  /** Zones the class may provision in (allowedTopologies); undefined means any zone. */
  // `| undefined`: classes store "no restriction" as an explicit undefined, which consumers
  // compiling with exactOptionalPropertyTypes must be able to assign to this interface.
  readonly allowedZones?: readonly string[] | undefined;
  /** True for ZRS SKUs: a volume is usable from every zone of the region. */
  readonly zoneRedundant: boolean;
  /** True for zonal Azure Disks: a disk lives in exactly one zone and pods must follow it. */
  readonly zonal: boolean;
  /** Smallest claim the class can satisfy, when it has one (premium file shares: 100Gi). */
  readonly minimumClaimSize?: StorageSize | undefined;
  /** Access modes the class's volumes support. */
  readonly supportedAccessModes: readonly VolumeAccessMode[];
  /** True when claims may use `volumeMode: Block`. */
  readonly supportsRawBlock: boolean;
}

/** A storage class name, or a class construct whose facts claims check. */
export type StorageClassRef = IAzureStorageClass | string;

/** The name of a class reference. */
export function storageClassName(ref: StorageClassRef): string {
  return typeof ref === 'string' ? ref : ref.name;
}
