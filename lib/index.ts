// Public API of aks-stateful: re-exports only.
export * from './core/errors';
export * from './core/storage-size';
export * from './azure/requirement-types';
export {
  declareAzureRequirement,
  listAzureRequirements,
  requirementKey,
  providedConfigKey,
  AZURE_REQUIREMENT_METADATA,
  CLIENT_ID_SET_AT_DEPLOY,
} from './azure/requirements';
export { formatAzureRequirements, describeRequirement } from './azure/requirements-report';
export * from './storage/azure-storage-class';
export * from './storage/azure-disk-skus';
export * from './storage/azure-disk-storage-class';
export * from './storage/azure-file-storage-class';
export * from './storage/snapshot-classes';
export * from './storage/azure-volume-claim';
export * from './storage/volume-snapshot';
export * from './storage/derived-claims';
export * from './storage/raw-block';
export * from './storage/static-azure-file-share';
export { checkCronSchedule, checkTimeZone } from './core/cron';
export * from './postgres/connection';
export * from './backup';
export * from './ark';
export * from './workloads/claim-template';
export * from './workloads/zone-placement';
export * from './workloads/zonal-stateful-set';
export * from './workloads/postgres-singleton';
export * from './workloads/postgres-bulk-import';
export { AKS_BUILT_IN_FILE_CLASSES, AKS_BUILT_IN_DELETING_DISK_CLASSES } from './workloads/postgres-storage-rules';
export { statefulPolicyProblems, enableStatefulPolicies } from './policies/stateful-policies';
export { DEPRECATED_KEYS } from './core/deprecated-keys';
