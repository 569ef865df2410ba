/**
 * `npm run bench -- logs [viewers] [lines] [lines per second]`: live log latency, from a line
 * written on a run's stderr to an SSE client, on the real run API and run engine (startTestStack,
 * embedded PostgreSQL, the process executor). The run's script writes `lines` (default 10,000)
 * lines at `rate` per second (default 1,000), each carrying Date.now() at its emission; `viewers`
 * (default 50) SSE clients, in their own process (plain fetch, `Accept: text/event-stream`, the
 * end user's Bearer token), follow GET /marketplace/runs/:id/log. The script waits until every
 * stream is open before it writes its first line. Latency = receive time - emission time, per line
 * per viewer. Every viewer must get every line, once, in order. Goal: p95 < 500 ms with 50 viewers.
 *
 * Also shown: emission -> the runner read it (the stored `at` of each line), which is the part of
 * the latency before the database.
 *
 * Baselines, same run: the same pipeline with 1 viewer; and a bare NOTIFY round trip from this
 * process (the worker's) to one LISTENing connection (1,000 sequential notifications).
 */
import { rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { ClaimedRun } from '../packages/run-api/src/modules/runs/queue.ts';
import { startTestStack } from '../packages/run-api/test/support/index.ts';
import { installTenant, ms, pushScriptRelease, runHelper, runNow, summarize, wallNow } from './support/run-stack.ts';

const viewerCount = Number(process.argv[3] ?? 50);
const lineCount = Number(process.argv[4] ?? 10_000);
const rate = Number(process.argv[5] ?? 1000);
const GOAL_P95_MS = 500;
const NOTIFY_SAMPLES = 1000;

const RELEASE_YAML = `version: 0.4
base: node:20
run: node index.mjs
configs:
  schema:
    type: object
    properties:
      go_file: { type: string }
      lines: { type: integer }
      rate: { type: integer }
  uischema:
    type: VerticalLayout
    elements:
      - { type: Control, label: Go file, scope: '#/properties/go_file' }
      - { type: Control, label: Lines, scope: '#/properties/lines' }
      - { type: Control, label: Rate, scope: '#/properties/rate' }
`;
// Waits for the go file, then writes the lines due so far every millisecond: `rate` per second.
const SCRIPT = `import { existsSync } from 'node:fs';
const go = process.env.PAN_CFG_GO_FILE;
const total = Number(process.env.PAN_CFG_LINES);
const rate = Number(process.env.PAN_CFG_RATE);
const deadline = Date.now() + 60000;
while (!existsSync(go)) {
  if (Date.now() > deadline) process.exit(3);
  await new Promise((resolve) => setTimeout(resolve, 2));
}
const start = Date.now();
let sent = 0;
const timer = setInterval(() => {
  const due = Math.min(total, Math.floor(((Date.now() - start) * rate) / 1000));
  let chunk = '';
  while (sent < due) {
    sent += 1;
    chunk += 'bench-line ' + sent + ' ' + Date.now() + '\\n';
  }
  if (chunk) process.stderr.write(chunk);
  if (sent >= total) {
    clearInterval(timer);
    console.log(JSON.stringify({ sent, seconds: (Date.now() - start) / 1000 }));
  }
}, 1);
`;

interface ViewersResult {
  timedOut: boolean;
  samples: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  receivedMin: number;
  receivedMax: number;
  allComplete: boolean;
  allInOrder: boolean;
  ended: (string | null)[];
  errors: string[];
}

const starts = new Map<string, (runId: string) => void>();
const onRunStart = (run: ClaimedRun) => {
  for (const t of run.triggers) starts.get(t.id)?.(run.id);
};

const stack = await startTestStack({ seedReleases: true, config: { logLevel: 'info' }, runEngine: { onRunStart } });
const goFiles: string[] = [];
try {
  await pushScriptRelease(stack, 'hubspot-contacts', RELEASE_YAML, SCRIPT);

  /** One run of the script with `viewers` SSE clients following its log. */
  async function scenario(viewers: number) {
    const goFile = path.join(os.tmpdir(), `pan-logs-bench-${process.pid}-${viewers}-go`);
    goFiles.push(goFile);
    rmSync(goFile, { force: true });
    const { tenant, jwt } = await installTenant(stack, `logs-bench-${viewers}`, 'hubspot-contacts', {
      go_file: goFile,
      lines: lineCount,
      rate,
    });
    let started: (runId: string) => void;
    const runStarted = new Promise<string>((resolve) => (started = resolve));
    const triggerId = await runNow(stack, jwt, tenant.id);
    starts.set(triggerId, started!);
    // The run may have been claimed before the waiter was set.
    const { rows: claimed } = await stack.db.query<{ run_id: string | null }>('SELECT run_id FROM triggers WHERE id = $1', [triggerId]);
    if (claimed[0]?.run_id) started!(claimed[0].run_id);
    const runId = await runStarted;
    const result = await runHelper<ViewersResult>(
      'sse-viewers.ts',
      { url: `${stack.apiBase}/marketplace/runs/${runId}/log`, token: jwt, viewers, expected: lineCount, timeoutMs: 30_000 + (lineCount / rate) * 1000 },
      (line) => {
        if (line === 'ready') writeFileSync(goFile, 'go');
      },
    );
    const { rows: runRows } = await stack.db.query<{ status: string; log_lines: number; stdout_json: string | null }>(
      'SELECT status, log_lines, stdout_json FROM runs WHERE id = $1',
      [runId],
    );
    // Emission -> read by the runner (each line's stored `at`).
    const { rows: lines } = await stack.db.query<{ line: string; at_ms: number }>(
      `SELECT line, extract(epoch FROM at) * 1000 AS at_ms FROM run_log_lines WHERE run_id = $1 AND line LIKE 'bench-line %'`,
      [runId],
    );
    const toRunner = summarize(lines.map((l) => Number(l.at_ms) - Number(l.line.split(' ')[2])));
    const script = runRows[0]?.stdout_json ? (JSON.parse(runRows[0].stdout_json) as { sent: number; seconds: number }) : undefined;
    return { result, run: runRows[0], toRunner, script };
  }

  const main = await scenario(viewerCount);
  const single = await scenario(1);

  // Bare NOTIFY round trip from this process to one listener.
  const listener = new pg.Client({ connectionString: stack.databaseUrl });
  const notifyRtt: number[] = [];
  try {
    await listener.connect();
    await listener.query('LISTEN bench_logs');
    let arrived: ((at: number) => void) | undefined;
    listener.on('notification', () => arrived?.(wallNow()));
    for (let i = 0; i < NOTIFY_SAMPLES + 20; i++) {
      const got = new Promise<number>((resolve) => (arrived = resolve));
      const sent = wallNow();
      await stack.db.query(`SELECT pg_notify('bench_logs', $1)`, [String(i)]);
      const at = await got;
      if (i >= 20) notifyRtt.push(at - sent);
    }
  } finally {
    await listener.end();
  }

  type Outcome = Awaited<ReturnType<typeof scenario>>;
  const report = (label: string, o: Outcome) => {
    const r = o.result;
    console.log(
      `  ${label}: p50 ${ms(r.p50)}   p95 ${ms(r.p95)}   p99 ${ms(r.p99)}   (max ${ms(r.max)}, ${r.samples} samples)`,
    );
    console.log(
      `    lines per viewer: min ${r.receivedMin}, max ${r.receivedMax} of ${lineCount}; all complete: ${r.allComplete ? 'yes' : 'NO'}; in order: ${r.allInOrder ? 'yes' : 'NO'}; ` +
        `end events: ${JSON.stringify(r.ended)}${r.timedOut ? '; TIMED OUT' : ''}${r.errors.length ? `; errors: ${r.errors.slice(0, 3).join(' | ')}` : ''}`,
    );
    console.log(
      `    run: ${o.run?.status}, ${o.run?.log_lines} lines stored; script wrote ${o.script?.sent ?? '?'} lines in ${o.script?.seconds ?? '?'} s; ` +
        `emission -> read by the runner: p50 ${ms(o.toRunner.p50)}, p95 ${ms(o.toRunner.p95)}, p99 ${ms(o.toRunner.p99)}`,
    );
  };
  console.log(`logs: stderr line -> SSE client, ${lineCount} lines at ${rate}/s, GET /marketplace/runs/:id/log (text/event-stream)`);
  report(`ours, ${viewerCount} viewers`, main);
  report('baseline: ours, 1 viewer', single);
  const n = summarize(notifyRtt);
  console.log(`  baseline: NOTIFY round trip (this process -> 1 listener): p50 ${ms(n.p50)}   p95 ${ms(n.p95)}   p99 ${ms(n.p99)}   (n=${n.n})`);
  console.log(`  ${viewerCount} viewers over 1 viewer: p95 ${(main.result.p95 - single.result.p95 >= 0 ? '+' : '-')}${ms(Math.abs(main.result.p95 - single.result.p95))}`);
  const met = main.result.p95 < GOAL_P95_MS && main.result.allComplete && main.result.allInOrder && !main.result.timedOut;
  console.log(`  goal: p95 < ${GOAL_P95_MS} ms with ${viewerCount} viewers, every line to every viewer in order: ${met ? 'met' : 'NOT met'}`);
} finally {
  for (const file of goFiles) rmSync(file, { force: true });
  await stack.stop();
}
