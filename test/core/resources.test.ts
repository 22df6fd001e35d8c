import { Size } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { AksStatefulValidationError } from '../../lib/core/errors';
import type { ResourceRequirements } from '../../lib/core/kube-objects';
import { renderResources, resolveResources } from '../../lib/core/resources';
import { StorageSize } from '../../lib/core/storage-size';

/** The requirements as JSON writes them (no undefined keys). */
function plain(value: ResourceRequirements): unknown {
  return JSON.parse(JSON.stringify(value));
}

const defaults = { cpuRequest: '100m', memoryRequest: '256Mi', memoryLimit: '512Mi' };

function error(run: () => unknown): AksStatefulValidationError {
  try {
    run();
  } catch (e) {
    if (e instanceof AksStatefulValidationError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('resolveResources / renderResources', () => {
  it('renders the given values over the defaults as quantity texts', () => {
    const resolved = resolveResources('app/x', 'resources', { memoryLimit: Size.gibibytes(1) }, defaults);
    expect(plain(renderResources(resolved))).toEqual({
      requests: { cpu: '100m', memory: '256Mi' },
      limits: { memory: '1Gi' },
    });
  });

  it('renders ephemeral storage and CPU limits', () => {
    const resolved = resolveResources('app/x', 'resources', {
      cpuLimit: '2',
      ephemeralStorageRequest: StorageSize.gibibytes(1),
      ephemeralStorageLimit: '2Gi',
    });
    expect(plain(renderResources(resolved))).toEqual({
      requests: { 'ephemeral-storage': '1Gi' },
      limits: { cpu: '2', 'ephemeral-storage': '2Gi' },
    });
  });

  it('blames the limit the user set when it is below the request', () => {
    const e = error(() => resolveResources('app/x', 'resources', { memoryLimit: '128Mi' }, defaults));
    expect(e.field).toBe('resources.memoryLimit');
    expect(e.message).toBe('app/x: resources.memoryLimit "128Mi" is not allowed: at least the memory request (256Mi)');
  });

  it('blames the request the user raised above the default limit, not the limit they never wrote', () => {
    const e = error(() => resolveResources('app/x', 'resources', { memoryRequest: '1Gi' }, defaults));
    expect(e.field).toBe('resources.memoryRequest');
    expect(e.message).toMatch(/at most the memory limit \(512Mi\); raise resources\.memoryLimit too/);
  });

  it('blames the limit when the user set both', () => {
    const e = error(() => resolveResources('app/x', 'r', { memoryRequest: '1Gi', memoryLimit: '512Mi' }));
    expect(e.field).toBe('r.memoryLimit');
  });

  it('applies the same rule to CPU and ephemeral storage', () => {
    expect(error(() => resolveResources('app/x', 'r', { cpuRequest: '2' }, { cpuLimit: '1' })).field).toBe(
      'r.cpuRequest',
    );
    expect(error(() => resolveResources('app/x', 'r', { cpuLimit: '500m' }, { cpuRequest: '1' })).field).toBe(
      'r.cpuLimit',
    );
    expect(
      error(() => resolveResources('app/x', 'r', { ephemeralStorageLimit: '1Gi', ephemeralStorageRequest: '2Gi' }))
        .field,
    ).toBe('r.ephemeralStorageLimit');
  });

  it('accepts a CPU request of zero but not a CPU limit of zero', () => {
    expect(resolveResources('app/x', 'r', { cpuRequest: '0' }).cpuRequest).toBe('0');
    expect(error(() => resolveResources('app/x', 'r', { cpuLimit: '0' })).field).toBe('r.cpuLimit');
  });

  it('enforces a minimum memory limit with its reason', () => {
    expect(() =>
      resolveResources('app/x', 'r', { memoryLimit: '64Mi' }, {}, { minMemoryLimit: { size: '128Mi', reason: 'az' } }),
    ).toThrow('app/x: r.memoryLimit "64Mi" is not allowed: at least 128Mi: az');
  });

  it('rejects unknown fields and non-objects by name', () => {
    expect(error(() => resolveResources('app/x', 'r', { cpu: '1' } as never)).field).toBe('r.cpu');
    expect(error(() => resolveResources('app/x', 'r', '1' as never)).field).toBe('r');
  });
});

describe('resources given as something other than a plain object', () => {
  it('a Date or a class instance is refused, not read as no fields', () => {
    expect(() => resolveResources('p', 'resources', new Date(0) as never, defaults)).toThrow(
      /^p: resources .* is not allowed: an object with cpuRequest/,
    );
  });
});
