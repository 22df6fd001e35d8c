import { IConstruct } from 'constructs';
import { invalid } from '../core/errors';

/**
 * BackupStorageLocation `config` keys the Azure object store accepts (plugin v1.14
 * `ObjectStore.Init`, which rejects any other key). `credentialsFile` is left out: Velero sets it
 * itself from `spec.credential`.
 */
export const AZURE_BSL_CONFIG_KEYS = [
  'resourceGroup',
  'storageAccount',
  'subscriptionId',
  'storageAccountKeyEnvVar',
  'useAAD',
  'storageAccountURI',
  'blockSizeInBytes',
  'activeDirectoryAuthorityURI',
] as const;

/**
 * VolumeSnapshotLocation `config` keys the Azure volume snapshotter accepts (plugin v1.14
 * `VolumeSnapshotter.Init`). The plugin's docs also list `activeDirectoryAuthorityURI`, but its
 * code rejects that key for snapshot locations.
 */
export const AZURE_VSL_CONFIG_KEYS = ['resourceGroup', 'subscriptionId', 'incremental', 'tags', 'apiTimeout'] as const;

/** Keys Velero adds to every object store config by itself, and where they come from. */
export const VELERO_MANAGED_BSL_KEYS: Readonly<Record<string, string>> = {
  bucket: 'the container prop',
  prefix: 'the prefix prop',
  caCert: 'objectStorage.caCert',
};

/**
 * Merges extra `config` entries into the config built from typed props. Unknown keys, and keys
 * a typed prop already sets, are a synth error (the plugin would refuse to start the location).
 */
export function mergePluginConfig(
  scope: IConstruct,
  field: string,
  built: Record<string, string>,
  extra: Record<string, string> | undefined,
  accepted: readonly string[],
  propFor: Readonly<Record<string, string>>,
  reserved: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const config = { ...built };
  for (const [key, value] of Object.entries(extra ?? {})) {
    if (key in reserved) {
      invalid(
        scope,
        `${field} key`,
        key,
        `a key the Azure plugin reads (${accepted.join(', ')}); Velero fills "${key}" from ${reserved[key]}`,
      );
    }
    if (!accepted.includes(key)) {
      invalid(
        scope,
        `${field} key`,
        key,
        `one of ${accepted.join(', ')} (velero-plugin-for-microsoft-azure rejects any other key and the location never becomes Available)`,
      );
    }
    if (key in built || key in propFor) {
      invalid(
        scope,
        `${field} key`,
        key,
        `a key not already set through a prop: set it with ${propFor[key] ?? 'its prop'}`,
      );
    }
    if (typeof value !== 'string' || value.length === 0)
      invalid(scope, `${field}[${JSON.stringify(key)}]`, value, 'a non-empty string');
    config[key] = value;
  }
  return config;
}

/** Checks a config built by the constructs themselves (a safety net against typos in this library). */
export function assertAcceptedKeys(
  scope: IConstruct,
  field: string,
  config: Record<string, string>,
  accepted: readonly string[],
): void {
  for (const key of Object.keys(config)) {
    if (!accepted.includes(key)) invalid(scope, `${field} key`, key, `one of ${accepted.join(', ')}`);
  }
}
