import { IConstruct } from 'constructs';
import { oncePerSynthesis, synthesizeInSessions } from './synthesis-session';

/** A check over a whole app: one message per problem. */
export type AppCheck = (root: IConstruct) => string[];

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

/**
 * Turns on the app-wide checks for the app that `scope` belongs to (once per app): they run when
 * the app or a chart is synthesized, once per synthesis, and fail it with every problem at once.
 */
export function requestAppChecks(scope: IConstruct): void {
  const root = scope.node.root as IConstruct & { [ENABLED]?: boolean };
  if (root[ENABLED]) return;
  root[ENABLED] = true;
  // cdk8s runs the app's validations once per chart: once per synthesis is enough (see the session).
  synthesizeInSessions(root);
  root.node.addValidation({
    validate: () => oncePerSynthesis(root, 'app-checks', () => [...CHECKS.values()].flatMap((check) => check(root))),
  });
}
