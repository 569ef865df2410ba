/**
 * `npm run bench -- webhook [seconds] [connections] [tenants]`: webhook intake throughput. autocannon
 * (in its own process) POSTs a small JSON body to the webhook URLs of several tenants of the real
 * run API (startTestStack, embedded PostgreSQL, run engine OFF so triggers just pile up), for
 * `seconds` (default 15) with `connections` (default 50) spread over `tenants` (default 10) URLs.
 *
 * Baseline, same run, same autocannon settings: a bare node:http server (in this process, as the
 * API is) that INSERTs an equivalent trigger row (same table, same columns, the body as bytea and
 * the headers as jsonb; one autocommitted statement) through a pg.Pool of the API's pool size, and
 * answers 202. Both include HTTP. Goal: ours >= 0.7 x the baseline's req/s.
 *
 * Reference (not the goal): the same bare server whose INSERT also calls pg_notify, as
 * insertTrigger does: it shows what the NOTIFY alone costs.
 *
 * Rate limiting is on for ours (every webhook passes the failed-authentication check, the per-IP
 * and the per-token budgets, and the pending-bytes cap), with budgets far above what the bench
 * sends, so that it measures their cost and nothing is refused: the defaults would refuse one
 * client address sending hundreds of requests a second.
 *
 * Each side gets a 2 s warm-up; then the sides alternate in short rounds of BENCH_ROUND_S (default
 * 2.5 s), `seconds / round` cycles of one round per side, the order rotated from cycle to cycle (so
 * that no side always follows the same one), since the machine is shared and its load moves
 * within seconds. The ratios are taken per cycle, between rounds a few seconds apart, and the
 * median over the cycles is the figure (with their spread); the pooled ratio (all requests over all
 * rounds) is shown too. Every answer must be a 202, and the rows stored must match the 202s
 * counted. Also shown: CPU time of this process (the server's) per request, and what PostgreSQL's
 * active sessions were waiting on (pg_stat_activity sampled every 20 ms).
 *
 * `/metrics` cost: a fourth side, "ours, scraped", is the same server while `/metrics` is scraped
 * every BENCH_SCRAPE_MS (default 100; 0: no such side) by a process of its own
 * (bench/support/scraper.ts, started before the first round and idle outside the scraped rounds, so
 * its start is in no round), as Prometheus would. It is one more side in every cycle, reported
 * against the baseline and against ours unscraped (per-cycle medians); the figures show how many
 * scrapes answered 200 and their times.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { payloadHeaders } from '../packages/run-api/src/modules/triggers/service.ts';
import { readConfig } from '../packages/run-api/src/platform/config.ts';
import { startTestStack } from '../packages/run-api/test/support/index.ts';
import { installTenant, ms, runHelper, summarize } from './support/run-stack.ts';

const seconds = Number(process.argv[3] ?? 15);
const connections = Number(process.argv[4] ?? 50);
const tenantCount = Number(process.argv[5] ?? 10);
const WARMUP_SECONDS = 2;
const ROUND_SECONDS = Number(process.env.BENCH_ROUND_S ?? 2.5);
const CYCLES = Math.max(1, Math.round(seconds / ROUND_SECONDS));
const GOAL_RATIO = 0.7;
const BODY = JSON.stringify({ type: 'contact.updated', id: 12345, email: 'ada@example.com', changed: ['phone'] });

interface ScrapeResult {
  ok: number;
  failed: number;
  times: number[];
  samples: number;
}

interface CannonResult {
  duration: number;
  total: number;
  ok2xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  latencies: number[];
}

/** One side's rounds, and what was measured around them. */
interface Side {
  name: string;
  urls: string[];
  rounds: CannonResult[];
  rows: number;
  cpuMicros: number;
  waits: Map<string, number>;
}

function merged(side: Side) {
  const r = side.rounds;
  const sum = (f: (x: CannonResult) => number) => r.reduce((a, x) => a + f(x), 0);
  const codes: Record<string, number> = {};
  for (const x of r) for (const [code, n] of Object.entries(x.statusCodes)) codes[code] = (codes[code] ?? 0) + n;
  const total = sum((x) => x.total);
  const waitSamples = [...side.waits.values()].reduce((a, b) => a + b, 0);
  return {
    rps: total / sum((x) => x.duration),
    roundRps: r.map((x) => x.total / x.duration),
    total,
    ok2xx: sum((x) => x.ok2xx),
    non2xx: sum((x) => x.non2xx),
    errors: sum((x) => x.errors),
    timeouts: sum((x) => x.timeouts),
    codes,
    latency: summarize(r.flatMap((x) => x.latencies)),
    rows: side.rows,
    cpuPerRequest: side.cpuMicros / Math.max(1, total),
    waits: [...side.waits]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([w, n]) => `${w} ${((n / waitSamples) * 100).toFixed(0)}%`)
      .join(', '),
    // autocannon stops with up to `connections` requests in flight: stored, but not counted as answers.
    stored: side.rows >= sum((x) => x.ok2xx) && side.rows <= sum((x) => x.ok2xx) + r.length * connections,
  };
}

// The real server logs at `info` in production (the test stack's default is `debug`).
const HIGH = 1_000_000_000;
const rateLimits = { ...readConfig({}).rateLimits, perIp: HIGH, perWebhookToken: HIGH };
const SCRAPE_MS = Number(process.env.BENCH_SCRAPE_MS ?? 100);
const METRICS_TOKEN = 'bench-metrics-token';
let scraperProcess: ReturnType<typeof spawn> | undefined;

/** The scraper process (bench/support/scraper.ts), started and ready: `period()` scrapes until `stop()`, then resolves with the figures. */
async function startScraper() {
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'support', 'scraper.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', file, JSON.stringify({ url: `${stack.apiBase}/metrics`, token: METRICS_TOKEN, intervalMs: SCRAPE_MS })], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  scraperProcess = child;
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error('the scraper exited');
    return value as string;
  };
  if ((await next()) !== 'ready') throw new Error('the scraper did not start');
  return {
    period(): Promise<ScrapeResult> {
      child.stdin!.write('start\n');
      return next().then((line) => JSON.parse(line) as ScrapeResult);
    },
    stop(): void {
      child.stdin!.write('stop\n');
    },
  };
}

// PAN_METRICS_QUEUE_DEPTH_MS=0 renders /metrics at every scrape (to compare with the default 1 s).
const renderMs = process.env.PAN_METRICS_QUEUE_DEPTH_MS ? { metricsQueueDepthMs: Number(process.env.PAN_METRICS_QUEUE_DEPTH_MS) } : {};
// BENCH_POOL: the API's pool size (the test stack's 5 unless set; a server's default is 10); the baseline gets the same.
const poolOption = process.env.BENCH_POOL ? { poolSize: Number(process.env.BENCH_POOL) } : {};
const stack = await startTestStack({ seedReleases: true, ...poolOption, config: { logLevel: 'info', rateLimits, metricsToken: METRICS_TOKEN, ...renderMs } });
const scrapes = { ok: 0, failed: 0, times: [] as number[], series: 0 };
let baselineServer: http.Server | undefined;
let baselinePool: pg.Pool | undefined;
const sampler = new pg.Client({ connectionString: stack.databaseUrl });
try {
  const poolSize = (stack.db as unknown as { options: { max: number } }).options.max;
  const tenants = [];
  for (let i = 0; i < tenantCount; i++) tenants.push(await installTenant(stack, `webhook-bench-${i}`, 'hubspot-contacts', { direction: 'both' }));
  const ourUrls = tenants.map((t) => t.webhookUrl);

  // The baseline: token -> tenant in memory, one INSERT (with pg_notify under /notify/), 202.
  const byToken = new Map(tenants.map((t) => [new URL(t.webhookUrl).pathname.split('/').pop()!, t.tenant.id]));
  const pool = new pg.Pool({ connectionString: stack.databaseUrl, max: poolSize });
  pool.on('error', () => {});
  baselinePool = pool;
  const INSERT = `INSERT INTO triggers (account_id, tenant_id, source, mode, payload, payload_headers)
                  VALUES ($1, $2, 'webhook', 'webhook', $3, $4) RETURNING id`;
  const INSERT_NOTIFY = `WITH t AS (${INSERT}) SELECT id, pg_notify('pan_bench_webhook', '') FROM t`;
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
        .query<{ id: string }>(req.url!.startsWith('/notify/') ? INSERT_NOTIFY : INSERT, [
          stack.accountId,
          tenantId,
          Buffer.concat(chunks),
          JSON.stringify(payloadHeaders({ raw: req, headers: req.headers })),
        ])
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
  const side = (name: string, urls: string[]): Side => ({ name, urls, rounds: [], rows: 0, cpuMicros: 0, waits: new Map() });
  const ours = side('ours (run API, engine off):       ', ourUrls);
  const base = side('baseline (node:http + pg INSERT): ', ourUrls.map((u) => `${baseOrigin}${new URL(u).pathname}`));
  const ref = side('reference (baseline + pg_notify): ', ourUrls.map((u) => `${baseOrigin}/notify${new URL(u).pathname}`));
  const scrapedSide = side(`ours, /metrics every ${SCRAPE_MS} ms:     `, ourUrls);

  await sampler.connect();
  const scraper = SCRAPE_MS > 0 ? await startScraper() : undefined;
  const count = async () =>
    (await stack.db.query<{ n: number }>("SELECT count(*)::int AS n FROM triggers WHERE source = 'webhook'")).rows[0]!.n;

  /** Load for `duration` s, then a pause so that requests in flight at the stop are committed before counting. */
  async function round(s: Side, duration: number, record: boolean): Promise<void> {
    const before = await count();
    let sampling = true;
    const sampled = (async () => {
      while (sampling) {
        const { rows } = await sampler.query<{ w: string; n: number }>(
          `SELECT coalesce(wait_event_type || ':' || wait_event, 'running') AS w, count(*)::int AS n
             FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid() GROUP BY 1`,
        );
        if (record) for (const r of rows) s.waits.set(r.w, (s.waits.get(r.w) ?? 0) + r.n);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    // Prometheus (another process) scraping ours while it takes the load.
    const scraped = s === scrapedSide && scraper ? scraper.period() : Promise.resolve(undefined);
    const cpu = process.cpuUsage();
    const result = await runHelper<CannonResult>('cannon.ts', { urls: s.urls, connections, duration, body: BODY });
    const used = process.cpuUsage(cpu);
    sampling = false;
    if (s === scrapedSide) scraper?.stop();
    const scrapeResult = await scraped;
    await sampled;
    if (record && scrapeResult) {
      scrapes.ok += scrapeResult.ok;
      scrapes.failed += scrapeResult.failed;
      scrapes.times.push(...scrapeResult.times);
      scrapes.series = scrapeResult.samples;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (!record) return;
    s.rounds.push(result);
    s.cpuMicros += used.user + used.system;
    s.rows += (await count()) - before;
  }

  for (const s of [ours, base, ref]) await round(s, WARMUP_SECONDS, false);
  const load: number[] = [];
  const sides = SCRAPE_MS > 0 ? [ours, scrapedSide, base, ref] : [ours, base, ref];
  for (let cycle = 0; cycle < CYCLES; cycle++) {
    // Rotated, and reversed every other cycle: each side comes first, last and next to each other side.
    const rotated = sides.map((_, i) => sides[(i + cycle) % sides.length]!);
    for (const s of cycle % 2 ? rotated.reverse() : rotated) await round(s, ROUND_SECONDS, true);
    load.push(os.loadavg()[0]!);
  }

  const [o, b, r] = [merged(ours), merged(base), merged(ref)];
  const sc = SCRAPE_MS > 0 ? merged(scrapedSide) : undefined;
  const line = (s: Side, m: ReturnType<typeof merged>) => [
    `  ${s.name} ${m.rps.toFixed(0).padStart(6)} req/s   p50 ${ms(m.latency.p50).padStart(8)}   p99 ${ms(m.latency.p99).padStart(8)}   (max ${ms(m.latency.max)}; rounds ${m.roundRps.map((x) => x.toFixed(0)).join(' / ')} req/s)`,
    `      ${m.total} answers ${JSON.stringify(m.codes)}, non-2xx ${m.non2xx}, errors ${m.errors}, timeouts ${m.timeouts}; rows stored ${m.rows}; ` +
      `server CPU ${m.cpuPerRequest.toFixed(0)} us/request; PostgreSQL sessions: ${m.waits}`,
  ];
  /** The ratio of two sides' req/s in each cycle (rounds seconds apart): its median, and the range. */
  const perCycle = (x: Side, y: Side) => {
    const ratios = x.rounds.map((r, i) => r.total / r.duration / (y.rounds[i]!.total / y.rounds[i]!.duration)).sort((a, b) => a - b);
    const mid = ratios.length >> 1;
    const median = ratios.length % 2 ? ratios[mid]! : (ratios[mid - 1]! + ratios[mid]!) / 2;
    return { median, text: `${median.toFixed(2)} (cycles ${ratios[0]!.toFixed(2)} to ${ratios.at(-1)!.toFixed(2)}, pooled ${(merged(x).rps / merged(y).rps).toFixed(2)})` };
  };
  const ratio = perCycle(ours, base).median;
  const all202 = (m: ReturnType<typeof merged>) =>
    m.non2xx === 0 && m.errors === 0 && m.timeouts === 0 && Object.keys(m.codes).every((c) => c === '202') && m.stored;
  console.log(
    `webhook: POST /webhooks/<token>, ${BODY.length}-byte JSON body, autocannon ${connections} connections over ${tenantCount} tenants, ` +
      `${CYCLES} cycles of one ${ROUND_SECONDS} s round per side, order rotated (after ${WARMUP_SECONDS} s warm-ups), pool of ${poolSize}`,
  );
  console.log(
    `  ours with rate limiting on: ${rateLimits.perIp} per IP, ${rateLimits.perWebhookToken} per webhook, ${rateLimits.authFailuresPerIp} failures per IP, ` +
      `per ${rateLimits.windowMs / 1000} s; pending payload cap ${stack.config.tenantPendingTriggerBytes} bytes per tenant`,
  );
  console.log(`  machine load (1-min average) after each cycle: ${load.map((x) => x.toFixed(1)).join(', ')} on ${os.availableParallelism()} cores`);
  for (const l of [...line(ours, o), ...(sc ? line(scrapedSide, sc) : []), ...line(base, b), ...line(ref, r)]) console.log(l);
  console.log(`  ours / baseline (req/s, median of cycles): ${perCycle(ours, base).text} (goal >= ${GOAL_RATIO}: ${ratio >= GOAL_RATIO ? 'met' : 'NOT met'})`);
  console.log(`  reference / baseline (what pg_notify in the INSERT costs alone): ${perCycle(ref, base).text}; ours / reference: ${perCycle(ours, ref).text}`);
  console.log(`  p99 ours - baseline: ${ms(o.latency.p99 - b.latency.p99)}`);
  const scrapeTimes = summarize(scrapes.times);
  if (sc) {
    const scraped = perCycle(scrapedSide, base);
    console.log(
      `  ours with /metrics scraped / baseline (req/s, median of cycles): ${scraped.text} (goal >= ${GOAL_RATIO}: ${scraped.median >= GOAL_RATIO ? 'met' : 'NOT met'})`,
    );
    console.log(
      `  scraped / unscraped ours: ${perCycle(scrapedSide, ours).text}; server CPU ${(sc.cpuPerRequest - o.cpuPerRequest).toFixed(0)} us/request more when scraped`,
    );
    console.log(
      `  /metrics scraped every ${SCRAPE_MS} ms during the scraped rounds: ${scrapes.ok} answered 200 (${scrapes.failed} did not), ${scrapes.series} samples each, p50 ${ms(scrapeTimes.p50)}, p99 ${ms(scrapeTimes.p99)}`,
    );
  } else console.log('  /metrics not scraped (BENCH_SCRAPE_MS=0)');
  console.log(
    `  every answer a 202 and every 202 stored (rows >= 202s; the rest were in flight at a stop): ours ${all202(o) ? 'yes' : 'NO'}, baseline ${all202(b) ? 'yes' : 'NO'}, reference ${all202(r) ? 'yes' : 'NO'}`,
  );
} finally {
  scraperProcess?.stdin?.end();
  await sampler.end().catch(() => {});
  await new Promise<void>((resolve) => (baselineServer ? baselineServer.close(() => resolve()) : resolve()));
  await baselinePool?.end();
  await stack.stop();
}
