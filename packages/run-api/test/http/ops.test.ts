import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TriggerStatus } from '@pan/contract';
import { buildApp } from '../../src/http/app.ts';
import { readConfig } from '../../src/platform/config.ts';
import { ensureDatabase, freePort } from '../../src/platform/db/embedded.ts';
import { createPool } from '../../src/platform/db/pool.ts';
import { startTestStack, type TestStack } from '../support/index.ts';
import { until } from '../support/processes.ts';
import { call, endUserToken, install, runOfTrigger, scriptIntegration } from '../modules/runs/run-support.ts';

/**
 * What operators call: liveness, readiness (database reachable, migrations applied), the
 * Prometheus series after real traffic, /metrics' protection, and request ids in answers and logs.
 */
const METRICS_TOKEN = 'ops-test-metrics-token';
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({
    clusterUrl: inject('pgClusterUrl'),
    seedCatalog: true,
    runEngine: true,
    // Queue depth read at every scrape, so that each scrape shows the triggers stored before it.
    config: { metricsToken: METRICS_TOKEN, metricsQueueDepthMs: 0, logLevel: 'info' },
  });
});

afterAll(async () => {
  await stack?.stop();
});

/** The value of one sample of `/metrics` whose labels include `labels` (0 when the series has none yet). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

async function scrape(): Promise<string> {
  const response = await stack.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers['content-type']).toMatch(/^text\/plain/);
  return response.body;
}

describe('health', () => {
  it('/health/live and /health answer without the database; /health/ready checks it', async () => {
    for (const url of ['/health', '/health/live', '/health/ready']) {
      const response = await stack.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      expect(response.json()).toEqual({ ok: true });
    }
  });

  it('/health/ready is 503 PAN_ERR_HEALTH_NOT_READY when the database is unreachable (a warning, no stack); live stays 200', async () => {
    // Nothing listens on a port just found free: connecting is refused.
    const db = createPool(`postgres://nobody:nothing@127.0.0.1:${await freePort()}/none`, 1);
    const lines: Array<{ level: number; msg: string; reqId?: string; err?: unknown; code?: string }> = [];
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line));
        callback();
      },
    });
    const app = await buildApp({ db, box: stack.box, config: { ...readConfig({ PAN_LOG_LEVEL: 'info' }), dataDir: stack.config.dataDir }, logStream });
    try {
      const ready = await app.inject({ method: 'GET', url: '/health/ready' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ code: 'PAN_ERR_HEALTH_NOT_READY', reason: 'database_unreachable' });
      const logged = lines.filter((l) => l.reqId === ready.headers['x-request-id'] && l.level >= 40);
      // pino's levels: 40 warn, 50 error.
      expect(logged).toEqual([expect.objectContaining({ level: 40, code: 'PAN_ERR_HEALTH_NOT_READY', msg: 'The database is not reachable' })]);
      expect(JSON.stringify(logged)).not.toContain('stack');
      expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    } finally {
      await app.close();
      await db.end();
    }
  });

  it('/health/ready is 503 when the migrations are not applied', async () => {
    const cluster = inject('pgClusterUrl');
    const name = `pan_test_unmigrated_${randomBytes(4).toString('hex')}`;
    const url = await ensureDatabase(cluster, name, { user: name, password: randomBytes(24).toString('base64url') });
    const db = createPool(url, 1);
    const app = await buildApp({ db, box: stack.box, config: { ...readConfig({ PAN_LOG_LEVEL: 'silent' }), dataDir: stack.config.dataDir } });
    try {
      const ready = await app.inject({ method: 'GET', url: '/health/ready' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ code: 'PAN_ERR_HEALTH_NOT_READY', reason: 'migrations_pending' });
    } finally {
      await app.close();
      await db.end();
      const admin = new pg.Client({ connectionString: cluster });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.query(`DROP ROLE IF EXISTS "${name}"`);
      await admin.end();
    }
  });
});

describe('/metrics', () => {
  it('is not served without PAN_METRICS_TOKEN, and refuses a missing or wrong bearer token', async () => {
    const db = createPool(stack.databaseUrl, 1);
    const app = await buildApp({ db, box: stack.box, config: { ...readConfig({ PAN_LOG_LEVEL: 'silent' }), dataDir: stack.config.dataDir } });
    try {
      expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
    } finally {
      await app.close();
      await db.end();
    }
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: METRICS_TOKEN }]) {
      const response = await stack.app.inject({ method: 'GET', url: '/metrics', headers });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ code: 'PAN_ERR_METRICS_UNAUTHORIZED' });
      expect(response.body).not.toContain('pan_http_requests_total');
    }
  });

  it('counts an accepted webhook, its run, its log lines and the HTTP answer by route pattern', async () => {
    const slug = await scriptIntegration(stack, 'ops-metrics', {
      'PANDIUM.yaml': 'version: 1.0\nbase: node:24\nrun: node run.mjs\n',
      'run.mjs': `console.error('one'); console.error('two'); console.log(JSON.stringify({ ok: true }));`,
    });
    const jwt = await endUserToken(stack, 'ops-metrics-user');
    const tenant = await install(stack, jwt, slug);
    const hook = (await call(stack, 'GET', `/marketplace/tenants/${tenant.id}/webhook`, jwt)).json<{ url: string }>();
    const path = new URL(hook.url).pathname;

    const before = await scrape();
    const webhook = await stack.app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/json' }, payload: '{"n":1}' });
    expect(webhook.statusCode, webhook.body).toBe(202);
    const run = await runOfTrigger(stack, webhook.json<TriggerStatus>().trigger_id);
    expect(run.status).toBe('Succeeded');
    // The worker observes a run's duration just after its end is committed: wait for that sample.
    const succeeded = { status: 'Succeeded' };
    const after = await until(scrape, (text) => sample(text, 'pan_run_duration_seconds_count', succeeded) > sample(before, 'pan_run_duration_seconds_count', succeeded), 'the run duration sample', 30_000);

    const accepted = { source: 'webhook' };
    expect(sample(after, 'pan_triggers_accepted_total', accepted)).toBe(sample(before, 'pan_triggers_accepted_total', accepted) + 1);
    const route = { method: 'POST', route: '/webhooks/:token', status_code: '202' };
    expect(sample(after, 'pan_http_requests_total', route)).toBe(sample(before, 'pan_http_requests_total', route) + 1);
    expect(sample(after, 'pan_http_request_duration_seconds_count', route)).toBe(sample(before, 'pan_http_request_duration_seconds_count', route) + 1);
    expect(sample(after, 'pan_run_duration_seconds_count', succeeded)).toBe(sample(before, 'pan_run_duration_seconds_count', succeeded) + 1);
    expect(sample(after, 'pan_run_claim_latency_seconds_count', { queue: 'other' })).toBeGreaterThan(sample(before, 'pan_run_claim_latency_seconds_count', { queue: 'other' }));
    expect(sample(after, 'pan_run_log_lines_stored_total')).toBeGreaterThanOrEqual(sample(before, 'pan_run_log_lines_stored_total') + 2);
    // The webhook's token (its URL) never becomes a label.
    expect(after).not.toContain(path);
    // Scrape-time gauges: the queue (empty again) and the pool.
    expect(after).toMatch(/^pan_queue_depth\{queue="other"\} 0$/m);
    expect(after).toMatch(/^pan_queue_depth\{queue="cron"\} 0$/m);
    expect(after).toMatch(/^pan_db_pool_connections\{state="total"\} \d+$/m);
    expect(after).toMatch(/^pan_db_pool_connections\{state="waiting"\} 0$/m);
    expect(after).toContain('# TYPE pan_notification_attempts_total counter');
  });

  it('reports waiting triggers as queue depth', async () => {
    // A paused tenant's triggers wait (no run claims them); intake refuses a paused tenant, so they go in directly.
    const { insertTrigger } = await import('../../src/modules/triggers/store.ts');
    const slug = await scriptIntegration(stack, 'ops-depth', { 'PANDIUM.yaml': 'version: 1.0\nbase: node:24\nrun: node run.mjs\n', 'run.mjs': '' });
    const jwt = await endUserToken(stack, 'ops-depth-user');
    const tenant = await install(stack, jwt, slug);
    await stack.db.query('UPDATE tenants SET paused = true WHERE id = $1', [tenant.id]);
    const before = sample(await scrape(), 'pan_queue_depth', { queue: 'other' });
    for (let i = 0; i < 3; i++) await insertTrigger(stack.db, { accountId: stack.accountId, tenantId: tenant.id, source: 'api', mode: 'normal' }, { notify: false });
    expect(sample(await scrape(), 'pan_queue_depth', { queue: 'other' })).toBe(before + 3);
  });

  it('reads queue depth at most every PAN_METRICS_QUEUE_DEPTH_MS, however often it is scraped', async () => {
    const db = createPool(stack.databaseUrl, 1);
    const config = { ...readConfig({ PAN_LOG_LEVEL: 'silent' }), dataDir: stack.config.dataDir, metricsToken: METRICS_TOKEN, metricsQueueDepthMs: 3_600_000 };
    const app = await buildApp({ db, box: stack.box, config });
    const depth = async () =>
      sample((await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).body, 'pan_queue_depth', { queue: 'other' });
    try {
      const first = await depth();
      const { rows } = await stack.db.query<{ id: string }>('SELECT id FROM tenants WHERE paused LIMIT 1');
      const { insertTrigger } = await import('../../src/modules/triggers/store.ts');
      await insertTrigger(stack.db, { accountId: stack.accountId, tenantId: rows[0]!.id, source: 'api', mode: 'normal' }, { notify: false });
      expect(await depth()).toBe(first);
      expect(sample(await scrape(), 'pan_queue_depth', { queue: 'other' })).toBe(first + 1);
    } finally {
      await app.close();
      await db.end();
    }
  });
});

describe('request ids', () => {
  it('answers every request with a fresh X-Request-Id (a client-sent one is not taken) and logs it as reqId', async () => {
    const first = await stack.app.inject({ method: 'GET', url: '/health/live', headers: { 'x-request-id': 'forged' } });
    const second = await stack.app.inject({ method: 'GET', url: '/nope' });
    const ids = [first.headers['x-request-id'], second.headers['x-request-id']];
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ids[0]).not.toBe(ids[1]);
    for (const id of ids) {
      const lines = stack.logLines.map((line) => JSON.parse(line) as { reqId?: string; msg?: string }).filter((l) => l.reqId === id);
      expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['incoming request', 'request completed']));
    }
  });
});
