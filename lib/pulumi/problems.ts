import { AksStatefulValidationError } from '../core/errors';

/**
 * Every problem a StatefulStack finds in its app and its configuration, thrown at once before
 * anything is registered, so one `pulumi preview` shows the whole list.
 */
export class StatefulStackConfigError extends Error {
  /** Each problem: path (the stack, or the construct that declared the requirement), field, value, what is allowed. */
  public readonly problems: readonly AksStatefulValidationError[];

  constructor(problems: readonly AksStatefulValidationError[]) {
    super(
      `${problems.length} problem${problems.length === 1 ? '' : 's'} before anything was deployed:\n${problems.map((p) => `- ${p.message}`).join('\n')}`,
    );
    this.name = 'StatefulStackConfigError';
    this.problems = problems;
  }
}

/** Collects problems instead of throwing at the first one. */
export class Problems {
  private readonly list: AksStatefulValidationError[] = [];

  /** Records a problem at `path` (see {@link AksStatefulValidationError}). */
  public add(path: string, field: string, value: unknown, allowed: string): void {
    this.list.push(new AksStatefulValidationError(path, field, value, allowed));
  }

  /** Runs `check`; an {@link AksStatefulValidationError} it throws is recorded, anything else rethrown. */
  public catch<T>(check: () => T): T | undefined {
    try {
      return check();
    } catch (error) {
      if (error instanceof AksStatefulValidationError) {
        this.list.push(error);
        return undefined;
      }
      throw error;
    }
  }

  /** Throws a {@link StatefulStackConfigError} with every recorded problem, if there is any. */
  public throwIfAny(): void {
    if (this.list.length > 0) throw new StatefulStackConfigError(this.list);
  }
}
