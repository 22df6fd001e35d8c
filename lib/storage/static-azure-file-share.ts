import { Chart, JsonPatch } from 'cdk8s';
// Types from the package index; classes from their own modules: the index loads every cdk8s-plus
// construct (about 6 ms at start-up) where these need a few (the same classes the index re-exports).
import type * as kplus from 'cdk8s-plus-27';
import type { Volume as KplusVolume } from 'cdk8s-plus-27/lib/volume';
import { kplusPvcModule, kplusVolumeModule } from '../core/cdk8s-plus-modules';
import { KubePersistentVolume, KubePersistentVolumeClaim } from '../core/kube-objects';
import { metadata, MetadataProps, nonEmpty, resolveMetadataProps } from '../core/metadata';
import { Construct } from 'constructs';
import { requestAppChecks } from '../core/app-checks';
import { declareAzureRequirement } from '../azure/requirements';
import { invalid } from '../core/errors';
import { checkFileShareName, checkResourceGroupName, checkStorageAccountName } from '../azure/names';
import { checkDnsLabel, checkDnsSubdomain } from '../core/names';
import { SizeInput, StorageSize } from '../core/storage-size';
import { checkOneOf } from '../core/values';
import { checkBoolean } from '../core/types';
import { STORAGE_ACCOUNT_SECRET_KEYS } from '../core/well-known';
import { SmbMountSettings, smbMountOptions } from './azure-file-storage-class';
import { VolumeAccessMode } from './azure-storage-class';
import { makeClusterScoped } from '../core/cluster-scoped';

/** Props of {@link StaticAzureFileShare}. */
export interface StaticAzureFileShareProps extends MetadataProps {
  /** Storage account that holds (or will hold) the share. */
  readonly storageAccount: string;
  /** The share's name. */
  readonly shareName: string;
  /** Share quota and volume capacity, a whole number of GiB. */
  readonly size: SizeInput;
  /** Resource group of the storage account. @default the cluster's node resource group */
  readonly resourceGroup?: string;
  /**
   * Claim name. Immutable once deployed: the PersistentVolume is bound to this claim by name
   * (`claimRef`), and pods mount it by name. The generated one changes with the construct path.
   * @default a name generated from the construct path
   */
  readonly claimName?: string;
  /**
   * Name of the Secret with keys `azurestorageaccountname` and `azurestorageaccountkey`, in the
   * claim's namespace. It is declared as an Azure requirement: `pulumi up` (`StatefulStack`)
   * fills it with the account's name and key.
   * @default `azure-storage-<storageAccount>`
   */
  readonly secretName?: string;
  /** Access mode of the volume and claim. @default 'ReadWriteMany' */
  readonly accessMode?: VolumeAccessMode;
  /** Mount the share read-only on every node. @default false */
  readonly readOnly?: boolean;
  /** SMB mount settings. @default see {@link SmbMountSettings} */
  readonly smb?: SmbMountSettings;
}

/**
 * An existing (or Pulumi-created) Azure Files share mounted through a statically provisioned
 * PersistentVolume: Retain, a unique volume handle, node-stage credentials from a Secret, and a
 * claim bound to exactly this volume (`volumeName`, empty storage class, `claimRef`).
 */
export class StaticAzureFileShare extends Construct implements kplus.IStorage {
  /** The claim workloads mount. */
  public readonly claimName: string;
  public readonly namespace: string;
  /** The PersistentVolume's name. */
  public readonly volumeName: string;
  /** The Secret that must hold the account name and key. */
  public readonly secretName: string;
  public readonly size: StorageSize;
  public readonly persistentVolume: KubePersistentVolume;
  public readonly claim: KubePersistentVolumeClaim;
  /** The construct's main object, the claim pods mount (the project's name for it; same as {@link claim}). */
  public readonly apiObject: KubePersistentVolumeClaim;
  private volume?: KplusVolume;

  constructor(scope: Construct, id: string, props: StaticAzureFileShareProps) {
    super(scope, id);
    requestAppChecks(this);
    const account = checkStorageAccountName(this, 'storageAccount', props.storageAccount);
    const share = checkFileShareName(this, 'shareName', props.shareName);
    const resourceGroup =
      props.resourceGroup === undefined ? '' : checkResourceGroupName(this, 'resourceGroup', props.resourceGroup);
    this.size = StorageSize.from(props.size, this, 'size');
    if (!this.size.isWholeGibibytes())
      invalid(this, 'size', this.size.toString(), 'a whole number of GiB: share quotas are set in GiB');
    const accessMode = checkOneOf(this, 'accessMode', props.accessMode ?? 'ReadWriteMany', [
      'ReadWriteOnce',
      'ReadWriteOncePod',
      'ReadOnlyMany',
      'ReadWriteMany',
    ]);
    this.secretName = checkDnsSubdomain(this, 'secretName', props.secretName ?? `azure-storage-${account}`);
    this.namespace = checkDnsLabel(this, 'namespace', Chart.of(this).namespace ?? 'default');
    const readOnly = checkBoolean(this, 'readOnly', props.readOnly, false);

    const extra = resolveMetadataProps(this, props);
    this.claim = new KubePersistentVolumeClaim(this, 'Claim', {
      metadata: metadata({
        name: props.claimName === undefined ? undefined : checkDnsSubdomain(this, 'claimName', props.claimName),
        labels: nonEmpty(extra.labels),
        annotations: nonEmpty(extra.annotations),
      }),
      spec: {
        // An empty class stops the default class from provisioning a new share for this claim.
        storageClassName: '',
        accessModes: [accessMode],
        resources: { requests: { storage: this.size.toString() } },
      },
    });
    this.apiObject = this.claim;
    this.claimName = this.claim.name;
    this.persistentVolume = makeClusterScoped(
      new KubePersistentVolume(this, 'Volume', {
        metadata: metadata({ labels: nonEmpty(extra.labels), annotations: nonEmpty(extra.annotations) }),
        spec: {
          capacity: { storage: this.size.toString() },
          accessModes: [accessMode],
          persistentVolumeReclaimPolicy: 'Retain',
          storageClassName: '',
          mountOptions: smbMountOptions(this, props.smb),
          // claimRef reserves the volume for this claim; no other claim can take it first.
          claimRef: { namespace: this.namespace, name: this.claimName },
          csi: {
            driver: 'file.csi.azure.com',
            // The handle only has to be unique in the cluster (the driver's docs suggest
            // account_share); the claim's namespace and name keep two volumes on one share apart.
            // Where the share lives comes from the attributes, which the driver prefers to the handle.
            volumeHandle: `${account}_${share}_${this.namespace}_${this.claimName}`,
            volumeAttributes: {
              storageAccount: account,
              shareName: share,
              ...(resourceGroup ? { resourceGroup } : {}),
            },
            nodeStageSecretRef: { name: this.secretName, namespace: this.namespace },
            readOnly,
          },
        },
      }),
    ) as KubePersistentVolume;
    this.volumeName = this.persistentVolume.name;
    // Both names are known only once both objects exist, so the claim learns its volume by patch.
    this.claim.addJsonPatch(JsonPatch.add('/spec/volumeName', this.volumeName));

    if (resourceGroup) declareAzureRequirement(this, { kind: 'storageAccount', account, resourceGroup });
    declareAzureRequirement(this, {
      kind: 'fileShare',
      account,
      share,
      quotaGiB: this.size.toGibibytesCeil(),
      protocol: 'SMB',
    });
    declareAzureRequirement(this, {
      kind: 'kubernetesSecret',
      namespace: this.namespace,
      name: this.secretName,
      keys: {
        [STORAGE_ACCOUNT_SECRET_KEYS.accountName]: { from: 'storageAccountName', account },
        [STORAGE_ACCOUNT_SECRET_KEYS.accountKey]: { from: 'storageAccountKey', account },
      },
    });
  }

  /** The claim as cdk8s-plus storage, so that `container.mount(path, share)` works; same as {@link toVolume}. */
  public asVolume(): KplusVolume {
    return this.toVolume();
  }

  /** A cdk8s-plus volume for the claim, to mount into pods and workloads. */
  public toVolume(): KplusVolume {
    // cdk8s-plus is loaded here, by a caller who mounts the claim the cdk8s-plus way.
    this.volume ??= kplusVolumeModule().Volume.fromPersistentVolumeClaim(
      this,
      'PodVolume',
      kplusPvcModule().PersistentVolumeClaim.fromClaimName(this, 'Ref', this.claimName),
    );
    return this.volume;
  }
}
