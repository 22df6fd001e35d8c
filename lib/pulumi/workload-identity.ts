import * as pulumi from '@pulumi/pulumi';
import * as authorization from '@pulumi/azure-native/authorization';
import * as managedidentity from '@pulumi/azure-native/managedidentity';
import { createHash } from 'node:crypto';
import { FederatedServiceAccount, PlannedIdentity } from './azure-plan';
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
    this.identity = new managedidentity.UserAssignedIdentity(
      name,
      {
        resourceName: args.plan.identity,
        resourceGroupName: args.resourceGroupName,
        location: args.location,
      },
      parent,
    );
    const credentials: Record<string, managedidentity.FederatedIdentityCredential> = {};
    for (const sa of args.plan.serviceAccounts) {
      // Azure applies federated credentials of one identity one at a time; chaining them avoids
      // the ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity error.
      const previous = Object.values(credentials).at(-1);
      credentials[`${sa.namespace}/${sa.serviceAccount}`] = new managedidentity.FederatedIdentityCredential(
        `${name}/${sa.namespace}/${sa.serviceAccount}`,
        {
          resourceName: this.identity.name,
          resourceGroupName: args.resourceGroupName,
          federatedIdentityCredentialResourceName: credentialName(sa),
          issuer: args.oidcIssuerUrl,
          subject: `system:serviceaccount:${sa.namespace}:${sa.serviceAccount}`,
          audiences: [WORKLOAD_IDENTITY_AUDIENCE],
        },
        { ...parent, ...(previous ? { dependsOn: [previous] } : {}) },
      );
    }
    this.credentials = credentials;
    this.roleAssignments = assignRoles(
      this,
      name,
      { principalId: this.identity.principalId },
      args.plan.roles,
      args.roles,
    );
    this.clientId = this.identity.clientId;
    this.registerOutputs({ clientId: this.clientId, principalId: this.identity.principalId });
  }
}

/**
 * Azure's name for a federated credential: 3–120 letters, digits, '-' and '_', starting with a
 * letter or digit. `<namespace>-<service account>` when that fits and is unambiguous; otherwise
 * (dots in the name, too long) the readable part shortened, with a hash of both names.
 */
export function credentialName(sa: FederatedServiceAccount): string {
  const plain = `${sa.namespace}-${sa.serviceAccount}`;
  if (/^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$/.test(plain) && !sa.namespace.includes('-')) return plain;
  const hash = createHash('sha256').update(`${sa.namespace}/${sa.serviceAccount}`).digest('hex').slice(0, 10);
  return `${plain.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 108)}-${hash}`;
}
