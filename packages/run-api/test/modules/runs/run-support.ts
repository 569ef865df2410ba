/** Helpers for run engine tests: tokens, installs, and waiting for a trigger's run to end. */
import { expect } from 'vitest';
import type { Run, Tenant, TriggerStatus } from '@pan/contract';
import { storeScriptRelease, type TestStack } from '../../support/index.ts';

export { endUserToken } from '../../support/index.ts';

export async function call(stack: TestStack, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, jwt: string, body?: unknown) {
  return stack.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${jwt}` },
    ...(body === undefined ? {} : { payload: body as object }),
  });
}

export async function install(stack: TestStack, jwt: string, integration: string, configs: Record<string, unknown> = {}): Promise<Tenant> {
  const response = await call(stack, 'POST', '/marketplace/tenants', jwt, { integration, configs });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<Tenant>();
}

/**
 * Re-checks `check` on each run's end (the run_end NOTIFY; at least every second) until it
 * returns a value, and returns it. Never sleeps blindly; `describe` says what was left at the timeout.
 */
export async function untilRunEnds<T>(
  stack: TestStack,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  describe: () => Promise<string>,
): Promise<T> {
  const client = await stack.db.connect();
  try {
    await client.query('LISTEN pan_run_end');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = await check();
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`not within ${timeoutMs} ms: ${await describe()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1000));
        client.once('notification', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  } finally {
    await client.query('UNLISTEN pan_run_end').catch(() => {});
    client.release();
  }
}

/** Waits until the trigger's run has ended, and returns the run. */
export async function runOfTrigger(stack: TestStack, triggerId: string, timeoutMs = 20_000): Promise<Run> {
  const state = async () => {
    const { rows } = await stack.db.query<{ run_id: string | null; status: string | null }>(
      'SELECT t.run_id, r.status FROM triggers t LEFT JOIN runs r ON r.id = t.run_id WHERE t.id = $1',
      [triggerId],
    );
    return rows[0];
  };
  const runId = await untilRunEnds(
    stack,
    async () => {
      const row = await state();
      const ended = row?.run_id && row.status && row.status !== 'Running' && row.status !== 'Lost' && row.status !== 'Handed Back';
      return ended ? row.run_id! : undefined;
    },
    timeoutMs,
    async () => `trigger ${triggerId} did not finish (state: ${JSON.stringify(await state())})`,
  );
  return readRunRow(stack, runId);
}

async function readRunRow(stack: TestStack, runId: string): Promise<Run> {
  const { readRun } = await import('../../../src/modules/runs/store.ts');
  const run = await readRun(stack.db, { accountId: stack.accountId }, runId);
  if (!run) throw new Error(`run ${runId} not found`);
  return run;
}

export async function logLines(stack: TestStack, runId: string): Promise<string[]> {
  const { rows } = await stack.db.query<{ line: string }>('SELECT line FROM run_log_lines WHERE run_id = $1 ORDER BY seq', [runId]);
  return rows.map((r) => r.line);
}

/**
 * An internal integration with one release made of `files` (PANDIUM.yaml included), visible to
 * everyone, as `pan release push` would store it. Returns its slug.
 */
export async function scriptIntegration(stack: TestStack, slug: string, files: Record<string, string>): Promise<string> {
  const { upsertIntegration } = await import('../../../src/modules/catalog/store.ts');
  const listed = await upsertIntegration(stack.db, stack.accountId, {
    slug,
    name: `Script ${slug}`,
    type: 'internal',
    short_description: `Runs ${slug} in tests.`,
  } as never);
  if (!('id' in listed)) throw new Error(`cannot list ${slug}`);
  await storeScriptRelease(stack.db, stack.accountId, listed.id, files);
  return slug;
}

/** Queues a manual run through the API and waits for it to end. */
export async function runNow(stack: TestStack, jwt: string, tenantId: string, mode: 'normal' | 'init' = 'normal'): Promise<Run> {
  const response = await call(stack, 'POST', `/marketplace/tenants/${tenantId}/runs`, jwt, { mode });
  expect(response.statusCode, response.body).toBe(202);
  return runOfTrigger(stack, response.json<TriggerStatus>().trigger_id);
}
