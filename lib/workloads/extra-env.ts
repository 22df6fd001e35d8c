import { EnvVar } from '../core/kube-objects';
import { IConstruct } from 'constructs';
import { invalid } from '../core/errors';
import { checkRecord } from '../core/types';

/** An environment variable name as the API server takes it. */
export const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/**
 * Validates extra environment variables given as a name → value map. `reserved` names the
 * variables the construct sets itself, with the prop to use instead.
 */
export function checkExtraEnv(
  scope: IConstruct,
  field: string,
  env: Record<string, string> | undefined,
  reserved: Readonly<Record<string, string>> = {},
): EnvVar[] {
  if (env === undefined) return [];
  checkRecord(scope, field, env);
  return Object.entries(env).map(([name, value]) => {
    if (!ENV_NAME.test(name))
      invalid(
        scope,
        `${field} key`,
        name,
        "an environment variable name: letters, digits, '_', '-' and '.', not starting with a digit",
      );
    if (reserved[name]) invalid(scope, `${field}[${JSON.stringify(name)}]`, value, `unset: ${reserved[name]}`);
    if (typeof value !== 'string') invalid(scope, `${field}[${JSON.stringify(name)}]`, value, 'a string');
    return { name, value };
  });
}
