import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { checkDuration } from '../core/duration';
import { invalid } from '../core/errors';

const GO_DURATION = /^(\d+(\.\d+)?(h|m|s|ms|us|µs|ns))+$/;
const UNIT_NANOS: Record<string, bigint> = {
  h: 3_600_000_000_000n,
  m: 60_000_000_000n,
  s: 1_000_000_000n,
  ms: 1_000_000n,
  us: 1_000n,
  µs: 1_000n,
  ns: 1n,
};

/**
 * The longest Go `time.Duration`, an int64 of nanoseconds (about 292 years, "2562047h47m16.854775807s").
 * `time.ParseDuration` refuses anything longer, and Velero then cannot read the field at all.
 */
export const MAX_GO_DURATION_NANOS = 2n ** 63n - 1n;

/** Nanoseconds in a Go duration string ("720h", "1h30m"), exact (fractions truncated as Go does); undefined when it is not one. */
export function goDurationNanos(text: string): bigint | undefined {
  if (typeof text !== 'string' || text.length > 256 || !GO_DURATION.test(text)) return undefined;
  let total = 0n;
  for (const [, whole, fraction, unit] of text.matchAll(/(\d+)(?:\.(\d+))?(h|ms|m|s|us|µs|ns)/g)) {
    const perUnit = UNIT_NANOS[unit];
    total += BigInt(whole) * perUnit;
    if (fraction) total += (BigInt(fraction) * perUnit) / 10n ** BigInt(fraction.length);
  }
  return total;
}

/** A whole number of seconds as compact Go duration text (2592000 → "720h", 90 → "1m30s"). */
export function toGoDuration(totalSeconds: number): string {
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s || (!h && !m) ? `${s}s` : ''}`;
}

const TOO_LONG = 'at most 2562047h47m16s (Go durations are int64 nanoseconds, about 292 years)';

/**
 * Checks a Velero duration field and returns its Go duration text. Takes a cdk8s `Duration`
 * (whole seconds; `Duration.days(30)` becomes "720h"), like every other duration of the library,
 * or the Go duration text Velero's own docs use, checked as Velero parses it
 * (`time.ParseDuration`): hours are the largest unit, so "30d" is rejected, and nothing longer than
 * Go's int64 nanoseconds is accepted. Either must be positive.
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
    if (!Number.isInteger(ms) || ms <= 0 || ms % 1000 !== 0) {
      invalid(scope, `${field} (seconds)`, ms / 1000, 'a positive whole number of seconds');
    }
    if (BigInt(ms) * 1_000_000n > MAX_GO_DURATION_NANOS) invalid(scope, `${field} (seconds)`, ms / 1000, TOO_LONG);
    return toGoDuration(ms / 1000);
  }
  const nanos = goDurationNanos(value);
  if (nanos === undefined || nanos <= 0n) {
    invalid(
      scope,
      field,
      value,
      `a cdk8s Duration or a positive Go duration like "${example}" (units h, m, s; there is no "d": 30 days is "720h")`,
    );
  }
  if (nanos > MAX_GO_DURATION_NANOS) invalid(scope, field, value, TOO_LONG);
  return value;
}
