import { IConstruct } from 'constructs';
import { invalid } from '../core/errors';

const STORAGE_ACCOUNT = /^[a-z0-9]{3,24}$/;
const CONTAINER_OR_SHARE = /^(?=.{3,63}$)[a-z0-9](?!.*--)[a-z0-9-]*[a-z0-9]$/;
const ZONE = /^[a-z][a-z0-9]*-[1-3]$/;
const ARM_ID = /^\/subscriptions\/[0-9a-fA-F-]{36}\/resourceGroups\/[-\w._()]+\/providers\/[\w.]+\/[\w]+\/[-\w._]+$/;
const RESOURCE_GROUP = /^[-\w._()]{1,90}$/;

/** Storage account names are global DNS names: 3–24 lowercase letters and digits. */
export function checkStorageAccountName(scope: IConstruct | string, field: string, value: string): string {
  if (typeof value !== 'string' || !STORAGE_ACCOUNT.test(value)) {
    invalid(
      scope,
      field,
      value,
      'a storage account name: 3 to 24 lowercase letters and digits (globally unique in Azure)',
    );
  }
  return value;
}

/** Blob container names: 3–63 lowercase letters, digits and single hyphens, alphanumeric at both ends. */
export function checkBlobContainerName(scope: IConstruct | string, field: string, value: string): string {
  if (typeof value !== 'string' || !CONTAINER_OR_SHARE.test(value)) {
    invalid(
      scope,
      field,
      value,
      'a blob container name: 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit',
    );
  }
  return value;
}

/** File share names follow the same rules as container names. */
export function checkFileShareName(scope: IConstruct | string, field: string, value: string): string {
  if (typeof value !== 'string' || !CONTAINER_OR_SHARE.test(value)) {
    invalid(
      scope,
      field,
      value,
      'a file share name: 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit',
    );
  }
  return value;
}

/** AKS zone names as the CSI drivers label nodes: `<region>-<1|2|3>`, e.g. `westeurope-1`. */
export function checkZone(scope: IConstruct | string, field: string, value: string): string {
  if (typeof value !== 'string' || !ZONE.test(value)) {
    invalid(
      scope,
      field,
      value,
      'an AKS zone like "westeurope-1": the region name in lowercase, a hyphen, then 1, 2 or 3',
    );
  }
  return value;
}

/** A list of zones: non-empty, valid, without repeats, all in one region. */
export function checkZones(scope: IConstruct | string, field: string, zones: string[]): string[] {
  if (!Array.isArray(zones) || zones.length === 0)
    invalid(scope, field, zones, 'a non-empty list of zones like ["westeurope-1", "westeurope-2"]');
  zones.forEach((zone, i) => checkZone(scope, `${field}[${i}]`, zone));
  if (new Set(zones).size !== zones.length) invalid(scope, field, zones, 'each zone once');
  const regions = new Set(zones.map((zone) => zone.replace(/-[1-3]$/, '')));
  if (regions.size > 1)
    invalid(scope, field, zones, 'zones of a single region (a cluster and its disks live in one region)');
  return [...zones];
}

/** Azure resource group names: 1–90 letters, digits, '-', '_', '.', '(' and ')'. */
export function checkResourceGroupName(scope: IConstruct | string, field: string, value: string): string {
  if (typeof value !== 'string' || !RESOURCE_GROUP.test(value) || value.endsWith('.')) {
    invalid(
      scope,
      field,
      value,
      "a resource group name: 1 to 90 letters, digits, '-', '_', '.', '(' or ')', not ending in '.'",
    );
  }
  return value;
}

/** A full ARM resource id of the given provider type, e.g. `Microsoft.Compute/diskEncryptionSets`. */
export function checkArmResourceId(scope: IConstruct | string, field: string, value: string, type: string): string {
  const ok =
    typeof value === 'string' &&
    ARM_ID.test(value) &&
    value.toLowerCase().includes(`/providers/${type.toLowerCase()}/`);
  if (!ok)
    invalid(
      scope,
      field,
      value,
      `an Azure resource id: /subscriptions/<uuid>/resourceGroups/<group>/providers/${type}/<name>`,
    );
  return value;
}

/** Azure tags as the CSI drivers take them ("k1=v1,k2=v2"): no ',' or '=' inside keys or values. */
export function renderAzureTags(scope: IConstruct | string, field: string, tags: Record<string, string>): string {
  const entries = Object.entries(tags);
  for (const [key, value] of entries) {
    if (!key || /[,=<>%&\\?/]/.test(key) || key.length > 512)
      invalid(scope, `${field} key`, key, 'a tag name of at most 512 characters without , = < > % & \\ ? or /');
    if (typeof value !== 'string' || /[,=]/.test(value) || value.length > 256)
      invalid(
        scope,
        `${field}[${JSON.stringify(key)}]`,
        value,
        "a tag value of at most 256 characters without ',' or '='",
      );
  }
  return entries.map(([key, value]) => `${key}=${value}`).join(',');
}
