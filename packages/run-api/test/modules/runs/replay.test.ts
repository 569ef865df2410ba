import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { HostRun, ReplayAccepted, Run, RunPage, Tenant } from '@pan/contract';
import { hostRunReplay, runReplay } from '@pan/contract/paths';
import { createApiKey } from '../../../src/modules/accounts/api-key.ts';
import { insertTrigger } from '../../../src/modules/triggers/store.ts';
import { withTransaction } from '../../../src/platform/db/pool.ts';
import { createOtherAccount, signEndUserToken, startTestStack, type TestStack } from '../../support/index.ts';
import { call, endUserToken, install, logLines, runOfTrigger, scriptIntegration } from './run-support.ts';

/** Replay of a failed run, through the host API and the marketplace, against the real engine. */
let stack: TestStack;
let slug: string;
let users = 0;
const newUser = () => `replayer-${(users += 1)}`;

beforeAll(async () => {
  stack = await startTestStack({ clusterUrl: inject('pgClusterUrl'), seedCatalog: true, runEngine: true });
  // Prints each trigger's payload and one of its headers; fails when a payload says "fail".
  slug = await scriptIntegration(stack, 'replay-probe', {
    'PANDIUM.yaml': 'version: 1.0\nbase: node:24\nrun: node probe.mjs\n',
    'probe.mjs': `import { readFileSync } from 'node:fs';
let fail = false;
for (const t of JSON.parse(process.env.PAN_CTX_RUN_TRIGGERS)) {
  if (!t.payload) continue;
  const body = readFileSync(t.payload.file, 'utf8');
  console.error('payload: ' + body + ' marker: ' + (t.payload.headers['x-marker'] ?? '-'));
  if (body.includes('fail')) fail = true;
}
console.log('{}');
process.exit(fail ? 2 : 0);`,
  });
});

afterAll(async () => {
  await stack?.stop();
});

const host = (method: 'GET' | 'POST', url: string, body?: string, key = stack.apiKey) =>
  stack.app.inject({
    method,
    url,
    headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json', 'x-marker': 'm-1' }) },
    ...(body === undefined ? {} : { payload: body }),
  });

/** A tenant of a new user, and a run of it ended from a host sync with `body`. */
async function syncedRun(body: string): Promise<{ jwt: string; sub: string; tenant: Tenant; run: Run }> {
  const sub = newUser();
  const jwt = await endUserToken(stack, sub);
  const tenant = await install(stack, jwt, slug);
  const queued = await host('POST', `/v2/tenants/${tenant.id}/sync`, body);
  expect(queued.statusCode, queued.body).toBe(202);
  return { jwt, sub, tenant, run: await runOfTrigger(stack, queued.json<{ trigger_id: string }>().trigger_id) };
}

const triggerRows = async (where: string, value: string) =>
  (
    await stack.db.query<{ id: string; source: string; mode: string; payload: Buffer | null; payload_headers: Record<string, string> | null; replay_of: string | null }>(
      `SELECT id, source, mode, payload, payload_headers, replay_of FROM triggers WHERE ${where} = $1 ORDER BY created_at`,
      [value],
    )
  ).rows;

describe('POST /v2/runs/:id/replay', () => {
  it('queues a copy of the failed run’s triggers with their payloads and replay_of; the new run shows it', async () => {
    const { tenant, run } = await syncedRun('{"please":"fail"}');
    expect(run.status).toBe('Failed (Integration Issue)');
    expect(run.replay_of).toBeNull();

    const response = await host('POST', hostRunReplay(run.id));
    expect(response.statusCode, response.body).toBe(202);
    const accepted = response.json<ReplayAccepted>();
    expect(accepted.trigger_ids).toEqual([accepted.trigger_id]);

    // Stored: a copy of the original trigger, payload and headers as they were, pointing at the run.
    const [original] = await triggerRows('run_id', run.id);
    const [copy] = await triggerRows('id', accepted.trigger_id);
    expect(copy).toMatchObject({ source: original!.source, mode: original!.mode, payload_headers: original!.payload_headers, replay_of: run.id });
    expect(copy!.payload!.equals(original!.payload!)).toBe(true);
    expect(copy!.id).not.toBe(original!.id);

    // It ran like any trigger, with the same payload, and history says what it replays.
    const replayed = await runOfTrigger(stack, accepted.trigger_id);
    expect(replayed.id).not.toBe(run.id);
    expect(replayed.replay_of).toBe(run.id);
    expect(await logLines(stack, replayed.id)).toContain('payload: {"please":"fail"} marker: m-1');
    const failedRun = (await host('GET', `/v2/runs/${run.id}`)).json<HostRun>();
    expect((await host('GET', `/v2/runs/${replayed.id}`)).json<HostRun>().replay_of).toBe(failedRun.id);
    const page = (await host('GET', `/v2/tenants/${tenant.id}/runs`)).json<HostRun[]>();
    expect(page.map((r) => [r.uuid, r.replay_of])).toEqual([
      [replayed.id, failedRun.id],
      [run.id, null],
    ]);
  });

  it('replays a bundle as a bundle: every trigger, in order, in one run', async () => {
    const jwt = await endUserToken(stack, newUser());
    const tenant = await install(stack, jwt, slug);
    // Committed together, so the run takes both.
    const payload = (text: string) => ({ body: Buffer.from(text), headers: { 'content-type': 'application/json', 'x-marker': text.length.toString() } });
    const [first] = await withTransaction(stack.db, (client) =>
      Promise.all(
        ['{"a":"fail"}', '{"bb":"fine"}'].map((text) =>
          insertTrigger(client, { accountId: stack.accountId, tenantId: tenant.id, source: 'api', mode: 'normal', payload: payload(text) }),
        ),
      ),
    );
    const run = await runOfTrigger(stack, first!);
    expect(run).toMatchObject({ status: 'Failed (Integration Issue)', triggers: [expect.anything(), expect.anything()] });

    const accepted = (await host('POST', hostRunReplay(run.id))).json<ReplayAccepted>();
    expect(accepted.trigger_ids).toHaveLength(2);
    const replayed = await runOfTrigger(stack, accepted.trigger_id);
    expect(replayed.triggers.map((t) => t.id)).toEqual(accepted.trigger_ids);
    expect(await logLines(stack, replayed.id)).toEqual(
      expect.arrayContaining(['payload: {"a":"fail"} marker: 12', 'payload: {"bb":"fine"} marker: 13']),
    );
  });

  it('refuses a run that did not fail (409, nothing queued), and a paused tenant’s', async () => {
    const { tenant, run } = await syncedRun('{"all":"good"}');
    expect(run.status).toBe('Succeeded');
    const response = await host('POST', hostRunReplay(run.id));
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ code: 'PAN_ERR_RUN_NOT_REPLAYABLE', status: 'Succeeded' });
    expect(await triggerRows('tenant_id', tenant.id)).toHaveLength(1);

    const failed = await syncedRun('{"fail":1}');
    const jwt = failed.jwt;
    expect((await call(stack, 'POST', `/marketplace/tenants/${failed.tenant.id}/pause`, jwt)).statusCode).toBe(200);
    const paused = await host('POST', hostRunReplay(failed.run.id));
    expect(paused.statusCode).toBe(409);
    expect(paused.json()).toMatchObject({ code: 'PAN_ERR_TENANT_PAUSED' });
    expect(await triggerRows('tenant_id', failed.tenant.id)).toHaveLength(1);
  });

  it('answers 404 for another account’s run and an unknown one, and stores nothing', async () => {
    const { tenant, run } = await syncedRun('{"fail":2}');
    const other = await createOtherAccount(stack);
    const otherKey = await createApiKey(stack.db, other.id, 'other');
    for (const [id, key] of [
      [run.id, otherKey],
      [randomUUID(), stack.apiKey],
    ] as const) {
      const response = await host('POST', hostRunReplay(id), undefined, key);
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ code: 'PAN_ERR_NOT_FOUND' });
    }
    expect(await triggerRows('tenant_id', tenant.id)).toHaveLength(1);
  });
});

describe('POST /marketplace/runs/:id/replay', () => {
  it('replays the user’s own failed run with the run permission; 403 without it, 404 for anyone else', async () => {
    const { jwt, sub, tenant, run } = await syncedRun('{"fail":3}');
    const logsOnly = await endUserToken(stack, sub, { permissions: ['logs'] });
    const refused = await call(stack, 'POST', runReplay(run.id), logsOnly);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'PAN_ERR_PERMISSION_DENIED' });

    const stranger = await endUserToken(stack, newUser());
    const other = await createOtherAccount(stack);
    const otherAlice = await signEndUserToken({ ...other, audience: stack.audience }, sub);
    for (const token of [stranger, otherAlice]) expect((await call(stack, 'POST', runReplay(run.id), token)).statusCode).toBe(404);
    expect(await triggerRows('tenant_id', tenant.id)).toHaveLength(1);

    const runner = await endUserToken(stack, sub, { permissions: ['run', 'logs'] });
    const accepted = await call(stack, 'POST', runReplay(run.id), runner);
    expect(accepted.statusCode, accepted.body).toBe(202);
    const replayed = await runOfTrigger(stack, accepted.json<ReplayAccepted>().trigger_id);
    expect(replayed.replay_of).toBe(run.id);
    const listed = (await call(stack, 'GET', `/marketplace/tenants/${tenant.id}/runs`, jwt)).json<RunPage>();
    expect(listed.runs[0]).toMatchObject({ id: replayed.id, replay_of: run.id });
    expect((await call(stack, 'GET', `/marketplace/runs/${replayed.id}`, jwt)).json<Run>().replay_of).toBe(run.id);
  });
});
