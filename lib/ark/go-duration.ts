import { IConstruct } from 'constructs';
import { invalid } from '../core/errors';

const GO_DURATION = /^(\d+(\.\d+)?(h|m|s|ms|us|µs|ns))+$/;
const UNIT_SECONDS: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, µs: 1e-6, ns: 1e-9 };

/** Seconds in a Go duration string ("720h", "1h30m"), or undefined when it is not one. */
export function goDurationSeconds(text: string): number | undefined {
  if (typeof text !== 'string' || !GO_DURATION.test(text)) return undefined;
  let total = 0;
  for (const [, n, , unit] of text.matchAll(/(\d+(\.\d+)?)(h|ms|m|s|us|µs|ns)/g))
    total += Number(n) * UNIT_SECONDS[unit];
  return total;
}

/**
 * Checks a Go duration as Velero parses it (`time.ParseDuration`): hours are the largest unit,
 * so "30d" is rejected, and the value must be positive.
 */
export function checkGoDuration(scope: IConstruct | string, field: string, value: string, example: string): string {
  const seconds = goDurationSeconds(value);
  if (seconds === undefined || seconds <= 0) {
    invalid(
      scope,
      field,
      value,
      `a positive Go duration like "${example}" (units h, m, s; there is no "d": 30 days is "720h")`,
    );
  }
  return value;
}
