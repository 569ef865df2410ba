/**
 * `npm run bench -- notify [runs] [burst]`: outbound notification latency and drain rate on the
 * real run API, run engine and notification deliverer (startTestStack, embedded PostgreSQL; runs use
 * an executor that succeeds at once, since what is measured starts when the run has ended; the
 * scheduler is off). The account's notifications (`PUT /v2/notifications`) point at a node:http
 * receiver on 127.0.0.1 in this process (test/notifications/receiver.ts) that answers 204.
 *
 * - Latency (default 200 runs, one at a time, after 5 warm-ups): "run now" through the API; from the
 *   run's `runs.ended_at` (clock_timestamp() in finishRun's transaction, which also queues the
 *   `run.finished` delivery and NOTIFYs the deliverers) to the receiver having the whole signed
 *   request. Also shown: ended_at -> the run-end NOTIFY at a listener of this process (about the
 *   commit), that NOTIFY -> received, and ended_at -> the attempt's `started_at` (the deliverer's
 *   claim) -> received. Times are wall clock (PostgreSQL's clock_timestamp() and
 *   performance.timeOrigin + now() read the same system clock). Baseline, same run, after each
 *   run: a bare fetch POST of the same body and headers to the same receiver (the HTTP hop alone).
 * - Burst (default 500): as many tenants, created through `POST /v2/tenants` (paused), are resumed
 *   through `PATCH /v2/tenants/:id {paused: false}` while the engine's deliverer is stopped, so that
 *   their `tenant.resumed` deliveries are all queued at once; then a deliverer with the engine's
 *   settings (PAN_NOTIFY_CONCURRENCY, default 4) is started: from its start() to the receiver
 *   having all of them, deliveries/s. Baseline: the same requests re-sent by bare fetch POSTs,
 *   as many at a time as the deliverer's concurrency.
 *
 * Every delivered request must verify with the account's secret (Standard Webhooks), and every
 * delivery must end up `delivered` in the outbox.
 */
import { Webhook } from 'standardwebhooks';
import { NotificationDeliverer } from '../packages/run-api/src/modules/notifications/deliverer.ts';
import { startReceiver, type Received, type Receiver } from '../packages/run-api/test/modules/notifications/receiver.ts';
import { LOOPBACK_EGRESS_ALLOW, startTestStack } from '../packages/run-api/test/support/index.ts';
import { RunEndObserver } from './support/run-ends.ts';
import {
  hostCall,
  installTenant,
  ms,
  noopExecutor,
  percentileRow,
  pushScriptRelease,
  runNow,
  signedMs,
  summarize,
  wallNow,
  withTimeout,
} from './support/run-stack.ts';

const runCount = Number(process.argv[3] ?? 200);
const burstCount = Number(process.argv[4] ?? 500);
const WARMUP = 5;
const BASELINE_HEADER = 'x-bench-baseline';

const RELEASE_YAML = `version: 0.4
base: node:20
run: node index.mjs
`;

/** The receiver's arrival time as wall clock. */
const wallAt = (r: Received) => performance.timeOrigin + r.at;
const ours = (r: Received) => r.headers[BASELINE_HEADER] === undefined;

const stack = await startTestStack({
  seedReleases: true,
  config: { logLevel: 'info', egressAllow: LOOPBACK_EGRESS_ALLOW },
  runEngine: { executor: noopExecutor, scheduler: false },
});
let receiver: Receiver | undefined;
let observer: RunEndObserver | undefined;
let burstDeliverer: NotificationDeliverer | undefined;
try {
  receiver = await startReceiver(() => 204);
  const rx = receiver;
  const configured = await hostCall(stack, 'PUT', '/v2/notifications', { url: rx.url, events: ['run.finished', 'tenant.resumed'] });
  if (configured.statusCode !== 201) throw new Error(`PUT /v2/notifications answered ${configured.statusCode}: ${configured.body}`);
  const signer = new Webhook(configured.json<{ secret: string }>().secret);
  // A release without settings (the executor runs nothing): tenants install with no configs.
  await pushScriptRelease(stack, 'hubspot-contacts', RELEASE_YAML, 'console.log("{}");\n');
  observer = await RunEndObserver.start(stack.databaseUrl);
  const ends = observer;
  const { tenant, jwt } = await installTenant(stack, 'notify-bench', 'hubspot-contacts');

  /** Re-sends a received request as a bare fetch POST (tagged as the baseline's); resolves when the receiver has it. */
  let baselineSeq = 0;
  async function bareFetch(original: Received): Promise<{ sent: number; received: number; answered: number }> {
    const tag = String((baselineSeq += 1));
    const arrived = rx.waitFor((r) => r.headers[BASELINE_HEADER] === tag, 1, 15_000);
    const headers: Record<string, string> = { [BASELINE_HEADER]: tag };
    for (const name of ['content-type', 'user-agent', 'webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      if (original.headers[name] !== undefined) headers[name] = original.headers[name]!;
    }
    const sent = wallNow();
    const response = await fetch(rx.url, { method: 'POST', headers, body: original.body });
    await response.arrayBuffer();
    const answered = wallNow();
    if (response.status !== 204) throw new Error(`the receiver answered the baseline ${response.status}`);
    const [request] = await arrived;
    return { sent, received: wallAt(request!), answered };
  }

  // Latency: one run at a time; after each, the bare fetch of what was delivered.
  const lat = { endToReceived: [] as number[], endToNotify: [] as number[], notifyToReceived: [] as number[], endToClaim: [] as number[], claimToReceived: [] as number[] };
  const base = { toReceived: [] as number[], toAnswer: [] as number[] };
  const delivered: Received[] = [];
  for (let i = 0; i < WARMUP + runCount; i++) {
    const triggerId = await runNow(stack, jwt, tenant.id);
    const end = await ends.waitForTrigger(triggerId);
    const [request] = await rx.waitFor((r) => ours(r) && r.json.data.run_id === end.runId, 1, 15_000);
    const { rows } = await stack.db.query<{ ended_ms: string; claimed_ms: string | null }>(
      `SELECT extract(epoch FROM r.ended_at) * 1000 AS ended_ms,
              (SELECT extract(epoch FROM a.started_at) * 1000 FROM notification_attempts a JOIN notification_deliveries d ON d.id = a.delivery_id
                WHERE d.event_type = 'run.finished' AND d.payload->'data'->>'run_id' = r.id::text ORDER BY a.attempt LIMIT 1) AS claimed_ms
         FROM runs r WHERE r.id = $1`,
      [end.runId],
    );
    const b = await bareFetch(request!);
    if (i < WARMUP) continue;
    delivered.push(request!);
    const endedAt = Number(rows[0]!.ended_ms);
    const claimedAt = Number(rows[0]!.claimed_ms);
    const notifiedAt = ends.notifiedAt.get(end.runId)!;
    const receivedAt = wallAt(request!);
    lat.endToReceived.push(receivedAt - endedAt);
    lat.endToNotify.push(notifiedAt - endedAt);
    lat.notifyToReceived.push(receivedAt - notifiedAt);
    lat.endToClaim.push(claimedAt - endedAt);
    lat.claimToReceived.push(receivedAt - claimedAt);
    base.toReceived.push(b.received - b.sent);
    base.toAnswer.push(b.answered - b.sent);
  }

  // Burst: tenants created paused (no notification: tenant.installed is not subscribed to).
  const burstTenants: string[] = [];
  for (let i = 0; i < burstCount; i++) {
    const created = await hostCall(stack, 'POST', '/v2/tenants', { integration: 'hubspot-contacts', user_name: `notify-burst-${i}` });
    if (created.statusCode !== 201) throw new Error(`POST /v2/tenants answered ${created.statusCode}: ${created.body}`);
    burstTenants.push(created.json<{ id: string }>().id);
  }
  await stack.engine!.notifications!.stop();
  const queueStarted = wallNow();
  for (const id of burstTenants) {
    const resumed = await hostCall(stack, 'PATCH', `/v2/tenants/${id}`, { paused: false });
    if (resumed.statusCode !== 200) throw new Error(`PATCH /v2/tenants/${id} answered ${resumed.statusCode}: ${resumed.body}`);
  }
  const queueSeconds = (wallNow() - queueStarted) / 1000;
  const countDeliveries = async (status: string) =>
    (
      await stack.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM notification_deliveries WHERE event_type = 'tenant.resumed' AND status = $1`, [
        status,
      ])
    ).rows[0]!.n;
  const queued = await countDeliveries('pending');
  if (queued !== burstCount) throw new Error(`${queued} tenant.resumed deliveries queued, expected ${burstCount}`);

  const { config } = stack;
  burstDeliverer = new NotificationDeliverer({
    db: stack.db,
    databaseUrl: stack.databaseUrl,
    box: stack.box,
    egress: stack.app.egress,
    concurrency: config.notifyConcurrency,
    retryBaseMs: config.notifyRetryBaseMs,
    retryMaxMs: config.notifyRetryMaxMs,
    maxAttempts: config.notifyMaxAttempts,
    timeoutMs: config.notifyTimeoutMs,
    pollMs: config.notifyPollMs,
  });
  const isBurst = (r: Received) => ours(r) && r.json.type === 'tenant.resumed';
  const burstStarted = wallNow();
  await burstDeliverer.start();
  const burst = await rx.waitFor(isBurst, burstCount, 60_000);
  const burstFirst = Math.min(...burst.map(wallAt)) - burstStarted;
  const burstLast = Math.max(...burst.map(wallAt)) - burstStarted;
  // Every attempt recorded as delivered (the deliverer writes it after the answer).
  await withTimeout(
    (async () => {
      while ((await countDeliveries('delivered')) < burstCount) await new Promise((resolve) => setTimeout(resolve, 20));
    })(),
    'burst deliveries to be recorded',
  );
  const burstRecorded = wallNow() - burstStarted;

  // Baseline burst: the same requests, `concurrency` bare fetches at a time.
  const pending = [...burst];
  const baseStarted = wallNow();
  const baseReceived: number[] = [];
  await Promise.all(
    Array.from({ length: config.notifyConcurrency }, async () => {
      for (let next = pending.shift(); next; next = pending.shift()) baseReceived.push((await bareFetch(next)).received);
    }),
  );
  const baseLast = Math.max(...baseReceived) - baseStarted;

  const duplicates = burst.length !== new Set(burst.map((r) => r.headers['webhook-id'])).size;
  const received = rx.requests.filter(ours);
  let invalid = 0;
  for (const r of received) {
    try {
      signer.verify(r.body, r.headers);
    } catch {
      invalid += 1;
    }
  }
  const allDelivered =
    (await stack.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM notification_deliveries WHERE status <> 'delivered'`)).rows[0]!.n === 0;

  const e = summarize(lat.endToReceived);
  const bb = summarize(base.toReceived);
  console.log(`notify: run end -> signed notification at a node:http receiver on 127.0.0.1 (answers 204), deliverer concurrency ${config.notifyConcurrency}`);
  console.log(`latency, ${runCount} runs one at a time (after ${WARMUP} warm-ups), run.finished:`);
  console.log(percentileRow('ours: runs.ended_at -> receiver has the request', lat.endToReceived));
  console.log(percentileRow('  ended_at -> run-end NOTIFY at a listener (commit)', lat.endToNotify));
  console.log(percentileRow('  run-end NOTIFY at a listener -> receiver has it', lat.notifyToReceived));
  console.log(percentileRow('  ended_at -> claimed (attempt started_at)', lat.endToClaim));
  console.log(percentileRow('  claimed -> receiver has it (sign + POST)', lat.claimToReceived));
  console.log(percentileRow('baseline: bare fetch POST sent -> receiver has it', base.toReceived));
  console.log(percentileRow('baseline: bare fetch POST sent -> 204 read', base.toAnswer));
  console.log(`  ours over the baseline (receiver has it): p50 ${signedMs(e.p50 - bb.p50)}, p95 ${signedMs(e.p95 - bb.p95)}, p99 ${signedMs(e.p99 - bb.p99)}`);
  console.log(
    `burst, ${burstCount} tenant.resumed deliveries queued at once (PATCH /v2/tenants/:id through the API, ${queueSeconds.toFixed(1)} s, the deliverer stopped meanwhile):`,
  );
  console.log(
    `  ours: deliverer start() -> receiver has all ${burstCount}:   ${ms(burstLast).padStart(9)}   ${((burstCount / burstLast) * 1000).toFixed(0).padStart(5)} deliveries/s   (first after ${ms(burstFirst)}; all recorded delivered after ${ms(burstRecorded)})`,
  );
  console.log(
    `  baseline: bare fetch POSTs, ${config.notifyConcurrency} at a time:        ${ms(baseLast).padStart(9)}   ${((burstCount / baseLast) * 1000).toFixed(0).padStart(5)} requests/s`,
  );
  console.log(`  ours / baseline (per second): ${(baseLast / burstLast).toFixed(2)}`);
  console.log(
    `  every request signed and verified: ${invalid === 0 ? 'yes' : `NO (${invalid} of ${received.length} failed)`} (${received.length} requests); ` +
      `no duplicates in the burst: ${duplicates ? 'NO' : 'yes'}; every delivery recorded delivered: ${allDelivered ? 'yes' : 'NO'}`,
  );
  console.log('  goal: none set for notification latency; the figures are reported against the same-run baselines above');
} finally {
  await burstDeliverer?.stop();
  await observer?.close();
  await stack.stop();
  await receiver?.close();
}
