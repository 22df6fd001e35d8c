import { AksStatefulValidationError } from '../core/errors';

/**
 * Builds a child construct from one of the installation's props (`backupStorage`,
 * `volumeSnapshots`) so that its validation errors name the prop as the user wrote it:
 * `backupStorage.prefix`, not `prefix`. Errors about the installation's own props (`auth...`)
 * keep their field.
 */
export function underProp<T>(prop: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (!(error instanceof AksStatefulValidationError) || /^auth([.[ ]|$)/.test(error.field)) throw error;
    throw new AksStatefulValidationError(error.constructPath, `${prop}.${error.field}`, error.value, error.allowed);
  }
}
