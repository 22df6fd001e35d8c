/**
 * Expectations the unit tests share: the library's one error format and picking objects out of a
 * synthesized manifest.
 */
import { expect } from 'vitest';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * The library's one error format, `<path>: <field> <value> is not allowed: <allowed>`, with
 * `allowed` a part of the explanation that must follow.
 */
export function rejected(path: string, field: string, value: string, allowed: string): RegExp {
  return new RegExp(`^${escape(`${path}: ${field} ${value} is not allowed: `)}.*${escape(allowed)}`);
}

/** The synthesized objects of one kind. */
export function ofKind(objects: readonly any[], kind: string): any[] {
  return objects.filter((o) => o.kind === kind);
}

/** The one synthesized object of a kind (fails the test when there are none or several). */
export function only(objects: readonly any[], kind: string): any {
  const found = ofKind(objects, kind);
  expect(found, `exactly one ${kind}`).toHaveLength(1);
  return found[0];
}
