import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Tenant, TriggerStatus } from '@pan/contract';
import { SecretBox } from '../../../src/platform/crypto/secret-box.ts';
import { createProcessExecutor, sandboxFor, startRunEngine, type RunEngine } from '../../../src/modules/runs/engine.ts';
import { claimNextRun, DEFAULT_BUNDLE_BOUNDS, sweepLostRuns } from '../../../src/modules/runs/queue.ts';
import { MAX_VARIABLE_BYTES } from '../../../src/modules/runner/environment.ts';
import type { Executor } from '../../../src/modules/runner/types.ts';
import { insertTrigger } from '../../../src/modules/triggers/store.ts';
import { startTestStack, type TestStack } from '../../support/index.ts';
import { call, endUserToken, install, scriptIntegration, untilRunEnds } from './run-support.ts';

/**
 * A tenant's backlog goes into runs of bounded size, oldest first, and a run that cannot start
 * gives its triggers back (dead-lettered after too many tries): with the real worker, the real
 * process executor and PostgreSQL. Each test starts its own engine, once its triggers are queued.
 */
const box = new SecretBox(randomBytes(32));
const MAX_ATTEMPTS = 3;
/** Short waits before a retry here (the default starts at 1 s); the test of the backoff moves retry_at itself. */
const RETRY = { baseMs: 100, maxMs: 150 };
let stack: TestStack;
let slug: string;
let users = 0;

beforeAll(async () => {
  stack = await startTestStack({ clusterUrl: inject('pgClusterUrl'), seedCatalog: true, box, config: { triggerMaxAttempts: MAX_ATTEMPTS, triggerRetryBaseMs: RETRY.baseMs, triggerRetryMaxMs: RETRY.maxMs } });
  // Prints the ids of its triggers and the size of the variable that carried them.
  slug = await scriptIntegration(stack, 'bundle-echo', {
    'PANDIUM.yaml': 'version: 1.0\nbase: node:24\nrun: node echo.mjs\n',
    'echo.mjs': `const raw = process.env.PAN_CTX_RUN_TRIGGERS;
const triggers = JSON.parse(raw);
console.log(JSON.stringify({ ids: triggers.map((t) => t.id), parts: triggers.map((t) => t.payload?.parts?.length ?? 0), bytes: Buffer.byteLength('PAN_CTX_RUN_TRIGGERS=' + raw) }));`,
  });
});

afterAll(async () => {
  await stack?.stop();
});

let engine: RunEngine | undefined;
async function startEngine(executor?: Executor): Promise<void> {
  engine = await startRunEngine({
    db: stack.db,
    box,
    databaseUrl: stack.databaseUrl,
    config: stack.config,
    scheduler: false,
    notifications: false,
    // A retry after its backoff is found by the poll (nothing wakes the workers when a wait ends).
    pollMs: 100,
    ...(executor ? { executor } : {}),
  });
}
async function stopEngine(): Promise<void> {
  await engine?.stop();
  engine = undefined;
}

async function tenantWithHook(): Promise<{ tenant: Tenant; jwt: string; path: string }> {
  const jwt = await endUserToken(stack, `bundle-user-${(users += 1)}`);
  const tenant = await install(stack, jwt, slug);
  const hook = (await call(stack, 'GET', `/marketplace/tenants/${tenant.id}/webhook`, jwt)).json<{ url: string }>();
  return { tenant, jwt, path: new URL(hook.url).pathname };
}

async function webhook(path: string, headers: Record<string, string> = {}): Promise<string> {
  const response = await stack.app.inject({ method: 'POST', url: path, payload: { n: 1 }, headers: { 'content-type': 'application/json', ...headers } });
  expect(response.statusCode, response.body).toBe(202);
  return response.json<{ trigger_id: string }>().trigger_id;
}

interface TriggerRow {
  id: string;
  run_id: string | null;
  status: string | null;
  attempts: number;
  dead: boolean;
}

async function triggerRows(tenantId: string): Promise<TriggerRow[]> {
  const { rows } = await stack.db.query<TriggerRow>(
    `SELECT tr.id, tr.run_id, r.status, tr.attempts, tr.dead_lettered_at IS NOT NULL AS dead
       FROM triggers tr LEFT JOIN runs r ON r.id = tr.run_id WHERE tr.tenant_id = $1 ORDER BY tr.created_at, tr.id`,
    [tenantId],
  );
  return rows;
}

/** Waits (woken by each run's end) until every trigger of the tenant is in an ended run or dead-lettered. */
async function settled(tenantId: string, timeoutMs = 120_000): Promise<TriggerRow[]> {
  return untilRunEnds(
    stack,
    async () => {
      const rows = await triggerRows(tenantId);
      return rows.every((r) => r.dead || (r.run_id && r.status !== 'Running' && r.status !== 'Lost')) ? rows : undefined;
    },
    timeoutMs,
    async () => {
      const rows = await triggerRows(tenantId);
      return `triggers of ${tenantId} not settled: ${rows.filter((r) => !r.run_id || r.status === 'Running').length} left`;
    },
  );
}

async function runsOf(tenantId: string) {
  const { rows } = await stack.db.query<{ id: string; status: string; stdout_json: string | null; output_note: string | null; triggers: unknown[]; started_at: Date; ended_at: Date | null }>(
    'SELECT id, status, stdout_json, output_note, triggers, started_at, ended_at FROM runs WHERE tenant_id = $1 ORDER BY started_at, id',
    [tenantId],
  );
  return rows;
}

/** The backlog as counted for the cap must equal what is really pending. */
async function expectBacklogConsistent(tenantId: string): Promise<void> {
  const { rows } = await stack.db.query<{ counted: string; actual: string }>(
    `SELECT coalesce((SELECT pending_bytes FROM trigger_backlogs WHERE tenant_id = $1), 0) AS counted,
            coalesce(sum(coalesce(octet_length(payload), 0) + coalesce(octet_length(payload_headers::text), 0)), 0) AS actual
       FROM triggers WHERE tenant_id = $1 AND run_id IS NULL`,
    [tenantId],
  );
  expect(Number(rows[0]!.counted)).toBe(Number(rows[0]!.actual));
}

describe('bounded bundles', () => {
  it('runs a large backlog queued before the engine starts in bounded runs, each trigger once, in order', async () => {
    const { tenant, path } = await tenantWithHook();
    const ids: string[] = [];
    for (let i = 0; i < 400; i++) ids.push(await webhook(path));
    const pad = 'h'.repeat(2048);
    for (let i = 0; i < 80; i++) ids.push(await webhook(path, { 'x-pad': pad }));
    // One run of them all could not start: its triggers variable would be far over Linux's limit.
    const { rows: size } = await stack.db.query<{ bytes: string }>(
      'SELECT sum(octet_length(payload_headers::text) + 150) AS bytes FROM triggers WHERE tenant_id = $1',
      [tenant.id],
    );
    expect(Number(size[0]!.bytes)).toBeGreaterThan(2 * MAX_VARIABLE_BYTES);

    await startEngine();
    let rows: TriggerRow[];
    try {
      rows = await settled(tenant.id);
    } finally {
      await stopEngine();
    }
    expect(rows.map((r) => r.id)).toEqual(ids);
    const runs = await runsOf(tenant.id);
    expect(runs.length).toBeGreaterThan(2);
    const ran: string[] = [];
    for (const run of runs) {
      expect(run.status, run.output_note ?? '').toBe('Succeeded');
      const out = JSON.parse(run.stdout_json!) as { ids: string[]; bytes: number };
      expect(out.ids.length).toBeLessThanOrEqual(DEFAULT_BUNDLE_BOUNDS.maxTriggers);
      expect(out.bytes).toBeLessThanOrEqual(DEFAULT_BUNDLE_BOUNDS.maxBytes);
      ran.push(...out.ids);
    }
    // Every trigger in exactly one run, and the runs took them in the order they came.
    expect(ran).toEqual(ids);
    const sizes = runs.map((run) => (JSON.parse(run.stdout_json!) as { ids: string[]; bytes: number }));
    console.log(`[bounded bundles] ${ids.length} triggers -> ${runs.length} runs, sizes ${sizes.map((o) => o.ids.length).join(' ')}, largest variable ${Math.max(...sizes.map((o) => o.bytes))} bytes`);
    expect(rows.every((r) => r.status === 'Succeeded' && r.attempts === 0)).toBe(true);
    await expectBacklogConsistent(tenant.id);
  });

  it('counts the parts of multipart bodies, which the triggers variable lists one by one', async () => {
    const { tenant, path } = await tenantWithHook();
    // Many tiny parts: each becomes a `payload.parts[]` record, longer than the part is in the body.
    const boundary = 'b';
    const body = Array.from({ length: 300 }, (_, i) => `--${boundary}\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\nv\r\n`).join('') + `--${boundary}--\r\n`;
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const response = await stack.app.inject({ method: 'POST', url: path, payload: body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
      expect(response.statusCode, response.body).toBe(202);
      ids.push(response.json<{ trigger_id: string }>().trigger_id);
    }
    await startEngine();
    try {
      await settled(tenant.id);
    } finally {
      await stopEngine();
    }
    const ran: string[] = [];
    for (const run of await runsOf(tenant.id)) {
      expect(run.status, run.output_note ?? '').toBe('Succeeded');
      const out = JSON.parse(run.stdout_json!) as { ids: string[]; parts: number[]; bytes: number };
      expect(out.parts.every((n) => n === 300)).toBe(true);
      expect(out.bytes).toBeLessThanOrEqual(DEFAULT_BUNDLE_BOUNDS.maxBytes);
      ran.push(...out.ids);
    }
    // Together they would be several times over Linux's limit: they went in several runs.
    expect(ran).toEqual(ids);
  });

  it('gives the triggers of a run that could not start back, and runs them next time', async () => {
    const { tenant, path } = await tenantWithHook();
    const ids = [await webhook(path), await webhook(path), await webhook(path)];
    // The real executor, whose first start fails for the platform's reason: its release cannot be found.
    const real = createProcessExecutor(stack.db, stack.config.dataDir, sandboxFor(stack.config));
    let failures = 1;
    await startEngine({
      execute: (options) =>
        real.execute(failures-- > 0 ? { ...options, context: { ...options.context, release: { ...options.context.release, id: randomUUID() } } } : options),
    });
    let rows: TriggerRow[];
    try {
      rows = await settled(tenant.id);
    } finally {
      await stopEngine();
    }
    const runs = await runsOf(tenant.id);
    expect(runs.map((r) => r.status)).toEqual(['Failed (Platform Issue)', 'Succeeded']);
    expect(runs[0]!.output_note).toMatch(/could not start: its triggers went back/);
    expect(JSON.parse(runs[1]!.stdout_json!).ids).toEqual(ids);
    expect(rows.map((r) => ({ id: r.id, run_id: r.run_id, attempts: r.attempts }))).toEqual(ids.map((id) => ({ id, run_id: runs[1]!.id, attempts: 1 })));
    await expectBacklogConsistent(tenant.id);
  });

  it('dead-letters a trigger whose run can never start, shows it in the API, and runs the ones after it', async () => {
    const { tenant, jwt, path } = await tenantWithHook();
    // Headers no run's environment can hold (stored as an intake could not: larger than HTTP allows).
    const huge = await insertTrigger(stack.db, {
      accountId: stack.accountId,
      tenantId: tenant.id,
      source: 'webhook',
      mode: 'webhook',
      payload: { body: Buffer.from('{}'), headers: { 'x-huge': 'z'.repeat(MAX_VARIABLE_BYTES) } },
    });
    const after = await webhook(path);
    await startEngine();
    let rows: TriggerRow[];
    try {
      rows = await settled(tenant.id);
    } finally {
      await stopEngine();
    }
    expect(rows.map((r) => ({ id: r.id, dead: r.dead, attempts: r.attempts, status: r.status }))).toEqual([
      { id: huge, dead: true, attempts: MAX_ATTEMPTS, status: 'Failed (Platform Issue)' },
      { id: after, dead: false, attempts: 0, status: 'Succeeded' },
    ]);
    const runs = await runsOf(tenant.id);
    // MAX_ATTEMPTS starts of the huge one alone (the oldest always goes, whatever its size), then the next.
    expect(runs.map((r) => r.status)).toEqual([...Array(MAX_ATTEMPTS).fill('Failed (Platform Issue)'), 'Succeeded']);
    // Each new try waited its backoff after the failed start (100 ms, then 150: doubled, capped), by the database's clock.
    const waits = runs.slice(1, MAX_ATTEMPTS).map((run, i) => run.started_at.getTime() - runs[i]!.ended_at!.getTime());
    waits.forEach((wait, i) => expect(wait).toBeGreaterThanOrEqual(Math.min(RETRY.baseMs * 2 ** i, RETRY.maxMs)));
    const status = await call(stack, 'GET', `/marketplace/triggers/${huge}`, jwt);
    expect(status.statusCode, status.body).toBe(200);
    expect(status.json<TriggerStatus>()).toEqual({
      trigger_id: huge,
      state: 'dead_letter',
      attempts: MAX_ATTEMPTS,
      run_id: runs[MAX_ATTEMPTS - 1]!.id,
      run_status: 'Failed (Platform Issue)',
    });
    const host = await stack.app.inject({ method: 'GET', url: `/v2/runs/triggers/${huge}/status`, headers: { 'x-api-key': stack.apiKey } });
    expect(host.json<TriggerStatus>()).toMatchObject({ status: 'Failed', state: 'dead_letter', attempts: MAX_ATTEMPTS });
    // The host API's OpenAPI document says so too.
    const doc = JSON.stringify((await stack.app.inject({ method: 'GET', url: '/v2/openapi.json' })).json());
    expect(doc).toContain('"enum":["pending","running","finished","dead_letter"]');
    await expectBacklogConsistent(tenant.id);
  });

  it('counts a lost run as an attempt: a trigger whose run takes its worker down backs off, then is dead-lettered', async () => {
    // No worker here: the test is the worker that dies (an engine a failed test left is stopped).
    await stopEngine();
    const { tenant, jwt, path } = await tenantWithHook();
    const id = await webhook(path);
    // Long waits, so that "nothing to claim meanwhile" is certain; the test ends each wait itself.
    const policy = { maxTriggerAttempts: MAX_ATTEMPTS, retryBackoff: { baseMs: 60_000, maxMs: 90_000 } };
    const lost: string[] = [];
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      // A worker that claims the trigger and dies with it (a zero lease: expired at once).
      const claimed = await claimNextRun(stack.db, 'doomed-worker', 0);
      expect(claimed?.triggers.map((t) => t.id)).toEqual([id]);
      expect(await sweepLostRuns(stack.db, undefined, policy)).toEqual([claimed!.id]);
      lost.push(claimed!.id);
      const { rows: [row] } = await stack.db.query<{ attempts: number; run_id: string | null; wait_ms: number | null }>(
        `SELECT t.attempts, t.run_id, extract(epoch FROM t.retry_at - r.ended_at) * 1000 AS wait_ms FROM triggers t, runs r WHERE t.id = $1 AND r.id = $2`,
        [id, claimed!.id],
      );
      expect(row!.attempts).toBe(attempt);
      if (attempt === MAX_ATTEMPTS) break;
      // Given back, backing off: 60 s after the first loss, 90 s (120 capped) after the second.
      expect(row!.run_id).toBeNull();
      const wait = Math.min(60_000 * 2 ** (attempt - 1), 90_000);
      expect(Number(row!.wait_ms)).toBeGreaterThanOrEqual(wait);
      expect(Number(row!.wait_ms)).toBeLessThan(wait + 10_000);
      expect(await claimNextRun(stack.db, 'doomed-worker', 0)).toBeNull();
      await stack.db.query('UPDATE triggers SET retry_at = clock_timestamp() WHERE id = $1', [id]);
    }
    // Dead-lettered with its last (lost) run, and never claimed again.
    expect(await triggerRows(tenant.id)).toEqual([{ id, run_id: lost.at(-1), status: 'Lost', attempts: MAX_ATTEMPTS, dead: true }]);
    expect(await claimNextRun(stack.db, 'doomed-worker', 0)).toBeNull();
    const status = await call(stack, 'GET', `/marketplace/triggers/${id}`, jwt);
    expect(status.json<TriggerStatus>()).toMatchObject({ state: 'dead_letter', attempts: MAX_ATTEMPTS, run_status: 'Lost' });
    await expectBacklogConsistent(tenant.id);
  });
});
