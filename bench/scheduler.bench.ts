/**
 * `npm run bench -- scheduler [tenants] [minutes]`: the cron scheduler at scale, on the embedded
 * PostgreSQL. `tenants` (default 10,000) tenants on a per-minute cron (`* * * * *`, written
 * straight into the table: the API's floor is 5 minutes). The scheduler goes by a clock this bench
 * moves to BENCH_LEAD_MS (default 5 s) before each minute, so a minute costs seconds, not a minute;
 * everything else is real (one pool, batches of 500, SKIP LOCKED claims). The lead leaves the
 * scheduler the time it has in real use to finish its work after a pass (computing each fired
 * schedule's fire time after the next, 1 to 2 s here under load) before the next minute: with a
 * lead shorter than that, the next pass would start late, which a real minute never sees.
 *
 * Shown: fire lag, the time from the scheduled minute (in real time) to the trigger row's insert
 * (`created_at`), p50/p99/max over `minutes` (default 5) minutes; and the latency of run claims
 * (`claimNextRun`, two claim loops as a worker with concurrency 2 would, each claimed run ended at
 * once) while the scheduler fires, against a same-run baseline where each minute's triggers are
 * written by one INSERT instead (same rows, same backlog, no scheduler). Each minute's triggers
 * still waiting are cleared before the next, in both phases, so the backlog is the same.
 * BENCH_BATCH (default 500) and BENCH_LANES (default 4, the scheduler's) set the scheduler's batch size and lanes.
 */
import os from 'node:os';
import type { Clock } from '../packages/run-api/src/platform/clock.ts';
import { claimNextRun, finishRun } from '../packages/run-api/src/modules/runs/queue.ts';
import { DEFAULT_LANES, startScheduler } from '../packages/run-api/src/modules/runs/scheduler.ts';
import { insertTrigger } from '../packages/run-api/src/modules/triggers/store.ts';
import { findIntegrationId } from '../packages/run-api/src/modules/catalog/store.ts';
import { startTestStack } from '../packages/run-api/test/support/index.ts';

const tenantCount = Number(process.argv[3] ?? 10_000);
const minutes = Number(process.argv[4] ?? 5);
const batchSize = Number(process.env.BENCH_BATCH ?? 500);
const lanes = Number(process.env.BENCH_LANES ?? DEFAULT_LANES);
const LEAD_MS = Number(process.env.BENCH_LEAD_MS ?? 5_000);
const PROBES = 20;

/** System time plus an offset the bench moves; a move wakes a scheduler waiting on it. */
class OffsetClock implements Clock {
  offset = 0;
  private readonly wakers = new Set<() => void>();
  now() {
    return new Date(Date.now() + this.offset);
  }
  set(simulated: number) {
    this.offset = simulated - Date.now();
    for (const wake of this.wakers) wake();
  }
  wait(until: Date | null, maxMs: number, signal: AbortSignal) {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, until ? Math.min(maxMs, until.getTime() - this.now().getTime()) : maxMs);
      this.wakers.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
  close() {}
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const fmt = (values: number[]) => `p50 ${pct(values, 50).toFixed(1)} ms, p99 ${pct(values, 99).toFixed(1)} ms, max ${Math.max(...values).toFixed(1)} ms (n=${values.length})`;

const stack = await startTestStack({ seedReleases: true, listen: false, poolSize: 10, config: { logLevel: 'warn' } });
try {
  const integrationId = (await findIntegrationId(stack.db, stack.accountId, 'hubspot-contacts'))!;
  const setupStart = performance.now();
  await stack.db.query(
    `INSERT INTO tenants (account_id, integration_id, user_sub, schedule_is_default, schedule)
     SELECT $1, $2, 'sched-bench-' || n, false, '{"type":"cron","expression":"* * * * *"}' FROM generate_series(1, $3) n`,
    [stack.accountId, integrationId, tenantCount],
  );
  const probes: string[] = [];
  for (let i = 0; i < PROBES; i++) {
    const { rows } = await stack.db.query<{ id: string }>(
      `INSERT INTO tenants (account_id, integration_id, user_sub, schedule_is_default, schedule) VALUES ($1, $2, $3, false, NULL) RETURNING id`,
      [stack.accountId, integrationId, `sched-bench-probe-${i}`],
    );
    probes.push(rows[0]!.id);
    await insertTrigger(stack.db, { accountId: stack.accountId, tenantId: rows[0]!.id, source: 'manual', mode: 'normal' });
  }
  const setupMs = performance.now() - setupStart;

  // Two claim loops, as one worker with concurrency 2; each claimed run ends at once, and a probe
  // tenant gets its next manual trigger, so there is always something to claim.
  const probeSet = new Set(probes);
  let claimsOn = true;
  let samples: number[] = [];
  const claimLoop = async (workerId: string) => {
    while (claimsOn) {
      const start = performance.now();
      const run = await claimNextRun(stack.db, workerId, 60_000);
      const took = performance.now() - start;
      if (!run) {
        await sleep(2);
        continue;
      }
      samples.push(took);
      await finishRun(stack.db, run.id, workerId, { status: 'Succeeded', exitCode: 0, stdoutJson: undefined, outputNote: undefined, logTruncated: false });
      if (probeSet.has(run.tenantId)) await insertTrigger(stack.db, { accountId: stack.accountId, tenantId: run.tenantId, source: 'manual', mode: 'normal' });
    }
  };
  const loops = [claimLoop('bench-claim-1'), claimLoop('bench-claim-2')];

  const clock = new OffsetClock();
  const firedAt = async (at: Date) =>
    (await stack.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM triggers WHERE source = 'cron' AND scheduled_for = $1`, [at])).rows[0]!.n;

  /** One simulated minute: the clock goes to LEAD_MS before it, `fire` makes its triggers; returns the lags. */
  async function minute(fire: (at: Date, realAt: number) => Promise<void>): Promise<number[]> {
    const at = new Date(Math.ceil((clock.now().getTime() + 1) / 60_000) * 60_000);
    clock.set(at.getTime() - LEAD_MS);
    const realAt = at.getTime() - clock.offset;
    await fire(at, realAt);
    const deadline = Date.now() + 60_000;
    while ((await firedAt(at)) < tenantCount) {
      if (Date.now() > deadline) throw new Error(`only ${await firedAt(at)} of ${tenantCount} fires for ${at.toISOString()}`);
      await sleep(20);
    }
    const { rows } = await stack.db.query<{ lag: number }>(
      `SELECT extract(epoch FROM created_at) * 1000 - $2::float8 AS lag FROM triggers WHERE source = 'cron' AND scheduled_for = $1`,
      [at, realAt],
    );
    // The backlog is cleared so that every minute (and both phases) start alike.
    await stack.db.query(`DELETE FROM triggers WHERE source = 'cron' AND run_id IS NULL`);
    return rows.map((r) => Number(r.lag));
  }

  // Baseline: the same triggers by one INSERT at each minute, no scheduler.
  samples = [];
  const baselineLags: number[] = [];
  for (let i = 0; i < minutes; i++) {
    baselineLags.push(
      ...(await minute(async (at, realAt) => {
        await sleep(realAt - Date.now());
        await stack.db.query(
          `INSERT INTO triggers (account_id, tenant_id, source, mode, scheduled_for)
           SELECT account_id, id, 'cron', 'normal', $1 FROM tenants WHERE user_sub LIKE 'sched-bench-%' AND schedule IS NOT NULL`,
          [at],
        );
      })),
    );
  }
  const baselineClaims = samples;

  // The scheduler: its first pass computes every new tenant's next fire time.
  const computeStart = performance.now();
  const scheduler = startScheduler(stack.db, 15_000, (message, fields) => console.error(message, fields), { clock, batchSize, lanes });
  while (Number((await stack.db.query<{ n: string }>(`SELECT count(*) AS n FROM tenant_schedules WHERE next_fire_at = '-infinity'`)).rows[0]!.n) > 0) await sleep(20);
  const computeMs = performance.now() - computeStart;
  samples = [];
  const lags: number[] = [];
  for (let i = 0; i < minutes; i++) lags.push(...(await minute(async () => {})));
  const schedulerClaims = samples;
  await scheduler.stop();
  claimsOn = false;
  await Promise.all(loops);

  console.log(
    `scheduler: ${tenantCount} tenants on a per-minute cron, ${minutes} minutes (clock moved to ${LEAD_MS} ms before each), batches of ${batchSize}, ${lanes} at a time, one process; ` +
      `${os.availableParallelism()} cores, load ${os.loadavg()[0]!.toFixed(1)}`,
  );
  console.log(`  setup: ${tenantCount} tenants in ${(setupMs / 1000).toFixed(1)} s; first pass (every next fire time computed) ${computeMs.toFixed(0)} ms`);
  console.log(`  fire lag (scheduled minute -> trigger row):  ${fmt(lags)}`);
  console.log(`  baseline, one INSERT per minute:            ${fmt(baselineLags)}`);
  console.log(`  run claims while the scheduler fires:       ${fmt(schedulerClaims)}`);
  console.log(`  run claims, baseline (no scheduler):        ${fmt(baselineClaims)}`);
} finally {
  await stack.stop();
}
