import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { checkDuration, durationSeconds } from '../../lib/core/duration';

describe('durations', () => {
  it('accepts a cdk8s Duration, and one from another copy by its shape', () => {
    expect(checkDuration('app/x', 'timeout', Duration.minutes(2)).toSeconds()).toBe(120);
    const foreign = { toMilliseconds: () => 5000, toSeconds: () => 5 };
    expect(checkDuration('app/x', 'timeout', foreign).toSeconds()).toBe(5);
  });

  it.each([30, '30m', { seconds: 30 }, null])('rejects %j with the validation error, not a TypeError', (value) => {
    expect(() => checkDuration('app/x', 'timeout', value)).toThrow(
      /^app\/x: timeout .* is not allowed: a cdk8s Duration, e.g. Duration.minutes\(30\)/,
    );
  });

  it('converts to whole seconds in range, naming the field', () => {
    expect(durationSeconds('app/x', 'd', undefined, Duration.hours(1), 0, 7200)).toBe(3600);
    expect(() => durationSeconds('app/x', 'd', Duration.millis(1500), Duration.hours(1), 0, 7200)).toThrow(
      'app/x: d (seconds) 1.5 is not allowed: a whole number of seconds from 0 to 7200',
    );
    expect(() => durationSeconds('app/x', 'd', 60 as never, Duration.hours(1), 0, 7200)).toThrow(
      /^app\/x: d 60 is not allowed: a cdk8s Duration/,
    );
  });
});
