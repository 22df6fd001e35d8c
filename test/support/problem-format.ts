/**
 * Turning validator output into readable problem lines: JSON paths like
 * `spec.template.spec.containers[0].image` and one message per bad value.
 */
import type { ErrorObject } from 'ajv';

/** One problem inside one object; `path` is '' for the object itself. */
export interface FieldProblem {
  readonly path: string;
  readonly message: string;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** Appends a key or index to a path; keys such as `app.kubernetes.io/name` are quoted. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (!IDENTIFIER.test(key)) return `${parent}[${JSON.stringify(key)}]`;
  return parent ? `${parent}.${key}` : key;
}

/**
 * Converts an ajv instancePath (JSON pointer) into a dotted path. A segment is
 * printed as an index only when the value it steps into is an array, because a
 * map key can be numeric too.
 */
export function pointerToPath(pointer: string, root: unknown): string {
  let path = '';
  let node: unknown = root;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      path = childPath(path, Number(key));
      node = node[Number(key)];
    } else {
      path = childPath(path, key);
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
    }
  }
  return path;
}

/**
 * Reduces ajv errors to one message per failing value. A failed oneOf/anyOf
 * (IntOrString, Quantity) otherwise yields one error per branch plus the
 * summary, e.g. "must be number", "must be string", "must match exactly one
 * schema"; those become "must be number or string".
 */
export function ajvProblems(errors: readonly ErrorObject[], root: unknown, prefix = ''): FieldProblem[] {
  const byPointer = new Map<string, ErrorObject[]>();
  for (const error of errors) {
    const pointer = prefix + error.instancePath;
    byPointer.set(pointer, [...(byPointer.get(pointer) ?? []), error]);
  }
  const problems: FieldProblem[] = [];
  for (const [pointer, group] of byPointer) {
    const path = pointerToPath(pointer, root);
    const combinator = group.some((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
    const branches = group.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf');
    if (combinator && branches.length > 0 && branches.every((e) => e.keyword === 'type')) {
      const types = [...new Set(branches.map((e) => String(e.params['type'])))];
      problems.push({ path, message: `must be ${types.join(' or ')}` });
      continue;
    }
    for (const error of group) problems.push({ path, message: ajvMessage(error) });
  }
  return problems;
}

/** Same wording for both validators (kubernetes-models runs ajv-i18n, which drops the quotes). */
function ajvMessage(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `must have required property '${String(params['missingProperty'])}'`;
    case 'enum':
      return `must be one of ${JSON.stringify(params['allowedValues'])}`;
    default:
      return error.message ?? `fails ${error.keyword}`;
  }
}
