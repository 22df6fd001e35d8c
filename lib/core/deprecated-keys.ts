import { IConstruct } from 'constructs';
import { invalid } from './errors';

/** Labels and annotations Kubernetes replaced long ago; the library never writes them and refuses them. */
export const DEPRECATED_KEYS: Readonly<Record<string, string>> = {
  'failure-domain.beta.kubernetes.io/zone': 'topology.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region': 'topology.kubernetes.io/region',
  'beta.kubernetes.io/os': 'kubernetes.io/os',
  'beta.kubernetes.io/arch': 'kubernetes.io/arch',
  'beta.kubernetes.io/instance-type': 'node.kubernetes.io/instance-type',
  'volume.beta.kubernetes.io/storage-class': 'spec.storageClassName',
  'volume.beta.kubernetes.io/storage-provisioner': 'volume.kubernetes.io/storage-provisioner',
};

/** Rejects deprecated label or annotation keys, naming the replacement. */
export function checkNotDeprecated(scope: IConstruct | string, field: string, keys: Iterable<string>): void {
  for (const key of keys) {
    const replacement = DEPRECATED_KEYS[key];
    if (replacement) invalid(scope, field, key, `a current key: "${key}" is deprecated, use ${replacement}`);
  }
}
