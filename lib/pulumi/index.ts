// Public API of aks-stateful/pulumi: the deploy layer. Import it only where Pulumi runs; the
// cdk8s constructs (`aks-stateful`) never load it.
export { StatefulStack, StatefulStackArgs, StatefulStackCluster } from './stateful-stack';
export { StatefulStackConfigError } from './problems';
export { DataProtection } from './data-protection';
export { StorageAccount, StorageAccountArgs } from './storage-account';
export { WorkloadIdentity, WorkloadIdentityArgs, WORKLOAD_IDENTITY_AUDIENCE } from './workload-identity';
export { ServicePrincipalRoles, ServicePrincipalRolesArgs } from './service-principal-roles';
export { DeclaredSecret, DeclaredSecretArgs, SecretSources } from './declared-secret';
export { Manifests, ManifestsArgs, DATA_BEARING_KINDS } from './manifests';
export { BUILT_IN_ROLE_DEFINITION_IDS } from './role-definitions';
export { CONFIG_NAMESPACE, SERVICE_PRINCIPAL_OBJECT_IDS_KEY } from './stack-config';
export {
  AzurePlan,
  PlannedAccount,
  PlannedContainer,
  PlannedIdentity,
  PlannedRole,
  PlannedShare,
  FederatedServiceAccount,
} from './azure-plan';
export { PlannedObject } from './manifest-plan';
