import { AksStatefulValidationError } from './errors';

/**
 * Several {@link AksStatefulValidationError}s thrown as one, so a single run shows every mistake.
 * It is itself an AksStatefulValidationError (its path, field, value and allowed are the first
 * problem's), so `catch (e) { if (e instanceof AksStatefulValidationError) ... }` sees it too;
 * `problems` holds each one.
 */
export class AksStatefulValidationErrors extends AksStatefulValidationError {
  /** Each problem: construct path, field, value, what is allowed. Never empty. */
  public readonly problems: readonly AksStatefulValidationError[];

  /** @param headline what the problems are found in, e.g. `in the app` (the message starts `N problems <headline>:`). */
  constructor(problems: readonly AksStatefulValidationError[], headline: string) {
    if (problems.length === 0) throw new Error('AksStatefulValidationErrors needs at least one problem');
    const first = problems[0];
    super(first.constructPath, first.field, first.value, first.allowed);
    this.message = `${problems.length} problem${problems.length === 1 ? '' : 's'} ${headline}:\n${problems.map((p) => `- ${p.message}`).join('\n')}`;
    this.name = 'AksStatefulValidationErrors';
    this.problems = problems;
    // The stack's first line was written with the first problem's message; an uncaught error
    // (`cdk8s synth`) prints the stack, so it is captured again with the whole list.
    Error.captureStackTrace?.(this, AksStatefulValidationErrors);
  }
}
