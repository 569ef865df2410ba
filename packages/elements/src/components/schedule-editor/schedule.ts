import { Cron } from 'croner';
import cronstrue from 'cronstrue';
import type { Schedule } from '@pan/contract';

/** The zone a schedule is read in when none is known. */
export const SCHEDULE_TIMEZONE = 'UTC';

/** The browser's IANA time zone (the default of a new schedule when the token names none). */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || SCHEDULE_TIMEZONE;
}

/** The IANA zones this browser knows, with `current` first-class even if it is an alias. */
export function timeZones(current: string): string[] {
  const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [...new Set([current, 'UTC', ...known])].sort((a, b) => (a === 'UTC' ? -1 : b === 'UTC' ? 1 : a.localeCompare(b)));
}

/** What fires missed while the service was down become: one catch-up run, or none. */
export type MissedFires = 'once' | 'skip';

export type IntervalUnit = Extract<Schedule, { type: 'interval' }>['unit'];
export const INTERVAL_UNITS: readonly IntervalUnit[] = ['minutes', 'hours', 'days', 'weeks'];
/** The shortest interval per unit the run API accepts. */
export const INTERVAL_MINIMUM: Record<IntervalUnit, number> = { minutes: 5, hours: 1, days: 1, weeks: 1 };
/** The longest interval per unit the run API accepts (a year). */
export const INTERVAL_MAXIMUM: Record<IntervalUnit, number> = { minutes: 1440, hours: 168, days: 365, weeks: 52 };
/** A cron expression may not fire more often than this (the run API's floor, as for intervals). */
const MIN_CRON_GAP_MS = INTERVAL_MINIMUM.minutes * 60_000;
const UNIT_MS: Record<IntervalUnit, number> = { minutes: 60_000, hours: 3_600_000, days: 86_400_000, weeks: 604_800_000 };

/** Why a schedule cannot be used, or `undefined` when it can: the run API's rules (`checkSchedule`). */
export function scheduleProblem(schedule: Schedule | null): string | undefined {
  if (!schedule) return undefined;
  if (schedule.type === 'interval') {
    const min = INTERVAL_MINIMUM[schedule.unit];
    const max = INTERVAL_MAXIMUM[schedule.unit];
    if (!Number.isInteger(schedule.every) || schedule.every < min || schedule.every > max) {
      return `Enter a whole number of ${schedule.unit} from ${min} to ${max}`;
    }
    return undefined;
  }
  const expression = normalize(schedule.expression);
  let problem = cronProblems.get(expression);
  if (problem === undefined) {
    problem = cronProblem(expression);
    if (cronProblems.size >= 100) cronProblems.clear();
    cronProblems.set(expression, problem);
  }
  return problem || undefined;
}

/** The expression as the run API reads it: trimmed, single spaces. */
const normalize = (expression: string) => expression.trim().replace(/\s+/g, ' ');

/** Checked expressions ('' = fine): the editor asks again at every render. */
const cronProblems = new Map<string, string>();

function cronProblem(expression: string): string {
  if (expression.split(' ').length !== 5) return 'A cron expression has 5 fields: minute hour day-of-month month day-of-week';
  let runs: Date[];
  try {
    // `utcOffset: 0` is UTC, several times faster to step through than `timezone: 'UTC'`.
    runs = new Cron(expression, { paused: true, utcOffset: 0 }).nextRuns(100);
  } catch (error) {
    return `Not a valid cron expression: ${(error as Error).message.replace(/^CronPattern: /, '')}`;
  }
  if (runs.length === 0) return 'This cron expression never fires';
  for (let i = 1; i < runs.length; i++) {
    if (runs[i]!.getTime() - runs[i - 1]!.getTime() < MIN_CRON_GAP_MS) {
      return `Runs must be at least ${INTERVAL_MINIMUM.minutes} minutes apart`;
    }
  }
  return '';
}

/** "Every 2 hours", "At 09:00, Monday through Friday (Europe/Berlin)", "Only when triggered". */
export function describeSchedule(schedule: Schedule | null, timeZone = SCHEDULE_TIMEZONE): string {
  if (!schedule) return 'Only when triggered';
  if (schedule.type === 'interval') {
    const unit = schedule.unit.slice(0, -1);
    return schedule.every === 1 ? `Every ${unit}` : `Every ${schedule.every} ${schedule.unit}`;
  }
  if (scheduleProblem(schedule)) return schedule.expression;
  return `${cronstrue.toString(normalize(schedule.expression), { use24HourTimeFormat: true, verbose: false })} (${timeZone})`;
}

/**
 * The next `count` times the schedule fires after `from` (intervals count from `from`); a cron
 * expression is read in `timeZone`, as the run API's scheduler reads it (across DST changes).
 */
export function nextRuns(schedule: Schedule | null, count: number, from = new Date(), timeZone = SCHEDULE_TIMEZONE): Date[] {
  if (!schedule || scheduleProblem(schedule)) return [];
  if (schedule.type === 'interval') {
    const step = schedule.every * UNIT_MS[schedule.unit];
    return Array.from({ length: count }, (_, i) => new Date(from.getTime() + step * (i + 1)));
  }
  return new Cron(normalize(schedule.expression), { paused: true, timezone: timeZone }).nextRuns(count, from);
}
