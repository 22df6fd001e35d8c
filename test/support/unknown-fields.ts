/**
 * Unknown-field and null checks. Neither kubernetes-models' validators nor a
 * CRD's JSON schema reject keys they do not define (the API server drops them
 * silently, so a misspelt `imagePullPolcy` just vanishes). Both schema sources
 * are turned into a `Shape`, and one walker compares the object against it.
 */
import { childPath, type FieldProblem } from './problem-format';

/** What the schema says about one value. Child shapes are computed lazily. */
export interface Shape {
  /** The schema allows `null` here (OpenAPI `nullable: true`). */
  readonly nullable: boolean;
  /** Free-form below this point (RawExtension, preserve-unknown-fields): nothing is checked. */
  readonly anything?: boolean;
  /** For objects: the shape of a key, or undefined when the key is not defined. */
  readonly field?: (key: string) => Shape | undefined;
  /** For arrays: the element shape. */
  readonly items?: () => Shape;
}

/** The message of an unknown-field problem (formatted as `unknown field <path>`). */
export const UNKNOWN_FIELD = 'unknown field';

/** Strings, numbers, booleans, IntOrString, Quantity: nothing to walk into. */
export const SCALAR: Shape = { nullable: false };
/** Anything goes, null included. */
export const ANYTHING: Shape = { nullable: true, anything: true };

/** Memoizes a shape's children, since a walk asks for the same field many times (containers[*]). */
export function objectShape(nullable: boolean, lookup: (key: string) => Shape | undefined): Shape {
  const cache = new Map<string, Shape | undefined>();
  return {
    nullable,
    field: (key) => {
      if (!cache.has(key)) cache.set(key, lookup(key));
      return cache.get(key);
    },
  };
}

export function arrayShape(nullable: boolean, element: () => Shape): Shape {
  let cached: Shape | undefined;
  return { nullable, items: () => (cached ??= element()) };
}

/**
 * Walks `value` alongside `shape`, reporting keys the shape does not define and
 * null/undefined values where the schema does not allow null (cdk8s writes
 * null e.g. when a Quantity object was passed where a string was expected).
 * Type mismatches are left to the schema validators.
 */
export function unknownFieldProblems(value: unknown, shape: Shape, path = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const walk = (node: unknown, s: Shape, at: string): void => {
    if (node === null || node === undefined) {
      if (!s.nullable) problems.push({ path: at, message: `${String(node)} is not allowed here` });
      return;
    }
    if (s.anything) return;
    if (Array.isArray(node)) {
      if (s.items) node.forEach((element, i) => walk(element, s.items!(), childPath(at, i)));
      return;
    }
    if (typeof node === 'object' && s.field) {
      for (const [key, child] of Object.entries(node)) {
        const childShape = s.field(key);
        if (childShape) walk(child, childShape, childPath(at, key));
        else problems.push({ path: childPath(at, key), message: UNKNOWN_FIELD });
      }
    }
  };
  walk(value, shape, path);
  return problems;
}
