import {
  BlobLifecycleRule,
  KubernetesSecretRequirement,
  ListedAzureRequirement,
  RoleAssignment,
  ServicePrincipalRolesRequirement,
  StorageAccountRequirement,
  StorageAccountSku,
} from '../azure/requirement-types';
import { roleKey, secretValueParts } from '../azure/requirements';
import { Problems } from './problems';
import { BUILT_IN_ROLE_DEFINITION_IDS } from './role-definitions';

/** One blob container of an account, with the retention rules every declaration asked for. */
export interface PlannedContainer {
  readonly name: string;
  readonly lifecycleRules: readonly BlobLifecycleRule[];
  /** Owned elsewhere: referred to, not created. */
  readonly existing: boolean;
}

/** One file share of an account. */
export interface PlannedShare {
  readonly name: string;
  readonly quotaGiB: number;
  readonly protocol: 'SMB' | 'NFS';
}

/** A storage account with everything that lives in it: what one `StorageAccount` component creates. */
export interface PlannedAccount {
  readonly name: string;
  readonly resourceGroup: string;
  readonly sku: StorageAccountSku;
  readonly kind: NonNullable<StorageAccountRequirement['accountKind']>;
  readonly containers: readonly PlannedContainer[];
  readonly shares: readonly PlannedShare[];
  /** Shared-key access stays on only when a declared Secret holds this account's key. */
  readonly sharedKeyAccess: boolean;
  /** Owned elsewhere (another stack, a person): referred to, nothing of the account itself created. */
  readonly existing: boolean;
  /** Construct paths that asked for the account, for error messages. */
  readonly declaredBy: readonly string[];
}

/** A role with the definition GUID resolved. */
export interface PlannedRole extends RoleAssignment {
  readonly roleDefinitionGuid: string;
}

/** The service account an identity is federated with. */
export interface FederatedServiceAccount {
  readonly namespace: string;
  readonly serviceAccount: string;
}

/**
 * A user-assigned managed identity: one identity may serve several service accounts (a backup, its
 * restore and its drill), with one federated credential each and the union of their roles.
 */
export interface PlannedIdentity {
  readonly identity: string;
  readonly serviceAccounts: readonly FederatedServiceAccount[];
  readonly roles: readonly PlannedRole[];
  readonly declaredBy: readonly string[];
}

/** Every Azure resource and Secret a stack creates, grouped the way the components create them. */
export interface AzurePlan {
  readonly accounts: readonly PlannedAccount[];
  readonly identities: readonly PlannedIdentity[];
  readonly servicePrincipals: readonly (ServicePrincipalRolesRequirement & {
    readonly roles: readonly PlannedRole[];
    readonly declaredBy: readonly string[];
  })[];
  readonly secrets: readonly (KubernetesSecretRequirement & { readonly declaredBy: readonly string[] })[];
}

const KEY_OPERATOR_ROLE = 'Storage Account Key Operator Service Role';
const PREMIUM_SKUS: readonly StorageAccountSku[] = ['Premium_LRS', 'Premium_ZRS'];

/**
 * Groups the de-duplicated requirements into what the components create and records every
 * problem Azure would refuse later: NFS outside a premium FileStorage account, blob containers in
 * a FileStorage account, roles whose definition is unknown, identities declared twice under
 * different names for one service account.
 */
export function planAzureResources(
  requirements: readonly ListedAzureRequirement[],
  options: {
    readonly resourceGroupName: string;
    readonly customRoleDefinitionIds: Readonly<Record<string, string>>;
  },
  problems: Problems,
): AzurePlan {
  const accounts = new Map<
    string,
    {
      req: StorageAccountRequirement;
      by: readonly string[];
      containers: PlannedContainer[];
      shares: PlannedShare[];
      sharedKey: boolean;
    }
  >();
  const identities = new Map<
    string,
    { serviceAccounts: FederatedServiceAccount[]; roles: Map<string, PlannedRole>; declaredBy: Set<string> }
  >();
  const servicePrincipals: AzurePlan['servicePrincipals'][number][] = [];
  const secrets: AzurePlan['secrets'][number][] = [];
  const roleIds = { ...BUILT_IN_ROLE_DEFINITION_IDS, ...options.customRoleDefinitionIds };
  const unknownRoles = new Set<string>();
  const planRoles = (roles: readonly RoleAssignment[], by: readonly string[]): PlannedRole[] =>
    roles.flatMap((role) => {
      const guid = roleIds[role.role];
      if (guid === undefined) {
        // One problem per role and declarer, however many scopes it is granted on.
        if (unknownRoles.has(`${role.role}\u0000${by.join(',')}`)) return [];
        unknownRoles.add(`${role.role}\u0000${by.join(',')}`);
        problems.add(
          by.join(', '),
          'role',
          role.role,
          `a built-in role the layer knows (${Object.keys(BUILT_IN_ROLE_DEFINITION_IDS).join(', ')}) or one named in customRoleDefinitionIds: { '${role.role}': '<role definition GUID>' }`,
        );
        return [];
      }
      return [{ ...role, roleDefinitionGuid: guid }];
    });

  // listAzureRequirements orders accounts first, so every container, share and Secret finds its account.
  for (const req of requirements) {
    switch (req.kind) {
      case 'storageAccount':
        accounts.set(req.account, { req, by: req.declaredBy, containers: [], shares: [], sharedKey: false });
        break;
      case 'blobContainer':
        accounts.get(req.account)?.containers.push({
          name: req.container,
          lifecycleRules: req.lifecycleRules ?? [],
          existing: req.existing === true,
        });
        break;
      case 'fileShare':
        accounts
          .get(req.account)
          ?.shares.push({ name: req.share, quotaGiB: req.quotaGiB, protocol: req.protocol ?? 'SMB' });
        break;
      case 'workloadIdentity': {
        const entry = identities.get(req.identity) ?? {
          serviceAccounts: [] as FederatedServiceAccount[],
          roles: new Map<string, PlannedRole>(),
          declaredBy: new Set<string>(),
        };
        identities.set(req.identity, entry);
        entry.serviceAccounts.push({ namespace: req.namespace, serviceAccount: req.serviceAccount });
        for (const role of planRoles(req.roles, req.declaredBy)) entry.roles.set(roleKey(role), role);
        for (const path of req.declaredBy) entry.declaredBy.add(path);
        break;
      }
      case 'servicePrincipalRoles':
        servicePrincipals.push({ ...req, roles: planRoles(req.roles, req.declaredBy) });
        // A principal that may list the keys uses them: shared-key access must stay on.
        for (const role of req.roles) {
          if (role.role === KEY_OPERATOR_ROLE && role.scope.type === 'storageAccount') {
            const account = accounts.get(role.scope.account);
            if (account) account.sharedKey = true;
          }
        }
        break;
      case 'kubernetesSecret':
        secrets.push(req);
        for (const part of Object.values(req.keys).flatMap(secretValueParts)) {
          if (part.from === 'storageAccountKey') {
            const account = accounts.get(part.account);
            if (account) account.sharedKey = true;
          }
        }
        break;
    }
  }

  const planned = [...accounts.values()].map(({ req, by, containers, shares, sharedKey }): PlannedAccount => {
    const kind = req.accountKind ?? 'StorageV2';
    const sku =
      req.sku ??
      (kind !== 'StorageV2'
        ? 'Premium_LRS'
        : shares.length > 0 && containers.length === 0
          ? 'Standard_LRS'
          : 'Standard_ZRS');
    const account: PlannedAccount = {
      name: req.account,
      resourceGroup: req.resourceGroup ?? options.resourceGroupName,
      sku,
      kind,
      containers,
      shares,
      sharedKeyAccess: sharedKey,
      existing: req.existing === true,
      declaredBy: by,
    };
    checkAccount(account, problems);
    return account;
  });
  const plannedIdentities = [...identities.entries()].map(([identity, entry]): PlannedIdentity => {
    if (entry.serviceAccounts.length > 20) {
      problems.add(
        [...entry.declaredBy].join(', '),
        `service accounts of managed identity ${identity}`,
        entry.serviceAccounts.length,
        'at most 20: Azure allows 20 federated credentials per identity; give some constructs another identityName',
      );
    }
    return {
      identity,
      serviceAccounts: entry.serviceAccounts,
      roles: [...entry.roles.values()],
      declaredBy: [...entry.declaredBy].sort(),
    };
  });
  return { accounts: planned, identities: plannedIdentities, servicePrincipals, secrets };
}

function checkAccount(account: PlannedAccount, problems: Problems): void {
  const where = account.declaredBy.join(', ');
  if (account.existing) {
    // Azure allows one lifecycle policy per account: on an account owned elsewhere it is theirs.
    const ruled = account.containers.filter((c) => c.lifecycleRules.length > 0).map((c) => c.name);
    if (ruled.length > 0) {
      problems.add(
        where,
        `retention rules of containers in existing storage account ${account.name}`,
        ruled,
        "none: the account's one lifecycle policy belongs to whoever owns the account; declare the rules there",
      );
    }
    return;
  }
  if (
    account.kind === 'StorageV2' &&
    PREMIUM_SKUS.includes(account.sku) &&
    (account.containers.length > 0 || account.shares.length > 0)
  ) {
    problems.add(
      where,
      `sku of storage account ${account.name}`,
      account.sku,
      "a Standard SKU for StorageV2 (a premium StorageV2 account holds page blobs only), or accountKind 'BlockBlobStorage' / 'FileStorage' for premium blobs / shares",
    );
  }
  if ((account.kind === 'FileStorage' || account.kind === 'BlockBlobStorage') && !PREMIUM_SKUS.includes(account.sku)) {
    problems.add(
      where,
      `sku of storage account ${account.name}`,
      account.sku,
      `Premium_LRS or Premium_ZRS: a ${account.kind} account is premium only`,
    );
  }
  if (account.kind === 'FileStorage' && account.containers.length > 0) {
    problems.add(
      where,
      `blob containers of storage account ${account.name}`,
      account.containers.map((c) => c.name),
      'none: a FileStorage account has no blob service; put the containers in a StorageV2 account',
    );
  }
  if (account.kind === 'BlockBlobStorage' && account.shares.length > 0) {
    problems.add(
      where,
      `file shares of storage account ${account.name}`,
      account.shares.map((s) => s.name),
      'none: a BlockBlobStorage account has no file service',
    );
  }
  for (const share of account.shares) {
    if (share.protocol === 'NFS' && account.kind !== 'FileStorage') {
      problems.add(
        where,
        `protocol of file share ${account.name}/${share.name}`,
        'NFS',
        "SMB, or NFS on a storage account declared with accountKind 'FileStorage' and a Premium SKU (Azure Files offers NFS only there)",
      );
    }
    if (PREMIUM_SKUS.includes(account.sku) && share.quotaGiB < 100) {
      problems.add(
        where,
        `quota of file share ${account.name}/${share.name}`,
        share.quotaGiB,
        'at least 100 GiB: the smallest premium file share',
      );
    }
  }
}
