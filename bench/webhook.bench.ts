/**
 * `npm run bench -- webhook [seconds] [connections] [tenants]`: webhook intake throughput. autocannon
 * (in its own process) POSTs a small JSON body to the webhook URLs of several tenants of the real
 * run API (startTestStack, embedded PostgreSQL, run engine OFF so triggers just pile up), for
 * `seconds` (default 10) with `connections` (default 50) spread over `tenants` (default 10) URLs.
 *
 * Baseline, same run, same autocannon settings: a bare node:http server that INSERTs an equivalent
 * trigger row (same table, same columns, the body as bytea and the headers as jsonb; one
 * autocommitted statement) through a pg.Pool of the API's pool size, and answers 202. Both include
 * HTTP; the difference is what the API does around the INSERT (routing, schema, tenant lookup,
 * JSON check, header filtering, the transaction and its NOTIFY, logging).
 *
 * Each side gets a 2 s warm-up first. Every answer must be a 202, and the rows in the table must
 * match the 202s counted.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { startTestStack } from '../packages/run-api/test/support/index.ts';
import { payloadHeaders } from '../packages/run-api/src/routes/webhooks.ts';
import { installTenant, runHelper } from './support/run-stack.ts';

const seconds = Number(process.argv[3] ?? 10);
const connections = Number(process.argv[4] ?? 50);
const tenantCount = Number(process.argv[5] ?? 10);
const WARMUP_SECONDS = 2;
const GOAL_RATIO = 0.7;
const BODY = JSON.stringify({ type: 'contact.updated', id: 12345, email: 'ada@example.com', changed: ['phone'] });

interface CannonResult {
  rps: number;
  total: number;
  p50: number;
  p99: number;
  max: number;
  ok2xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
}

/** Load for `duration` s; then a pause, so that requests still in flight when it stopped are committed before counting. */
async function cannon(urls: string[], duration: number): Promise<CannonResult> {
  const result = await runHelper<CannonResult>('cannon.ts', { urls, connections, duration, body: BODY });
  await new Promise((resolve) => setTimeout(resolve, 500));
  return result;
}

// The real server logs at `info` in production (the test stack's default is `debug`).
const stack = await startTestStack({ seedReleases: true, config: { logLevel: 'info' } });
let baselineServer: http.Server | undefined;
let baselinePool: pg.Pool | undefined;
try {
  const poolSize = (stack.db as unknown as { options: { max: number } }).options.max;
  const tenants = [];
  for (let i = 0; i < tenantCount; i++) tenants.push(await installTenant(stack, `webhook-bench-${i}`, 'hubspot-contacts', { direction: 'both' }));
  const ourUrls = tenants.map((t) => t.webhookUrl);

  // The baseline: token -> tenant in memory, one INSERT, 202.
  const byToken = new Map(tenants.map((t) => [new URL(t.webhookUrl).pathname.split('/').pop()!, t.tenant.id]));
  const pool = new pg.Pool({ connectionString: stack.databaseUrl, max: poolSize });
  baselinePool = pool;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const tenantId = byToken.get(req.url!.split('/').pop()!);
      if (!tenantId) {
        res.writeHead(404).end();
        return;
      }
      pool
        .query<{ id: string }>(
          `INSERT INTO triggers (account_id, tenant_id, source, mode, payload, payload_headers)
           VALUES ($1, $2, 'webhook', 'webhook', $3, $4) RETURNING id`,
          [stack.accountId, tenantId, Buffer.concat(chunks), JSON.stringify(payloadHeaders(req.headers))],
        )
        .then(
          ({ rows }) => {
            res.writeHead(202, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
            res.end(JSON.stringify({ trigger_id: rows[0]!.id }));
          },
          () => res.writeHead(500).end(),
        );
    });
  });
  baselineServer = server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseOrigin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const baseUrls = ourUrls.map((u) => `${baseOrigin}${new URL(u).pathname}`);

  const count = async () =>
    (await stack.db.query<{ n: number }>("SELECT count(*)::int AS n FROM triggers WHERE source = 'webhook'")).rows[0]!.n;

  // Ours first, then the baseline (which then inserts into the larger table).
  await cannon(ourUrls, WARMUP_SECONDS);
  const oursBefore = await count();
  const ours = await cannon(ourUrls, seconds);
  const oursRows = (await count()) - oursBefore;
  await cannon(baseUrls, WARMUP_SECONDS);
  const baseBefore = await count();
  const base = await cannon(baseUrls, seconds);
  const baseRows = (await count()) - baseBefore;

  const line = (name: string, r: CannonResult, rows: number) =>
    `  ${name} ${r.rps.toFixed(0).padStart(6)} req/s   p50 ${String(r.p50).padStart(4)} ms   p99 ${String(r.p99).padStart(4)} ms   ` +
    `(max ${r.max} ms; ${r.total} answers: ${JSON.stringify(r.statusCodes)}, non-2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts}; rows stored ${rows})`;
  const ratio = ours.rps / base.rps;
  const all202 = (r: CannonResult) => r.non2xx === 0 && r.errors === 0 && r.timeouts === 0 && Object.keys(r.statusCodes).every((c) => c === '202');
  // autocannon stops with up to `connections` requests in flight: those are stored but not counted as answers.
  const stored = (r: CannonResult, rows: number) => rows >= r.ok2xx && rows <= r.ok2xx + connections;
  console.log(
    `webhook: POST /webhooks/<token>, ${BODY.length}-byte JSON body, autocannon ${connections} connections over ${tenantCount} tenants, ${seconds} s (after a ${WARMUP_SECONDS} s warm-up), pool of ${poolSize}`,
  );
  console.log(line('ours (run API, engine off):       ', ours, oursRows));
  console.log(line('baseline (node:http + pg INSERT): ', base, baseRows));
  console.log(`  ours / baseline: ${ratio.toFixed(2)} (goal >= ${GOAL_RATIO}: ${ratio >= GOAL_RATIO ? 'met' : 'NOT met'})`);
  console.log(`  p99 ours - baseline: ${ours.p99 - base.p99} ms`);
  console.log(
    `  every answer a 202 (non-2xx: ours ${ours.non2xx}, baseline ${base.non2xx}) and every 202 stored (rows >= 202s, the rest in flight at the stop): ` +
      `ours ${all202(ours) && stored(ours, oursRows) ? 'yes' : 'NO'}, baseline ${all202(base) && stored(base, baseRows) ? 'yes' : 'NO'}`,
  );
} finally {
  await new Promise<void>((resolve) => (baselineServer ? baselineServer.close(() => resolve()) : resolve()));
  await baselinePool?.end();
  await stack.stop();
}
