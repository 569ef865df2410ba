import { randomBytes } from 'node:crypto';
import { existsSync, watch } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { Run, Tenant, TriggerStatus } from '@pan/contract';
import { loadSecretBox } from '../src/platform/crypto/secret-box.ts';
import { clusterSocketDir, connectionUrl, freePort, SOCKET_PORT } from '../src/platform/db/embedded.ts';
import { loadPostgresAuth } from '../src/platform/db/postgres-auth.ts';
import { upsertAccount } from '../src/modules/accounts/store.ts';
import { endUserToken } from './support/index.ts';
import { runOfTrigger, scriptIntegration } from './modules/runs/run-support.ts';
import type { ServerProcess, TestStack } from './support/index.ts';
import { isRunning, processesUsing, startServerProcess } from './support/index.ts';

/**
 * Crash tests with real processes: the server (node with the tsx loader, its embedded PostgreSQL in
 * a data directory) stopped by SIGTERM, by a terminal's Ctrl-C (SIGINT to its process group) and by
 * SIGKILL while a run is under way. Runs are unsandboxed here so that the script can count its
 * starts in a file of the test.
 */

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startProcess(dataDir: string, env: NodeJS.ProcessEnv, detached = false): Promise<ServerProcess> {
  const server = await startServerProcess(
    { PAN_DATA_DIR: dataDir, PAN_PORT: String(await freePort()), DATABASE_URL: '', PAN_RUN_SANDBOX: 'off', PAN_WORKER_CONCURRENCY: '1', ...env },
    { detached },
  );
  cleanups.push(() => server.kill());
  return server;
}

/** A pool on the server's database, as its application role, over the cluster's socket. */
async function databaseOf(dataDir: string): Promise<pg.Pool> {
  const auth = await loadPostgresAuth(dataDir);
  const pool = new pg.Pool({ connectionString: connectionUrl({ host: clusterSocketDir(dataDir), port: SOCKET_PORT, database: 'pan' }, auth.app), max: 2 });
  // The server stops its PostgreSQL under idle clients at the end of a test.
  pool.on('error', () => {});
  return pool;
}

/** Resolves once `file` has `count` lines (watched, not polled). */
async function linesOf(file: string, count: number): Promise<string[]> {
  const read = async () => (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean);
  const watcher = watch(path.dirname(file));
  try {
    const changed = () => new Promise<void>((resolve) => watcher.once('change', () => resolve()));
    for (;;) {
      const next = changed();
      const lines = await read();
      if (lines.length >= count) return lines;
      await next;
    }
  } finally {
    watcher.close();
  }
}

interface Scenario {
  dataDir: string;
  startsFile: string;
  triggerId: string;
  tenantId: string;
  server: ServerProcess;
}

/**
 * A data directory, a server on it, an account, an integration whose first run waits until it is
 * stopped (its later runs succeed), a tenant, and a manual trigger whose run has started.
 */
async function runUnderWay(env: NodeJS.ProcessEnv, detached = false): Promise<Scenario> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pan-stop-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const startsFile = path.join(await mkdtemp(path.join(os.tmpdir(), 'pan-stop-starts-')), 'starts');
  cleanups.push(() => rm(path.dirname(startsFile), { recursive: true, force: true }));
  // Whatever a test leaves of the script's processes (a SIGKILLed server leaves its first run).
  cleanups.push(async () => {
    for (const pid of (await readFile(startsFile, 'utf8').catch(() => '')).split('\n').filter(Boolean).map(Number)) {
      if (isRunning(pid)) process.kill(-pid, 'SIGKILL');
    }
  });
  const server = await startProcess(dataDir, env, detached);
  const db = await databaseOf(dataDir);
  try {
    const box = await loadSecretBox(undefined, dataDir);
    const account = { issuer: `stop-${randomBytes(4).toString('hex')}`, audience: 'pan-marketplace', hs256Secret: randomBytes(32).toString('base64url') };
    const accountId = await upsertAccount(db, box, {
      slug: 'stop-test',
      name: 'Stop Test',
      jwtIssuer: account.issuer,
      jwtAudience: account.audience,
      jwtAlgorithms: ['HS256'],
      hs256Secret: Buffer.from(account.hs256Secret, 'base64url'),
    });
    const slug = await scriptIntegration({ db, accountId } as unknown as TestStack, 'waits-first', {
      'PANDIUM.yaml': 'version: 1.0\nbase: node:24\nrun: node run.mjs\n',
      'run.mjs': `import { appendFileSync, readFileSync } from 'node:fs';
const file = ${JSON.stringify(startsFile)};
appendFileSync(file, process.pid + '\\n');
const starts = readFileSync(file, 'utf8').trim().split('\\n').length;
// The first run waits until it is stopped; later ones succeed.
if (starts === 1) setInterval(() => {}, 60_000);
else console.log(JSON.stringify({ starts }));`,
    });
    const jwt = await endUserToken(account, 'stop-user');
    const headers = { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' };
    const installed = await fetch(`${server.url}/marketplace/tenants`, { method: 'POST', headers, body: JSON.stringify({ integration: slug, configs: {} }) });
    expect(installed.status, await installed.clone().text()).toBe(201);
    const tenant = (await installed.json()) as Tenant;
    const queued = await fetch(`${server.url}/marketplace/tenants/${tenant.id}/runs`, { method: 'POST', headers, body: JSON.stringify({ mode: 'normal' }) });
    expect(queued.status, await queued.clone().text()).toBe(202);
    const { trigger_id: triggerId } = (await queued.json()) as TriggerStatus;
    await linesOf(startsFile, 1);
    return { dataDir, startsFile, triggerId, tenantId: tenant.id, server };
  } finally {
    await db.end();
  }
}

/** Starts the server again on the data directory and waits for the trigger's run to end; stops it. */
async function nextStart(scenario: Scenario, env: NodeJS.ProcessEnv = {}): Promise<{ run: Run; statuses: string[]; output: string[] }> {
  const server = await startProcess(scenario.dataDir, env);
  const db = await databaseOf(scenario.dataDir);
  try {
    const { rows: account } = await db.query<{ account_id: string }>('SELECT account_id FROM tenants WHERE id = $1', [scenario.tenantId]);
    const run = await runOfTrigger({ db, accountId: account[0]!.account_id } as unknown as TestStack, scenario.triggerId, 60_000);
    const { rows } = await db.query<{ status: string }>(
      'SELECT r.status FROM runs r WHERE r.tenant_id = $1 ORDER BY r.started_at',
      [scenario.tenantId],
    );
    return { run, statuses: rows.map((r) => r.status), output: server.output };
  } finally {
    await db.end();
    server.child.kill('SIGTERM');
    expect(await server.exited, server.output.join('\n')).toEqual({ code: 0, signal: null });
  }
}

async function expectNothingLeft(scenario: Scenario): Promise<void> {
  expect(existsSync(path.join(scenario.dataDir, 'pg', 'postmaster.pid'))).toBe(false);
  expect(await processesUsing(scenario.dataDir)).toEqual([]);
}

describe('stopping the server', () => {
  it('SIGTERM during a run: exits 0, the run is handed back at once and runs again exactly once at the next start', async () => {
    const scenario = await runUnderWay({ PAN_SHUTDOWN_GRACE_MS: '200' });
    const [firstPid] = await linesOf(scenario.startsFile, 1);
    scenario.server.child.kill('SIGTERM');
    expect(await scenario.server.exited, scenario.server.output.join('\n')).toEqual({ code: 0, signal: null });
    // The run's process group was stopped; the database too, after the hand-back.
    expect(isRunning(Number(firstPid))).toBe(false);
    await expectNothingLeft(scenario);

    // A lease far longer than the test: the trigger runs again because it was handed back, not swept.
    const next = await nextStart(scenario, { PAN_RUN_LEASE_MS: String(60 * 60_000) });
    expect(next.run.status).toBe('Succeeded');
    expect(next.statuses).toEqual(['Handed Back', 'Succeeded']);
    expect(await linesOf(scenario.startsFile, 2)).toHaveLength(2);
    await expectNothingLeft(scenario);
  }, 120_000);

  it('Ctrl-C (SIGINT to the process group) during a run: the same orderly stop, PostgreSQL last, exit 0', async () => {
    const scenario = await runUnderWay({ PAN_SHUTDOWN_GRACE_MS: '200' }, true);
    const [firstPid] = await linesOf(scenario.startsFile, 1);
    process.kill(-scenario.server.child.pid!, 'SIGINT');
    expect(await scenario.server.exited, scenario.server.output.join('\n')).toEqual({ code: 0, signal: null });
    expect(scenario.server.output).toContain('SIGINT: stopping');
    expect(isRunning(Number(firstPid))).toBe(false);
    await expectNothingLeft(scenario);
    // The hand-back was written, so PostgreSQL outlived the drain.
    const next = await nextStart(scenario, { PAN_RUN_LEASE_MS: String(60 * 60_000) });
    expect(next.statuses).toEqual(['Handed Back', 'Succeeded']);
  }, 120_000);

  it('SIGKILL during a run: the next start stops the orphaned PostgreSQL, starts, and the lost run runs again', async () => {
    const scenario = await runUnderWay({ PAN_RUN_LEASE_MS: '2000' });
    scenario.server.child.kill('SIGKILL');
    await scenario.server.exited;
    // The orphan still holds the cluster.
    const orphan = Number((await readFile(path.join(scenario.dataDir, 'pg', 'postmaster.pid'), 'utf8')).split('\n')[0]);
    expect(isRunning(orphan)).toBe(true);

    const next = await nextStart(scenario, { PAN_RUN_LEASE_MS: '2000' });
    expect(isRunning(orphan)).toBe(false);
    expect(next.output.some((line) => line.includes(`Stopping the PostgreSQL (pid ${orphan})`))).toBe(true);
    expect(next.run.status).toBe('Succeeded');
    expect(next.statuses).toEqual(['Lost', 'Succeeded']);
    await expectNothingLeft(scenario);
  }, 120_000);
});
