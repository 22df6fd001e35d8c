import * as pulumi from '@pulumi/pulumi';
import * as authorization from '@pulumi/azure-native/authorization';
import * as managedidentity from '@pulumi/azure-native/managedidentity';
import { PlannedIdentity } from './azure-plan';
import { RoleContext, assignRoles } from './role-assignments';

/** Audience AKS workload identity tokens are exchanged for. */
export const WORKLOAD_IDENTITY_AUDIENCE = 'api://AzureADTokenExchange';

/** Arguments of {@link WorkloadIdentity}. */
export interface WorkloadIdentityArgs {
  /** The identity, its service accounts and roles. */
  readonly plan: PlannedIdentity;
  /** Resource group of the identity. */
  readonly resourceGroupName: string;
  /** Azure region. */
  readonly location: pulumi.Input<string>;
  /** The cluster's OIDC issuer URL (`az aks show --query oidcIssuerProfile.issuerUrl`). */
  readonly oidcIssuerUrl: pulumi.Input<string>;
  /** Scopes and role definitions. */
  readonly roles: RoleContext;
}

/**
 * A user-assigned managed identity for AKS workload identity: the identity, one federated
 * credential per service account (`system:serviceaccount:<namespace>:<name>` from the cluster's
 * issuer), and its role assignments.
 */
export class WorkloadIdentity extends pulumi.ComponentResource {
  /** The managed identity. */
  public readonly identity: managedidentity.UserAssignedIdentity;
  /** Client id, for the service accounts' `azure.workload.identity/client-id` annotation. */
  public readonly clientId: pulumi.Output<string>;
  /** Federated credentials, by `<namespace>/<service account>`. */
  public readonly credentials: Readonly<Record<string, managedidentity.FederatedIdentityCredential>>;
  /** The role assignments. */
  public readonly roleAssignments: readonly authorization.RoleAssignment[];

  constructor(name: string, args: WorkloadIdentityArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('aks-stateful:identity:WorkloadIdentity', name, { identity: args.plan.identity }, opts);
    const parent = { parent: this };
    this.identity = new managedidentity.UserAssignedIdentity(name, {
      resourceName: args.plan.identity, resourceGroupName: args.resourceGroupName, location: args.location,
    }, parent);
    const credentials: Record<string, managedidentity.FederatedIdentityCredential> = {};
    for (const sa of args.plan.serviceAccounts) {
      // Azure applies federated credentials of one identity one at a time; chaining them avoids
      // the ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity error.
      const previous = Object.values(credentials).at(-1);
      credentials[`${sa.namespace}/${sa.serviceAccount}`] = new managedidentity.FederatedIdentityCredential(`${name}-${sa.namespace}-${sa.serviceAccount}`, {
        resourceName: this.identity.name,
        resourceGroupName: args.resourceGroupName,
        federatedIdentityCredentialResourceName: `${sa.namespace}-${sa.serviceAccount}`.slice(0, 120),
        issuer: args.oidcIssuerUrl,
        subject: `system:serviceaccount:${sa.namespace}:${sa.serviceAccount}`,
        audiences: [WORKLOAD_IDENTITY_AUDIENCE],
      }, { ...parent, ...(previous ? { dependsOn: [previous] } : {}) });
    }
    this.credentials = credentials;
    this.roleAssignments = assignRoles(this, name, { key: `identity/${args.plan.identity}`, principalId: this.identity.principalId }, args.plan.roles, args.roles);
    this.clientId = this.identity.clientId;
    this.registerOutputs({ clientId: this.clientId, principalId: this.identity.principalId });
  }
}
