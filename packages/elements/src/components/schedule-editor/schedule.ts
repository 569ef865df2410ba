import { Cron } from 'croner';
import cronstrue from 'cronstrue';
import type { Schedule } from '@pan/contract';
import { currentLocale, msg, refreshLocales, str } from '../../internal/locale.ts';

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

/** A unit's name, for the unit picker. */
export const unitName = (unit: IntervalUnit): string =>
  ({ minutes: msg('minutes'), hours: msg('hours'), days: msg('days'), weeks: msg('weeks') })[unit];
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
      return {
        minutes: () => msg(str`Enter a whole number of minutes from ${min} to ${max}`),
        hours: () => msg(str`Enter a whole number of hours from ${min} to ${max}`),
        days: () => msg(str`Enter a whole number of days from ${min} to ${max}`),
        weeks: () => msg(str`Enter a whole number of weeks from ${min} to ${max}`),
      }[schedule.unit]();
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
  return problem?.();
}

/** The expression as the run API reads it: trimmed, single spaces. */
const normalize = (expression: string) => expression.trim().replace(/\s+/g, ' ');

/** Checked expressions (null = fine): the editor asks again at every render. A problem is worded when asked, in the language of then. */
const cronProblems = new Map<string, (() => string) | null>();

function cronProblem(expression: string): (() => string) | null {
  if (expression.split(' ').length !== 5) return () => msg('A cron expression has 5 fields: minute hour day-of-month month day-of-week');
  let runs: Date[];
  try {
    // `utcOffset: 0` is UTC, several times faster to step through than `timezone: 'UTC'`.
    runs = new Cron(expression, { paused: true, utcOffset: 0 }).nextRuns(100);
  } catch (error) {
    // croner's reason stays English: it names the field.
    const reason = (error as Error).message.replace(/^CronPattern: /, '');
    return () => msg(str`Not a valid cron expression: ${reason}`);
  }
  if (runs.length === 0) return () => msg('This cron expression never fires');
  for (let i = 1; i < runs.length; i++) {
    if (runs[i]!.getTime() - runs[i - 1]!.getTime() < MIN_CRON_GAP_MS) {
      return () => msg(str`Runs must be at least ${INTERVAL_MINIMUM.minutes} minutes apart`);
    }
  }
  return null;
}

/** cronstrue's own translations of the shipped languages, loaded when first needed. */
const cronLocales: Record<string, () => Promise<unknown>> = {
  ar: () => import('cronstrue/locales/ar.js'),
  de: () => import('cronstrue/locales/de.js'),
  es: () => import('cronstrue/locales/es.js'),
  fr: () => import('cronstrue/locales/fr.js'),
  ja: () => import('cronstrue/locales/ja.js'),
};
const cronLocalesLoaded = new Map<string, boolean>([['en', true]]);

/** The cronstrue locale of the element rendering, or English while (or if) it is not loaded. */
function cronLocale(): string {
  const language = currentLocale().split('-')[0]!.toLowerCase();
  const load = cronLocales[language];
  if (!load) return 'en';
  if (!cronLocalesLoaded.has(language)) {
    cronLocalesLoaded.set(language, false);
    void load()
      .then(() => cronLocalesLoaded.set(language, true))
      .catch(() => {})
      .finally(refreshLocales);
  }
  return cronLocalesLoaded.get(language) ? language : 'en';
}

/** "Every 2 hours", "At 09:00, Monday through Friday (Europe/Berlin)", "Only when triggered". */
export function describeSchedule(schedule: Schedule | null, timeZone = SCHEDULE_TIMEZONE): string {
  if (!schedule) return msg('Only when triggered');
  if (schedule.type === 'interval') {
    const every = schedule.every;
    if (every === 1) return { minutes: msg('Every minute'), hours: msg('Every hour'), days: msg('Every day'), weeks: msg('Every week') }[schedule.unit];
    return {
      minutes: () => msg(str`Every ${every} minutes`),
      hours: () => msg(str`Every ${every} hours`),
      days: () => msg(str`Every ${every} days`),
      weeks: () => msg(str`Every ${every} weeks`),
    }[schedule.unit]();
  }
  if (scheduleProblem(schedule)) return schedule.expression;
  const words = cronstrue.toString(normalize(schedule.expression), { use24HourTimeFormat: true, verbose: false, locale: cronLocale() });
  return `${words} (${timeZone})`;

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
