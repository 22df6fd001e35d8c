import { IConstruct } from 'constructs';
import { invalid } from './errors';
import { KUBE_FIELDS, KUBE_JSON_ROOTS } from './kube-fields.generated';
import { isPlainRecord } from './types';

/** A Kubernetes type users write as raw JSON in the constructs' props. */
export type KubeJsonType = (typeof KUBE_JSON_ROOTS)[number];

/**
 * Checks raw Kubernetes JSON the user wrote (a sidecar container, a pod volume, a toleration, an
 * affinity) against the fields of its Kubernetes 1.27 type, at every depth, and returns a copy
 * (so that a later change to the user's object cannot bypass the checks). A field the type does
 * not have, or a value of the wrong kind (`'true'` for a boolean, from a config file), is refused
 * by its path: written into the manifest, the API server would refuse it, or ignore it. cdk8s-plus
 * `Quantity`/`IntOrString` objects, which these props took before they were typed as text and
 * numbers, are taken as their value. The rules of the constructs (Pod Security, mount names, ...)
 * are checked on the copy afterwards.
 */
export function checkKubeJson<T>(scope: IConstruct, field: string, value: unknown, type: KubeJsonType): T {
  return copy(scope, field, value, type) as T;
}

function copy(scope: IConstruct, field: string, value: unknown, spec: string): unknown {
  if (spec.startsWith('[')) {
    if (!Array.isArray(value)) invalid(scope, field, value, 'a list');
    return value.map((item, i) => copy(scope, `${field}[${i}]`, item, spec.slice(1, -1)));
  }
  if (spec.startsWith('{')) {
    if (!isPlainRecord(value)) invalid(scope, field, value, 'an object of keys to values');
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, copy(scope, `${field}[${JSON.stringify(k)}]`, v, spec.slice(1, -1))]),
    );
  }
  switch (spec) {
    case 's':
      if (typeof value !== 'string') invalid(scope, field, value, 'a string');
      return value;
    case 'n':
      if (typeof value !== 'number' || !Number.isFinite(value)) invalid(scope, field, value, 'a number');
      return value;
    case 'b':
      if (typeof value !== 'boolean') invalid(scope, field, value, 'true or false');
      return value;
    case 'x':
      if (!['string', 'number', 'boolean'].includes(typeof value))
        invalid(scope, field, value, 'a string, a number or a boolean');
      return value;
    case 'q':
      return quantity(scope, field, value);
    case '*':
      return anyJson(scope, field, value);
  }
  const fields = KUBE_FIELDS[spec];
  if (fields === undefined) throw new Error(`no fields listed for Kubernetes type ${spec}`);
  if (!isPlainRecord(value)) invalid(scope, field, value, `an object (a Kubernetes ${spec})`);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const kind = fields[key];
    if (kind === undefined)
      invalid(scope, `${field}.${key}`, v, `a field of a Kubernetes 1.27 ${spec}: ${Object.keys(fields).join(', ')}`);
    out[key] = copy(scope, `${field}.${key}`, v, kind);
  }
  return out;
}

/** Text or a number; a cdk8s-plus Quantity or IntOrString (a class with only `value`) as its value. */
function quantity(scope: IConstruct, field: string, value: unknown): string | number {
  if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) return value;
  if (value !== null && typeof value === 'object' && !isPlainRecord(value)) {
    const own = Object.keys(value);
    const wrapped = (value as { value?: unknown }).value;
    if (own.length === 1 && own[0] === 'value' && (typeof wrapped === 'string' || typeof wrapped === 'number'))
      return wrapped;
  }
  return invalid(scope, field, value, "a quantity as text or a number, e.g. '64Mi' or 8080");
}

/** Free-form JSON: plain records, lists and scalars only (a class instance would not serialize). */
function anyJson(scope: IConstruct, field: string, value: unknown): unknown {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return value;
  if (Array.isArray(value)) return value.map((v, i) => anyJson(scope, `${field}[${i}]`, v));
  if (!isPlainRecord(value)) invalid(scope, field, value, 'JSON: objects, lists, text, numbers, booleans');
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, anyJson(scope, `${field}.${k}`, v)]));
}
