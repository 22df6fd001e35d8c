/**
 * What a construct needs from Azure, as plain data. Constructs never hold Pulumi Outputs or
 * secrets: they declare these, `cdk8s synth` lists them, and the Pulumi layer provisions them.
 */

/** Replication SKUs a storage account can have (the one list: file classes and Velero use it too). */
export const STORAGE_ACCOUNT_SKUS = [
  'Standard_LRS',
  'Standard_ZRS',
  'Standard_GRS',
  'Standard_RAGRS',
  'Standard_GZRS',
  'Standard_RAGZRS',
  'Premium_LRS',
  'Premium_ZRS',
] as const;

/** Replication SKUs a storage account can have. */
export type StorageAccountSku = (typeof STORAGE_ACCOUNT_SKUS)[number];

/** An Azure storage account. Always created HTTPS-only, TLS 1.2+, no public blob access, soft delete on. */
export interface StorageAccountRequirement {
  readonly kind: 'storageAccount';
  /** 3–24 lowercase letters and digits, globally unique. */
  readonly account: string;
  /**
   * Replication SKU.
   * @default 'Premium_LRS' for FileStorage and BlockBlobStorage accounts; otherwise 'Standard_LRS' for an account holding only file shares, 'Standard_ZRS' for the rest
   */
  readonly sku?: StorageAccountSku;
  /** Account kind: premium file shares need `FileStorage`. @default 'StorageV2' */
  readonly accountKind?: 'StorageV2' | 'FileStorage' | 'BlockBlobStorage';
  /** Resource group, when not the stack's default. @default the stack's resource group */
  readonly resourceGroup?: string;
  /**
   * The account exists already (another stack or a person creates it): the deploy step only refers
   * to it. It is created when any declaration of it is not `existing`.
   * @default false
   */
  readonly existing?: boolean;
}

/** A rule that deletes blobs under a prefix some days after they were last modified. */
export interface BlobLifecycleRule {
  /** Blob name prefix inside the container (no leading '/'). */
  readonly prefix: string;
  /** Days after the last modification when a blob is deleted. */
  readonly deleteAfterDays: number;
}

/** A blob container (private), optionally with lifecycle rules. */
export interface BlobContainerRequirement {
  readonly kind: 'blobContainer';
  readonly account: string;
  readonly container: string;
  /** Lifecycle rules for old blobs (e.g. dumps). @default none */
  readonly lifecycleRules?: readonly BlobLifecycleRule[];
  /**
   * The container exists already (a read-only Velero location reads the primary cluster's): the
   * deploy step only refers to it, and implies its account exists too. Created when any
   * declaration of it is not `existing`.
   * @default false
   */
  readonly existing?: boolean;
}

/** An Azure Files share. */
export interface FileShareRequirement {
  readonly kind: 'fileShare';
  readonly account: string;
  readonly share: string;
  /** Quota in GiB. */
  readonly quotaGiB: number;
  /** File protocol. NFS needs a premium (FileStorage) account. @default 'SMB' */
  readonly protocol?: 'SMB' | 'NFS';
}

/**
 * Where one plain value of a Kubernetes Secret comes from at deploy time. The Pulumi layer
 * (`aks-stateful/pulumi`) fills every source; without it, create the Secret by hand from the
 * descriptions `npm run synth` prints.
 */
export type SecretValuePart =
  /** The storage account's name (not a secret, but clients read it from the same Secret). */
  | { readonly from: 'storageAccountName'; readonly account: string }
  /** The account's first access key (the layer turns shared-key access on for that account). */
  | { readonly from: 'storageAccountKey'; readonly account: string }
  /** A random password, generated once and kept stable across deployments. */
  | { readonly from: 'generatedPassword'; readonly length: number }
  /**
   * A value no program can know (a client secret): the layer reads it from Pulumi secret config
   * `aks-stateful:<configKey>`. @default configKey `<namespace>-<secret name>-<key>`, see {@link providedConfigKey}
   */
  | { readonly from: 'provided'; readonly description: string; readonly configKey?: string }
  /** The subscription id of the deploying Azure credentials. */
  | { readonly from: 'subscriptionId' }
  /** The tenant id of the deploying Azure credentials. */
  | { readonly from: 'tenantId' }
  /** The node resource group (`MC_...`) of the cluster the stack deploys to. */
  | { readonly from: 'clusterNodeResourceGroup' }
  /** A value fixed at synth time (not a secret). */
  | { readonly from: 'literal'; readonly value: string };

/**
 * Where a value of a Kubernetes Secret comes from at deploy time: one part, or a dotenv file
 * (`NAME=value` lines, in the order given) composed of parts, such as Velero's credentials file.
 */
export type SecretValueSource =
  SecretValuePart | { readonly from: 'dotenv'; readonly variables: Readonly<Record<string, SecretValuePart>> };

/** A Kubernetes Secret whose values the deploy step fills; its contents never appear in YAML. */
export interface KubernetesSecretRequirement {
  readonly kind: 'kubernetesSecret';
  readonly namespace: string;
  readonly name: string;
  /** Secret key → where its value comes from. */
  readonly keys: Readonly<Record<string, SecretValueSource>>;
}

/** An Azure role granted to an identity, on a storage account, a container or a resource group. */
export interface RoleAssignment {
  /** Built-in role name, e.g. 'Storage Blob Data Contributor'. */
  readonly role: string;
  /** What the role is granted on. */
  readonly scope:
    | { readonly type: 'storageAccount'; readonly account: string }
    | { readonly type: 'blobContainer'; readonly account: string; readonly container: string }
    | { readonly type: 'resourceGroup'; readonly resourceGroup: string };
}

/** A user-assigned managed identity federated with a Kubernetes service account (AKS workload identity). */
export interface WorkloadIdentityRequirement {
  readonly kind: 'workloadIdentity';
  /** Name of the managed identity. */
  readonly identity: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  /**
   * Roles the identity needs. The deploy step also writes the identity's client id into the
   * service account's `azure.workload.identity/client-id` annotation, overwriting what the
   * manifest holds.
   */
  readonly roles: readonly RoleAssignment[];
}

/** Roles an existing service principal (an app registration the user manages) must hold. */
export interface ServicePrincipalRolesRequirement {
  readonly kind: 'servicePrincipalRoles';
  /** Application (client) id of the service principal; not a secret. */
  readonly clientId: string;
  /** Roles it needs. */
  readonly roles: readonly RoleAssignment[];
}

/** Anything a construct can ask of Azure. */
export type AzureRequirement =
  | StorageAccountRequirement
  | BlobContainerRequirement
  | FileShareRequirement
  | KubernetesSecretRequirement
  | WorkloadIdentityRequirement
  | ServicePrincipalRolesRequirement;

/** A requirement after de-duplication, with the construct paths that asked for it. */
export type ListedAzureRequirement = AzureRequirement & {
  /** Stable identity, e.g. `blobContainer:acct/dumps`. */
  readonly key: string;
  /** Construct paths that declared it (implied storage accounts name their dependants). */
  readonly declaredBy: readonly string[];
};
