import { Construct, IConstruct } from 'constructs';
import { invalid } from './errors';

/*
 * Run-time type checks for props. TypeScript's types vanish for JavaScript callers and config files
 * (Pulumi stack config values are strings), so every prop is checked by what it is, never read by
 * truthiness: the string 'false' is truthy and would turn a feature on.
 */

/** A boolean prop, or its default when unset. `'false'`, `0`, `null` are validation errors. */
export function checkBoolean(scope: IConstruct | string, field: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') invalid(scope, field, value, 'true or false (a boolean, not a string)');
  return value;
}

/** A boolean prop that may stay unset (the caller decides what unset means). */
export function checkOptionalBoolean(scope: IConstruct | string, field: string, value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  return checkBoolean(scope, field, value, false);
}

/** A string prop; `minLength` 1 (the default) refuses the empty string. */
export function checkString(scope: IConstruct | string, field: string, value: unknown, minLength = 1): string {
  if (typeof value !== 'string' || value.length < minLength) {
    invalid(scope, field, value, minLength > 0 ? 'a non-empty string' : 'a string');
  }
  return value;
}

/** A string without control characters (newlines, NUL, ...), which would break a header, a line of env or a URL. */
export function checkSingleLine(scope: IConstruct | string, field: string, value: unknown, minLength = 1): string {
  const text = checkString(scope, field, value, minLength);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(text)) invalid(scope, field, value, 'a single line without control characters');
  return text;
}

/**
 * An array prop whose items each pass `item`. A string (which would be read character by character)
 * or any other non-array is a validation error; items are checked as `field[i]`.
 */
export function checkArray<T>(
  scope: IConstruct | string,
  field: string,
  value: unknown,
  item: (itemField: string, itemValue: unknown) => T,
): T[] {
  if (!Array.isArray(value)) invalid(scope, field, value, 'an array');
  return value.map((v, i) => item(`${field}[${i}]`, v));
}

/** An array of strings (each non-empty unless `minLength` is 0). */
export function checkStringArray(scope: IConstruct | string, field: string, value: unknown, minLength = 1): string[] {
  return checkArray(scope, field, value, (f, v) => checkString(scope, f, v, minLength));
}

/** Whether `value` is a plain record: an object that is not an array, null or a class instance such as a Date. */
export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(value));
}

/** A plain record (see {@link isPlainRecord}). */
export function checkRecord(scope: IConstruct | string, field: string, value: unknown): Record<string, unknown> {
  if (!isPlainRecord(value)) invalid(scope, field, value, 'an object of keys to values');
  return value as Record<string, unknown>;
}

/**
 * A plain record whose keys are all among `allowed` (the fields of a props object, such as a
 * cdk8s-plus port or security context): a misspelled field would otherwise be ignored silently.
 * Raw Kubernetes JSON is checked by kube-json.ts, against its type's fields at every depth.
 */
export function checkKnownKeys(
  scope: IConstruct | string,
  field: string,
  value: unknown,
  allowed: readonly string[],
): Record<string, unknown> {
  const record = checkRecord(scope, field, value);
  for (const key of Object.keys(record))
    if (!allowed.includes(key))
      invalid(scope, `${field}.${key}`, record[key], `unset: a field of ${allowed.join(', ')}`);
  return record;
}

/** A record of string values (env, settings, parameters). */
export function checkStringRecord(scope: IConstruct | string, field: string, value: unknown): Record<string, string> {
  const record = checkRecord(scope, field, value);
  for (const [key, v] of Object.entries(record)) {
    if (typeof v !== 'string') invalid(scope, `${field}[${JSON.stringify(key)}]`, v, 'a string');
  }
  return { ...(record as Record<string, string>) };
}

/**
 * An object prop that must be an instance of a class (a construct, a Duration, a ServiceAccount):
 * a string where an object is expected would otherwise be dropped silently.
 */
export function checkInstance<T>(
  scope: IConstruct | string,
  field: string,
  value: unknown,
  // A prototype rather than a constructor type: cdk8s classes such as Duration have private constructors.
  type: { prototype: T },
  allowed: string,
): T {
  if (!(
    value !== null &&
    typeof value === 'object' &&
    type.prototype !== undefined &&
    Object.prototype.isPrototypeOf.call(type.prototype, value)
  )) {
    invalid(scope, field, value, allowed);
  }
  return value as T;
}

/** A TCP/UDP port number. */
export function checkPort(scope: IConstruct | string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
    invalid(scope, field, value, 'a whole number from 1 to 65535');
  }
  return value;
}

/** A user or group id for a pod's securityContext: Kubernetes takes 0 to 2^31−1. */
export function checkSecurityId(scope: IConstruct | string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 2147483647) {
    invalid(scope, field, value, 'a whole number from 0 to 2147483647');
  }
  return value;
}

/**
 * A construct argument of a function (not a prop): a JavaScript caller may pass a name or a plain
 * object, which would otherwise fail as a TypeError on `.node`. `where` names the function.
 */
export function checkConstruct(where: string, field: string, value: unknown): IConstruct {
  if (!Construct.isConstruct(value))
    invalid(where, field, value, 'a construct (an App, a Chart or a construct in one)');
  return value;
}
