import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Tenant, TriggerStatus } from '@pan/contract';
import { readConfig } from '../src/platform/config.ts';
import { SecretBox } from '../src/platform/crypto/secret-box.ts';
import { startServer, type RunningServer } from '../src/server.ts';
import { TRIGGERS_CHANNEL } from '../src/modules/triggers/store.ts';
import { startTestStack, type TestStack } from './support/index.ts';
import { endUserToken, runOfTrigger, scriptIntegration } from './modules/runs/run-support.ts';

/**
 * PAN_ROLES: an API-only server and a worker-only server on one database. The API one stores
 * triggers and runs none; the worker one serves no API route and runs them.
 */
const key = randomBytes(32);
let stack: TestStack;
const servers: RunningServer[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  // The stack is only the seeded database (no engine); the servers under test share it and its key.
  stack = await startTestStack({ clusterUrl: inject('pgClusterUrl'), seedCatalog: true, box: new SecretBox(key), listen: false });
});

afterAll(async () => {
  for (const server of servers.reverse()) await server.close();
  await stack?.stop();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function startWithRoles(roles: string): Promise<RunningServer> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pan-roles-test-'));
  dirs.push(dataDir);
  const config = readConfig({
    DATABASE_URL: stack.databaseUrl,
    PAN_SECRET_KEY: key.toString('base64'),
    PAN_DATA_DIR: dataDir,
    PAN_PORT: '0',
    PAN_LOG_LEVEL: 'warn',
    PAN_ROLES: roles,
  });
  const server = await startServer(config, () => {});
  servers.push(server);
  return server;
}

/** Connections of this database LISTENing for new triggers: one per worker (and none from anything else). */
async function triggerListeners(): Promise<number> {
  const { rows } = await stack.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND replace(query, '"', '') = $1`,
    [`LISTEN ${TRIGGERS_CHANNEL}`],
  );
  return rows[0]!.n;
}

describe('PAN_ROLES', () => {
  it('rejects an unknown role', () => {
    expect(() => readConfig({ PAN_ROLES: 'api,cook' })).toThrow(/PAN_ROLES/);
    expect([...readConfig({}).roles]).toEqual(['api', 'worker', 'scheduler', 'deliverer']);
  });

  it('an api-only server queues triggers and runs none; a worker-only server runs them and serves no API', async () => {
    const slug = await scriptIntegration(stack, 'roles-echo', {
      'PANDIUM.yaml': 'version: 1.0\nbase: node:24\nrun: node run.mjs\n',
      'run.mjs': `console.log(JSON.stringify({ ran: true }));`,
    });
    const jwt = await endUserToken(stack, 'roles-user');
    const api = await startWithRoles('api');
    const headers = { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' };
    const installed = await fetch(`${api.url}/marketplace/tenants`, { method: 'POST', headers, body: JSON.stringify({ integration: slug, configs: {} }) });
    expect(installed.status, await installed.clone().text()).toBe(201);
    const tenant = (await installed.json()) as Tenant;

    // Listen as a worker would, so the trigger's wake-up is seen to have gone out.
    const listener = new pg.Client({ connectionString: stack.databaseUrl });
    await listener.connect();
    await listener.query(`LISTEN ${TRIGGERS_CHANNEL}`);
    const woken = new Promise<void>((resolve) => listener.once('notification', () => resolve()));
    const queued = await fetch(`${api.url}/marketplace/tenants/${tenant.id}/runs`, { method: 'POST', headers, body: JSON.stringify({ mode: 'normal' }) });
    expect(queued.status).toBe(202);
    const triggerId = ((await queued.json()) as TriggerStatus).trigger_id;
    await woken;
    await listener.end();
    // Nothing in the API process listens for triggers, and the woken-up trigger was not claimed.
    expect(await triggerListeners()).toBe(0);
    const { rows } = await stack.db.query<{ run_id: string | null }>('SELECT run_id FROM triggers WHERE id = $1', [triggerId]);
    expect(rows[0]!.run_id).toBeNull();
    expect((await fetch(`${api.url}/health/ready`)).status).toBe(200);

    const worker = await startWithRoles('worker');
    expect(await triggerListeners()).toBe(1);
    const run = await runOfTrigger(stack, triggerId);
    expect(run.status).toBe('Succeeded');
    const { rows: owner } = await stack.db.query<{ worker_id: string }>('SELECT worker_id FROM runs WHERE id = $1', [run.id]);
    expect(owner[0]!.worker_id).toMatch(/^worker-/);
    // The worker process answers probes, not the API.
    expect((await fetch(`${worker.url}/health/ready`)).status).toBe(200);
    const notServed = await fetch(`${worker.url}/marketplace/tenants`, { headers });
    expect(notServed.status).toBe(404);
  });
});
