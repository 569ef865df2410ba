/**
 * `npm run bench -- sync [calls] [tenants] [calls per tenant]`: synchronous invocation on the real
 * run API and run engine (startTestStack, embedded PostgreSQL, the process executor), over HTTP:
 * `POST /v2/tenants/:id/sync` with `pan-synchronous: true`, which holds the call until the run
 * ends and answers 200 with the run's last stdout JSON. The release's script only prints
 * `{"ok":true}`. The scheduler is off (no cron runs in between).
 *
 * - Sequential (default 200 calls, one tenant, after 5 warm-ups of each kind): POST sent -> the
 *   200 and its body read. Baseline, same run, interleaved call by call (the order swapped every
 *   call): the same POST without `pan-synchronous` (202 with trigger_id), then the end observed
 *   directly: a LISTEN on the run-end channel kept open by this process and, on each NOTIFY, the
 *   trigger's run read back with its stdout (bench/support/run-ends.ts, as runOfTrigger does). The
 *   difference is what holding the HTTP call costs over observing the end yourself.
 * - Concurrent (default 20 tenants x 10 calls): every tenant makes its calls one after the other,
 *   all tenants at once; calls/s over the whole round and the p99 of the calls. Same baseline,
 *   same shape. Rounds of half the calls alternate (ours, baseline, baseline, ours) after a warm-up
 *   round of one call per tenant each. Runs are bounded by the worker's concurrency (shown).
 *
 * Every sync answer must be a 200 with {"ok":true}; every baseline run must have Succeeded with it.
 */
import os from 'node:os';
import type { Tenant } from '@pan/contract';
import { startTestStack } from '../packages/run-api/test/support/index.ts';
import { RunEndObserver } from './support/run-ends.ts';
import { installTenant, ms, percentileRow, pushScriptRelease, signedMs, summarize, wallNow, withTimeout } from './support/run-stack.ts';

const callCount = Number(process.argv[3] ?? 200);
const tenantCount = Number(process.argv[4] ?? 20);
const callsPerTenant = Number(process.argv[5] ?? 10);
const WARMUP = 5;

const RELEASE_YAML = `version: 0.4
base: node:20
run: node index.mjs
`;
const SCRIPT = `console.log(JSON.stringify({ ok: true }));
`;
const OUTPUT = '{"ok":true}';
const BODY = '{"n":1}';

const stack = await startTestStack({ seedReleases: true, config: { logLevel: 'info' }, runEngine: { scheduler: false } });
let observer: RunEndObserver | undefined;
try {
  await pushScriptRelease(stack, 'hubspot-contacts', RELEASE_YAML, SCRIPT);
  observer = await RunEndObserver.start(stack.databaseUrl);
  const ends = observer;
  const problems: string[] = [];
  const problem = (what: string) => {
    if (problems.length < 5) problems.push(what);
  };

  const post = (tenant: Tenant, synchronous: boolean) =>
    fetch(`${stack.apiBase}/v2/tenants/${tenant.id}/sync`, {
      method: 'POST',
      headers: { 'x-api-key': stack.apiKey, 'content-type': 'application/json', ...(synchronous ? { 'pan-synchronous': 'true' } : {}) },
      body: BODY,
    });

  /** Ours: one held call, POST sent -> answer read. */
  async function syncCall(tenant: Tenant): Promise<number> {
    const sent = wallNow();
    const response = await withTimeout(post(tenant, true), 'sync answer', 30_000);
    const body = await response.text();
    const total = wallNow() - sent;
    if (response.status !== 200 || body !== OUTPUT) problem(`sync answered ${response.status} ${body.slice(0, 200)}`);
    return total;
  }

  /** Baseline: 202, then the run's end (and stdout) observed through LISTEN. */
  async function asyncCall(tenant: Tenant): Promise<{ total: number; accepted: number }> {
    const sent = wallNow();
    const response = await post(tenant, false);
    const accepted = wallNow() - sent;
    if (response.status !== 202) throw new Error(`async POST answered ${response.status}: ${await response.text()}`);
    const { trigger_id: triggerId } = (await response.json()) as { trigger_id: string };
    const end = await ends.waitForTrigger(triggerId, 30_000);
    if (end.status !== 'Succeeded' || end.stdoutJson !== OUTPUT) problem(`baseline run ${end.runId} ended ${end.status} with ${end.stdoutJson}`);
    return { total: end.at - sent, accepted };
  }

  // Sequential, one tenant; ours and the baseline interleaved.
  const { tenant } = await installTenant(stack, 'sync-bench', 'hubspot-contacts');
  const seq = { ours: [] as number[], base: [] as number[], accepted: [] as number[] };
  const seqStarted = wallNow();
  for (let i = 0; i < WARMUP + callCount; i++) {
    let ours: number;
    let base: { total: number; accepted: number };
    if (i % 2 === 0) {
      ours = await syncCall(tenant);
      base = await asyncCall(tenant);
    } else {
      base = await asyncCall(tenant);
      ours = await syncCall(tenant);
    }
    if (i < WARMUP) continue;
    seq.ours.push(ours);
    seq.base.push(base.total);
    seq.accepted.push(base.accepted);
  }
  const seqSeconds = (wallNow() - seqStarted) / 1000;

  // Concurrent: `tenantCount` tenants, each making its calls in turn.
  const tenants: Tenant[] = [];
  for (let i = 0; i < tenantCount; i++) tenants.push((await installTenant(stack, `sync-bench-${i}`, 'hubspot-contacts')).tenant);
  interface Round {
    calls: number;
    seconds: number;
    latencies: number[];
  }
  async function round(kind: 'ours' | 'base', calls: number): Promise<Round> {
    const latencies: number[] = [];
    const started = wallNow();
    await Promise.all(
      tenants.map(async (t) => {
        for (let k = 0; k < calls; k++) latencies.push(kind === 'ours' ? await syncCall(t) : (await asyncCall(t)).total);
      }),
    );
    return { calls: latencies.length, seconds: (wallNow() - started) / 1000, latencies };
  }
  await round('ours', 1);
  await round('base', 1);
  const load: number[] = [];
  const conc = { ours: [] as Round[], base: [] as Round[] };
  const half = Math.max(1, Math.round(callsPerTenant / 2));
  for (const kind of ['ours', 'base', 'base', 'ours'] as const) {
    load.push(os.loadavg()[0]!);
    conc[kind].push(await round(kind, half));
  }
  const merged = (rounds: Round[]) => {
    const calls = rounds.reduce((a, r) => a + r.calls, 0);
    const seconds = rounds.reduce((a, r) => a + r.seconds, 0);
    return { calls, rps: calls / seconds, roundRps: rounds.map((r) => r.calls / r.seconds), latency: summarize(rounds.flatMap((r) => r.latencies)) };
  };
  const [co, cb] = [merged(conc.ours), merged(conc.base)];

  const [so, sb] = [summarize(seq.ours), summarize(seq.base)];
  console.log(
    `sync: POST /v2/tenants/:id/sync over HTTP, pan-synchronous: true, a script printing ${OUTPUT} (process executor, worker concurrency ${stack.config.workerConcurrency})`,
  );
  console.log(`sequential, ${callCount} calls on one tenant (after ${WARMUP} warm-ups of each; ours and the baseline alternate), ${seqSeconds.toFixed(1)} s:`);
  console.log(percentileRow('ours: sync POST sent -> 200 and body read', seq.ours));
  console.log(percentileRow('baseline: async POST sent -> end observed (LISTEN+read)', seq.base));
  console.log(percentileRow('  (of which POST sent -> 202 received)', seq.accepted));
  console.log(`  ours over the baseline (what holding the call costs): p50 ${signedMs(so.p50 - sb.p50)}, p95 ${signedMs(so.p95 - sb.p95)}, p99 ${signedMs(so.p99 - sb.p99)}`);
  console.log(
    `concurrent, ${tenantCount} tenants each making ${half * 2} calls in turn, all tenants at once (rounds of ${half}: ours, baseline, baseline, ours, after a warm-up round):`,
  );
  console.log(`  machine load (1-min average) before each round: ${load.map((x) => x.toFixed(1)).join(', ')} on ${os.availableParallelism()} cores`);
  const concLine = (label: string, m: typeof co) =>
    `  ${label.padEnd(40)} ${m.rps.toFixed(1).padStart(6)} calls/s   p50 ${ms(m.latency.p50).padStart(9)}   p99 ${ms(m.latency.p99).padStart(9)}   (max ${ms(m.latency.max)}, n=${m.calls}; rounds ${m.roundRps.map((x) => x.toFixed(1)).join(' / ')} calls/s)`;
  console.log(concLine('ours: sync calls', co));
  console.log(concLine('baseline: async POST + end observed', cb));
  console.log(`  ours / baseline (calls/s): ${(co.rps / cb.rps).toFixed(2)}; p99 ours - baseline: ${signedMs(co.latency.p99 - cb.latency.p99)}`);
  console.log(`  every sync answer 200 ${OUTPUT} and every baseline run Succeeded with it: ${problems.length === 0 ? 'yes' : `NO (${problems.join('; ')})`}`);
  console.log('  goal: none set for synchronous invocation; the figures are reported against the same-run baselines above');
} finally {
  await observer?.close();
  await stack.stop();
}
