import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { declareVeleroRoles } from './role-requirements';
import { declareAzureRequirement } from '../azure/requirements';
import { RoleAssignment, StorageAccountSku } from '../azure/requirement-types';
import { MetadataProps, metadata, nonEmpty, resolveMetadataProps } from '../core/metadata';
import { invalid } from '../core/errors';
import { checkBlobContainerName, checkResourceGroupName, checkStorageAccountName } from '../azure/names';
import { checkDnsSubdomain } from '../core/names';
import { checkInteger, checkOneOf, isGuid } from '../core/values';
import { STORAGE_ACCOUNT_SKUS } from '../azure/requirement-types';
import { checkBlobPrefix } from '../azure/blob-storage';
import { checkBoolean, checkRecord, checkStringRecord } from '../core/types';
import { BLOB_ENDPOINT_SUFFIX } from './auth';
import { IArkBackupStorageLocation, IArkInstallation, checkInstallation, joinInstallation } from './installation-ref';
import { NEEDS_VELERO_CRDS_LABEL, VELERO_CRDS_GROUP, VELERO_LABELS, dependOnCrdJob } from './labels';
import { AZURE_BSL_CONFIG_KEYS, VELERO_MANAGED_BSL_KEYS, assertAcceptedKeys, mergePluginConfig } from './plugin-config';

/** Where Velero keeps backups: a blob container in an Azure storage account. */
export interface ArkBackupStorageOptions extends MetadataProps {
  /** Storage account of the container (3–24 lowercase letters and digits). */
  readonly storageAccount: string;
  /** Blob container that holds the backups (`objectStorage.bucket`), one per cluster or prefix. */
  readonly container: string;
  /** Resource group of the storage account (`config.resourceGroup`). */
  readonly resourceGroup: string;
  /** Subscription of the storage account, when not the credentials' one (`config.subscriptionId`). @default the subscription in the credentials file */
  readonly subscriptionId?: string;
  /** Prefix inside the container, e.g. the cluster name, so several clusters can share a container. @default none */
  readonly prefix?: string;
  /** Name of the BackupStorageLocation; immutable once deployed, since every backup records it. @default 'default' for the installation's own location, else a generated name */
  readonly name?: string;
  /** Marks the location as Velero's default for backups without `storageLocation`. @default true for the installation's own location, else false */
  readonly default?: boolean;
  /**
   * Blob endpoint (`config.storageAccountURI`). Set it for accounts in an Azure DNS zone
   * (`https://<account>.z<nn>.blob.storage.azure.net`); Velero then needs no Reader role to look
   * the endpoint up. @default `https://<storageAccount>.<blob endpoint of the cloud>` with Entra ID auth, none with a key
   */
  readonly storageAccountUri?: string;
  /** Block size for uploads (`config.blockSizeInBytes`), 1 to 104857600. @default the plugin's 1048576 (1 MiB) */
  readonly blockSizeInBytes?: number;
  /** Replication of the storage account, declared as an Azure requirement. GRS keeps a copy in the paired region. @default 'Standard_GRS' */
  readonly sku?: StorageAccountSku;
  /**
   * Further plugin config, only keys the plugin accepts and no typed prop sets (in practice
   * `activeDirectoryAuthorityURI` for sovereign clouds). @default none
   */
  readonly config?: Record<string, string>;
}

/** Props of {@link ArkBackupStorageLocation}. */
export interface ArkBackupStorageLocationProps extends ArkBackupStorageOptions {
  /** The installation whose server uses this location. */
  readonly installation: IArkInstallation;
  /**
   * `accessMode: ReadOnly`: Velero restores from the location but never writes backups to it or
   * deletes from it, and the declared blob role is Storage Blob Data Reader.
   * @default the installation's readOnly
   */
  readonly readOnly?: boolean;
}

const PROP_FOR_KEY: Readonly<Record<string, string>> = {
  resourceGroup: 'resourceGroup',
  storageAccount: 'storageAccount',
  subscriptionId: 'subscriptionId',
  storageAccountKeyEnvVar: 'auth.keyEnvVar',
  useAAD: 'auth (Entra ID is used with a service principal or workload identity)',
  storageAccountURI: 'storageAccountUri',
  blockSizeInBytes: 'blockSizeInBytes',
};

/**
 * A Velero `BackupStorageLocation` on Azure Blob Storage (provider `azure`), with its Azure
 * requirements: the storage account, the container and, with workload identity, the identity's
 * roles on them. The plugin config holds only keys the plugin accepts.
 */
export class ArkBackupStorageLocation extends Construct implements IArkBackupStorageLocation {
  /** The BackupStorageLocation's name (what schedules and backups refer to). */
  public readonly name: string;
  public readonly storageAccount: string;
  public readonly container: string;
  public readonly resourceGroup: string;
  public readonly prefix?: string;
  /** `accessMode: ReadOnly`. */
  public readonly readOnly: boolean;
  /** Whether this is Velero's default location. */
  public readonly isDefault: boolean;
  /** Azure roles Velero's identity needs for this location (declared as requirements; none with an account key). */
  public readonly roleAssignments: readonly RoleAssignment[];
  /** The plugin config as rendered. */
  public readonly config: Readonly<Record<string, string>>;
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: ArkBackupStorageLocationProps) {
    super(scope, id);
    checkRecord(this, 'props', props);
    const installation = checkInstallation(this, 'installation', props.installation);
    const auth = installation.auth;
    this.storageAccount = checkStorageAccountName(this, 'storageAccount', props.storageAccount);
    this.container = checkBlobContainerName(this, 'container', props.container);
    this.resourceGroup = checkResourceGroupName(this, 'resourceGroup', props.resourceGroup);
    this.readOnly = checkBoolean(this, 'readOnly', props.readOnly, installation.readOnly);
    if (installation.readOnly && !this.readOnly) {
      invalid(
        this,
        'readOnly',
        props.readOnly,
        'true (or unset) in a read-only installation: nothing in a restore cluster may write to a backup container',
      );
    }
    if (this.readOnly && !auth.useAAD) {
      invalid(
        this,
        'readOnly',
        this.readOnly,
        `false with ${auth.mode === 'storageAccountKey' ? 'a storage account key' : 'a service principal without useAAD (it lists the account keys)'}: a key can always write; use auth useAAD or workload identity for a read-only location`,
      );
    }
    if (props.prefix !== undefined) this.prefix = checkBlobPrefix(this, 'prefix', props.prefix);
    const subscriptionId =
      props.subscriptionId === undefined ? undefined : this.checkUuid('subscriptionId', props.subscriptionId);

    const built: Record<string, string> = { resourceGroup: this.resourceGroup, storageAccount: this.storageAccount };
    if (subscriptionId) built.subscriptionId = subscriptionId;
    if (auth.mode === 'storageAccountKey') built.storageAccountKeyEnvVar = auth.keyEnvVar!;
    const uri = props.storageAccountUri === undefined ? undefined : this.checkUri(props.storageAccountUri);
    if (auth.useAAD) {
      built.useAAD = 'true';
      built.storageAccountURI = uri ?? `https://${this.storageAccount}.${BLOB_ENDPOINT_SUFFIX[auth.cloudName]}`;
    } else if (uri) {
      built.storageAccountURI = uri;
    }
    if (props.blockSizeInBytes !== undefined)
      built.blockSizeInBytes = String(checkInteger(this, 'blockSizeInBytes', props.blockSizeInBytes, 1, 104857600));
    this.config = mergePluginConfig(
      this,
      'config',
      built,
      props.config === undefined ? undefined : checkStringRecord(this, 'config', props.config),
      AZURE_BSL_CONFIG_KEYS,
      PROP_FOR_KEY,
      VELERO_MANAGED_BSL_KEYS,
    );
    assertAcceptedKeys(this, 'config', this.config, AZURE_BSL_CONFIG_KEYS);

    this.isDefault = checkBoolean(this, 'default', props.default, false);
    const extra = resolveMetadataProps(this, props);
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'velero.io/v1',
      kind: 'BackupStorageLocation',
      metadata: metadata({
        name: props.name === undefined ? undefined : checkDnsSubdomain(this, 'name', props.name),
        namespace: installation.namespace,
        // The library's labels win: Velero and the apply order select on them.
        labels: { ...extra.labels, ...VELERO_LABELS, [NEEDS_VELERO_CRDS_LABEL]: VELERO_CRDS_GROUP },
        annotations: nonEmpty(extra.annotations),
      }),
      spec: {
        provider: 'azure',
        objectStorage: { bucket: this.container, ...(this.prefix ? { prefix: this.prefix } : {}) },
        config: this.config,
        accessMode: checkOneOf(this, 'accessMode', this.readOnly ? 'ReadOnly' : 'ReadWrite', ['ReadOnly', 'ReadWrite']),
        default: this.isDefault,
      },
    });
    this.name = this.apiObject.name;
    // The CRD comes from the CRD job: apply order and Pulumi's dependsOn follow this edge.
    dependOnCrdJob(this.apiObject, installation.crdJob);

    this.roleAssignments = this.computeRoles(installation);
    joinInstallation(installation, this);

    // A read-only location reads backups someone else writes: it only refers to their account and
    // container, so a restore cluster's stack never creates (or deletes) the primary's.
    const existing = this.readOnly ? { existing: true } : {};
    declareAzureRequirement(this, {
      kind: 'storageAccount',
      account: this.storageAccount,
      resourceGroup: this.resourceGroup,
      sku: checkOneOf(this, 'sku', props.sku ?? 'Standard_GRS', STORAGE_ACCOUNT_SKUS),
      ...existing,
    });
    declareAzureRequirement(this, {
      kind: 'blobContainer',
      account: this.storageAccount,
      container: this.container,
      ...existing,
    });
    declareVeleroRoles(this, auth, installation, this.roleAssignments);
  }

  private computeRoles(installation: IArkInstallation): RoleAssignment[] {
    const auth = installation.auth;
    const account = { type: 'storageAccount' as const, account: this.storageAccount };
    if (auth.mode === 'storageAccountKey') return [];
    if (!auth.useAAD) return [{ role: 'Storage Account Key Operator Service Role', scope: account }];
    return [
      {
        role: this.readOnly ? 'Storage Blob Data Reader' : 'Storage Blob Data Contributor',
        scope: { type: 'blobContainer', account: this.storageAccount, container: this.container },
      },
      // User delegation keys (SAS links for `velero backup logs/describe`) are an account-level action.
      { role: 'Storage Blob Delegator', scope: account },
    ];
  }

  private checkUuid(field: string, value: string): string {
    if (!isGuid(value))
      invalid(this, field, value, 'a subscription id: a GUID like 00000000-0000-0000-0000-000000000000');
    return value;
  }

  private checkUri(value: string): string {
    const ok =
      typeof value === 'string' && new RegExp(`^https://${this.storageAccount}\\.[a-z0-9.-]+[a-z0-9]/?$`).test(value);
    if (!ok)
      invalid(
        this,
        'storageAccountUri',
        value,
        `the account's blob endpoint, https://${this.storageAccount}.<endpoint>, e.g. https://${this.storageAccount}.blob.core.windows.net`,
      );
    return value.replace(/\/$/, '');
  }
}
