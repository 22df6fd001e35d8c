import { IConstruct } from 'constructs';
import { invalid } from './errors';

/** Cores ("1", "0.5") or whole millicores ("250m"); Kubernetes rounds anything finer than 1m up. */
const CPU_TEXT = /^(?:(\d+)m|(\d+(?:\.\d{1,3})?))$/;

/** What a CPU quantity is for: a request may be zero (Kubernetes accepts it), a limit may not. */
export type CpuQuantityRole = 'request' | 'limit';

/**
 * Parses a CPU quantity and returns it in millicores. The one CPU rule of the library:
 * a request of "0" or "0m" is legal Kubernetes (the pod asks for no guaranteed CPU) and is
 * accepted; a limit of zero would throttle the container to nothing, so a limit must be at
 * least 1m. Fractions finer than a millicore ("0.0005", "1.5m") are refused, since Kubernetes
 * would silently round them.
 */
export function cpuMillicores(
  scope: IConstruct | string,
  field: string,
  value: unknown,
  role: CpuQuantityRole = 'request',
): number {
  const match = typeof value === 'string' ? CPU_TEXT.exec(value) : null;
  const millis = match ? (match[1] !== undefined ? Number(match[1]) : Math.round(Number(match[2]) * 1000)) : NaN;
  if (!match || !Number.isSafeInteger(millis) || (role === 'limit' && millis === 0)) {
    const example = role === 'limit' ? '"500m" or "2" (more than zero)' : '"250m", "1" or "0"';
    invalid(scope, field, value, `a CPU quantity in cores or whole millicores, like ${example}`);
  }
  return millis;
}

/** Checks a CPU quantity (see {@link cpuMillicores}) and returns the text unchanged. */
export function checkCpuQuantity(
  scope: IConstruct | string,
  field: string,
  value: string,
  role: CpuQuantityRole = 'request',
): string {
  cpuMillicores(scope, field, value, role);
  return value;
}
