import * as pulumi from '@pulumi/pulumi';
import * as authorization from '@pulumi/azure-native/authorization';
import { PlannedRole } from './azure-plan';
import { deterministicGuid } from './role-definitions';
import { StorageAccountRef } from './account-ref';

/** What role assignments need to resolve scopes and role definition ids. */
export interface RoleContext {
  /** Subscription of the deploying credentials. */
  readonly subscriptionId: pulumi.Input<string>;
  /** Every storage account the requirements name (created by the stack or existing), by name. */
  readonly accounts: ReadonlyMap<string, StorageAccountRef>;
}

function scopeOf(role: PlannedRole, context: RoleContext): pulumi.Input<string> {
  switch (role.scope.type) {
    case 'resourceGroup':
      return pulumi.interpolate`/subscriptions/${context.subscriptionId}/resourceGroups/${role.scope.resourceGroup}`;
    case 'storageAccount':
      return accountOf(context, role.scope.account).accountId;
    case 'blobContainer':
      return accountOf(context, role.scope.account).containerId(role.scope.container);
  }
}

function accountOf(context: RoleContext, name: string): StorageAccountRef {
  const account = context.accounts.get(name);
  // listAzureRequirements implies an account for every role scope on one: a miss is a layer bug.
  if (!account) throw new Error(`aks-stateful: storage account ${name} is not part of this stack`);
  return account;
}

function scopeKey(role: PlannedRole): string {
  switch (role.scope.type) {
    case 'resourceGroup':
      return `rg/${role.scope.resourceGroup}`;
    case 'storageAccount':
      return `account/${role.scope.account}`;
    case 'blobContainer':
      return `container/${role.scope.account}/${role.scope.container}`;
  }
}

/**
 * One `RoleAssignment` per role, named with a GUID derived from principal, role and scope (stable
 * across runs), with `principalType: ServicePrincipal`: without it Azure looks the principal up in
 * Entra ID, where a managed identity created seconds ago may not be visible yet (PrincipalNotFound).
 */
export function assignRoles(
  parent: pulumi.Resource,
  namePrefix: string,
  principal: { readonly principalId: pulumi.Input<string> },
  roles: readonly PlannedRole[],
  context: RoleContext,
): authorization.RoleAssignment[] {
  return roles.map((role) => {
    const scope = scopeOf(role, context);
    // Named after scope (subscription-qualified), principal and role, as Azure's own guidance does:
    // a recreated identity (new principal id) gets a new assignment instead of a refused update.
    const guid = pulumi
      .all([scope, principal.principalId])
      .apply(([s, p]) => deterministicGuid(s.toLowerCase(), p, role.roleDefinitionGuid));
    return new authorization.RoleAssignment(
      `${namePrefix}/${role.role}/${scopeKey(role)}`,
      {
        roleAssignmentName: guid,
        principalId: principal.principalId,
        principalType: 'ServicePrincipal',
        roleDefinitionId: pulumi.interpolate`/subscriptions/${context.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${role.roleDefinitionGuid}`,
        scope,
      },
      { parent, deleteBeforeReplace: true },
    );
  });
}
