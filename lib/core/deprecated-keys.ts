import { IConstruct } from 'constructs';
import { invalid } from './errors';

/**
 * Labels and annotations Kubernetes replaced: the library never writes them, refuses them in its
 * props, and the app-wide checks refuse them in every object of the app (metadata, pod templates,
 * node selectors and affinities, topology keys). Most are no longer set on nodes, so a selector on
 * one matches nothing. Key → what to use instead.
 */
export const DEPRECATED_KEYS: Readonly<Record<string, string>> = {
  'failure-domain.beta.kubernetes.io/zone': 'topology.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region': 'topology.kubernetes.io/region',
  'beta.kubernetes.io/os': 'kubernetes.io/os',
  'beta.kubernetes.io/arch': 'kubernetes.io/arch',
  'beta.kubernetes.io/instance-type': 'node.kubernetes.io/instance-type',
  'volume.beta.kubernetes.io/storage-class': 'spec.storageClassName',
  'volume.beta.kubernetes.io/storage-provisioner': 'volume.kubernetes.io/storage-provisioner',
  'node-role.kubernetes.io/master': 'node-role.kubernetes.io/control-plane',
  'seccomp.security.alpha.kubernetes.io/pod': 'spec.securityContext.seccompProfile',
  'scheduler.alpha.kubernetes.io/critical-pod': 'spec.priorityClassName',
  'kubernetes.io/ingress.class': 'spec.ingressClassName',
};

/** What replaces a deprecated label or annotation key, or undefined for a current key. */
export function deprecatedKeyReplacement(key: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(DEPRECATED_KEYS, key) ? DEPRECATED_KEYS[key] : undefined;
}

/** Rejects deprecated label or annotation keys, naming the replacement. */
export function checkNotDeprecated(scope: IConstruct | string, field: string, keys: Iterable<string>): void {
  for (const key of keys) {
    const replacement = deprecatedKeyReplacement(key);
    if (replacement) invalid(scope, field, key, `a current key: "${key}" is deprecated, use ${replacement}`);
  }
}
