/**
 * Property-based hostile input for every public construct (issue 12). A subject says how to build
 * the construct from props that are known to be valid; the property replaces one prop (or one nested
 * path) with a hostile value — the wrong type, a string where a boolean is meant, a value the API
 * server would refuse — and asserts the only two acceptable outcomes:
 *
 *   1. construction or synthesis throws `AksStatefulValidationError` whose field (or, for an
 *      aggregate, one of whose problems' fields) names the prop as the user wrote it; or
 *   2. the app synthesizes, and every object passes the manifest validation helper.
 *
 * Any other error (a TypeError, a cdk8s error, an error naming another prop) fails the property.
 * Runs are seeded and bounded so `npm test` stays deterministic and quick.
 */
import fc from 'fast-check';
import { App, Chart, Duration, Size, Testing } from 'cdk8s';
import { expect } from 'vitest';
import { AksStatefulValidationError } from '../../lib/core/errors';
import { AksStatefulValidationErrors } from '../../lib/core/aggregate-error';
import { manifestProblems } from './validate-manifests';

/** Fixed seed and bounded runs: the same cases every run. */
export const PROPERTY_PARAMETERS = { seed: 20261202, numRuns: 80, endOnFailure: true } as const;

/** Values seen to break constructs: strings for booleans, strings for arrays, numbers out of range, shapes that look right. */
export const HOSTILE_CONSTANTS: readonly unknown[] = [
  'false',
  'true',
  '',
  ' ',
  '0',
  '-rf',
  '--help',
  'a\nb',
  '.',
  '..',
  '.....',
  '[db]',
  'UPPER_case',
  '1abc',
  'abc',
  'consul leave',
  "x'; DROP TABLE victim; --",
  'true); DROP TABLE victim; --',
  '\\! id',
  'x'.repeat(300),
  0,
  -1,
  1.5,
  7,
  65536,
  2 ** 31,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  null,
  true,
  false,
  [],
  ['app'],
  ['a', 'b'],
  {},
  { a: 1 },
  { toBytes: () => 1 },
  Duration.millis(1500),
  Duration.days(400000),
  Size.mebibytes(1),
  new Date(0),
];

/** One hostile value: a fixed troublemaker most of the time, otherwise a random string, number or array. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...HOSTILE_CONSTANTS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.integer({ min: -5, max: 100000 }) },
  { weight: 1, arbitrary: fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }) },
);

/** A construct under test: how to build it into a chart from props, and props known to be valid. */
export interface HostileSubject<P extends object> {
  /** Shown when the property fails. */
  readonly name: string;
  /** Builds the construct (and whatever it needs) into `chart`. */
  readonly build: (chart: Chart, props: P) => void;
  /** Props that build and synthesize cleanly (the test checks that first). */
  readonly valid: P;
  /**
   * The prop paths to make hostile, as the user writes them: `'readOnly'`, or a nested path such
   * as `'resources.cpu.limit'` (each step a key of an object; arrays by index: `'containers.0.name'`).
   * Every path must exist in `valid` or be an optional prop the construct takes.
   */
  readonly paths: readonly string[];
}

/** A copy of `props` with the value at `path` (dot-separated) replaced. */
export function withValueAt<P extends object>(props: P, path: string, value: unknown): P {
  const keys = path.split('.');
  const copy: any = Array.isArray(props) ? [...props] : { ...props };
  let cursor = copy;
  for (const key of keys.slice(0, -1)) {
    const next = cursor[key];
    cursor[key] = Array.isArray(next) ? [...next] : next !== null && typeof next === 'object' ? { ...next } : {};
    cursor = cursor[key];
  }
  cursor[keys[keys.length - 1]] = value;
  return copy;
}

/** The field spelling a user would recognize for a path: `a.0.b` → `a[0].b`. */
export function userField(path: string): string {
  return path.replace(/\.(\d+)(?=\.|$)/g, '[$1]');
}

/** Whether an error's field names the prop at `path` (the prop itself, a part of it, or its unit). */
export function namesField(errorField: string, path: string): boolean {
  const field = userField(path);
  const top = field.split(/[.[]/)[0];
  return [field, top].some(
    (f) => errorField === f || [`${f}.`, `${f}[`, `${f} `].some((prefix) => errorField.startsWith(prefix)),
  );
}

/** Builds and synthesizes one app; returns the objects or the error thrown. */
function attempt<P extends object>(subject: HostileSubject<P>, props: P): { objects?: any[]; error?: unknown } {
  try {
    const app = Testing.app();
    const chart = new Chart(app, 'test');
    subject.build(chart, props);
    return { objects: synthAll(app) };
  } catch (error) {
    return { error };
  }
}

function synthAll(app: App): any[] {
  return app.charts.flatMap((chart) => Testing.synth(chart));
}

/** Why an outcome is not acceptable, or undefined when it is. */
export function outcomeProblem(path: string, outcome: { objects?: any[]; error?: unknown }): string | undefined {
  const { error, objects } = outcome;
  if (error !== undefined) {
    if (!(error instanceof AksStatefulValidationError)) {
      return `threw ${(error as Error)?.constructor?.name ?? typeof error}: ${(error as Error)?.message ?? String(error)}`;
    }
    const fields = error instanceof AksStatefulValidationErrors ? error.problems.map((p) => p.field) : [error.field];
    if (!fields.some((f) => namesField(f, path))) {
      return `the validation error names ${fields.join(', ')}, not ${userField(path)}: ${error.message}`;
    }
    return undefined;
  }
  const problems = manifestProblems(objects ?? []);
  return problems.length > 0 ? `synthesized invalid objects:\n  ${problems.join('\n  ')}` : undefined;
}

/**
 * The property: for every path and hostile value, either a validation error naming the prop, or
 * valid objects. Also checks that `valid` itself synthesizes valid objects (else the property proves nothing).
 */
export function assertHostileInputHandled<P extends object>(
  subject: HostileSubject<P>,
  parameters: Partial<fc.Parameters<unknown>> = {},
): void {
  const baseline = attempt(subject, subject.valid);
  expect(outcomeProblem('(valid props)', baseline) ?? baseline.error, `${subject.name} with valid props`).toBe(
    undefined,
  );
  const details = fc.check(
    fc.property(fc.constantFrom(...subject.paths), hostileValue, (path, value) => {
      const problem = outcomeProblem(path, attempt(subject, withValueAt(subject.valid, path, value)));
      if (problem !== undefined) {
        throw new Error(`${subject.name}: ${userField(path)} = ${describeValue(value)}: ${problem}`);
      }
    }),
    { ...PROPERTY_PARAMETERS, ...parameters },
  );
  // fc.check rather than fc.assert: the message must carry the construct's own error, which
  // fast-check 4 keeps only as the failure's cause.
  if (details.failed) {
    const cause =
      details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    throw new Error(
      `${cause}\n(seed ${details.seed}, after ${details.numRuns} runs; counterexample ${describeValue(details.counterexample)})`,
    );
  }
}

function describeValue(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
