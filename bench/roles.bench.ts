/**
 * `npm run bench -- roles [workers] [tenants] [webhooks-per-tenant]`: PAN_ROLES on one PostgreSQL.
 * One API-only server and `workers` (default 2) worker-only servers (`startServer` each, with
 * PAN_ROLES, sharing DATABASE_URL and PAN_SECRET_KEY; in this process, each with its own pool,
 * LISTEN connection and sandboxed runs) take `webhooks-per-tenant` (default 10) webhooks for each
 * of `tenants` (default 30) tenants, sent to the API server over HTTP. Shown: the time until every
 * trigger is in a finished run, runs per worker, and whether any tenant's runs overlapped.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readConfig } from '../packages/run-api/src/platform/config.ts';
import { SecretBox } from '../packages/run-api/src/platform/crypto/secret-box.ts';
import { startServer, type RunningServer } from '../packages/run-api/src/server.ts';
import { startTestStack } from '../packages/run-api/test/support/index.ts';
import { installTenant, pushScriptRelease } from './support/run-stack.ts';

const workerCount = Number(process.argv[3] ?? 2);
const tenantCount = Number(process.argv[4] ?? 30);
const perTenant = Number(process.argv[5] ?? 10);
const YAML = `version: 0.4
base: node:20
run: node index.mjs
`;
const SCRIPT = `console.error('triggers ' + JSON.parse(process.env.PAN_CTX_RUN_TRIGGERS || '[]').length);\n`;

const key = randomBytes(32);
const stack = await startTestStack({ seedReleases: true, listen: false, box: new SecretBox(key), config: { logLevel: 'warn' } });
const servers: RunningServer[] = [];
const dirs: string[] = [];
async function start(roles: string): Promise<RunningServer> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pan-roles-bench-'));
  dirs.push(dataDir);
  const server = await startServer(
    readConfig({ DATABASE_URL: stack.databaseUrl, PAN_SECRET_KEY: key.toString('base64'), PAN_DATA_DIR: dataDir, PAN_PORT: '0', PAN_LOG_LEVEL: 'warn', PAN_ROLES: roles }),
    () => {},
  );
  servers.push(server);
  return server;
}
try {
  await pushScriptRelease(stack, 'hubspot-contacts', YAML, SCRIPT);
  const api = await start('api');
  const tenants = [];
  for (let i = 0; i < tenantCount; i++) tenants.push(await installTenant(stack, `roles-bench-${i}`, 'hubspot-contacts'));
  for (let i = 0; i < workerCount; i++) await start('worker');
  const startedAt = performance.now();
  const sends = [];
  for (let n = 0; n < perTenant; n++) {
    for (const t of tenants) {
      const url = `${api.url}${new URL(t.webhookUrl).pathname}`;
      sends.push(fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ n }) }).then((r) => r.status));
    }
  }
  const statuses = await Promise.all(sends);
  const accepted = statuses.filter((s) => s === 202).length;
  const acceptedAt = performance.now();
  const done = async () =>
    (
      await stack.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM triggers t JOIN runs r ON r.id = t.run_id WHERE r.status NOT IN ('Running', 'Lost')`,
      )
    ).rows[0]!.n;
  const deadline = Date.now() + 300_000;
  while ((await done()) < accepted && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  const finishedAt = performance.now();
  const { rows: byWorker } = await stack.db.query<{ worker_id: string; runs: number; triggers: number }>(
    `SELECT worker_id, count(*)::int AS runs, sum(jsonb_array_length(triggers))::int AS triggers FROM runs GROUP BY worker_id ORDER BY worker_id`,
  );
  const { rows: statuses2 } = await stack.db.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM runs GROUP BY status`);
  const { rows: overlaps } = await stack.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM runs a JOIN runs b ON a.tenant_id = b.tenant_id AND a.id < b.id
      WHERE tstzrange(a.started_at, a.ended_at) && tstzrange(b.started_at, b.ended_at)`,
  );
  console.log(
    `roles: 1 api-only server, ${workerCount} worker-only servers (PAN_WORKER_CONCURRENCY ${readConfig({}).workerConcurrency} each), one PostgreSQL; ` +
      `${tenantCount} tenants x ${perTenant} webhooks over HTTP to the api server; ${os.availableParallelism()} cores, load ${os.loadavg()[0]!.toFixed(1)}`,
  );
  console.log(`  ${accepted}/${statuses.length} answered 202 in ${((acceptedAt - startedAt) / 1000).toFixed(1)} s; all in finished runs after ${((finishedAt - startedAt) / 1000).toFixed(1)} s (${(await done())} of ${accepted})`);
  console.log(`  runs by status: ${statuses2.map((r) => `${r.status} ${r.n}`).join(', ')}`);
  for (const w of byWorker) console.log(`  ${w.worker_id}: ${w.runs} runs, ${w.triggers} triggers`);
  console.log(`  runs of one tenant overlapping in time: ${overlaps[0]!.n}`);
} finally {
  for (const server of servers.reverse()) await server.close().catch((error) => console.error(error));
  await stack.stop();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
}
