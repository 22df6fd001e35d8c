import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { checkDuration } from '../core/duration';
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

/** A whole number of seconds as compact Go duration text (2592000 → "720h", 90 → "1m30s"). */
export function toGoDuration(totalSeconds: number): string {
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s || (!h && !m) ? `${s}s` : ''}`;
}

/**
 * Checks a Velero duration field and returns its Go duration text. Takes a cdk8s `Duration`
 * (whole seconds; `Duration.days(30)` becomes "720h"), like every other duration of the library,
 * or the Go duration text Velero's own docs use, checked as Velero parses it
 * (`time.ParseDuration`): hours are the largest unit, so "30d" is rejected. Either must be positive.
 */
export function checkGoDuration(
  scope: IConstruct | string,
  field: string,
  value: string | Duration,
  example: string,
): string {
  if (typeof value === 'object' && value !== null) {
    const duration = checkDuration(scope, field, value);
    const ms = duration.toMilliseconds();
    if (ms <= 0 || ms % 1000 !== 0) {
      invalid(scope, `${field} (seconds)`, ms / 1000, 'a positive whole number of seconds');
    }
    return toGoDuration(ms / 1000);
  }
  const seconds = goDurationSeconds(value);
  if (seconds === undefined || seconds <= 0) {
    invalid(
      scope,
      field,
      value,
      `a cdk8s Duration or a positive Go duration like "${example}" (units h, m, s; there is no "d": 30 days is "720h")`,
    );
  }
  return value;
}
