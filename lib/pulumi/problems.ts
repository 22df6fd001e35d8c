import { AksStatefulValidationErrors } from '../core/aggregate-error';
import { AksStatefulValidationError } from '../core/errors';

/**
 * Every problem a StatefulStack finds in its app and its configuration, thrown at once before
 * anything is registered, so one `pulumi preview` shows the whole list.
 */
export class StatefulStackConfigError extends AksStatefulValidationErrors {
  constructor(problems: readonly AksStatefulValidationError[]) {
    super(problems, 'before anything was deployed');
    this.name = 'StatefulStackConfigError';
  }
}

/** Collects problems instead of throwing at the first one. */
export class Problems {
  private readonly list: AksStatefulValidationError[] = [];

  /** Records a problem at `path` (see {@link AksStatefulValidationError}). */
  public add(path: string, field: string, value: unknown, allowed: string): void {
    this.record(new AksStatefulValidationError(path, field, value, allowed));
  }

  // The app's checks and the stack's own planning may find one mistake twice (a requirement
  // conflict fails synthesis and the requirement listing): it is listed once.
  private record(problem: AksStatefulValidationError): void {
    if (!this.list.some((known) => known.message === problem.message)) this.list.push(problem);
  }

  /** Runs `check`; an {@link AksStatefulValidationError} it throws is recorded, anything else rethrown. */
  public catch<T>(check: () => T): T | undefined {
    try {
      return check();
    } catch (error) {
      // An aggregate (several requirement conflicts, the app's checks) is unpacked: one list, each once.
      if (error instanceof AksStatefulValidationErrors) {
        for (const problem of error.problems) this.record(problem);
        return undefined;
      }
      if (error instanceof AksStatefulValidationError) {
        this.record(error);
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
