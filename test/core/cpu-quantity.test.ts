import { describe, expect, it } from 'vitest';
import { checkCpuQuantity, cpuMillicores } from '../../lib/core/cpu-quantity';
import { AksStatefulValidationError } from '../../lib/core/errors';

describe('CPU quantities (one rule for the library)', () => {
  it('reads cores and millicores as millicores', () => {
    expect(cpuMillicores('t', 'cpu', '250m')).toBe(250);
    expect(cpuMillicores('t', 'cpu', '1')).toBe(1000);
    expect(cpuMillicores('t', 'cpu', '1.5')).toBe(1500);
    expect(cpuMillicores('t', 'cpu', '0.001')).toBe(1);
  });

  it('accepts a request of zero, in either form, as Kubernetes does', () => {
    expect(cpuMillicores('t', 'cpuRequest', '0')).toBe(0);
    expect(cpuMillicores('t', 'cpuRequest', '0m')).toBe(0);
  });

  it('refuses a limit of zero, naming the field', () => {
    for (const zero of ['0', '0m', '0.0']) {
      expect(() => checkCpuQuantity('app/x', 'resources.cpuLimit', zero, 'limit')).toThrow(
        `app/x: resources.cpuLimit "${zero}" is not allowed: a CPU quantity in cores or whole millicores, like "500m" or "2" (more than zero)`,
      );
    }
  });

  it.each(['1.5m', '0.0005', '-1', '1 ', 'one', '', '1e3', '2Gi'])('refuses %j', (text) => {
    expect(() => cpuMillicores('app/x', 'cpuRequest', text)).toThrow(AksStatefulValidationError);
  });

  it('refuses a number from JavaScript with the validation error, not a TypeError', () => {
    expect(() => cpuMillicores('app/x', 'cpuRequest', 1)).toThrow(
      /^app\/x: cpuRequest 1 is not allowed: a CPU quantity/,
    );
  });
});
