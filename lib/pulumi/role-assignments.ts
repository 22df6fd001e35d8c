import * as pulumi from '@pulumi/pulumi';
import * as authorization from '@pulumi/azure-native/authorization';
import { PlannedRole } from './azure-plan';
import { deterministicGuid } from './role-definitions';
import { StorageAccount } from './storage-account';

/** What role assignments need to resolve scopes and role definition ids. */
export interface RoleContext {
  /** Subscription of the deploying credentials. */
  readonly subscriptionId: pulumi.Input<string>;
  /** The stack's storage accounts by name (scopes on them use their resource ids). */
  readonly accounts: ReadonlyMap<string, StorageAccount>;
  /** Resource group of accounts the stack does not create. */
  readonly defaultResourceGroup: string;
}

function scopeOf(role: PlannedRole, context: RoleContext): pulumi.Input<string> {
  const sub = context.subscriptionId;
  switch (role.scope.type) {
    case 'resourceGroup':
      return pulumi.interpolate`/subscriptions/${sub}/resourceGroups/${role.scope.resourceGroup}`;
    case 'storageAccount': {
      const account = context.accounts.get(role.scope.account);
      return account ? account.account.id
        : pulumi.interpolate`/subscriptions/${sub}/resourceGroups/${context.defaultResourceGroup}/providers/Microsoft.Storage/storageAccounts/${role.scope.account}`;
    }
    case 'blobContainer': {
      const container = context.accounts.get(role.scope.account)?.containers[role.scope.container];
      return container ? container.id
        : pulumi.interpolate`/subscriptions/${sub}/resourceGroups/${context.defaultResourceGroup}/providers/Microsoft.Storage/storageAccounts/${role.scope.account}/blobServices/default/containers/${role.scope.container}`;
    }
  }
}

function scopeKey(role: PlannedRole): string {
  switch (role.scope.type) {
    case 'resourceGroup': return `rg/${role.scope.resourceGroup}`;
    case 'storageAccount': return `account/${role.scope.account}`;
    case 'blobContainer': return `container/${role.scope.account}/${role.scope.container}`;
  }
}

/**
 * One `RoleAssignment` per role, named with a GUID derived from principal, role and scope (stable
 * across runs), with `principalType: ServicePrincipal`: without it Azure looks the principal up in
 * Entra ID, where a managed identity created seconds ago may not be visible yet (PrincipalNotFound).
 */
export function assignRoles(parent: pulumi.Resource, namePrefix: string, principal: { readonly key: string; readonly principalId: pulumi.Input<string> },
  roles: readonly PlannedRole[], context: RoleContext): authorization.RoleAssignment[] {
  return roles.map((role) => {
    const guid = deterministicGuid(principal.key, role.roleDefinitionGuid, scopeKey(role));
    return new authorization.RoleAssignment(`${namePrefix}-${role.role.replace(/[^A-Za-z0-9]+/g, '-').toLowerCase()}-${scopeKey(role).replace(/\//g, '-')}`, {
      roleAssignmentName: guid,
      principalId: principal.principalId,
      principalType: 'ServicePrincipal',
      roleDefinitionId: pulumi.interpolate`/subscriptions/${context.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${role.roleDefinitionGuid}`,
      scope: scopeOf(role, context),
    }, { parent });
  });
}
