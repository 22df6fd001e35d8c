import { describe, expect, it } from 'vitest';
import { checkCronSchedule, checkTimeZone } from '../../lib/core/cron';

describe('cron schedules', () => {
  it.each([
    '30 2 * * *',
    '*/15 * * * *',
    '0 0 1 jan,jul *',
    '0 3 * * mon-fri',
    '0 0 * * 0',
    '0 0 * * 6',
    '5,35 8-18/2 * * 1-5',
    '@daily',
    '@hourly',
  ])('accepts %j', (s) => {
    expect(checkCronSchedule('p', 'schedule', s)).toBe(s);
  });

  it('normalizes white space', () => {
    expect(checkCronSchedule('p', 'schedule', ' 0  2 * * * ')).toBe('0 2 * * *');
  });

  it.each([
    ['0 2 * *', /it has 4 fields/],
    ['0 2 * * * *', /it has 6 fields/],
    ['60 2 * * *', /the minute field: "60" is outside 0-59/],
    ['0 24 * * *', /the hour field: "24" is outside 0-23/],
    ['0 0 0 * *', /the day of month field: "0" is outside 1-31/],
    ['0 0 * 13 *', /the month field: "13" is outside 1-12/],
    ['0 0 * * 8', /the day of week field: "8" is outside 0-6/],
    // robfig/cron (CronJob controller, Velero) refuses 7 for Sunday.
    ['0 0 * * 7', /the day of week field: "7" is outside 0-6 \(Sunday is 0\)/],
    ['0 0 * * 5-7', /"5-7" is outside 0-6 \(Sunday is 0\)/],
    ['0 0 * * fri-mon', /range "fri-mon" runs backwards/],
    ['*/0 * * * *', /bad step in "\*\/0"/],
    ['@every 5m', /or @hourly/],
    ['CRON_TZ=UTC 0 2 * * *', /put the time zone in timeZone/],
    ['daily', /it has 1 fields/],
  ])('rejects %j with the reason', (s, message) => {
    expect(() => checkCronSchedule('app/backup', 'schedule', s)).toThrow(
      new RegExp(
        `^app/backup: schedule ${JSON.stringify(s).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not allowed: a five-field cron expression`,
      ),
    );
    expect(() => checkCronSchedule('app/backup', 'schedule', s)).toThrow(message);
  });

  it('accepts IANA time zones and rejects the rest', () => {
    expect(checkTimeZone('p', 'timeZone', 'Europe/Amsterdam')).toBe('Europe/Amsterdam');
    expect(checkTimeZone('p', 'timeZone', 'Etc/UTC')).toBe('Etc/UTC');
    expect(checkTimeZone('p', 'timeZone', 'UTC')).toBe('UTC');
    expect(checkTimeZone('p', 'timeZone', 'US/Eastern')).toBe('US/Eastern');
    for (const bad of ['Mars/Olympus', 'local', '', 'Europe/ Amsterdam', 'utc', 'etc/utc', 'us/eastern']) {
      expect(() => checkTimeZone('p', 'timeZone', bad)).toThrow(/an IANA time zone name/);
    }
  });

  it('gives a name the same verdict every time (the runtime lookup is remembered per name)', () => {
    for (let i = 0; i < 3; i++) {
      expect(checkTimeZone('p', 'timeZone', 'Asia/Tokyo')).toBe('Asia/Tokyo');
      expect(() => checkTimeZone('p', 'timeZone', 'asia/tokyo')).toThrow(/spelled exactly: "Asia\/Tokyo"/);
      expect(() => checkTimeZone('p', 'timeZone', 'Mars/Olympus')).toThrow(/an IANA time zone name/);
      expect(() => checkTimeZone('p', 'timeZone', 'etc/utc')).toThrow(/an IANA time zone name/);
    }
  });

  it('names the exact spelling when only the case is wrong (the API server looks zones up case-sensitively)', () => {
    expect(() => checkTimeZone('p', 'timeZone', 'europe/amsterdam')).toThrow(/spelled exactly: "Europe\/Amsterdam"/);
  });
});
