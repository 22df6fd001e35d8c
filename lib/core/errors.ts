import { IConstruct } from 'constructs';

/**
 * The one error every construct throws for bad input: it names the construct path, the field,
 * the rejected value and what would have been accepted, so the fix is obvious from the message.
 */
export class AksStatefulValidationError extends Error {
  /** Construct path (e.g. `app/db/data`), or `<path>` for checks outside a tree. */
  public readonly constructPath: string;
  /** The prop or field that holds the bad value (e.g. `cachingMode`). */
  public readonly field: string;
  /** The rejected value, as the user gave it. */
  public readonly value: unknown;
  /** What is allowed instead. */
  public readonly allowed: string;

  constructor(constructPath: string, field: string, value: unknown, allowed: string) {
    super(`${constructPath}: ${field} ${formatValue(value)} is not allowed: ${allowed}`);
    this.name = 'AksStatefulValidationError';
    this.constructPath = constructPath;
    this.field = field;
    this.value = value;
    this.allowed = allowed;
  }
}

/** Renders a value for an error message: strings quoted, objects as JSON, long text shortened. */
export function formatValue(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (value === undefined) text = '(unset)';
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** The path used in error messages for a construct (its full tree path). */
export function pathOf(scope: IConstruct): string {
  return scope.node.path || '<root>';
}

/** Throws an {@link AksStatefulValidationError} for `scope`. */
export function invalid(scope: IConstruct | string, field: string, value: unknown, allowed: string): never {
  const path = typeof scope === 'string' ? scope : pathOf(scope);
  throw new AksStatefulValidationError(path, field, value, allowed);
}
