import { IConstruct } from 'constructs';
import { SecretValuePart, SecretValueSource } from '../azure/requirement-types';
import { invalid } from '../core/errors';
import { checkResourceGroupName } from '../azure/names';
import { checkOneOf, isGuid } from '../core/values';
import { checkBoolean, checkRecord, checkString } from '../core/types';

/** Azure clouds the plugin knows (`AZURE_CLOUD_NAME` in the credentials file). */
export type AzureCloudName = 'AzurePublicCloud' | 'AzureUSGovernmentCloud' | 'AzureChinaCloud';

const CLOUDS: readonly AzureCloudName[] = ['AzurePublicCloud', 'AzureUSGovernmentCloud', 'AzureChinaCloud'];

/** Blob endpoint suffix per cloud, as Velero's Azure storage client has them. */
export const BLOB_ENDPOINT_SUFFIX: Readonly<Record<AzureCloudName, string>> = {
  AzurePublicCloud: 'blob.core.windows.net',
  AzureUSGovernmentCloud: 'blob.core.usgovcloudapi.net',
  AzureChinaCloud: 'blob.core.chinacloudapi.cn',
};

/**
 * Velero authenticates as a service principal with a client secret. The credentials file holds
 * subscription, tenant, client id and secret, the node resource group and the cloud name.
 */
export interface ArkServicePrincipalAuth {
  /** Selects this auth mode. */
  readonly mode: 'servicePrincipal';
  /**
   * Subscription of the cluster's disks (`AZURE_SUBSCRIPTION_ID`).
   * @default the deploying credentials' subscription (filled by the Pulumi layer)
   */
  readonly subscriptionId?: string;
  /**
   * Microsoft Entra tenant of the service principal (`AZURE_TENANT_ID`).
   * @default the deploying credentials' tenant (filled by the Pulumi layer)
   */
  readonly tenantId?: string;
  /** Application (client) id of the service principal (`AZURE_CLIENT_ID`); not a secret. */
  readonly clientId: string;
  /**
   * The cluster's node resource group (`MC_...`), where the disks live (`AZURE_RESOURCE_GROUP`).
   * Required with volume snapshots. @default the stack's `cluster.nodeResourceGroup` (Pulumi layer)
   */
  readonly nodeResourceGroup?: string;
  /** Azure cloud (`AZURE_CLOUD_NAME`). @default 'AzurePublicCloud' */
  readonly cloudName?: AzureCloudName;
  /**
   * Reach the blob container with Entra ID (`useAAD: "true"`, role Storage Blob Data Contributor)
   * instead of listing the account keys (role with `listkeys`). @default true
   */
  readonly useAAD?: boolean;
}

/**
 * Velero authenticates to blob storage with a storage account access key kept in the credentials
 * file. A key cannot snapshot managed disks, and it can always write: no volume snapshots, no
 * read-only installation.
 */
export interface ArkStorageAccountKeyAuth {
  /** Selects this auth mode. */
  readonly mode: 'storageAccountKey';
  /**
   * Name of the variable in the credentials file that holds the key (`storageAccountKeyEnvVar`).
   * @default 'AZURE_STORAGE_ACCOUNT_ACCESS_KEY'
   */
  readonly keyEnvVar?: string;
  /** Azure cloud (`AZURE_CLOUD_NAME`). @default 'AzurePublicCloud' */
  readonly cloudName?: AzureCloudName;
}

/**
 * AKS workload identity: a user-assigned managed identity federated with Velero's service account.
 * The service account carries `azure.workload.identity/client-id`, the server and node-agent pods
 * `azure.workload.identity/use: "true"`; blob access uses Entra ID (`useAAD`). The credentials
 * file still carries subscription, node resource group and cloud name.
 */
export interface ArkWorkloadIdentityAuth {
  /** Selects this auth mode. */
  readonly mode: 'workloadIdentity';
  /** Name of the user-assigned managed identity (declared as an Azure requirement with its roles). */
  readonly identityName: string;
  /**
   * Client id of that identity, for the service account annotation; not a secret. Leave it out
   * when deploying with the Pulumi layer, which creates the identity and writes its client id into
   * the annotation; `kubectl apply` users must give it.
   * @default {@link CLIENT_ID_SET_AT_DEPLOY} in the annotation, replaced by the Pulumi layer
   */
  readonly clientId?: string;
  /**
   * Subscription of the cluster's disks (`AZURE_SUBSCRIPTION_ID`).
   * @default the deploying credentials' subscription (filled by the Pulumi layer)
   */
  readonly subscriptionId?: string;
  /** Tenant, annotated on the service account when set. @default the cluster's tenant */
  readonly tenantId?: string;
  /** The cluster's node resource group (`AZURE_RESOURCE_GROUP`); required with volume snapshots. @default the stack's `cluster.nodeResourceGroup` (Pulumi layer) */
  readonly nodeResourceGroup?: string;
  /** Azure cloud (`AZURE_CLOUD_NAME`). @default 'AzurePublicCloud' */
  readonly cloudName?: AzureCloudName;
}

/** How Velero authenticates to Azure. */
export type ArkAzureAuth = ArkServicePrincipalAuth | ArkStorageAccountKeyAuth | ArkWorkloadIdentityAuth;

/** The auth settings after validation, with defaults filled in. */
export interface ResolvedArkAuth {
  /** The auth mode. */
  readonly mode: ArkAzureAuth['mode'];
  /** `AZURE_CLOUD_NAME`. */
  readonly cloudName: AzureCloudName;
  /** Blob access through Entra ID (service principal with useAAD, workload identity). */
  readonly useAAD: boolean;
  /** Subscription of the disks (service principal, workload identity). @default none with a storage account key */
  readonly subscriptionId?: string;
  /** Tenant (service principal; workload identity when given). @default none */
  readonly tenantId?: string;
  /** Client id of the service principal or managed identity. @default none with a storage account key */
  readonly clientId?: string;
  /** The node resource group (`AZURE_RESOURCE_GROUP`). @default none */
  readonly nodeResourceGroup?: string;
  /** Variable holding the storage account key. @default none unless storageAccountKey */
  readonly keyEnvVar?: string;
  /** Managed identity name (workload identity). @default none */
  readonly identityName?: string;
}

const ENV_VAR = /^[A-Z_][A-Z0-9_]*$/;

function checkUuid(scope: IConstruct, field: string, value: string, what: string): string {
  if (!isGuid(value)) invalid(scope, field, value, `${what}: a GUID like 00000000-0000-0000-0000-000000000000`);
  return value;
}

function optionalUuid(scope: IConstruct, field: string, value: string | undefined, what: string): string | undefined {
  return value === undefined ? undefined : checkUuid(scope, field, value, what);
}

/** Validates the auth props and fills in defaults. */
export function resolveAuth(scope: IConstruct, auth: ArkAzureAuth): ResolvedArkAuth {
  if (auth === null || typeof auth !== 'object' || Array.isArray(auth))
    invalid(scope, 'auth', auth, 'one of { mode: "servicePrincipal" | "storageAccountKey" | "workloadIdentity", ... }');
  checkRecord(scope, 'auth', auth);
  checkOneOf(scope, 'auth.mode', auth.mode, ['servicePrincipal', 'storageAccountKey', 'workloadIdentity']);
  const cloudName = checkOneOf(scope, 'auth.cloudName', auth.cloudName ?? 'AzurePublicCloud', CLOUDS);
  const nodeRg = (rg: string | undefined) =>
    rg === undefined ? undefined : checkResourceGroupName(scope, 'auth.nodeResourceGroup', rg);
  switch (auth.mode) {
    case 'servicePrincipal':
      return {
        mode: auth.mode,
        cloudName,
        useAAD: checkBoolean(scope, 'auth.useAAD', auth.useAAD, true),
        subscriptionId: optionalUuid(scope, 'auth.subscriptionId', auth.subscriptionId, 'the subscription id'),
        tenantId: optionalUuid(scope, 'auth.tenantId', auth.tenantId, 'the tenant id'),
        clientId: checkUuid(scope, 'auth.clientId', auth.clientId, "the service principal's application (client) id"),
        nodeResourceGroup: nodeRg(auth.nodeResourceGroup),
      };
    case 'storageAccountKey': {
      const keyEnvVar = checkString(scope, 'auth.keyEnvVar', auth.keyEnvVar ?? 'AZURE_STORAGE_ACCOUNT_ACCESS_KEY');
      if (!ENV_VAR.test(keyEnvVar) || keyEnvVar.startsWith('AZURE_CLIENT') || keyEnvVar === 'AZURE_CLOUD_NAME') {
        invalid(
          scope,
          'auth.keyEnvVar',
          keyEnvVar,
          'an upper-case variable name like AZURE_STORAGE_ACCOUNT_ACCESS_KEY, not one the plugin reads for other purposes',
        );
      }
      return { mode: auth.mode, cloudName, useAAD: false, keyEnvVar };
    }
    case 'workloadIdentity':
      if (typeof auth.identityName !== 'string' || !/^[a-zA-Z0-9][-\w]{2,127}$/.test(auth.identityName)) {
        invalid(
          scope,
          'auth.identityName',
          auth.identityName,
          "a managed identity name: 3 to 128 letters, digits, '-' or '_', starting with a letter or digit",
        );
      }
      return {
        mode: auth.mode,
        cloudName,
        useAAD: true,
        identityName: auth.identityName,
        clientId: optionalUuid(scope, 'auth.clientId', auth.clientId, "the managed identity's client id"),
        subscriptionId: optionalUuid(scope, 'auth.subscriptionId', auth.subscriptionId, 'the subscription id'),
        tenantId: optionalUuid(scope, 'auth.tenantId', auth.tenantId, 'the tenant id'),
        nodeResourceGroup: nodeRg(auth.nodeResourceGroup),
      };
  }
}

/**
 * What the `cloud` key of the credentials Secret holds: Velero's dotenv credentials file, composed
 * of what the props fix, what the deploying credentials know (subscription, tenant), the cluster's
 * node resource group, the storage account key, and — for a service principal — the client
 * secret, the one value the user types (`pulumi config set --secret aks-stateful:velero-client-secret`).
 */
export function credentialsFileSource(auth: ResolvedArkAuth, storageAccount: string): SecretValueSource {
  const fixed = (value: string | undefined, otherwise: SecretValuePart): SecretValuePart =>
    value === undefined ? otherwise : { from: 'literal', value };
  const variables: Record<string, SecretValuePart> = {};
  if (auth.mode === 'storageAccountKey') {
    variables[auth.keyEnvVar!] = { from: 'storageAccountKey', account: storageAccount };
  } else {
    variables.AZURE_SUBSCRIPTION_ID = fixed(auth.subscriptionId, { from: 'subscriptionId' });
    if (auth.mode === 'servicePrincipal') {
      variables.AZURE_TENANT_ID = fixed(auth.tenantId, { from: 'tenantId' });
      variables.AZURE_CLIENT_ID = { from: 'literal', value: auth.clientId! };
      variables.AZURE_CLIENT_SECRET = {
        from: 'provided',
        description: `client secret of service principal ${auth.clientId}`,
        configKey: 'velero-client-secret',
      };
    }
    variables.AZURE_RESOURCE_GROUP = fixed(auth.nodeResourceGroup, { from: 'clusterNodeResourceGroup' });
  }
  variables.AZURE_CLOUD_NAME = { from: 'literal', value: auth.cloudName };
  return { from: 'dotenv', variables };
}
