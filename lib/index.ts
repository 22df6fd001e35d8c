// Public API of aks-stateful: re-exports only.
export * from './validation/errors';
export * from './validation/storage-size';
export * from './azure/requirement-types';
export { declareAzureRequirement, listAzureRequirements, requirementKey, AZURE_REQUIREMENT_METADATA } from './azure/requirements';
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
export { checkCronSchedule, checkTimeZone } from './validation/cron';
export * from './workloads/postgres-connection';
