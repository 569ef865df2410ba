import { Cron } from 'croner';
import type { Schedule } from '@pan/contract';

/** The allowed range of `every` per unit: no faster than every 5 minutes, no slower than yearly. */
export const INTERVAL_LIMITS: Record<Extract<Schedule, { type: 'interval' }>['unit'], { min: number; max: number }> = {
  minutes: { min: 5, max: 1440 },
  hours: { min: 1, max: 168 },
  days: { min: 1, max: 365 },
  weeks: { min: 1, max: 52 },
};

/** A cron schedule may not fire more often than this (the same floor as intervals). */
export const MIN_CRON_GAP_MINUTES = INTERVAL_LIMITS.minutes.min;

export type ScheduleCheck = { ok: true; schedule: Schedule } | { ok: false; message: string };

/**
 * Checks a schedule sent by a client (any JSON): every N minutes/hours/days/weeks within
 * `INTERVAL_LIMITS`, or a 5-field cron expression that croner parses (its zone is checked apart), that fires at all and
 * not more often than every `MIN_CRON_GAP_MINUTES`. Returns a normalised copy (no stray keys).
 */
export function checkSchedule(value: unknown): ScheduleCheck {
  const fail = (message: string): ScheduleCheck => ({ ok: false, message });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail('A schedule is {"type":"interval","every":N,"unit":"minutes|hours|days|weeks"} or {"type":"cron","expression":"..."}');
  }
  const s = value as Record<string, unknown>;
  if (s.type === 'interval') {
    const extra = Object.keys(s).filter((k) => !['type', 'every', 'unit'].includes(k));
    if (extra.length > 0) return fail(`An interval schedule has no "${extra[0]}"`);
    const unit = s.unit;
    if (typeof unit !== 'string' || !(unit in INTERVAL_LIMITS)) return fail('The unit must be minutes, hours, days or weeks');
    const limits = INTERVAL_LIMITS[unit as keyof typeof INTERVAL_LIMITS];
    const every = s.every;
    if (typeof every !== 'number' || !Number.isInteger(every)) return fail('"every" must be a whole number');
    if (every < limits.min || every > limits.max) {
      return fail(`Every ${every} ${unit} is out of range: use ${limits.min} to ${limits.max} ${unit}`);
    }
    return { ok: true, schedule: { type: 'interval', every, unit: unit as keyof typeof INTERVAL_LIMITS } };
  }
  if (s.type === 'cron') {
    const extra = Object.keys(s).filter((k) => !['type', 'expression'].includes(k));
    if (extra.length > 0) return fail(`A cron schedule has no "${extra[0]}"`);
    if (typeof s.expression !== 'string') return fail('The cron expression must be a string');
    const expression = s.expression.trim().replace(/\s+/g, ' ');
    if (expression.length === 0 || expression.length > 200) return fail('The cron expression must be 1 to 200 characters');
    const fields = expression.split(' ');
    if (fields.length !== 5) {
      return fail(`A cron expression has 5 fields (minute hour day-of-month month day-of-week); "${expression}" has ${fields.length}`);
    }
    let runs: Date[];
    try {
      runs = new Cron(expression, { timezone: 'UTC', paused: true }).nextRuns(100);
    } catch (error) {
      return fail(`"${expression}" is not a valid cron expression: ${String((error as Error).message).replace(/^CronPattern: /, '')}`);
    }
    if (runs.length === 0) return fail(`"${expression}" never fires`);
    for (let i = 1; i < runs.length; i += 1) {
      if (runs[i]!.getTime() - runs[i - 1]!.getTime() < MIN_CRON_GAP_MINUTES * 60_000) {
        return fail(`"${expression}" fires more often than every ${MIN_CRON_GAP_MINUTES} minutes`);
      }
    }
    return { ok: true, schedule: { type: 'cron', expression } };
  }
  return fail('The schedule type must be "interval" or "cron"');
}

