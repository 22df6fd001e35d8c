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
  // The CronJob controller and Velero both parse with robfig/cron: day of week 0–6, Sunday is 0 (7 is refused).
  { name: 'day of week', min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
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
    if (lo === undefined || hi === undefined) {
      const sunday = field.name === 'day of week' && /(^|-)7$/.test(range) ? ' (Sunday is 0)' : '';
      return `"${range}" is outside ${field.min}-${field.max}${sunday}`;
    }
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

const TIME_ZONE_ALLOWED = 'an IANA time zone name like "Etc/UTC" or "Europe/Amsterdam"';

/**
 * The runtime's name for each zone looked up so far (undefined: unknown). A lookup through Intl
 * costs about 0.15 ms (every BackupCronJob and drill makes one) and the first one about 9 ms, which
 * loads ICU's zone data; a name's answer never changes within a process. UTC and Etc/UTC, the
 * jobs' default, are in every tz database (IANA's `etcetera` and `backward`, and Go's, which the
 * API server and Velero read), so they are known without asking ICU.
 */
const RESOLVED_ZONES = new Map<string, string | undefined>([
  ['UTC', 'UTC'],
  ['Etc/UTC', 'Etc/UTC'],
]);

function resolveTimeZone(timeZone: string): string | undefined {
  if (RESOLVED_ZONES.has(timeZone)) return RESOLVED_ZONES.get(timeZone);
  let resolved: string | undefined;
  try {
    resolved = Intl.DateTimeFormat(undefined, { timeZone }).resolvedOptions().timeZone;
  } catch {
    resolved = undefined;
  }
  RESOLVED_ZONES.set(timeZone, resolved);
  return resolved;
}

/**
 * Checks an IANA time zone name (e.g. "Europe/Amsterdam", "Etc/UTC") against the runtime's database,
 * spelled exactly: the API server and Velero look zones up case-sensitively (`europe/amsterdam` is
 * refused by the API server; Velero silently never runs a schedule in `utc`), while JavaScript's
 * lookup ignores case.
 */
export function checkTimeZone(scope: IConstruct | string, field: string, timeZone: string): string {
  const resolved =
    typeof timeZone === 'string' && timeZone.length > 0 && !/\s/.test(timeZone) ? resolveTimeZone(timeZone) : undefined;
  if (resolved === undefined || timeZone.toLowerCase() === 'local') invalid(scope, field, timeZone, TIME_ZONE_ALLOWED);
  if (resolved !== timeZone && resolved.toLowerCase() === timeZone.toLowerCase()) {
    invalid(scope, field, timeZone, `${TIME_ZONE_ALLOWED}, spelled exactly: "${resolved}"`);
  }
  // Aliases (US/Eastern, Etc/UTC) resolve to another name; their own spelling must still be the database's.
  if (resolved !== timeZone && !/^[A-Z][A-Za-z0-9_+-]*(\/[A-Z0-9][A-Za-z0-9_+-]*)*$/.test(timeZone)) {
    invalid(scope, field, timeZone, `${TIME_ZONE_ALLOWED}, spelled as in the tz database (capitalized)`);
  }
  return timeZone;
}
