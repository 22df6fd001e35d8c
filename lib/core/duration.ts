import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { invalid } from './errors';

/**
 * Checks that a prop is a cdk8s `Duration` (JavaScript callers and JSON config can pass a number or
 * "30m", which would otherwise fail later as a TypeError). A Duration from another copy of cdk8s
 * is accepted by its shape.
 */
export function checkDuration(scope: IConstruct | string, field: string, value: unknown): Duration {
  if (value instanceof Duration) return value;
  if (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as Duration).toMilliseconds === 'function' &&
    typeof (value as Duration).toSeconds === 'function'
  ) {
    return Duration.millis((value as Duration).toMilliseconds());
  }
  return invalid(scope, field, value, 'a cdk8s Duration, e.g. Duration.minutes(30) or Duration.hours(2)');
}

/** A Duration (or the fallback) as whole seconds within [min, max]; `field` names the prop. */
export function durationSeconds(
  scope: IConstruct | string,
  field: string,
  value: Duration | undefined,
  fallback: Duration,
  min: number,
  max: number,
): number {
  const duration = value === undefined ? fallback : checkDuration(scope, field, value);
  // toSeconds() throws its own error for fractions; milliseconds let the message name the prop.
  const seconds = duration.toMilliseconds() / 1000;
  if (!Number.isInteger(seconds) || seconds < min || seconds > max) {
    invalid(scope, `${field} (seconds)`, seconds, `a whole number of seconds from ${min} to ${max}`);
  }
  return seconds;
}
