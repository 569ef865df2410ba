import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TriggerStatus } from '@pan/contract';
import type { LogWriter } from '../../../src/modules/runs/log-writer.ts';
import { RunWorker } from '../../../src/modules/runs/worker.ts';
import type { Executor } from '../../../src/modules/runner/types.ts';
import type { Db } from '../../../src/platform/db/pool.ts';
import { EgressPolicy } from '../../../src/platform/egress.ts';
import { startTestStack, type TestStack } from '../../support/index.ts';
import { call, endUserToken, install, runOfTrigger, scriptIntegration } from './run-support.ts';

/**
 * While the database refuses a run's log writes, the worker says so once, not at every batch, and
 * once more when writes work again.
 */
let stack: TestStack;
const egress = new EgressPolicy({ allow: [] });

beforeAll(async () => {
  stack = await startTestStack({ clusterUrl: inject('pgClusterUrl'), seedCatalog: true });
});

afterAll(async () => {
  await egress.close();
  await stack?.stop();
});

describe('a database outage during a run', () => {
  it('logs "writing log lines failed" once, then once that it works again', async () => {
    let refusing = false;
    // The pool, except that log writes are refused while `refusing` (as during an outage).
    const db = new Proxy(stack.db, {
      get(target, prop) {
        if (prop === 'query') {
          return (query: unknown, ...rest: unknown[]) => {
            const text = typeof query === 'string' ? query : String((query as { text?: string }).text);
            if (refusing && text.includes('INSERT INTO run_log_lines')) return Promise.reject(new Error('connect ECONNREFUSED'));
            return (target.query as (...args: unknown[]) => unknown)(query, ...rest);
          };
        }
        const value = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as Db;
    const writers = new Map<string, LogWriter>();
    let seq = 0;
    // Ten batches refused one after the other, then three stored.
    const executor: Executor = {
      async execute({ context, onLog }) {
        const writer = writers.get(context.runId)!;
        const emit = async () => {
          seq += 1;
          onLog([{ seq, at: new Date(), line: `line ${seq}` }]);
          await writer.flushed();
        };
        refusing = true;
        for (let i = 0; i < 10; i++) await emit();
        refusing = false;
        for (let i = 0; i < 3; i++) await emit();
        const now = new Date();
        return { status: 'Succeeded', exitCode: 0, signal: null, startedAt: now, endedAt: now, stdoutJson: undefined, stdoutNote: undefined, stdoutTruncated: false, stderrTruncated: false, logLines: seq };
      },
    };
    const logged: Array<{ message: string; fields?: Record<string, unknown> }> = [];
    const worker = new RunWorker({
      db,
      databaseUrl: stack.databaseUrl,
      executor,
      box: stack.box,
      egress,
      limits: { timeoutMs: 60_000, stdoutCapBytes: 1 << 20, stderrCapBytes: 1 << 20, logMaxLines: 10_000 },
      concurrency: 1,
      leaseMs: 30_000,
      webhookBase: 'http://127.0.0.1/webhooks',
      log: (message, fields) => logged.push({ message, ...(fields ? { fields } : {}) }),
      onLogWriter: (run, writer) => writers.set(run.id, writer),
    });
    const slug = await scriptIntegration(stack, 'outage-log', { 'PANDIUM.yaml': 'version: 1.0\nbase: node:24\nrun: node run.mjs\n', 'run.mjs': '' });
    const jwt = await endUserToken(stack, 'outage-log-user');
    const tenant = await install(stack, jwt, slug);
    const queued = await call(stack, 'POST', `/marketplace/tenants/${tenant.id}/runs`, jwt, { mode: 'normal' });
    expect(queued.statusCode).toBe(202);
    await worker.start();
    try {
      const run = await runOfTrigger(stack, queued.json<TriggerStatus>().trigger_id);
      expect(run.status).toBe('Succeeded');
      const about = logged.filter((l) => l.message.startsWith('writing log lines'));
      expect(about).toEqual([
        { message: 'writing log lines failed', fields: expect.objectContaining({ run: expect.any(String), error: 'Error: connect ECONNREFUSED' }) },
        { message: 'writing log lines works again', fields: { failures: 10 } },
      ]);
    } finally {
      await worker.stop();
    }
  });
});
