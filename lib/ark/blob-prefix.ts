import { IConstruct } from 'constructs';
import { invalid } from '../core/errors';

/**
 * A blob prefix must not start with '-': every `az storage blob` command run against the container
 * (by hand, by the restore runbook, or by the library's backup jobs sharing the rule) would read it
 * as an option. lib/azure's checkBlobPrefix (the one prefix rule) accepts a leading '-' today; this
 * belongs there and is here until it moves (see the report of issue 12).
 */
export function checkNoOptionPrefix(scope: IConstruct | string, field: string, prefix: string): string {
  if (prefix.startsWith('-')) {
    invalid(scope, field, prefix, "a blob name prefix that does not start with '-' (az would read it as an option)");
  }
  return prefix;
}
