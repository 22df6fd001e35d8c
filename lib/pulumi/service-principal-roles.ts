import * as pulumi from '@pulumi/pulumi';
import * as authorization from '@pulumi/azure-native/authorization';
import { AzurePlan } from './azure-plan';
import { RoleContext, assignRoles } from './role-assignments';

/** Arguments of {@link ServicePrincipalRoles}. */
export interface ServicePrincipalRolesArgs {
  /** The principal's client id and roles. */
  readonly plan: AzurePlan['servicePrincipals'][number];
  /** Object id of the service principal (Entra ID's, not the application's); not a secret. */
  readonly objectId: string;
  /** Scopes and role definitions. */
  readonly roles: RoleContext;
}

/** The role assignments an existing service principal (an app registration the user manages) needs. */
export class ServicePrincipalRoles extends pulumi.ComponentResource {
  /** The role assignments. */
  public readonly roleAssignments: readonly authorization.RoleAssignment[];

  constructor(name: string, args: ServicePrincipalRolesArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('aks-stateful:identity:ServicePrincipalRoles', name, { clientId: args.plan.clientId }, opts);
    this.roleAssignments = assignRoles(
      this,
      name,
      { principalId: args.objectId.toLowerCase() },
      args.plan.roles,
      args.roles,
    );
    this.registerOutputs({});
  }
}
