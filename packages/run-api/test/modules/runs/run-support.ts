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
 * Waits until the trigger's run has ended (the run_end NOTIFY, with the status read back), and
 * returns the run. Polls the database on each notification, never sleeps blindly.
 */
export async function runOfTrigger(stack: TestStack, triggerId: string, timeoutMs = 20_000): Promise<Run> {
  const client = await stack.db.connect();
  try {
    await client.query('LISTEN pan_run_end');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await client.query<{ run_id: string | null; status: string | null }>(
        'SELECT t.run_id, r.status FROM triggers t LEFT JOIN runs r ON r.id = t.run_id WHERE t.id = $1',
        [triggerId],
      );
      const row = rows[0];
      if (row?.run_id && row.status && row.status !== 'Running' && row.status !== 'Lost' && row.status !== 'Handed Back') {
        const { rows: runs } = await stack.db.query<{ tenant_id: string }>('SELECT tenant_id FROM runs WHERE id = $1', [row.run_id]);
        return readRunRow(stack, row.run_id, runs[0]!.tenant_id);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`trigger ${triggerId} did not finish within ${timeoutMs} ms (state: ${JSON.stringify(row)})`);
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

async function readRunRow(stack: TestStack, runId: string, _tenantId: string): Promise<Run> {
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
