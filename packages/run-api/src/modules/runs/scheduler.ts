/**
 * Cron intake: queues a `cron` trigger for every active tenant whose schedule came due. Safe with
 * several schedulers on one database (rows are locked with SKIP LOCKED), and across restarts
 * (`cron_fired_at` remembers the last fire time handled: missed fires collapse into one trigger).
 */
import { Cron } from 'croner';
import type { Schedule } from '@pan/contract';
import { withTransaction, type Db } from '../../platform/db/pool.ts';
import { TRIGGERS_CHANNEL } from '../triggers/store.ts';

const UNIT_MS = { minutes: 60_000, hours: 3_600_000, days: 86_400_000, weeks: 604_800_000 } as const;

/**
 * The latest fire time of `schedule` in (after, now], or null when none. Intervals count from
 * `anchor` (the tenant's creation); cron expressions are UTC.
 */
export function dueFireTime(schedule: Schedule, anchor: Date, after: Date, now: Date): Date | null {
  if (schedule.type === 'interval') {
    const period = schedule.every * UNIT_MS[schedule.unit];
    const elapsed = now.getTime() - anchor.getTime();
    if (elapsed < period) return null;
    const latest = new Date(anchor.getTime() + Math.floor(elapsed / period) * period);
    return latest > after ? latest : null;
  }
  const cron = new Cron(schedule.expression, { timezone: 'UTC', paused: true });
  let latest: Date | null = null;
  let next = cron.nextRun(after);
  // Bounded: a restart after a long stop fires once, not once per missed slot.
  for (let i = 0; next && next <= now && i < 100_000; i++) {
    latest = next;
    next = cron.nextRun(next);
  }
  return latest;
}

/** One pass: returns how many cron triggers were queued. */
export async function queueDueCronTriggers(db: Db, now = new Date()): Promise<number> {
  return withTransaction(db, async (client) => {
    const { rows } = await client.query<{
      id: string;
      account_id: string;
      created_at: Date;
      cron_fired_at: Date | null;
      schedule: Schedule;
    }>(
      `SELECT t.id, t.account_id, t.created_at, t.cron_fired_at,
              CASE WHEN t.schedule_is_default THEN i.default_schedule ELSE t.schedule END AS schedule
         FROM tenants t JOIN integrations i ON i.id = t.integration_id
        WHERE t.archived_at IS NULL AND NOT t.paused
          AND CASE WHEN t.schedule_is_default THEN i.default_schedule ELSE t.schedule END IS NOT NULL
        FOR UPDATE OF t SKIP LOCKED`,
    );
    let queued = 0;
    for (const tenant of rows) {
      // First look at a tenant: start counting from now (installing is not a missed fire).
      const after = tenant.cron_fired_at ?? tenant.created_at;
      const due = dueFireTime(tenant.schedule, tenant.created_at, after, now);
      if (!due) continue;
      await client.query(
        `INSERT INTO triggers (account_id, tenant_id, source, mode, created_at) VALUES ($1, $2, 'cron', 'normal', clock_timestamp())`,
        [tenant.account_id, tenant.id],
      );
      await client.query('UPDATE tenants SET cron_fired_at = $2 WHERE id = $1', [tenant.id, due]);
      queued++;
    }
    if (queued > 0) await client.query(`SELECT pg_notify('${TRIGGERS_CHANNEL}', '')`);
    return queued;
  });
}

/** Runs `queueDueCronTriggers` every `intervalMs` until stopped. */
export function startScheduler(db: Db, intervalMs: number, log?: (message: string, fields?: Record<string, unknown>) => void) {
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = queueDueCronTriggers(db).catch((error) => log?.('the scheduler failed', { error: String(error) }));
  };
  const timer = setInterval(tick, intervalMs);
  tick();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
