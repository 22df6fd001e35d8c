import { EnvVar, KubeServiceAccount } from '../core/kube-objects';
import { Construct, IConstruct } from 'constructs';
import { CLIENT_ID_SET_AT_DEPLOY, declareAzureRequirement } from './requirements';
import { metadata } from '../core/metadata';
import { checkBlobContainerName, checkStorageAccountName } from './names';
import { invalid } from '../core/errors';
import { checkBlobPrefix } from './blob-prefix';
import { checkRecord, checkSingleLine } from '../core/types';

// The one blob-prefix rule lives in its own file (requirements.ts needs it too); re-exported for its users.
export { checkBlobPrefix } from './blob-prefix';
import { checkDnsSubdomain } from '../core/names';
import { checkOneOf, isGuid } from '../core/values';
import { STORAGE_ACCOUNT_SECRET_KEYS } from '../core/well-known';

/** Keys of the account-key Secret; the same ones `StaticAzureFileShare` uses, so one Secret serves both. */
export const ACCOUNT_NAME_KEY = STORAGE_ACCOUNT_SECRET_KEYS.accountName;
/** Key of the storage account key inside the account-key Secret. */
export const ACCOUNT_KEY_KEY = STORAGE_ACCOUNT_SECRET_KEYS.accountKey;

/**
 * Authenticate with the storage account key, kept in a Kubernetes Secret that the deploy step fills.
 * The mode is spelled as Velero's (`ArkAzureAuth`), one name for one concept across the library.
 */
export interface AccountKeyAuth {
  /** Discriminator. */
  readonly mode: 'storageAccountKey';
  /**
   * Secret with the key under `azurestorageaccountkey` (and the account name under
   * `azurestorageaccountname`), in the database's namespace. It is declared as an Azure
   * requirement; its value never appears in a manifest.
   * @default `azure-storage-<storageAccount>`
   */
  readonly secretName?: string;
}

/**
 * Authenticate as a user-assigned managed identity through AKS workload identity: the job's
 * service account is annotated with the identity's client id and its pods carry
 * `azure.workload.identity/use: "true"`; the scripts sign in with `az login --federated-token`.
 */
export interface WorkloadIdentityAuth {
  /** Discriminator. */
  readonly mode: 'workloadIdentity';
  /**
   * Client id (a GUID) of the managed identity, for the `azure.workload.identity/client-id`
   * annotation. Leave it out when deploying with the Pulumi layer: it creates the identity and
   * writes its client id into the annotation. `kubectl apply` users must give it.
   * @default {@link CLIENT_ID_SET_AT_DEPLOY}, replaced by the Pulumi layer
   */
  readonly clientId?: string;
  /** Tenant of the identity. @default the cluster's tenant (the webhook injects it) */
  readonly tenantId?: string;
  /**
   * Name of the managed identity, declared as an Azure requirement with a federated credential for
   * each job's service account and the role each job needs on the container.
   * @default `<storageAccount>-postgres-backup`
   */
  readonly identityName?: string;
}

/** How backup, restore and drill jobs authenticate to Azure Storage. */
export type BlobAuth = AccountKeyAuth | WorkloadIdentityAuth;

/** Where dumps are kept: a blob container, a name prefix, and how to reach and sign in to it. */
export interface BackupStorage {
  /** Storage account: 3–24 lowercase letters and digits. */
  readonly storageAccount: string;
  /** Blob container for the dumps (private; declared as an Azure requirement). */
  readonly container: string;
  /**
   * Blob name prefix. Dumps are named `<prefix>/<database>/<UTC timestamp>.dump`, and retention
   * applies to `<prefix>/<database>/`.
   * @default 'postgres'
   */
  readonly prefix?: string;
  /**
   * Blob service endpoint, for sovereign clouds (`https://<account>.blob.core.chinacloudapi.cn`) or
   * an emulator (`http://azurite.dev.svc.cluster.local:10000/devstoreaccount1`). Plain `http` is
   * accepted only for loopback and cluster-local hosts.
   * @default `https://<storageAccount>.blob.core.windows.net` (the jobs' scripts use it when unset)
   */
  readonly blobEndpoint?: string;
  /** How the jobs authenticate. @default { mode: 'storageAccountKey' } */
  readonly auth?: BlobAuth;
}

/** {@link BackupStorage} after validation, with defaults filled in. */
export interface ResolvedBackupStorage {
  /** Storage account. */
  readonly storageAccount: string;
  /** Blob container. */
  readonly container: string;
  /** Blob name prefix, without a trailing '/'. */
  readonly prefix: string;
  /** Blob service endpoint, when overridden. */
  readonly blobEndpoint?: string;
  /** Auth mode with its defaults filled in. */
  readonly auth:
    | { readonly mode: 'storageAccountKey'; readonly secretName: string }
    | {
        readonly mode: 'workloadIdentity';
        readonly clientId: string;
        readonly tenantId?: string;
        readonly identityName: string;
      };
}

const IDENTITY_NAME = /^[a-zA-Z0-9][-\w]{2,127}$/;
const LOCAL_HOST = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\]|[a-z0-9-]+(\.[a-z0-9-]+)*\.svc(\.cluster\.local)?)$/;

/**
 * A blob service endpoint: one line (a newline or other control character would split the env
 * value and the URL parser would silently drop it), an https URL without credentials, query,
 * fragment or trailing '/'; plain http only for a loopback or cluster-local (*.svc) emulator host.
 */
function checkBlobEndpoint(scope: IConstruct, field: string, endpoint: string): string {
  const allowed =
    "an https URL of the blob service on one line, with a lowercase host and without credentials, query or trailing '/', e.g. https://myaccount.blob.core.chinacloudapi.cn; http only for loopback or cluster-local (*.svc) emulator hosts";
  checkSingleLine(scope, field, endpoint);
  if (/\s/.test(endpoint)) invalid(scope, field, endpoint, allowed);
  let url: URL | undefined;
  try {
    url = new URL(endpoint);
  } catch {
    url = undefined;
  }
  // The URL exactly as the parser understood it (lowercase host, no credentials, '?', '#', '\\' or
  // trailing '/'): what az connects to is then what the manifest shows.
  const canonical = url && url.origin + (url.pathname === '/' ? '' : url.pathname);
  if (!url || canonical !== endpoint || url.username || url.password || !url.hostname) {
    invalid(scope, field, endpoint, allowed);
  }
  if (url.protocol === 'http:' && !LOCAL_HOST.test(url.hostname)) invalid(scope, field, endpoint, allowed);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') invalid(scope, field, endpoint, allowed);
  return endpoint;
}

/** Validates {@link BackupStorage} and fills in its defaults; `field` names the prop in errors. */
export function resolveBackupStorage(scope: IConstruct, field: string, storage: BackupStorage): ResolvedBackupStorage {
  if (storage === null || typeof storage !== 'object' || Array.isArray(storage))
    invalid(scope, field, storage, 'a storage account, a container and optionally a prefix, endpoint and auth mode');
  const storageAccount = checkStorageAccountName(scope, `${field}.storageAccount`, storage.storageAccount);
  const container = checkBlobContainerName(scope, `${field}.container`, storage.container);
  const prefix = checkBlobPrefix(scope, `${field}.prefix`, storage.prefix ?? 'postgres');
  const blobEndpoint =
    storage.blobEndpoint === undefined
      ? undefined
      : checkBlobEndpoint(scope, `${field}.blobEndpoint`, storage.blobEndpoint);
  const auth = storage.auth === undefined ? { mode: 'storageAccountKey' as const } : storage.auth;
  checkRecord(scope, `${field}.auth`, auth);
  checkOneOf(scope, `${field}.auth.mode`, auth.mode, ['storageAccountKey', 'workloadIdentity']);
  if (auth.mode === 'storageAccountKey') {
    const secretName = checkDnsSubdomain(
      scope,
      `${field}.auth.secretName`,
      auth.secretName ?? `azure-storage-${storageAccount}`,
    );
    return { storageAccount, container, prefix, blobEndpoint, auth: { mode: 'storageAccountKey', secretName } };
  }
  if (auth.clientId !== undefined && !isGuid(auth.clientId)) {
    invalid(
      scope,
      `${field}.auth.clientId`,
      auth.clientId,
      'the client id (a GUID) of the user-assigned managed identity',
    );
  }
  if (auth.tenantId !== undefined && !isGuid(auth.tenantId)) {
    invalid(scope, `${field}.auth.tenantId`, auth.tenantId, 'a tenant id (a GUID)');
  }
  const identityName = auth.identityName ?? `${storageAccount}-postgres-backup`;
  if (typeof identityName !== 'string' || !IDENTITY_NAME.test(identityName)) {
    invalid(
      scope,
      `${field}.auth.identityName`,
      identityName,
      "3 to 128 letters, digits, '-' or '_', starting with a letter or digit",
    );
  }
  return {
    storageAccount,
    container,
    prefix,
    blobEndpoint,
    auth: {
      mode: 'workloadIdentity',
      clientId: auth.clientId ?? CLIENT_ID_SET_AT_DEPLOY,
      identityName,
      ...(auth.tenantId ? { tenantId: auth.tenantId } : {}),
    },
  };
}

/**
 * The one blob layout of database dumps: `<prefix>/<database>/`, ending in '/'. Backups write
 * under it (and its retention rule applies to it); restores and drills search it.
 */
export function databaseDumpPrefix(storage: ResolvedBackupStorage, database: string): string {
  return `${storage.prefix}/${database}/`;
}

/** What a job does with the container: backups write, restores and drills only read. */
export type BlobAccess = 'write' | 'read';

const ROLE: Record<BlobAccess, string> = { write: 'Storage Blob Data Contributor', read: 'Storage Blob Data Reader' };

/**
 * Declares what the job needs in Azure: the container (with retention, for backups), and either
 * the account-key Secret or the workload identity with its role on the container.
 */
function declareStorageRequirements(
  scope: IConstruct,
  storage: ResolvedBackupStorage,
  options: {
    readonly namespace: string;
    readonly serviceAccount: string;
    readonly access: BlobAccess;
    readonly retention?: { readonly prefix: string; readonly deleteAfterDays: number };
  },
): void {
  const { storageAccount: account, container } = storage;
  declareAzureRequirement(scope, {
    kind: 'blobContainer',
    account,
    container,
    ...(options.retention ? { lifecycleRules: [options.retention] } : {}),
  });
  if (storage.auth.mode === 'storageAccountKey') {
    declareAzureRequirement(scope, {
      kind: 'kubernetesSecret',
      namespace: options.namespace,
      name: storage.auth.secretName,
      keys: {
        [ACCOUNT_NAME_KEY]: { from: 'storageAccountName', account },
        [ACCOUNT_KEY_KEY]: { from: 'storageAccountKey', account },
      },
    });
  } else {
    declareAzureRequirement(scope, {
      kind: 'workloadIdentity',
      identity: storage.auth.identityName,
      namespace: options.namespace,
      serviceAccount: options.serviceAccount,
      roles: [{ role: ROLE[options.access], scope: { type: 'blobContainer', account, container } }],
    });
  }
}

/** Environment of the az containers: account, container, endpoint, auth mode, the key from its Secret. */
export function storageEnv(storage: ResolvedBackupStorage): EnvVar[] {
  return [
    { name: 'AZURE_STORAGE_ACCOUNT', value: storage.storageAccount },
    { name: 'BLOB_CONTAINER', value: storage.container },
    { name: 'AUTH_MODE', value: storage.auth.mode },
    ...(storage.blobEndpoint ? [{ name: 'BLOB_ENDPOINT', value: storage.blobEndpoint }] : []),
    ...(storage.auth.mode === 'storageAccountKey'
      ? [
          {
            name: 'AZURE_STORAGE_KEY',
            valueFrom: { secretKeyRef: { name: storage.auth.secretName, key: ACCOUNT_KEY_KEY } },
          },
        ]
      : []),
  ];
}

/** Pod labels the auth mode needs (the workload identity webhook acts only on labelled pods). */
export function storagePodLabels(storage: ResolvedBackupStorage): Record<string, string> {
  return storage.auth.mode === 'workloadIdentity' ? { 'azure.workload.identity/use': 'true' } : {};
}

/** For workload identity, the job's own service account, annotated with the identity; otherwise none. */
function storageServiceAccount(
  scope: Construct,
  storage: ResolvedBackupStorage,
  options: {
    readonly name: string;
    readonly namespace: string;
    readonly labels: Record<string, string>;
    readonly annotations?: Record<string, string>;
  },
): KubeServiceAccount | undefined {
  if (storage.auth.mode !== 'workloadIdentity') return undefined;
  return new KubeServiceAccount(scope, 'ServiceAccount', {
    metadata: metadata({
      name: options.name,
      namespace: options.namespace,
      labels: options.labels,
      annotations: {
        ...options.annotations,
        'azure.workload.identity/client-id': storage.auth.clientId,
        ...(storage.auth.tenantId ? { 'azure.workload.identity/tenant-id': storage.auth.tenantId } : {}),
      },
    }),
    automountServiceAccountToken: false,
  });
}

/**
 * Everything a job needs to reach its blobs: the Azure requirements (container, with retention for
 * backups; the key Secret or the workload identity with its role) and, for workload identity, the
 * job's own annotated service account (returned; undefined with an account key).
 */
export function storageAccess(
  scope: Construct,
  storage: ResolvedBackupStorage,
  options: {
    readonly name: string;
    readonly namespace: string;
    readonly labels: Record<string, string>;
    /** Extra annotations on the service account (the workload identity's own win). */
    readonly annotations?: Record<string, string>;
    readonly access: BlobAccess;
    readonly retention?: { readonly prefix: string; readonly deleteAfterDays: number };
  },
): KubeServiceAccount | undefined {
  declareStorageRequirements(scope, storage, {
    namespace: options.namespace,
    serviceAccount: options.name,
    access: options.access,
    retention: options.retention,
  });
  return storageServiceAccount(scope, storage, options);
}
