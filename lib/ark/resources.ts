import { IConstruct } from 'constructs';
import { Quantity } from 'cdk8s-plus-27/lib/imports/k8s';
import { invalid } from '../core/errors';
import { StorageSize } from '../core/storage-size';

/** CPU and memory of a Velero container. Memory in binary units ("512Mi"), CPU in cores or millicores ("500m", "1"). */
export interface ArkResources {
  /** CPU request. @default depends on the container */
  readonly cpuRequest?: string;
  /** Memory request. @default depends on the container */
  readonly memoryRequest?: string;
  /** CPU limit. @default depends on the container */
  readonly cpuLimit?: string;
  /** Memory limit. @default depends on the container */
  readonly memoryLimit?: string;
}

const CPU = /^([1-9]\d*m|\d+(\.\d+)?)$/;

function millicores(text: string): number {
  return text.endsWith('m') ? Number(text.slice(0, -1)) : Number(text) * 1000;
}

/**
 * Renders requests and limits after checking them: CPU like "500m" or "1", memory in binary
 * units, requests not above limits, and the memory limit at least `minMemoryLimit` when given.
 */
export function renderResources(
  scope: IConstruct,
  field: string,
  resources: ArkResources | undefined,
  defaults: ArkResources,
  minMemoryLimit?: { size: string; reason: string },
): { requests?: Record<string, Quantity>; limits?: Record<string, Quantity> } | undefined {
  const merged = { ...defaults, ...stripUndefined(resources ?? {}) };
  for (const key of ['cpuRequest', 'cpuLimit'] as const) {
    const value = merged[key];
    if (value !== undefined && (typeof value !== 'string' || !CPU.test(value) || millicores(value) <= 0)) {
      invalid(scope, `${field}.${key}`, value, 'a CPU quantity like "500m" or "1"');
    }
  }
  const memory = (key: 'memoryRequest' | 'memoryLimit') =>
    merged[key] === undefined ? undefined : StorageSize.parse(merged[key]!, scope, `${field}.${key}`);
  const memoryRequest = memory('memoryRequest');
  const memoryLimit = memory('memoryLimit');
  if (minMemoryLimit) {
    const min = StorageSize.parse(minMemoryLimit.size);
    if (!memoryLimit || memoryLimit.toBytes() < min.toBytes()) {
      invalid(
        scope,
        `${field}.memoryLimit`,
        merged.memoryLimit,
        `at least ${minMemoryLimit.size}: ${minMemoryLimit.reason}`,
      );
    }
  }
  if (memoryRequest && memoryLimit && memoryRequest.toBytes() > memoryLimit.toBytes()) {
    invalid(scope, `${field}.memoryRequest`, merged.memoryRequest, `at most the memory limit ${merged.memoryLimit}`);
  }
  if (merged.cpuRequest && merged.cpuLimit && millicores(merged.cpuRequest) > millicores(merged.cpuLimit)) {
    invalid(scope, `${field}.cpuRequest`, merged.cpuRequest, `at most the CPU limit ${merged.cpuLimit}`);
  }
  const pick = (cpu?: string, mem?: string) => {
    const out: Record<string, Quantity> = {};
    if (cpu !== undefined) out.cpu = Quantity.fromString(cpu);
    if (mem !== undefined) out.memory = Quantity.fromString(mem);
    return Object.keys(out).length > 0 ? out : undefined;
  };
  const requests = pick(merged.cpuRequest, merged.memoryRequest);
  const limits = pick(merged.cpuLimit, merged.memoryLimit);
  if (!requests && !limits) return undefined;
  return { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
