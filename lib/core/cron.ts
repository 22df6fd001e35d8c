import { IConstruct } from 'constructs';
import { invalid } from './errors';

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
  },
  { name: 'day of week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
] as const;

const MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];
const ALLOWED =
  'a five-field cron expression (minute hour day-of-month month day-of-week, e.g. "30 2 * * *") or @hourly, @daily, @weekly, @monthly, @yearly';

function valueOf(text: string, field: (typeof FIELDS)[number]): number | undefined {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n >= field.min && n <= field.max ? n : undefined;
  }
  const names: readonly string[] = 'names' in field ? field.names : [];
  const index = names.indexOf(text.toLowerCase());
  return index < 0 ? undefined : index + (field.name === 'month' ? 1 : 0);
}

function fieldProblem(part: string, field: (typeof FIELDS)[number]): string | undefined {
  for (const item of part.split(',')) {
    const [range, step, extra] = item.split('/');
    if (extra !== undefined || (step !== undefined && !/^[1-9]\d*$/.test(step))) return `bad step in "${item}"`;
    if (range === '*' || range === '?') continue;
    const [from, to, more] = range.split('-');
    if (more !== undefined) return `bad range "${range}"`;
    const lo = valueOf(from, field);
    const hi = to === undefined ? lo : valueOf(to, field);
    if (lo === undefined || hi === undefined) return `"${range}" is outside ${field.min}-${field.max}`;
    if (hi < lo) return `range "${range}" runs backwards`;
  }
  return undefined;
}

/**
 * Checks a Kubernetes CronJob / Velero schedule expression: five fields or a macro. Timezones go
 * in `timeZone`, never as `CRON_TZ=` inside the schedule (Kubernetes rejects that).
 */
export function checkCronSchedule(scope: IConstruct | string, field: string, schedule: string): string {
  if (typeof schedule !== 'string') invalid(scope, field, schedule, ALLOWED);
  const text = schedule.trim();
  if (/^(CRON_)?TZ=/.test(text))
    invalid(scope, field, schedule, `${ALLOWED}; put the time zone in timeZone, not in the schedule`);
  if (text.startsWith('@')) {
    if (!MACROS.includes(text)) invalid(scope, field, schedule, ALLOWED);
    return text;
  }
  const parts = text.split(/\s+/);
  if (parts.length !== 5) invalid(scope, field, schedule, `${ALLOWED}; it has ${parts.length} fields`);
  parts.forEach((part, i) => {
    const problem = fieldProblem(part, FIELDS[i]);
    if (problem) invalid(scope, field, schedule, `${ALLOWED}; the ${FIELDS[i].name} field: ${problem}`);
  });
  return parts.join(' ');
}

/** Checks an IANA time zone name (e.g. "Europe/Amsterdam", "Etc/UTC") against the runtime's database. */
export function checkTimeZone(scope: IConstruct | string, field: string, timeZone: string): string {
  let known = false;
  try {
    known =
      typeof timeZone === 'string' &&
      timeZone.length > 0 &&
      !/\s/.test(timeZone) &&
      Intl.DateTimeFormat(undefined, { timeZone }).resolvedOptions().timeZone.length > 0;
  } catch {
    known = false;
  }
  if (!known || timeZone.toLowerCase() === 'local') {
    invalid(scope, field, timeZone, 'an IANA time zone name like "Etc/UTC" or "Europe/Amsterdam"');
  }
  return timeZone;
}
