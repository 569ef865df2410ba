import { Cron } from 'croner';
import cronstrue from 'cronstrue';
import type { Schedule } from '@pan/run-api/contract';

/** Schedules run in UTC: a cron expression means the same thing wherever its user is. */
export const SCHEDULE_TIMEZONE = 'UTC';

export type IntervalUnit = Extract<Schedule, { type: 'interval' }>['unit'];
export const INTERVAL_UNITS: readonly IntervalUnit[] = ['minutes', 'hours', 'days', 'weeks'];
/** The shortest interval per unit the run API accepts. */
export const INTERVAL_MINIMUM: Record<IntervalUnit, number> = { minutes: 5, hours: 1, days: 1, weeks: 1 };
const UNIT_MS: Record<IntervalUnit, number> = { minutes: 60_000, hours: 3_600_000, days: 86_400_000, weeks: 604_800_000 };

/** Why a schedule cannot be used, or `undefined` when it can. */
export function scheduleProblem(schedule: Schedule | null): string | undefined {
  if (!schedule) return undefined;
  if (schedule.type === 'interval') {
    const min = INTERVAL_MINIMUM[schedule.unit];
    if (!Number.isInteger(schedule.every) || schedule.every < min) {
      return `Enter a whole number of ${schedule.unit}, at least ${min}`;
    }
    return undefined;
  }
  const fields = schedule.expression.trim().split(/\s+/);
  if (fields.length !== 5) return 'A cron expression has 5 fields: minute hour day-of-month month day-of-week';
  try {
    new Cron(schedule.expression, { paused: true, timezone: SCHEDULE_TIMEZONE });
    return undefined;
  } catch (error) {
    return `Not a valid cron expression: ${(error as Error).message.replace(/^CronPattern: /, '')}`;
  }
}

/** "Every 2 hours", "At 09:00, Monday through Friday (UTC)", "Only when triggered". */
export function describeSchedule(schedule: Schedule | null): string {
  if (!schedule) return 'Only when triggered';
  if (schedule.type === 'interval') {
    const unit = schedule.unit.slice(0, -1);
    return schedule.every === 1 ? `Every ${unit}` : `Every ${schedule.every} ${schedule.unit}`;
  }
  if (scheduleProblem(schedule)) return schedule.expression;
  return `${cronstrue.toString(schedule.expression, { use24HourTimeFormat: true, verbose: false })} (UTC)`;
}

/** The next `count` times the schedule fires after `from` (intervals count from `from`). */
export function nextRuns(schedule: Schedule | null, count: number, from = new Date()): Date[] {
  if (!schedule || scheduleProblem(schedule)) return [];
  if (schedule.type === 'interval') {
    const step = schedule.every * UNIT_MS[schedule.unit];
    return Array.from({ length: count }, (_, i) => new Date(from.getTime() + step * (i + 1)));
  }
  return new Cron(schedule.expression, { paused: true, timezone: SCHEDULE_TIMEZONE }).nextRuns(count, from);
}
