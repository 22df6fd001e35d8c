import { IConstruct } from 'constructs';
import { RoleAssignment } from '../azure/requirement-types';
import { declareAzureRequirement } from '../azure/requirements';
import { ResolvedArkAuth } from './auth';

/**
 * Declares the roles Velero's Azure identity needs for one location: as part of the workload
 * identity (created and federated at deploy time), or as roles for the user's service principal.
 * A storage account key needs none.
 */
export function declareVeleroRoles(
  scope: IConstruct,
  auth: ResolvedArkAuth,
  server: { namespace: string; serviceAccountName: string },
  roles: readonly RoleAssignment[],
): void {
  if (roles.length === 0) return;
  if (auth.mode === 'workloadIdentity' && auth.identityName) {
    declareAzureRequirement(scope, {
      kind: 'workloadIdentity',
      identity: auth.identityName,
      namespace: server.namespace,
      serviceAccount: server.serviceAccountName,
      roles,
    });
  } else if (auth.mode === 'servicePrincipal' && auth.clientId) {
    declareAzureRequirement(scope, { kind: 'servicePrincipalRoles', clientId: auth.clientId, roles });
  }
}
