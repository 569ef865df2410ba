import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { updateAccountRetention } from '../../../src/modules/accounts/store.ts';
import { startRunEngine } from '../../../src/modules/runs/engine.ts';
import type { Executor } from '../../../src/modules/runner/types.ts';
import { RetentionPruner, type RetentionPolicy } from '../../../src/modules/runs/retention.ts';
import { attachTriggersToRun, insertTrigger } from '../../../src/modules/triggers/store.ts';
import { startTestStack, type TestStack } from '../../support/index.ts';
import { endUserToken, install } from './run-support.ts';

/**
 * Retention on a real database: rows are made old by SQL (what the pruner reads is the database's
 * clock), then one pass of the pruner is awaited and what is left is read back.
 */
const POLICY: RetentionPolicy = { runsDays: 90, payloadsDays: 30, deliveriesDays: 30 };
let stack: TestStack;
let releaseId: string;
let users = 0;

beforeAll(async () => {
  stack = await startTestStack({ clusterUrl: inject('pgClusterUrl'), seedReleases: true });
  releaseId = (await stack.db.query<{ id: string }>('SELECT id FROM releases LIMIT 1')).rows[0]!.id;
});

afterAll(async () => {
  await stack?.stop();
});

async function newTenant(): Promise<string> {
  const jwt = await endUserToken(stack, `retention-user-${(users += 1)}`);
  return (await install(stack, jwt, 'hubspot-contacts', { direction: 'both' })).id;
}

/** A run that ended `daysAgo` days ago (or is still Running), with `lines` log lines. */
async function run(tenantId: string, daysAgo: number, options: { lines?: number; running?: boolean } = {}): Promise<string> {
  const { rows } = await stack.db.query<{ id: string }>(
    `INSERT INTO runs (account_id, tenant_id, release_id, queue, mode, status, triggers, worker_id, lease_expires_at, started_at, ended_at)
     VALUES ($1, $2, $3, 'other', 'normal', $5, '[]', 'retention-test', now() + interval '1 hour',
             now() - $4 * interval '1 day', CASE WHEN $5 = 'Running' THEN NULL ELSE now() - $4 * interval '1 day' END)
     RETURNING id`,
    [stack.accountId, tenantId, releaseId, daysAgo, options.running ? 'Running' : 'Succeeded'],
  );
  const id = rows[0]!.id;
  if (options.lines) {
    await stack.db.query(
      `INSERT INTO run_log_lines (run_id, seq, at, line) SELECT $1, s, now(), 'line ' || s FROM generate_series(1, $2) s`,
      [id, options.lines],
    );
  }
  return id;
}

/** A webhook trigger with a payload, created `daysAgo` days ago, taken by `runId` (null: pending). */
async function trigger(tenantId: string, daysAgo: number, runId: string | null): Promise<string> {
  // Stored as intake stores it (so the backlog counts it while pending), then aged and attached.
  const id = await insertTrigger(stack.db, {
    accountId: stack.accountId,
    tenantId,
    source: 'webhook',
    mode: 'webhook',
    payload: { body: Buffer.from('{"hello":"world"}'), headers: { 'content-type': 'application/json' } },
  });
  await stack.db.query(`UPDATE triggers SET created_at = now() - $2 * interval '1 day' WHERE id = $1`, [id, daysAgo]);
  if (runId) {
    const client = await stack.db.connect();
    try {
      await attachTriggersToRun(client, runId, [id]);
    } finally {
      client.release();
    }
  }
  return id;
}

async function exists(table: 'runs' | 'triggers', id: string): Promise<boolean> {
  return (await stack.db.query(`SELECT 1 FROM ${table} WHERE id = $1`, [id])).rowCount === 1;
}
const lineCount = async (runId: string) => (await stack.db.query<{ n: number }>('SELECT count(*)::int AS n FROM run_log_lines WHERE run_id = $1', [runId])).rows[0]!.n;
const payloadOf = async (triggerId: string) =>
  (await stack.db.query<{ payload: Buffer | null; payload_headers: unknown }>('SELECT payload, payload_headers FROM triggers WHERE id = $1', [triggerId])).rows[0];

/** The pending backlog as counted for the cap, and as the pending rows really are. */
async function backlog(tenantId: string): Promise<{ counted: number; actual: number }> {
  const { rows } = await stack.db.query<{ counted: string; actual: string }>(
    `SELECT coalesce((SELECT pending_bytes FROM trigger_backlogs WHERE tenant_id = $1), 0) AS counted,
            coalesce(sum(coalesce(octet_length(payload), 0) + coalesce(octet_length(payload_headers::text), 0)), 0) AS actual
       FROM triggers WHERE tenant_id = $1 AND run_id IS NULL`,
    [tenantId],
  );
  return { counted: Number(rows[0]!.counted), actual: Number(rows[0]!.actual) };
}

const pruner = (batchSize = 1000) => new RetentionPruner({ db: stack.db, policy: POLICY, batchSize });

describe('retention', () => {
  it('deletes ended runs, their log lines and triggers past the period; keeps newer, running and pending ones', async () => {
    const tenant = await newTenant();
    const running = await newTenant();
    const old = await run(tenant, 100, { lines: 3 });
    const oldTrigger = await trigger(tenant, 100, old);
    const recent = await run(tenant, 10, { lines: 2 });
    const recentTrigger = await trigger(tenant, 10, recent);
    const stillRunning = await run(running, 100, { lines: 2, running: true });
    const runningTrigger = await trigger(running, 100, stillRunning);
    const pending = await trigger(tenant, 100, null);
    const before = await backlog(tenant);
    expect(before.actual).toBeGreaterThan(0);

    const counts = await pruner().pass();
    expect(counts).toMatchObject({ runs: 1, logLines: 3, triggers: 1 });

    expect(await exists('runs', old)).toBe(false);
    expect(await exists('triggers', oldTrigger)).toBe(false);
    expect(await lineCount(old)).toBe(0);
    expect(await exists('runs', recent)).toBe(true);
    expect(await lineCount(recent)).toBe(2);
    expect(await exists('runs', stillRunning)).toBe(true);
    expect(await lineCount(stillRunning)).toBe(2);
    // Pending triggers are never touched, however old: the backlog's count stays true.
    expect(await exists('triggers', pending)).toBe(true);
    expect((await payloadOf(pending))!.payload).not.toBeNull();
    expect(await backlog(tenant)).toEqual(before);
    // A run's trigger older than the payload period loses its payload once the run has ended, not before.
    expect(await payloadOf(recentTrigger)).toEqual({ payload: Buffer.from('{"hello":"world"}'), payload_headers: { 'content-type': 'application/json' } });
    expect(await payloadOf(runningTrigger)).toMatchObject({ payload: expect.any(Buffer) });
  });

  it("clears the payload of a finished run's triggers past the payload period and keeps the row", async () => {
    const tenant = await newTenant();
    const finished = await run(tenant, 40);
    const cleared = await trigger(tenant, 40, finished);
    const kept = await trigger(tenant, 20, finished);

    const counts = await pruner().pass();
    expect(counts!.payloadsCleared).toBe(1);
    expect(await payloadOf(cleared)).toEqual({ payload: null, payload_headers: null });
    expect((await payloadOf(kept))!.payload).not.toBeNull();
    expect(await exists('runs', finished)).toBe(true);
    // The trigger still says what became of it.
    const status = await stack.app.inject({ method: 'GET', url: `/v2/runs/triggers/${cleared}/status`, headers: { 'x-api-key': stack.apiKey } });
    expect(status.statusCode, status.body).toBe(200);
    expect(status.json()).toMatchObject({ state: 'finished', run_uuid: finished });
  });

  it("honours the account's own periods (longer and shorter than the defaults)", async () => {
    const tenant = await newTenant();
    const hundred = await run(tenant, 100);
    const ten = await run(tenant, 10);
    const three = await run(tenant, 3);
    try {
      await updateAccountRetention(stack.db, stack.accountId, { retention_runs_days: 200, retention_payloads_days: null, retention_deliveries_days: null });
      await pruner().pass();
      expect(await exists('runs', hundred)).toBe(true);

      await updateAccountRetention(stack.db, stack.accountId, { retention_runs_days: 5, retention_payloads_days: null, retention_deliveries_days: null });
      await pruner().pass();
      expect([await exists('runs', hundred), await exists('runs', ten), await exists('runs', three)]).toEqual([false, false, true]);

      // 0: keep forever.
      const ancient = await run(tenant, 5000);
      await updateAccountRetention(stack.db, stack.accountId, { retention_runs_days: 0, retention_payloads_days: null, retention_deliveries_days: null });
      await pruner().pass();
      expect(await exists('runs', ancient)).toBe(true);
    } finally {
      await updateAccountRetention(stack.db, stack.accountId, { retention_runs_days: null, retention_payloads_days: null, retention_deliveries_days: null });
    }
  });

  it('deletes finished notification deliveries and their attempts past the period, never pending ones', async () => {
    const insert = async (status: 'pending' | 'delivered' | 'failed', daysAgo: number) => {
      const { rows } = await stack.db.query<{ id: string }>(
        `INSERT INTO notification_deliveries (account_id, event_type, payload, status, attempts, created_at, delivered_at)
         VALUES ($1, 'run.finished', '{}', $2, 2, now() - $3 * interval '1 day', CASE WHEN $2 = 'delivered' THEN now() END)
         RETURNING id`,
        [stack.accountId, status, daysAgo],
      );
      const id = rows[0]!.id;
      await stack.db.query(
        `INSERT INTO notification_attempts (delivery_id, attempt, started_at, duration_ms, response_status)
         SELECT $1, a, now() - $2 * interval '1 day', 5, 500 FROM generate_series(1, 2) a`,
        [id, daysAgo],
      );
      return id;
    };
    const delivered = await insert('delivered', 40);
    const failed = await insert('failed', 40);
    const pending = await insert('pending', 40);
    const recent = await insert('delivered', 5);

    const counts = await pruner().pass();
    expect(counts).toMatchObject({ deliveries: 2, attempts: 4 });
    const { rows } = await stack.db.query<{ id: string; attempts: number }>(
      `SELECT d.id, (SELECT count(*)::int FROM notification_attempts a WHERE a.delivery_id = d.id) AS attempts
         FROM notification_deliveries d WHERE d.id = ANY($1::uuid[]) ORDER BY d.created_at, d.id`,
      [[delivered, failed, pending, recent]],
    );
    expect(rows.map((r) => [r.id, r.attempts]).sort()).toEqual([[pending, 2], [recent, 2]].sort());
  });

  it('deletes webhook receipts once no replay of theirs could be accepted', async () => {
    const tenant = await newTenant();
    await stack.db.query(
      `INSERT INTO webhook_receipts (tenant_id, webhook_id, received_at) VALUES ($1, 'msg_old', now() - interval '2 hours'), ($1, 'msg_new', now())`,
      [tenant],
    );
    const counts = await pruner().pass();
    expect(counts!.receipts).toBe(1);
    const { rows } = await stack.db.query<{ webhook_id: string }>('SELECT webhook_id FROM webhook_receipts WHERE tenant_id = $1', [tenant]);
    expect(rows.map((r) => r.webhook_id)).toEqual(['msg_new']);
  });

  it('deletes in batches: 5,000 old log lines with a batch of 1,000 take at least 5 statements of at most 1,000 rows', async () => {
    const tenant = await newTenant();
    const runs = [];
    for (let i = 0; i < 5; i += 1) runs.push(await run(tenant, 100, { lines: 1000 }));
    const batches: number[] = [];
    const observed = new RetentionPruner({ db: stack.db, policy: POLICY, batchSize: 1000 });
    // Every DELETE the pass sends, with the rows it removed.
    const query = stack.db.query.bind(stack.db);
    const spy = vi.spyOn(stack.db, 'query').mockImplementation((async (...args: Parameters<typeof query>) => {
      const result = await (query as (...a: unknown[]) => Promise<{ rowCount: number | null }>)(...args);
      if (typeof args[0] === 'string' && args[0].startsWith('DELETE FROM run_log_lines')) batches.push(result.rowCount ?? 0);
      return result;
    }) as never);
    let counts;
    try {
      counts = await observed.pass();
    } finally {
      spy.mockRestore();
    }
    expect(counts).toMatchObject({ runs: 5, logLines: 5000 });
    expect(batches.filter((n) => n > 0).length).toBeGreaterThanOrEqual(5);
    expect(Math.max(...batches)).toBeLessThanOrEqual(1000);
    expect(counts!.statements).toBeGreaterThanOrEqual(5);
    for (const id of runs) expect(await lineCount(id)).toBe(0);
  });

  it('prunes in one process at a time: a second pruner skips while the first holds the lock', async () => {
    const tenant = await newTenant();
    await stack.db.query(`INSERT INTO webhook_receipts (tenant_id, webhook_id, received_at) VALUES ($1, 'msg_locked', now() - interval '2 hours')`, [tenant]);
    const old = await run(tenant, 100);
    // The test holds the old receipt's row: the first pruner's first DELETE waits on it, holding the election.
    const holder = await stack.db.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM webhook_receipts WHERE tenant_id = $1 FOR UPDATE`, [tenant]);
      const first = pruner().pass();
      await vi.waitFor(
        async () => {
          const { rowCount } = await stack.db.query(`SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`);
          expect(rowCount).toBeGreaterThan(0);
        },
        { timeout: 20_000, interval: 20 },
      );
      expect(await pruner().pass()).toBeNull();
      expect(await exists('runs', old)).toBe(true);
      await holder.query('COMMIT');
      expect(await first).toMatchObject({ receipts: 1, runs: 1 });
    } finally {
      holder.release();
    }
    expect(await exists('runs', old)).toBe(false);
  });

  it('the host API sets and reads the account\'s periods; the pruner uses them', async () => {
    const host = (method: 'GET' | 'PUT', payload?: object) =>
      stack.app.inject({ method, url: '/v2/retention', headers: { 'x-api-key': stack.apiKey }, ...(payload ? { payload } : {}) });
    const defaults = await host('GET');
    expect(defaults.statusCode, defaults.body).toBe(200);
    expect(defaults.json()).toEqual({ runs_days: null, payloads_days: null, deliveries_days: null, effective: { runs_days: 90, payloads_days: 30, deliveries_days: 30 } });

    const refused = await host('PUT', { runs_days: -1, payloads_days: null, deliveries_days: null });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ code: expect.stringMatching(/^PAN_ERR_/) });
    expect(refused.body).toContain('runs_days');

    const tenant = await newTenant();
    const twenty = await run(tenant, 20);
    try {
      const set = await host('PUT', { runs_days: 7, payloads_days: null, deliveries_days: 0 });
      expect(set.statusCode, set.body).toBe(200);
      expect(set.json()).toEqual({ runs_days: 7, payloads_days: null, deliveries_days: 0, effective: { runs_days: 7, payloads_days: 30, deliveries_days: 0 } });
      expect((await host('GET')).json()).toEqual(set.json());
      await pruner().pass();
      expect(await exists('runs', twenty)).toBe(false);
    } finally {
      await host('PUT', { runs_days: null, payloads_days: null, deliveries_days: null });
    }
  });

  it('is started by the run engine and stopped by engine.stop()', async () => {
    const tenant = await newTenant();
    const old = await run(tenant, 100);
    const executor: Executor = {
      execute: () => Promise.reject(new Error('no run is claimed in this test')),
    };
    const engine = await startRunEngine({
      db: stack.db,
      box: stack.box,
      databaseUrl: stack.databaseUrl,
      config: { ...stack.config, workerConcurrency: 0, notifyConcurrency: 0, retention: { ...POLICY, intervalMs: 60_000, batchSize: 100 } },
      executor,
      scheduler: false,
    });
    try {
      expect(engine.retention).toBeDefined();
      await engine.retention!.idle();
      expect(engine.retention!.passes).toBe(1);
      expect(engine.retention!.totals.runs).toBeGreaterThanOrEqual(1);
      expect(await exists('runs', old)).toBe(false);
    } finally {
      await engine.stop();
    }
    // Stopped: the lock is free for another process's pruner.
    expect(await pruner().pass()).not.toBeNull();
  });

  it('runs only where PAN_ROLES has worker', async () => {
    const engine = await startRunEngine({
      db: stack.db,
      box: stack.box,
      databaseUrl: stack.databaseUrl,
      config: { ...stack.config, roles: new Set(['scheduler', 'deliverer'] as const), notifyConcurrency: 0, retention: { ...POLICY, intervalMs: 60_000, batchSize: 100 } },
      worker: false,
      scheduler: false,
    });
    try {
      expect(engine.retention).toBeUndefined();
    } finally {
      await engine.stop();
    }
  });

  it('stops cleanly: stop() ends the periodic passes', async () => {
    const periodic = new RetentionPruner({ db: stack.db, policy: POLICY, intervalMs: 60_000 });
    periodic.start();
    // The first pass starts at once; stop() waits for it and schedules no other.
    await periodic.stop();
    expect(periodic.passes).toBe(1);
    // The lock was given back: another pruner can pass.
    expect(await pruner().pass()).not.toBeNull();
  });
});
