import { IConstruct } from 'constructs';
import { AksStatefulValidationErrors } from './aggregate-error';
import { AksStatefulValidationError } from './errors';
import { oncePerSynthesis, synthesizeInSessions } from './synthesis-session';

/** A check over a whole app: one error per problem, each naming the offending construct's path. */
export type AppCheck = (root: IConstruct) => AksStatefulValidationError[];

// The checks live in lib/policies, above every construct; constructs only ask for them. The
// policies module registers itself when it is loaded (lib/index.ts loads it), so a construct never
// imports the layer above it.
const CHECKS = new Map<string, AppCheck>();
const ENABLED = Symbol.for('aks-stateful.app-checks');

/** Registers an app-wide check under `name` (a second registration replaces the first). */
export function registerAppCheck(name: string, check: AppCheck): void {
  CHECKS.set(name, check);
}

/** The registered checks, by name. */
export function registeredAppChecks(): ReadonlyMap<string, AppCheck> {
  return CHECKS;
}

/** Every problem the registered checks find under `root`, in registration order. */
export function appCheckProblems(root: IConstruct): AksStatefulValidationError[] {
  return [...CHECKS.values()].flatMap((check) => check(root));
}

/**
 * Turns on the app-wide checks for the app that `scope` belongs to (once per app): they run when
 * the app or a chart is synthesized, once per synthesis, and fail it with every problem at once.
 * Called by every construct of the library, by `markForFsBackup`/`excludeFromFsBackup` and by
 * `declareAzureRequirement`; an app of plain cdk8s objects only is checked after
 * `enableStatefulPolicies(app)`.
 *
 * The failure is thrown, not returned: cdk8s turns returned validation messages into a plain
 * `Error` whose lines start with the validating construct's path (`[]` for the app), so the checks
 * throw one {@link AksStatefulValidationErrors} from inside the validation instead; it leaves
 * `app.synth()`, `Testing.synth()` and `cdk8s synth` as it is. The app's validation runs before
 * any construct's own, so cdk8s-plus's validations report only once these pass.
 */
export function requestAppChecks(scope: IConstruct): void {
  const root = scope.node.root as IConstruct & { [ENABLED]?: boolean };
  if (root[ENABLED]) return;
  root[ENABLED] = true;
  // cdk8s runs the app's validations once per chart: once per synthesis is enough (see the session).
  synthesizeInSessions(root);
  root.node.addValidation({
    validate: () => {
      const problems = oncePerSynthesis(root, 'app-checks', () => appCheckProblems(root));
      if (problems.length > 0) throw new AksStatefulValidationErrors(problems, 'in the app');
      return [];
    },
  });
}
