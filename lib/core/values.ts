import { IConstruct } from 'constructs';
import { invalid } from './errors';

/** Checks that `value` is one of `allowed` (string unions arriving from untyped JavaScript or JSON). */
export function checkOneOf<T extends string>(
  scope: IConstruct | string,
  field: string,
  value: T,
  allowed: readonly T[],
): T {
  if (!allowed.includes(value)) invalid(scope, field, value, `one of ${allowed.join(', ')}`);
  return value;
}

/** Whether `value` is a GUID (client, tenant, subscription and object ids), in either case. */
export function isGuid(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(value)
  );
}

/** Checks a whole number within [min, max]. */
export function checkInteger(
  scope: IConstruct | string,
  field: string,
  value: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    invalid(
      scope,
      field,
      value,
      max === Number.MAX_SAFE_INTEGER ? `a whole number of at least ${min}` : `a whole number from ${min} to ${max}`,
    );
  }
  return value;
}

/** Checks an absolute path inside a container (no '..', no trailing '/'). */
export function checkAbsolutePath(scope: IConstruct | string, field: string, value: string): string {
  const ok =
    typeof value === 'string' &&
    value.startsWith('/') &&
    value.length > 1 &&
    !value.endsWith('/') &&
    !value.split('/').includes('..');
  if (!ok) invalid(scope, field, value, "an absolute path like /data, without '..' or a trailing '/'");
  return value;
}
