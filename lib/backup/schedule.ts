import { IConstruct } from 'constructs';
import { checkCronSchedule, checkTimeZone } from '../core/cron';

/** A checked schedule and time zone. */
export interface CheckedSchedule {
  readonly schedule: string;
  readonly timeZone: string;
}

/** Checks a CronJob schedule and its IANA time zone. */
export function checkSchedule(scope: IConstruct, schedule: string, timeZone: string): CheckedSchedule {
  return {
    schedule: checkCronSchedule(scope, 'schedule', schedule),
    timeZone: checkTimeZone(scope, 'timeZone', timeZone),
  };
}

const MACRO_GAP: Record<string, number> = {
  '@hourly': 1,
  '@daily': 1,
  '@midnight': 1,
  '@weekly': 7,
  '@monthly': 31,
  '@yearly': 366,
  '@annually': 366,
};

/**
 * The longest time, in whole days (rounded up), between two runs of a checked schedule: a
 * conservative bound read from which fields are restricted (month → a year, day of month → a
 * month, day of week → a week, otherwise at most a day).
 */
export function longestGapDays(schedule: string): number {
  if (schedule.startsWith('@')) return MACRO_GAP[schedule] ?? 366;
  const [, , dayOfMonth, month, dayOfWeek] = schedule.split(' ');
  const restricted = (field: string) => field !== '*' && field !== '?' && !/^\*\/1$/.test(field);
  if (restricted(month)) return 366;
  if (restricted(dayOfMonth)) return 31;
  if (restricted(dayOfWeek)) return weekdayGap(dayOfWeek);
  return 1;
}

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function weekday(text: string): number {
  const index = WEEKDAYS.indexOf(text.toLowerCase());
  return index >= 0 ? index : Number(text);
}

/** Longest gap in days between the weekdays a (checked) day-of-week field selects, e.g. 3 for "1-5". */
function weekdayGap(field: string): number {
  const days = new Set<number>();
  for (const item of field.split(',')) {
    const [range, step] = item.split('/');
    const [from, to] = range === '*' ? ['0', '6'] : range.split('-');
    const first = weekday(from);
    const last = to === undefined ? (step ? 6 : first) : weekday(to);
    for (let day = first; day <= last; day += Number(step ?? 1)) days.add(day % 7);
  }
  const sorted = [...days].sort((a, b) => a - b);
  return Math.max(...sorted.map((day, i) => (i + 1 < sorted.length ? sorted[i + 1] - day : sorted[0] + 7 - day)));
}
