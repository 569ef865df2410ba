import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestStack, type TestStack } from '../../support/index.ts';
import { call, endUserToken, install, runOfTrigger, scriptIntegration } from '../runs/run-support.ts';

/** App events: `POST /v2/events` fans out to the user's subscribed tenants. */
let stack: TestStack;

// Prints what the run saw: its trigger records and the payload of the first one.
const SHOW = `import { readFileSync } from 'node:fs';
const triggers = JSON.parse(process.env.PAN_CTX_RUN_TRIGGERS || '[]');
const payload = triggers[0]?.payload ? JSON.parse(readFileSync(triggers[0].payload.file, 'utf8')) : null;
console.log(JSON.stringify({ triggers, payload }));`;

const release = (events: string[] | null) => ({
  'PANDIUM.yaml': `version: 1.0
base: node:24
run: node show.mjs
${events ? `events: [${events.join(', ')}]\n` : ''}`,
  'show.mjs': SHOW,
});

beforeAll(async () => {
  stack = await startTestStack({ clusterUrl: inject('pgClusterUrl'), seedReleases: true, runEngine: true });
});

afterAll(async () => {
  await stack?.stop();
});

const sendEvent = (body: unknown, apiKey = stack.apiKey) =>
  stack.app.inject({ method: 'POST', url: '/v2/events', payload: body as object, headers: { 'x-api-key': apiKey } });

describe('app events', () => {
  it('fans one event out to every subscribed tenant of that user, and each run sees it', async () => {
    const slugs = await Promise.all([
      scriptIntegration(stack, 'ev-crm', release(['contact.created', 'deal.won'])),
      scriptIntegration(stack, 'ev-mail', release(['contact.created'])),
      scriptIntegration(stack, 'ev-sheet', release(['contact.created'])),
    ]);
    const other = await scriptIntegration(stack, 'ev-other', release(['deal.won']));
    const quiet = await scriptIntegration(stack, 'ev-quiet', release(null));
    const jwt = await endUserToken(stack, 'event-user-1');
    const subscribed = await Promise.all(slugs.map((slug) => install(stack, jwt, slug)));
    const notSubscribed = await install(stack, jwt, other);
    await install(stack, jwt, quiet);
    // Another user's subscribed tenant gets nothing.
    const stranger = await install(stack, await endUserToken(stack, 'event-user-2'), slugs[0]!);

    const response = await sendEvent({ name: 'contact.created', user: 'event-user-1', payload: { id: 7, email: 'ada@example.com' } });
    expect(response.statusCode, response.body).toBe(202);
    const body = response.json<{ triggers: { tenant_id: string; trigger_id: string }[]; count: number; message?: string }>();
    expect(body.count).toBe(3);
    expect(body.message).toBeUndefined();
    expect(body.triggers.map((t) => t.tenant_id).sort()).toEqual(subscribed.map((t) => t.id).sort());

    const { rows } = await stack.db.query<{ tenant_id: string; source: string; mode: string; event: string; payload: Buffer }>(
      'SELECT tenant_id, source, mode, event, payload FROM triggers WHERE id = ANY($1::uuid[])',
      [body.triggers.map((t) => t.trigger_id)],
    );
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row).toMatchObject({ source: 'api', mode: 'normal', event: 'contact.created' });
      expect(JSON.parse(row.payload.toString('utf8'))).toEqual({ id: 7, email: 'ada@example.com' });
    }
    const others = await stack.db.query("SELECT 1 FROM triggers WHERE tenant_id = ANY($1::uuid[]) AND event IS NOT NULL", [
      [notSubscribed.id, stranger.id],
    ]);
    expect(others.rows).toHaveLength(0);

    for (const { trigger_id } of body.triggers) {
      const run = await runOfTrigger(stack, trigger_id);
      expect(run.status).toBe('Succeeded');
      const { rows: out } = await stack.db.query<{ stdout_json: string }>('SELECT stdout_json FROM runs WHERE id = $1', [run.id]);
      const seen = JSON.parse(out[0]!.stdout_json) as { triggers: Record<string, unknown>[]; payload: unknown };
      expect(seen.triggers).toEqual([
        expect.objectContaining({ id: trigger_id, source: 'api', mode: 'normal', event: 'contact.created', payload: expect.objectContaining({ file: expect.any(String) }) }),
      ]);
      expect(seen.payload).toEqual({ id: 7, email: 'ada@example.com' });
    }

    // A paused tenant is left out.
    await call(stack, 'POST', `/marketplace/tenants/${subscribed[1]!.id}/pause`, jwt);
    const afterPause = await sendEvent({ name: 'contact.created', user: 'event-user-1', payload: {} });
    expect(afterPause.json<{ count: number }>().count).toBe(2);
    for (const t of afterPause.json<{ triggers: { trigger_id: string }[] }>().triggers) await runOfTrigger(stack, t.trigger_id);
  });

  it('answers 202 with count 0 and says so when no tenant of the user subscribes', async () => {
    const response = await sendEvent({ name: 'nobody.listens', user: 'event-user-1', payload: { a: 1 } });
    expect(response.statusCode, response.body).toBe(202);
    expect(response.json()).toEqual({ triggers: [], count: 0, message: expect.stringMatching(/event-user-1.*nobody\.listens/) });
  });

  it('refuses a bad body with 400 and a missing key with 401', async () => {
    expect((await sendEvent({ user: 'u', payload: {} })).statusCode).toBe(400);
    expect((await sendEvent({ name: '', user: 'u' })).statusCode).toBe(400);
    expect((await sendEvent({ name: 'x', user: { id: 5 } })).statusCode).toBe(400);
    const malformed = await stack.app.inject({
      method: 'POST',
      url: '/v2/events',
      payload: '{"name": ',
      headers: { 'x-api-key': stack.apiKey, 'content-type': 'application/json' },
    });
    expect(malformed.statusCode).toBe(400);
    const noKey = await stack.app.inject({ method: 'POST', url: '/v2/events', payload: { name: 'x', user: 'u' } });
    expect(noKey.statusCode).toBe(401);
  });
});
