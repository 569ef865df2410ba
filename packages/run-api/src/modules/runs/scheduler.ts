/**
 * Cron intake: queues a `cron` trigger for every active tenant whose schedule came due. Safe with
 * several schedulers on one database (rows are locked with SKIP LOCKED), and across restarts
 * (`cron_fired_at` remembers the last fire time handled: missed fires collapse into one trigger).
 */
import { Cron } from 'croner';
import type { Schedule } from '@pan/contract';
import { withTransaction, type Db } from '../../platform/db/pool.ts';
import { lockScheduledTenants, setCronFiredAt } from '../tenants/store.ts';
import { insertTrigger, notifyWorkers } from '../triggers/store.ts';
import { triggersAccepted } from '../../platform/metrics.ts';

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
    let queued = 0;
    for (const tenant of await lockScheduledTenants(client)) {
      // First look at a tenant: start counting from now (installing is not a missed fire).
      const after = tenant.cron_fired_at ?? tenant.created_at;
      const due = dueFireTime(tenant.schedule, tenant.created_at, after, now);
      if (!due) continue;
      await insertTrigger(client, { accountId: tenant.account_id, tenantId: tenant.id, source: 'cron', mode: 'normal' }, { notify: false });
      await setCronFiredAt(client, tenant.id, due);
      queued++;
    }
    if (queued > 0) await notifyWorkers(client);
    return queued;
  });
}

/** Runs `queueDueCronTriggers` every `intervalMs` until stopped. */
export function startScheduler(db: Db, intervalMs: number, log?: (message: string, fields?: Record<string, unknown>) => void) {
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = queueDueCronTriggers(db).then(
      (queued) => triggersAccepted.inc({ source: 'cron' }, queued),
      (error) => log?.('the scheduler failed', { error: String(error) }),
    );
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
