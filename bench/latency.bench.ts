/**
 * `npm run bench -- latency [no-spawn runs] [spawn runs]`: trigger-to-run-start latency on the
 * real run API and run engine (startTestStack, embedded PostgreSQL), one trigger at a time (each
 * run has ended before the next trigger), each trigger a webhook POST over HTTP.
 *
 * - Without spawn (default 200): the engine with an executor that resolves at once; from the 202
 *   received by the client to `onRunStart` (a worker has claimed the run: woken by the trigger's
 *   NOTIFY, claim transaction committed). Baseline: a raw INSERT of a trigger row (autocommit,
 *   with pg_notify) until a LISTENing connection receives the notification.
 * - With spawn (default 50 each): the real process executor, with a release whose script's first
 *   statement prints `performance.timeOrigin` (when the process started) and the time of that
 *   statement; read back from the run's first log line. Once with the run sandbox (bubblewrap,
 *   resource limits: the default) and once without (PAN_RUN_SANDBOX=off), alternating, so the
 *   sandbox's cost is the difference (baseline: off). Baseline too: spawning `node -e` with the same
 *   first statement (spawn() to process start, to first statement), and `node -e ''` to its exit.
 *
 * Times are wall clock with sub-millisecond resolution (performance.timeOrigin + now()), which is
 * comparable between processes of one machine. A few warm-up runs of each kind are not counted.
 */
import { spawn } from 'node:child_process';
import pg from 'pg';
import type { ClaimedRun } from '../packages/run-api/src/modules/runs/queue.ts';
import { createProcessExecutor, sandboxFor } from '../packages/run-api/src/modules/runs/engine.ts';
import type { Executor } from '../packages/run-api/src/modules/runner/types.ts';
import { startTestStack, type TestStack } from '../packages/run-api/test/support/index.ts';
import { installTenant, noopExecutor, percentileRow, pushScriptRelease, signedMs, summarize, wallNow, withTimeout } from './support/run-stack.ts';

const noSpawnRuns = Number(process.argv[3] ?? 200);
const spawnRuns = Number(process.argv[4] ?? 50);
const WARMUP = 5;

const RELEASE_YAML = `version: 0.4
base: node:20
run: node index.mjs
`;
// The first statement: when this process started (timeOrigin) and when the script began.
const SCRIPT = `process.stderr.write('bench-start ' + performance.timeOrigin + ' ' + (performance.timeOrigin + performance.now()) + '\\n');
`;
const NODE_FIRST_STATEMENT = `process.stderr.write(performance.timeOrigin + ' ' + (performance.timeOrigin + performance.now()))`;

// One engine; its executor is switched between the no-op and the real process executor, with and
// without the sandbox.
let mode: 'noop' | 'sandbox-on' | 'sandbox-off' = 'noop';
const processExecutors = new Map<string, Executor>();
let stack: TestStack;
const switching: Executor = {
  execute(options) {
    if (mode === 'noop') return noopExecutor.execute(options);
    let executor = processExecutors.get(mode);
    if (!executor) {
      const sandbox = mode === 'sandbox-on' ? sandboxFor({ ...stack.config, runSandbox: true }) : undefined;
      executor = createProcessExecutor(stack.db, stack.config.dataDir, sandbox);
      processExecutors.set(mode, executor);
    }
    return executor.execute(options);
  },
};

// Run starts by trigger id, and run ends by run id (either may come before anyone waits for it).
const started = new Map<string, { at: number; runId: string }>();
const startWaiters = new Map<string, (s: { at: number; runId: string }) => void>();
const onRunStart = (run: ClaimedRun) => {
  const at = wallNow();
  for (const t of run.triggers) {
    const s = { at, runId: run.id };
    const waiter = startWaiters.get(t.id);
    if (waiter) waiter(s);
    else started.set(t.id, s);
  }
};
const ended = new Set<string>();
const endWaiters = new Map<string, () => void>();

function startOf(triggerId: string): Promise<{ at: number; runId: string }> {
  const s = started.get(triggerId);
  if (s) return Promise.resolve(s);
  return withTimeout(new Promise((resolve) => startWaiters.set(triggerId, resolve)), `start of trigger ${triggerId}`);
}
function endOf(runId: string): Promise<void> {
  if (ended.has(runId)) return Promise.resolve();
  return withTimeout(new Promise((resolve) => endWaiters.set(runId, resolve)), `end of run ${runId}`);
}
stack = await startTestStack({ seedReleases: true, config: { logLevel: 'info' }, runEngine: { executor: switching, onRunStart } });
const listener = new pg.Client({ connectionString: stack.databaseUrl });
const notifyListener = new pg.Client({ connectionString: stack.databaseUrl });
const inserter = new pg.Client({ connectionString: stack.databaseUrl });
try {
  await pushScriptRelease(stack, 'hubspot-contacts', RELEASE_YAML, SCRIPT);
  const { tenant, webhookUrl } = await installTenant(stack, 'latency-bench', 'hubspot-contacts');
  await listener.connect();
  listener.on('notification', (message) => {
    if (message.channel !== 'pan_run_end' || !message.payload) return;
    const waiter = endWaiters.get(message.payload);
    if (waiter) waiter();
    else ended.add(message.payload);
  });
  await listener.query('LISTEN pan_run_end');

  /** One webhook, until its run has ended; the times of the steps. */
  async function oneRun(): Promise<{ sent: number; accepted: number; start: number; runId: string }> {
    const sent = wallNow();
    const response = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"n":1}' });
    const accepted = wallNow();
    if (response.status !== 202) throw new Error(`webhook answered ${response.status}: ${await response.text()}`);
    const { trigger_id: triggerId } = (await response.json()) as { trigger_id: string };
    const start = await startOf(triggerId);
    started.delete(triggerId);
    startWaiters.delete(triggerId);
    await endOf(start.runId);
    ended.delete(start.runId);
    endWaiters.delete(start.runId);
    return { sent, accepted, start: start.at, runId: start.runId };
  }

  // Baseline connections: raw INSERT + NOTIFY to a listening connection (a paused tenant's trigger: no run).
  const paused = await installTenant(stack, 'latency-bench-baseline', 'hubspot-contacts');
  await stack.db.query('UPDATE tenants SET paused = true WHERE id = $1', [paused.tenant.id]);
  await notifyListener.connect();
  await inserter.connect();
  await notifyListener.query('LISTEN bench_latency');
  let notified: ((at: number) => void) | undefined;
  notifyListener.on('notification', () => notified?.(wallNow()));
  async function insertAndNotify(): Promise<number> {
    const arrived = new Promise<number>((resolve) => (notified = resolve));
    const sent = wallNow();
    await inserter.query(
      `WITH t AS (INSERT INTO triggers (account_id, tenant_id, source, mode, payload, payload_headers)
                  VALUES ($1, $2, 'webhook', 'webhook', $3, $4) RETURNING id)
       SELECT pg_notify('bench_latency', id::text) FROM t`,
      [stack.accountId, paused.tenant.id, Buffer.from('{"n":1}'), JSON.stringify({ 'content-type': 'application/json' })],
    );
    return (await withTimeout(arrived, 'baseline notification')) - sent;
  }

  // Without spawn, each of our runs followed by one baseline round trip (same conditions).
  mode = 'noop';
  const noSpawn = { acceptedToStart: [] as number[], sentToStart: [] as number[], sentToAccepted: [] as number[] };
  const insertNotify: number[] = [];
  for (let i = 0; i < WARMUP + noSpawnRuns; i++) {
    const r = await oneRun();
    const base = await insertAndNotify();
    if (i < WARMUP) continue;
    noSpawn.acceptedToStart.push(r.start - r.accepted);
    noSpawn.sentToStart.push(r.start - r.sent);
    noSpawn.sentToAccepted.push(r.accepted - r.sent);
    insertNotify.push(base);
  }

  // With spawn: the real process executor with the sandbox, then without, then bare node spawns
  // (baseline), in turn.
  const newSeries = () => ({ acceptedToStart: [] as number[], startToExec: [] as number[], execToScript: [] as number[], acceptedToScript: [] as number[] });
  const spawnSeries = { 'sandbox-on': newSeries(), 'sandbox-off': newSeries() };
  const nodeSpawn = { toExec: [] as number[], toScript: [] as number[], emptyToExit: [] as number[] };
  for (let i = 0; i < WARMUP + spawnRuns; i++) {
    for (const sandboxMode of ['sandbox-on', 'sandbox-off'] as const) {
      mode = sandboxMode;
      const r = await oneRun();
      const { rows } = await stack.db.query<{ line: string }>(
        "SELECT line FROM run_log_lines WHERE run_id = $1 AND line LIKE 'bench-start %' ORDER BY seq LIMIT 1",
        [r.runId],
      );
      if (!rows[0]) {
        const { rows: log } = await stack.db.query<{ line: string }>('SELECT line FROM run_log_lines WHERE run_id = $1 ORDER BY seq', [r.runId]);
        throw new Error(`run ${r.runId} (${sandboxMode}) printed no start line:\n${log.map((l) => l.line).join('\n')}`);
      }
      const [, origin, first] = rows[0].line.split(' ').map(Number) as [number, number, number];
      if (i < WARMUP) continue;
      const series = spawnSeries[sandboxMode];
      series.acceptedToStart.push(r.start - r.accepted);
      series.startToExec.push(origin - r.start);
      series.execToScript.push(first - origin);
      series.acceptedToScript.push(first - r.accepted);
    }
    const a = await spawnNode(['-e', NODE_FIRST_STATEMENT]);
    const [bareOrigin, bareFirst] = a.stderr.split(' ').map(Number) as [number, number];
    const b = await spawnNode(['-e', '']);
    if (i < WARMUP) continue;
    nodeSpawn.toExec.push(bareOrigin - a.spawned);
    nodeSpawn.toScript.push(bareFirst - a.spawned);
    nodeSpawn.emptyToExit.push(b.exited - b.spawned);
  }

  console.log(`latency: trigger to run start, sequential webhook triggers on one tenant (worker concurrency ${stack.config.workerConcurrency})`);
  console.log(`without spawn (no-op executor), ${noSpawnRuns} runs:`);
  console.log(percentileRow('ours: 202 received -> onRunStart (claimed)', noSpawn.acceptedToStart));
  console.log(percentileRow('ours: POST sent -> onRunStart', noSpawn.sentToStart));
  console.log(percentileRow('  (of which POST sent -> 202 received)', noSpawn.sentToAccepted));
  console.log(percentileRow('baseline: raw INSERT+NOTIFY sent -> notification received', insertNotify));
  console.log(
    `  ours (202 -> start) over the baseline: p50 ${signedMs(summarize(noSpawn.acceptedToStart).p50 - summarize(insertNotify).p50)}, p99 ${signedMs(summarize(noSpawn.acceptedToStart).p99 - summarize(insertNotify).p99)}`,
  );
  for (const sandboxMode of ['sandbox-on', 'sandbox-off'] as const) {
    const series = spawnSeries[sandboxMode];
    const title = sandboxMode === 'sandbox-on' ? 'sandbox on (bubblewrap + prlimit, the default)' : 'sandbox off (PAN_RUN_SANDBOX=off)';
    console.log(`with spawn (process executor, run: node index.mjs), ${title}, ${spawnRuns} runs:`);
    console.log(percentileRow('ours: 202 received -> script first statement', series.acceptedToScript));
    console.log(percentileRow('  202 received -> onRunStart (claimed)', series.acceptedToStart));
    console.log(percentileRow('  onRunStart -> process started (its timeOrigin)', series.startToExec));
    console.log(percentileRow('  process started -> script first statement', series.execToScript));
  }
  const on = spawnSeries['sandbox-on'];
  const off = spawnSeries['sandbox-off'];
  console.log(percentileRow('baseline: spawn(node -e) -> process started (timeOrigin)', nodeSpawn.toExec));
  console.log(percentileRow('baseline: spawn(node -e) -> first statement', nodeSpawn.toScript));
  console.log(percentileRow("baseline: spawn(node -e '') -> exit", nodeSpawn.emptyToExit));
  console.log(
    `  ours, sandbox off (202 -> first statement) over the bare spawn (-> first statement): p50 ${signedMs(summarize(off.acceptedToScript).p50 - summarize(nodeSpawn.toScript).p50)}, p99 ${signedMs(summarize(off.acceptedToScript).p99 - summarize(nodeSpawn.toScript).p99)}`,
  );
  const added = { p50: summarize(on.acceptedToScript).p50 - summarize(off.acceptedToScript).p50, p99: summarize(on.acceptedToScript).p99 - summarize(off.acceptedToScript).p99 };
  // Where the sandbox does its work (bwrap, prlimit, the run directory handed over): less noise than end to end.
  const addedToExec = summarize(on.startToExec).p50 - summarize(off.startToExec).p50;
  console.log(`  the sandbox adds to trigger-to-first-statement (on over off): p50 ${signedMs(added.p50)}, p99 ${signedMs(added.p99)}`);
  console.log(`  the sandbox adds to onRunStart -> process started (on over off): p50 ${signedMs(addedToExec)}`);
  console.log(`  goal: the sandbox adds under 15 ms at p50 (both measures): ${Math.max(added.p50, addedToExec) < 15 ? 'met' : 'NOT met'}`);
} finally {
  for (const client of [listener, notifyListener, inserter]) await client.end().catch(() => {});
  await stack.stop();
}

function spawnNode(args: string[]): Promise<{ spawned: number; exited: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const spawned = wallNow();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: process.env.PATH ?? '' } });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', () => resolve({ spawned, exited: wallNow(), stderr }));
  });
}
