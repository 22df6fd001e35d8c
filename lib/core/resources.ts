import { QuantityValue, ResourceRequirements } from './kube-objects';
import { IConstruct } from 'constructs';
import { cpuMillicores } from './cpu-quantity';
import { invalid } from './errors';
import { isPlainRecord } from './types';
import { SizeInput, StorageSize } from './storage-size';

/**
 * CPU, memory and ephemeral storage of one container — the one resources model of the library.
 * CPU in cores or whole millicores ("250m", "1"; a request may be "0", a limit may not), memory
 * and ephemeral storage in binary units ("512Mi"), a `StorageSize` or a cdk8s `Size`.
 */
export interface ContainerResources {
  /** CPU request. @default depends on the construct and container */
  readonly cpuRequest?: string;
  /** CPU limit. @default depends on the construct and container (usually none: throttling only slows a container) */
  readonly cpuLimit?: string;
  /** Memory request. @default depends on the construct and container */
  readonly memoryRequest?: SizeInput;
  /** Memory limit. @default depends on the construct and container */
  readonly memoryLimit?: SizeInput;
  /** Ephemeral-storage request. @default depends on the construct and container */
  readonly ephemeralStorageRequest?: SizeInput;
  /** Ephemeral-storage limit. @default depends on the construct and container */
  readonly ephemeralStorageLimit?: SizeInput;
}

/** {@link ContainerResources} after validation: CPU kept as written, sizes parsed. */
export interface ResolvedResources {
  readonly cpuRequest?: string;
  readonly cpuLimit?: string;
  readonly memoryRequest?: StorageSize;
  readonly memoryLimit?: StorageSize;
  readonly ephemeralStorageRequest?: StorageSize;
  readonly ephemeralStorageLimit?: StorageSize;
}

/** Extra rules a construct puts on its containers' resources. */
export interface ResourceRules {
  /** The smallest memory limit the container runs with, and why; the limit is then required. */
  readonly minMemoryLimit?: { readonly size: string; readonly reason: string };
}

type Key = keyof ContainerResources;
const KEYS: readonly Key[] = [
  'cpuRequest',
  'cpuLimit',
  'memoryRequest',
  'memoryLimit',
  'ephemeralStorageRequest',
  'ephemeralStorageLimit',
];
const PAIRS = [
  { request: 'memoryRequest', limit: 'memoryLimit', what: 'memory' },
  { request: 'ephemeralStorageRequest', limit: 'ephemeralStorageLimit', what: 'ephemeral-storage' },
] as const;

/**
 * Validates a container's resources, the user's `given` values over the construct's `defaults`.
 * `field` is the prop as the user wrote it (e.g. `resources` or `resources.server`). A limit below
 * its request is blamed on the field the user set: the limit when the user gave it, otherwise the
 * request (a request the user raised above the default limit).
 */
export function resolveResources(
  scope: IConstruct | string,
  field: string,
  given: ContainerResources | undefined,
  defaults: ContainerResources = {},
  rules: ResourceRules = {},
): ResolvedResources {
  // `as unknown`: no narrowing of `given` here, its typed fields are read below.
  const plain = isPlainRecord(given as unknown);
  if (given !== undefined && !plain) {
    invalid(scope, field, given, 'an object with cpuRequest, cpuLimit, memoryRequest, memoryLimit, ... fields');
  }
  const unknown = Object.keys(given ?? {}).filter((key) => !KEYS.includes(key as Key));
  if (unknown.length > 0)
    invalid(scope, `${field}.${unknown[0]}`, given![unknown[0] as Key], `one of ${KEYS.join(', ')}`);
  const userSet = (key: Key) => given?.[key] !== undefined;
  const value = <K extends Key>(key: K): ContainerResources[K] => (userSet(key) ? given![key] : defaults[key]);
  const name = (key: Key) => `${field}.${key}`;

  const cpuRequest = value('cpuRequest');
  const cpuLimit = value('cpuLimit');
  const requestMillis = cpuRequest === undefined ? undefined : cpuMillicores(scope, name('cpuRequest'), cpuRequest);
  const limitMillis = cpuLimit === undefined ? undefined : cpuMillicores(scope, name('cpuLimit'), cpuLimit, 'limit');
  if (requestMillis !== undefined && limitMillis !== undefined && limitMillis < requestMillis) {
    blame(scope, name, userSet, 'cpuRequest', 'cpuLimit', cpuRequest!, cpuLimit!, 'CPU');
  }

  const size = (key: Key) => {
    const v = value(key);
    return v === undefined ? undefined : StorageSize.from(v as SizeInput, scope, name(key));
  };
  const sizes = {
    memoryRequest: size('memoryRequest'),
    memoryLimit: size('memoryLimit'),
    ephemeralStorageRequest: size('ephemeralStorageRequest'),
    ephemeralStorageLimit: size('ephemeralStorageLimit'),
  };
  for (const pair of PAIRS) {
    const request = sizes[pair.request];
    const limit = sizes[pair.limit];
    if (request && limit && limit.isSmallerThan(request)) {
      blame(scope, name, userSet, pair.request, pair.limit, request.toString(), limit.toString(), pair.what);
    }
  }
  if (rules.minMemoryLimit) {
    const min = StorageSize.parse(rules.minMemoryLimit.size);
    if (!sizes.memoryLimit || sizes.memoryLimit.isSmallerThan(min)) {
      invalid(
        scope,
        name('memoryLimit'),
        sizes.memoryLimit?.toString(),
        `at least ${rules.minMemoryLimit.size}: ${rules.minMemoryLimit.reason}`,
      );
    }
  }
  return dropUndefined({ cpuRequest, cpuLimit, ...sizes });
}

function blame(
  scope: IConstruct | string,
  name: (key: Key) => string,
  userSet: (key: Key) => boolean,
  requestKey: Key,
  limitKey: Key,
  request: string,
  limit: string,
  what: string,
): never {
  if (userSet(limitKey) || !userSet(requestKey)) {
    invalid(scope, name(limitKey), limit, `at least the ${what} request (${request})`);
  }
  invalid(scope, name(requestKey), request, `at most the ${what} limit (${limit}); raise ${name(limitKey)} too`);
}

/** Renders resolved resources as Kubernetes ResourceRequirements (quantities as text). */
export function renderResources(resources: ResolvedResources): ResourceRequirements {
  const requests: Record<string, QuantityValue> = {};
  const limits: Record<string, QuantityValue> = {};
  if (resources.cpuRequest !== undefined) requests.cpu = resources.cpuRequest;
  if (resources.memoryRequest) requests.memory = resources.memoryRequest.toString();
  if (resources.ephemeralStorageRequest) requests['ephemeral-storage'] = resources.ephemeralStorageRequest.toString();
  if (resources.cpuLimit !== undefined) limits.cpu = resources.cpuLimit;
  if (resources.memoryLimit) limits.memory = resources.memoryLimit.toString();
  if (resources.ephemeralStorageLimit) limits['ephemeral-storage'] = resources.ephemeralStorageLimit.toString();
  return {
    ...(Object.keys(requests).length > 0 ? { requests } : {}),
    ...(Object.keys(limits).length > 0 ? { limits } : {}),
  };
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
