import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { insertWebhookTriggersIfOpen } from '../../../src/modules/triggers/store.ts';
import { storeWebhookIfOpen } from '../../../src/modules/triggers/webhook-batches.ts';
import { startTestStack, type TestStack } from '../../support/index.ts';
import { call, endUserToken, install } from '../runs/run-support.ts';

/**
 * The webhook fast path stores many webhooks to a statement (one commit): the rows of one
 * statement share their transaction id (`xmin`), which is how these tests see the batches.
 */
let stack: TestStack;
const CAP = 10_000_000;

beforeAll(async () => {
  stack = await startTestStack({ clusterUrl: inject('pgClusterUrl'), seedReleases: true, config: { tenantPendingTriggerBytes: CAP } });
});

afterAll(async () => {
  await stack?.stop();
});

let users = 0;
/** A tenant with a webhook URL and a first webhook: its id, token and path. */
async function hooked(): Promise<{ id: string; token: string; path: string }> {
  const jwt = await endUserToken(stack, `batch-user-${(users += 1)}`);
  const tenant = await install(stack, jwt, 'hubspot-contacts', { direction: 'both' });
  const path = new URL((await call(stack, 'GET', `/marketplace/tenants/${tenant.id}/webhook`, jwt)).json<{ url: string }>().url).pathname;
  // Its first webhook takes the slow path, which creates its backlog row (the fast path needs one).
  expect((await stack.app.inject({ method: 'POST', url: path, payload: { tag: 'first' }, headers: { 'content-type': 'application/json' } })).statusCode).toBe(202);
  return { id: tenant.id, token: path.split('/').pop()!, path };
}

const body = (tag: string) => Buffer.from(JSON.stringify({ tag }));
const headers = { 'Content-Type': 'application/json' };

async function stored(ids: readonly string[]) {
  const { rows } = await stack.db.query<{ id: string; tenant_id: string; tag: string; tx: string }>(
    `SELECT id, tenant_id, convert_from(payload, 'UTF8')::jsonb->>'tag' AS tag, xmin::text AS tx
       FROM triggers WHERE id = ANY($1::uuid[]) ORDER BY created_at, id`,
    [ids],
  );
  return rows;
}

describe('webhook intake in batches', () => {
  it('stores webhooks of several tenants in one statement, answers each with its own trigger, in order per tenant', async () => {
    const [a, b] = [await hooked(), await hooked()];
    const ids = await insertWebhookTriggersIfOpen(
      stack.db,
      [
        { token: a.token, body: body('a1'), headers },
        { token: b.token, body: body('b1'), headers },
        { token: 'no-such-token-0123456789', body: body('x'), headers },
        { token: a.token, body: body('a2'), headers },
        { token: a.token, body: body('a3'), headers },
      ],
      CAP,
    );
    expect(ids[2]).toBeNull();
    const rows = await stored(ids.filter((id): id is string => id !== null));
    expect(rows.map((r) => [r.id, r.tenant_id, r.tag])).toEqual([
      [ids[0], a.id, 'a1'],
      [ids[1], b.id, 'b1'],
      [ids[3], a.id, 'a2'],
      [ids[4], a.id, 'a3'],
    ]);
    expect(new Set(rows.map((r) => r.tx)).size).toBe(1);
  });

  it('batches a flood through the HTTP route: fewer commits than webhooks, every 202 stored once', async () => {
    const tenants = [await hooked(), await hooked(), await hooked()];
    const answers = await Promise.all(
      Array.from({ length: 120 }, (_, k) =>
        stack.app.inject({ method: 'POST', url: tenants[k % 3]!.path, payload: { tag: `w${k}` }, headers: { 'content-type': 'application/json' } }),
      ),
    );
    expect(answers.map((a) => a.statusCode)).toEqual(answers.map(() => 202));
    const ids = answers.map((a) => a.json<{ trigger_id: string }>().trigger_id);
    expect(new Set(ids).size).toBe(120);
    const rows = await stored(ids);
    expect(rows.map((r) => r.tag).sort()).toEqual(Array.from({ length: 120 }, (_, k) => `w${k}`).sort());
    const commits = new Set(rows.map((r) => r.tx)).size;
    expect(commits).toBeLessThan(120);
  });

  it('a value PostgreSQL refuses fails only its own webhook; the rest of its batch is stored', async () => {
    const t = await hooked();
    // One tenant, one lane: the first goes alone, the rest wait and go together, the bad one among them.
    const intakes = Array.from({ length: 10 }, (_, k) => ({
      token: t.token,
      body: body(`g${k}`),
      headers: k === 7 ? { 'X-Bad': 'nul \u0000 in a header' } : headers,
    }));
    const results = await Promise.allSettled(intakes.map((intake) => storeWebhookIfOpen(stack.db, intake, CAP)));
    expect(results[7]).toMatchObject({ status: 'rejected', reason: { code: expect.stringMatching(/^22/) } });
    const ids = results.flatMap((r) => (r.status === 'fulfilled' && r.value ? [r.value] : []));
    expect(ids).toHaveLength(9);
    expect((await stored(ids)).map((r) => r.tag).sort()).toEqual(['g0', 'g1', 'g2', 'g3', 'g4', 'g5', 'g6', 'g8', 'g9']);
  });
});
