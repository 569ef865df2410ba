import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Tenant } from '@pan/contract';
import { claimNextRun, sweepLostRuns } from '../../../src/modules/runs/queue.ts';
import { ERRORS } from '../../../src/platform/errors.ts';
import { startTestStack, type TestStack } from '../../support/index.ts';
import { call, endUserToken, install, scriptIntegration } from '../runs/run-support.ts';

/**
 * The per-tenant cap on pending trigger payload bytes, without a run engine: triggers stay
 * pending until the test claims them itself (as a worker would), so the backlog is what the test made.
 */
const CAP = 3000;
const BODY = JSON.stringify({ pad: 'x'.repeat(1000) });
const WORKER = 'backlog-cap-test-worker';
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ clusterUrl: inject('pgClusterUrl'), seedReleases: true, config: { tenantPendingTriggerBytes: CAP } });
});

afterAll(async () => {
  await stack?.stop();
});

let users = 0;
async function tenantWithHook(): Promise<{ tenant: Tenant; path: string }> {
  const jwt = await endUserToken(stack, `cap-user-${(users += 1)}`);
  const tenant = await install(stack, jwt, 'hubspot-contacts', { direction: 'both' });
  const hook = (await call(stack, 'GET', `/marketplace/tenants/${tenant.id}/webhook`, jwt)).json<{ url: string }>();
  return { tenant, path: new URL(hook.url).pathname };
}

const webhook = (path: string, payload = BODY) => stack.app.inject({ method: 'POST', url: path, payload, headers: { 'content-type': 'application/json' } });

/** The backlog as counted for the cap, and as the pending rows really are. */
async function backlog(tenantId: string): Promise<{ counted: number; actual: number; pending: number }> {
  const { rows } = await stack.db.query<{ counted: string; actual: string; pending: number }>(
    `SELECT coalesce((SELECT pending_bytes FROM trigger_backlogs WHERE tenant_id = $1), 0) AS counted,
            coalesce(sum(coalesce(octet_length(payload), 0) + coalesce(octet_length(payload_headers::text), 0)), 0) AS actual,
            count(*)::int AS pending
       FROM triggers WHERE tenant_id = $1 AND run_id IS NULL`,
    [tenantId],
  );
  return { counted: Number(rows[0]!.counted), actual: Number(rows[0]!.actual), pending: rows[0]!.pending };
}

function expectBacklogFull(response: { statusCode: number; body: string; json: () => unknown }): void {
  expect(response.statusCode, response.body).toBe(429);
  expect(response.json()).toMatchObject({ statusCode: 429, code: ERRORS.TRIGGER_BACKLOG_FULL.code, pending_bytes_cap: CAP });
}

/** Claims runs as a worker would until none is left to claim; returns the tenants claimed. */
async function claimAll(): Promise<string[]> {
  const tenants: string[] = [];
  for (let run = await claimNextRun(stack.db, WORKER, 60_000); run; run = await claimNextRun(stack.db, WORKER, 60_000)) tenants.push(run.tenantId);
  return tenants;
}

describe('pending trigger bytes per tenant', () => {
  it('refuses a webhook that would go over the cap, stores nothing, and accepts again once a run has taken the backlog', async () => {
    const { tenant, path } = await tenantWithHook();
    expect((await webhook(path)).statusCode).toBe(202);
    expect((await webhook(path)).statusCode).toBe(202);
    const full = await backlog(tenant.id);
    expect(full).toEqual({ counted: full.actual, actual: full.actual, pending: 2 });
    // A third body would go over: refused, nothing stored.
    expect(full.actual + full.actual / 2).toBeGreaterThan(CAP);
    expectBacklogFull(await webhook(path));
    expect(await backlog(tenant.id)).toEqual(full);

    // The host API's sync with a payload is refused too; without a payload (nothing to store) it is not.
    const sync = (payload?: string) =>
      stack.app.inject({
        method: 'POST',
        url: `/v2/tenants/${tenant.id}/sync`,
        headers: { 'x-api-key': stack.apiKey, ...(payload ? { 'content-type': 'application/json' } : {}) },
        ...(payload ? { payload } : {}),
      });
    expectBacklogFull(await sync(BODY));
    expect((await sync()).statusCode).toBe(202);

    // Another tenant has its own backlog.
    const other = await tenantWithHook();
    expect((await webhook(other.path)).statusCode).toBe(202);

    // A worker claims the backlog into runs: the cap has room again.
    expect(await claimAll()).toEqual(expect.arrayContaining([tenant.id, other.tenant.id]));
    expect(await backlog(tenant.id)).toEqual({ counted: 0, actual: 0, pending: 0 });
    expect((await webhook(path)).statusCode).toBe(202);

    // A lost run gives its triggers back to the queue: they count again (beyond the cap if need be,
    // they were accepted), and new payloads are refused until a run takes them.
    await sweepLostRuns(stack.db, WORKER);
    const returned = await backlog(tenant.id);
    expect(returned.pending).toBe(2 + 1 + 1); // two webhooks and the sync claimed before, one webhook since
    expect(returned.counted).toBe(returned.actual);
    expectBacklogFull(await webhook(path));
  });

  it('holds the cap exactly under concurrent webhooks to one tenant', async () => {
    const { tenant, path } = await tenantWithHook();
    const answers = await Promise.all(Array.from({ length: 12 }, () => webhook(path)));
    const accepted = answers.filter((a) => a.statusCode === 202).length;
    for (const answer of answers) if (answer.statusCode !== 202) expectBacklogFull(answer);
    const after = await backlog(tenant.id);
    expect(after.pending).toBe(accepted);
    expect(after.counted).toBe(after.actual);
    expect(after.actual).toBeLessThanOrEqual(CAP);
    // As many as fit: one more would not have.
    expect(after.actual + after.actual / accepted).toBeGreaterThan(CAP);
  });

  it('refuses an app event whole when one listening tenant is full', async () => {
    const release = { 'PANDIUM.yaml': 'version: 1.0\nbase: node:24\nrun: node run.mjs\nevents: [contact.created]\n', 'run.mjs': 'console.log("{}")' };
    const [first, second] = await Promise.all([scriptIntegration(stack, 'cap-ev-a', release), scriptIntegration(stack, 'cap-ev-b', release)]);
    const jwt = await endUserToken(stack, 'cap-event-user');
    const [a, b] = [await install(stack, jwt, first), await install(stack, jwt, second)];
    const event = { name: 'contact.created', user: 'cap-event-user', payload: { pad: 'y'.repeat(1000) } };
    const send = () => stack.app.inject({ method: 'POST', url: '/v2/events', payload: event, headers: { 'x-api-key': stack.apiKey } });
    expect((await send()).statusCode).toBe(202);
    // Fill one of the two tenants only.
    const path = new URL((await call(stack, 'GET', `/marketplace/tenants/${a.id}/webhook`, jwt)).json<{ url: string }>().url).pathname;
    while ((await webhook(path)).statusCode === 202);
    const [beforeA, beforeB] = [await backlog(a.id), await backlog(b.id)];
    expectBacklogFull(await send());
    // Nothing stored for either, and the counts did not move.
    expect([await backlog(a.id), await backlog(b.id)]).toEqual([beforeA, beforeB]);
  });
});
