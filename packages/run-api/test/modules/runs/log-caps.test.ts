import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TriggerStatus } from '@pan/contract';
import { createProcessExecutor, sandboxFor } from '../../../src/modules/runs/engine.ts';
import type { LogWriter } from '../../../src/modules/runs/log-writer.ts';
import type { Executor } from '../../../src/modules/runner/types.ts';
import { startTestStack, type TestStack } from '../../support/index.ts';
import { call, endUserToken, install, logLines, runNow, runOfTrigger, scriptIntegration } from './run-support.ts';

/**
 * A run's log is capped in lines as well as bytes, written with bounded memory, and the lease
 * holds until it is stored: a flood of output ends as a finished run, never Lost and run again.
 */
const MAX_LINES = 1000;
const LEASE_MS = 1500;

let stack: TestStack;
const writers = new Map<string, LogWriter>();
/** The real executor, told when each run's process is over. */
let real: Executor;
const executed = new Map<string, { promise: Promise<void>; resolve(): void }>();
const whenExecuted = (runId: string) => {
  if (!executed.has(runId)) {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    executed.set(runId, { promise, resolve });
  }
  return executed.get(runId)!;
};
const executor: Executor = {
  async execute(options) {
    const outcome = await real.execute(options);
    whenExecuted(options.context.runId).resolve();
    return outcome;
  },
};

beforeAll(async () => {
  stack = await startTestStack({
    clusterUrl: inject('pgClusterUrl'),
    seedCatalog: true,
    runEngine: { executor, onLogWriter: (run, writer) => writers.set(run.id, writer) },
    config: { runLogMaxLines: MAX_LINES, runLeaseMs: LEASE_MS, runStderrCap: 100 * 1024 * 1024 },
  });
  real = createProcessExecutor(stack.db, stack.config.dataDir, sandboxFor(stack.config));
});

afterAll(async () => {
  await stack?.stop();
});

const yaml = (run: string) => `version: 1.0\nbase: node:24\nrun: ${run}\n`;

async function runsOf(tenantId: string): Promise<{ id: string; status: string }[]> {
  const { rows } = await stack.db.query<{ id: string; status: string }>('SELECT id, status FROM runs WHERE tenant_id = $1', [tenantId]);
  return rows;
}

describe('a flood of output', () => {
  it.each([
    // 128 MiB of bare newlines: 134 million empty lines.
    ['newlines', `const mib = Buffer.alloc(1 << 20, 10); for (let i = 0; i < 128; i++) require('node:fs').writeSync(2, mib);`],
    // 50,000 lines of 2 KB.
    ['long-lines', `const line = 'y'.repeat(2000) + '\\n'; for (let i = 0; i < 50000; i++) require('node:fs').writeSync(2, line);`],
  ])('of %s ends as a finished run with at most the cap of rows and one marker, in bounded memory', async (name, script) => {
    const slug = await scriptIntegration(stack, `flood-${name}`, { 'PANDIUM.yaml': yaml('node flood.cjs'), 'flood.cjs': script });
    const jwt = await endUserToken(stack, `flood-${name}`);
    const tenant = await install(stack, jwt, slug);
    const before = process.memoryUsage().rss;
    const run = await runNow(stack, jwt, tenant.id);
    const growth = process.memoryUsage().rss - before;
    expect(run).toMatchObject({ status: 'Succeeded', log_truncated: true });
    const lines = await logLines(stack, run.id);
    expect(lines.length).toBeLessThanOrEqual(MAX_LINES + 5);
    expect(lines.filter((line) => line.startsWith('[pan] log truncated:'))).toHaveLength(1);
    expect(await runsOf(tenant.id)).toEqual([{ id: run.id, status: 'Succeeded' }]);
    // The worker never held more than one insert and the capped log's lines.
    const writer = writers.get(run.id)!;
    expect(writer.stats.maxInFlight).toBe(1);
    expect(writer.stats.maxPendingLines).toBeLessThanOrEqual(MAX_LINES + 5);
    expect(growth).toBeLessThan(200 * 1024 * 1024);
  });
});

describe('the lease', () => {
  it('is renewed while the log is being stored: a flush longer than the lease still ends as a finished run', async () => {
    const slug = await scriptIntegration(stack, 'slow-flush', {
      'PANDIUM.yaml': yaml('node lines.cjs'),
      'lines.cjs': `for (let i = 0; i < 3000; i++) console.error('line ' + i);`,
    });
    const jwt = await endUserToken(stack, 'slow-flush');
    const tenant = await install(stack, jwt, slug);
    // Inserts into the log wait for this lock: storing the log takes as long as the test says.
    const blocker = await stack.db.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE run_log_lines IN EXCLUSIVE MODE');
      const response = await call(stack, 'POST', `/marketplace/tenants/${tenant.id}/runs`, jwt, { mode: 'normal' });
      expect(response.statusCode, response.body).toBe(202);
      const triggerId = response.json<TriggerStatus>().trigger_id;
      const runId = await new Promise<string>((resolve) => {
        const check = async () => {
          const [run] = await runsOf(tenant.id);
          if (run) resolve(run.id);
          else setTimeout(check, 50);
        };
        void check();
      });
      // The script is over (the executor returned) while its log is still waiting to be stored.
      await whenExecuted(runId).promise;
      const { rows } = await blocker.query<{ until: Date }>(`SELECT clock_timestamp() + make_interval(secs => $1::float8 / 1000) AS until`, [3 * LEASE_MS]);
      // Three leases pass on the database's clock: the sweeper (every half lease) sees the run each
      // time, and it stays Running, its lease renewed.
      for (;;) {
        const { rows: state } = await stack.db.query<{ status: string; log_lines: number; past: boolean }>(
          'SELECT status, log_lines, clock_timestamp() > $2 AS past FROM runs WHERE id = $1',
          [runId, rows[0]!.until],
        );
        expect(state[0]).toMatchObject({ status: 'Running', log_lines: 0 });
        if (state[0]!.past) break;
        await delay(100);
      }
      await blocker.query('COMMIT');
      const run = await runOfTrigger(stack, triggerId);
      expect(run).toMatchObject({ id: runId, status: 'Succeeded', log_truncated: true });
      const lines = await logLines(stack, runId);
      expect(lines).toHaveLength(MAX_LINES + 1);
      expect(lines.at(-1)).toBe('[pan] log truncated: 2000 more lines (20000 bytes) of output were not kept');
      expect(await runsOf(tenant.id)).toEqual([{ id: runId, status: 'Succeeded' }]);
    } finally {
      await blocker.query('ROLLBACK').catch(() => {});
      blocker.release();
    }
  });
});
