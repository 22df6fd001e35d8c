import { describe, expect, it } from 'vitest';
import { longestGapDays } from '../../lib/backup/schedule';

describe('longest gap between scheduled runs', () => {
  it.each([
    ['30 2 * * *', 1],
    ['*/15 * * * *', 1],
    ['@hourly', 1],
    ['@daily', 1],
    ['@weekly', 7],
    ['@monthly', 31],
    ['@yearly', 366],
    ['0 3 * * 0', 7],
    ['0 3 * * 1-5', 3],
    ['0 3 * * mon,thu', 4],
    ['0 3 * * */2', 2],
    ['0 3 * * 1/2', 3],
    ['0 3 * * 5-6', 6],
    ['0 3 1 * *', 31],
    ['0 3 1,15 * *', 31],
    ['0 3 * 6 *', 366],
    ['0 3 * */1 *', 1],
  ])('%j: %i day(s)', (schedule, days) => {
    expect(longestGapDays(schedule)).toBe(days);
  });
});
