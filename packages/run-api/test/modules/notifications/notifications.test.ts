import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApiKey } from '../../../src/modules/accounts/api-key.ts';
import { findSealedColumns } from '../../../src/platform/db/reseal.ts';
import type { Tenant } from '@pan/contract';
import { NotificationDeliverer } from '../../../src/modules/notifications/deliverer.ts';
import { createOtherAccount, LOOPBACK_EGRESS_ALLOW, seedFixtureReleases, startTestStack, type TestStack } from '../../support/index.ts';
import { call, endUserToken, install, runNow, scriptIntegration } from '../runs/run-support.ts';
import { startReceiver, type Received, type Receiver } from './receiver.ts';

/**
 * Outbound notifications end to end: real actions queue them (in the same transaction), the run
 * engine's deliverer POSTs them to a real HTTP receiver signed with Standard Webhooks, retries with
 * backoff, and the delivery log records every attempt. Retries are fast here (150 ms base, 4 attempts).
 */

const RETRY_BASE_MS = 150;
const MAX_ATTEMPTS = 4;

let stack: TestStack;
const engineLog: string[] = [];
/** Every API response of this file, for the check that no secret leaks. */
const responses: string[] = [];
/** Every signing secret the API returned. */
const secrets: string[] = [];
const receivers: Receiver[] = [];

interface Delivery {
  id: string;
  type: string;
  status: 'pending' | 'delivered' | 'failed';
  webhook_id: string;
  payload: { type: string; timestamp: string; data: Record<string, unknown> };
  attempt_count: number;
  next_attempt_date: string | null;
  delivered_date: string | null;
  last_status: number | null;
  last_error: string | null;
  attempts: { attempt: number; started_date: string; duration_ms: number | null; response_status: number | null; error: string | null; response_body: string | null }[];
}

beforeAll(async () => {
  stack = await startTestStack({
    clusterUrl: inject('pgClusterUrl'),
    seedReleases: true,
    runEngine: { scheduler: false, log: (message, fields) => engineLog.push(JSON.stringify({ message, ...fields })) },
    config: { notifyRetryBaseMs: RETRY_BASE_MS, notifyMaxAttempts: MAX_ATTEMPTS, notifyTimeoutMs: 1000, notifyPollMs: 200, egressAllow: LOOPBACK_EGRESS_ALLOW },
  });
});

afterAll(async () => {
  await stack?.stop();
  for (const receiver of receivers) await receiver.close();
});

async function host(method: 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, key = stack.apiKey) {
  const response = await stack.app.inject({ method, url, headers: { 'x-api-key': key }, ...(payload === undefined ? {} : { payload: payload as object }) });
  responses.push(`${method} ${url} ${response.statusCode} ${JSON.stringify(response.headers)} ${response.body}`);
  return response;
}

async function receiver(answer?: Parameters<typeof startReceiver>[0]): Promise<Receiver> {
  const started = await startReceiver(answer);
  receivers.push(started);
  return started;
}

/** Another account with the fixture releases and an API key: each scenario gets its own URL. */
async function newAccount(): Promise<{ id: string; key: string }> {
  const other = await createOtherAccount(stack);
  await seedFixtureReleases(stack.db, other.id);
  return { id: other.id, key: await createApiKey(stack.db, other.id, 'notifications') };
}

/** PUT /v2/notifications; returns the secret shown (once) on creation. */
async function configure(key: string, url: string, events?: string[]): Promise<string> {
  const response = await host('PUT', '/v2/notifications', { url, ...(events ? { events } : {}) }, key);
  expect(response.statusCode, response.body).toBe(201);
  const { secret } = response.json<{ secret: string }>();
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
  secrets.push(secret);
  return secret;
}

async function installForUser(key: string, userName: string, integration = 'hubspot-contacts'): Promise<{ id: string; integration_id: string }> {
  const response = await host('POST', '/v2/tenants', { integration, user_name: userName }, key);
  expect(response.statusCode, response.body).toBe(201);
  // Notifications name tenants and integrations by their UUIDs (the marketplace's ids).
  const { rows } = await stack.db.query<{ integration_id: string }>('SELECT integration_id FROM tenants WHERE id = $1', [response.json().uuid]);
  return { id: response.json().uuid, integration_id: rows[0]!.integration_id };
}

async function deliveries(key: string, query = ''): Promise<Delivery[]> {
  const response = await host('GET', `/v2/notifications/deliveries${query}`, undefined, key);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

async function delivery(key: string, id: string): Promise<Delivery> {
  const response = await host('GET', `/v2/notifications/deliveries/${id}`, undefined, key);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

/**
 * Each attempt of a delivery with the backoff the deliverer scheduled after it (null: none), and
 * the time from its start to the next attempt's start (null for the last), both on the database clock.
 */
async function retrySchedule(deliveryId: string): Promise<{ attempt: number; retry_delay_ms: number | null; gap_ms: number | null }[]> {
  const { rows } = await stack.db.query(
    `SELECT attempt, retry_delay_ms,
            (extract(epoch FROM lead(started_at) OVER (ORDER BY attempt) - started_at) * 1000)::float8 AS gap_ms
       FROM notification_attempts WHERE delivery_id = $1 ORDER BY attempt`,
    [deliveryId],
  );
  return rows;
}

/** The request is signed with `secret` (and not only well-formed): returns the verified body. */
function verified(secret: string, request: Received): unknown {
  return new Webhook(secret).verify(request.body, request.headers);
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('delivery with retries', () => {
  it('retries after the receiver fails twice: 3 attempts [500, 500, 200], one webhook-id, each signed, growing gaps', async () => {
    const hook = await receiver((r) => (r.index < 2 ? { status: 500, body: 'busy, try again later' } : { status: 200, body: 'ok' }));
    const account = await newAccount();
    const secret = await configure(account.key, hook.url);
    const tenant = await installForUser(account.key, 'retry-user');

    const sent = await hook.waitFor(() => true, 3);
    expect(new Set(sent.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(sent[0]!.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
    for (const request of sent) {
      expect(request.headers['content-type']).toBe('application/json');
      expect(verified(secret, request)).toEqual({
        type: 'tenant.installed',
        timestamp: expect.stringMatching(ISO),
        data: { tenant_id: tenant.id, integration_id: tenant.integration_id, integration_slug: 'hubspot-contacts', user_name: 'retry-user', status: 'paused' },
      });
      // Signed for this account only: another secret does not verify it.
      expect(() => new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(request.body, request.headers)).toThrow();
    }

    const [listed] = await deliveries(account.key);
    await expect.poll(async () => (await delivery(account.key, listed!.id)).status).toBe('delivered');
    const stored = await delivery(account.key, listed!.id);
    expect(stored).toMatchObject({
      type: 'tenant.installed',
      webhook_id: sent[0]!.headers['webhook-id'],
      attempt_count: 3,
      next_attempt_date: null,
      last_status: 200,
      last_error: null,
      delivered_date: expect.stringMatching(ISO),
    });
    expect(stored.attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(stored.attempts.map((a) => a.response_status)).toEqual([500, 500, 200]);
    expect(stored.attempts.map((a) => a.error)).toEqual(['HTTP 500', 'HTTP 500', null]);
    expect(stored.attempts.map((a) => a.response_body)).toEqual(['busy, try again later', 'busy, try again later', 'ok']);
    for (const a of stored.attempts) expect(a.duration_ms).toBeGreaterThanOrEqual(0);
    // Exponential backoff, as the deliverer scheduled it after each failure: ~150 ms, then ~300 ms
    // (each with up to 25 % jitter), then none. Wall-clock gaps would also count the machine's load.
    const scheduled = await retrySchedule(listed!.id);
    const delays = scheduled.map((a) => a.retry_delay_ms);
    expect(delays[0]).toBeGreaterThanOrEqual(RETRY_BASE_MS);
    expect(delays[1]).toBeGreaterThan(delays[0]!);
    expect(delays[1]).toBeGreaterThanOrEqual(2 * RETRY_BASE_MS);
    expect(delays[2]).toBeNull();
    // The schedule was kept: no retry started before its delay had passed (later is fine).
    for (const a of scheduled.slice(0, 2)) expect(a.gap_ms).toBeGreaterThanOrEqual(a.retry_delay_ms!);
    // What was POSTed is what the log shows.
    expect(stored.payload).toEqual(JSON.parse(sent[0]!.body));
  });

  it('marks a delivery failed after the last attempt, and retry re-queues it with the same webhook-id', async () => {
    let healed = false;
    const hook = await receiver(() => (healed ? 204 : 503));
    const account = await newAccount();
    const secret = await configure(account.key, hook.url);
    await installForUser(account.key, 'failing-user');

    const sent = await hook.waitFor(() => true, MAX_ATTEMPTS);
    const [listed] = await deliveries(account.key);
    await expect.poll(async () => (await delivery(account.key, listed!.id)).status).toBe('failed');
    const failed = await delivery(account.key, listed!.id);
    expect(failed).toMatchObject({ attempt_count: MAX_ATTEMPTS, last_status: 503, last_error: 'HTTP 503', next_attempt_date: null, delivered_date: null });
    expect(failed.attempts.map((a) => a.response_status)).toEqual(Array(MAX_ATTEMPTS).fill(503));
    expect((await deliveries(account.key, '?status=failed')).map((d) => d.id)).toEqual([listed!.id]);
    expect(await deliveries(account.key, '?status=pending')).toEqual([]);

    healed = true;
    const retried = await host('POST', `/v2/notifications/deliveries/${listed!.id}/retry`, undefined, account.key);
    expect(retried.statusCode, retried.body).toBe(202);
    expect(retried.json()).toMatchObject({ id: listed!.id, status: 'pending' });
    const [again] = await hook.waitFor((r) => r.index === MAX_ATTEMPTS);
    expect(again!.headers['webhook-id']).toBe(sent[0]!.headers['webhook-id']);
    verified(secret, again!);
    await expect.poll(async () => (await delivery(account.key, listed!.id)).status).toBe('delivered');
    const delivered = await delivery(account.key, listed!.id);
    expect(delivered.attempts.map((a) => [a.attempt, a.response_status])).toEqual([...Array(MAX_ATTEMPTS).keys()].map((i) => [i + 1, 503]).concat([[MAX_ATTEMPTS + 1, 204]]));

    const twice = await host('POST', `/v2/notifications/deliveries/${listed!.id}/retry`, undefined, account.key);
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe('PAN_ERR_NOTIFICATION_NOT_FAILED');
  });

  it('does not follow a redirect, gives up on a receiver that does not answer in time, then delivers', async () => {
    const elsewhere = await receiver();
    const hook = await receiver((r) => (r.index === 0 ? { status: 302, headers: { location: elsewhere.url } } : r.index === 1 ? 'hang' : 200));
    const account = await newAccount();
    await configure(account.key, hook.url);
    await installForUser(account.key, 'redirected-user');
    await hook.waitFor(() => true, 3);
    const [listed] = await deliveries(account.key);
    await expect.poll(async () => (await delivery(account.key, listed!.id)).status).toBe('delivered');
    const stored = await delivery(account.key, listed!.id);
    expect(stored.attempts.map((a) => [a.response_status, a.error])).toEqual([
      [302, 'redirect (HTTP 302) not followed: set the final URL'],
      [null, 'timed out after 1000 ms'],
      [200, null],
    ]);
    expect(elsewhere.requests).toEqual([]);
  });

  it('records a refused connection as an error without a status', async () => {
    const closed = await startReceiver();
    const url = closed.url;
    await closed.close();
    const account = await newAccount();
    await configure(account.key, url);
    await installForUser(account.key, 'nobody-listening');
    const [listed] = await deliveries(account.key);
    await expect.poll(async () => (await delivery(account.key, listed!.id)).attempts[0]?.error).toBe('request failed: ECONNREFUSED');
    expect((await delivery(account.key, listed!.id)).attempts[0]!.response_status).toBeNull();
    // Turning notifications off ends what was still waiting.
    expect((await host('DELETE', '/v2/notifications', undefined, account.key)).statusCode).toBe(204);
    await expect.poll(async () => (await delivery(account.key, listed!.id)).status).toBe('failed');
  });

  it('takes over a delivery whose deliverer crashed mid-attempt once its lease expires', async () => {
    const hook = await receiver();
    const account = await newAccount();
    const secret = await configure(account.key, hook.url);
    // What a deliverer that died during attempt 1 leaves behind: the attempt counted and started, a lease.
    const { rows } = await stack.db.query<{ id: string; message_id: string }>(
      `INSERT INTO notification_deliveries (account_id, event_type, payload, attempts, locked_by, locked_until)
       VALUES ($1, 'tenant.paused', $2, 1, 'crashed-deliverer', clock_timestamp() + interval '300 milliseconds')
       RETURNING id, message_id`,
      [account.id, { type: 'tenant.paused', timestamp: new Date().toISOString(), data: { tenant_id: 'x' } }],
    );
    await stack.db.query('INSERT INTO notification_attempts (delivery_id, attempt, started_at) VALUES ($1, 1, now())', [rows[0]!.id]);
    const [request] = await hook.waitFor((r) => r.headers['webhook-id'] === rows[0]!.message_id);
    verified(secret, request!);
    await expect.poll(async () => (await delivery(account.key, rows[0]!.id)).status).toBe('delivered');
    const stored = await delivery(account.key, rows[0]!.id);
    expect(stored.attempts.map((a) => [a.attempt, a.response_status])).toEqual([
      [1, null],
      [2, 200],
    ]);
    expect(stored.attempts[0]!.error).toMatch(/^interrupted/);
  });

  it('several deliverers on one database send each notification once', async () => {
    const hook = await receiver();
    const account = await newAccount();
    await configure(account.key, hook.url);
    const extra = [0, 1].map(
      () =>
        new NotificationDeliverer({
          db: stack.db,
          databaseUrl: stack.databaseUrl,
          box: stack.box,
          egress: stack.app.egress,
          concurrency: 3,
          retryBaseMs: RETRY_BASE_MS,
          retryMaxMs: 60_000,
          maxAttempts: MAX_ATTEMPTS,
          timeoutMs: 1000,
          pollMs: 50,
        }),
    );
    for (const d of extra) await d.start();
    try {
      const tenants = [];
      for (let i = 0; i < 6; i++) tenants.push(await installForUser(account.key, `many-${i}`));
      for (const tenant of tenants) {
        for (const paused of [false, true, false, true]) {
          expect((await host('PATCH', `/v2/tenants/${tenant.id}`, { paused }, account.key)).statusCode).toBe(200);
        }
      }
      const expected = 6 * 5;
      await hook.waitFor(() => true, expected);
      await expect.poll(async () => (await deliveries(account.key, '?status=delivered')).length).toBe(expected);
      const all = await deliveries(account.key);
      expect(all).toHaveLength(expected);
      expect(all.every((d) => d.attempt_count === 1)).toBe(true);
      expect(new Set(hook.requests.map((r) => r.headers['webhook-id'])).size).toBe(expected);
      expect(hook.requests).toHaveLength(expected);
    } finally {
      for (const d of extra) await d.stop();
    }
  });
});

describe('events from the real actions', () => {
  let secret: string;
  let hook: Receiver;
  const ofTenant = (type: string, tenantId: string) => (r: Received) => r.json.type === type && r.json.data.tenant_id === tenantId;

  beforeAll(async () => {
    hook = await receiver();
    secret = await configure(stack.apiKey, hook.url);
  });

  it('tenant.installed from the end-user install and from POST /v2/tenants', async () => {
    const ann = await install(stack, await endUserToken(stack, 'ann'), 'hubspot-contacts', { direction: 'both' });
    const [byUser] = await hook.waitFor(ofTenant('tenant.installed', ann.id));
    expect(verified(secret, byUser!)).toEqual({
      type: 'tenant.installed',
      timestamp: expect.stringMatching(ISO),
      data: { tenant_id: ann.id, integration_id: ann.integration.id, integration_slug: 'hubspot-contacts', user_name: 'ann', status: 'active' },
    });
    // Never the tenant's settings.
    expect(byUser!.body).not.toContain('both');

    const bob = await installForUser(stack.apiKey, 'bob');
    const [byHost] = await hook.waitFor(ofTenant('tenant.installed', bob.id));
    expect(verified(secret, byHost!)).toMatchObject({ data: { tenant_id: bob.id, user_name: 'bob', status: 'paused' } });
    const timestamp = Date.parse(byHost!.json.timestamp);
    expect(Math.abs(Date.now() - timestamp)).toBeLessThan(60_000);
    expect(Number(byHost!.headers['webhook-timestamp'])).toBeCloseTo(Date.now() / 1000, -2);
  });

  it('tenant.paused (once, however often it is paused), tenant.resumed, tenant.uninstalled', async () => {
    const jwt = await endUserToken(stack, 'dee');
    const dee = await install(stack, jwt, 'hubspot-contacts', { direction: 'both' });
    for (let i = 0; i < 2; i++) expect((await call(stack, 'POST', `/marketplace/tenants/${dee.id}/pause`, jwt)).statusCode).toBe(200);
    const [paused] = await hook.waitFor(ofTenant('tenant.paused', dee.id));
    expect(verified(secret, paused!)).toMatchObject({ type: 'tenant.paused', data: { tenant_id: dee.id, user_name: 'dee', status: 'paused' } });

    // Resumed by the host's backend.
    expect((await host('PATCH', `/v2/tenants/${dee.id}`, { paused: false })).statusCode).toBe(200);
    const [resumed] = await hook.waitFor(ofTenant('tenant.resumed', dee.id));
    expect(verified(secret, resumed!)).toMatchObject({ data: { status: 'active' } });

    expect((await call(stack, 'DELETE', `/marketplace/tenants/${dee.id}`, jwt)).statusCode).toBe(204);
    const [uninstalled] = await hook.waitFor(ofTenant('tenant.uninstalled', dee.id));
    expect(verified(secret, uninstalled!)).toEqual({
      type: 'tenant.uninstalled',
      timestamp: expect.stringMatching(ISO),
      data: { tenant_id: dee.id, integration_id: dee.integration.id, integration_slug: 'hubspot-contacts', user_name: 'dee', status: 'archived' },
    });
    // The outbox row is written with the change: the second pause changed nothing and queued nothing.
    const { rows } = await stack.db.query<{ event_type: string }>(
      "SELECT event_type FROM notification_deliveries WHERE payload->'data'->>'tenant_id' = $1 ORDER BY created_at",
      [dee.id],
    );
    expect(rows.map((r) => r.event_type)).toEqual(['tenant.installed', 'tenant.paused', 'tenant.resumed', 'tenant.uninstalled']);
  });

  it('run.finished for a run that succeeds, run.failed for one that fails', async () => {
    const slug = await scriptIntegration(stack, 'notify-runs', {
      'PANDIUM.yaml': 'version: 1.0\nbase: node:24\nrun: node run.mjs\n',
      'run.mjs': `const last = JSON.parse(process.env.PAN_CTX_LAST_SUCCESSFUL_RUN_STD_OUT || '{}');
if (last.n) { console.error('second run fails'); process.exit(3); }
console.log(JSON.stringify({ n: 1, token: 'not-for-notifications' }));`,
    });
    const jwt = await endUserToken(stack, 'eve');
    const tenant: Tenant = await install(stack, jwt, slug);
    const ok = await runNow(stack, jwt, tenant.id);
    const bad = await runNow(stack, jwt, tenant.id);
    expect([ok.status, bad.status]).toEqual(['Succeeded', 'Failed (Integration Issue)']);

    const [finished] = await hook.waitFor((r) => r.json.type === 'run.finished' && r.json.data.run_id === ok.id);
    const [failed] = await hook.waitFor((r) => r.json.type === 'run.failed' && r.json.data.run_id === bad.id);
    const common = { tenant_id: tenant.id, integration_id: tenant.integration.id, integration_slug: slug, user_name: 'eve', mode: 'normal' };
    expect(verified(secret, finished!)).toEqual({
      type: 'run.finished',
      timestamp: expect.stringMatching(ISO),
      data: { ...common, run_id: ok.id, status: 'Succeeded', exit_code: 0, started_date: expect.stringMatching(ISO), ended_date: expect.stringMatching(ISO) },
    });
    expect(verified(secret, failed!)).toEqual({
      type: 'run.failed',
      timestamp: expect.stringMatching(ISO),
      data: { ...common, run_id: bad.id, status: 'Failed (Integration Issue)', exit_code: 3, started_date: expect.stringMatching(ISO), ended_date: expect.stringMatching(ISO) },
    });
    // Never the run's output.
    expect(finished!.body).not.toContain('not-for-notifications');
    // Filters of the delivery log.
    const runFailed = await deliveries(stack.apiKey, '?type=run.failed');
    expect(runFailed.map((d) => d.payload.data.run_id)).toEqual([bad.id]);
    const oldestFirst = await deliveries(stack.apiKey, '?sort_by=created_date__ASC&limit=2&skip=0');
    expect(oldestFirst.map((d) => d.type)).toEqual(['tenant.installed', 'tenant.installed']);
  });
});

describe('what is queued, and for whom', () => {
  it('stores nothing for an account without a URL', async () => {
    const account = await newAccount();
    const tenant = await installForUser(account.key, 'quiet-user');
    expect((await host('PATCH', `/v2/tenants/${tenant.id}`, { paused: false }, account.key)).statusCode).toBe(200);
    expect((await host('DELETE', `/v2/tenants/${tenant.id}`, undefined, account.key)).statusCode).toBe(204);
    const { rows } = await stack.db.query('SELECT count(*)::int AS n FROM notification_deliveries WHERE account_id = $1', [account.id]);
    expect(rows[0].n).toBe(0);
    expect(await deliveries(account.key)).toEqual([]);
    expect((await host('GET', '/v2/notifications', undefined, account.key)).statusCode).toBe(404);
  });

  it('queues only the event types the account subscribes to, and nothing once turned off', async () => {
    const hook = await receiver();
    const account = await newAccount();
    await configure(account.key, hook.url, ['tenant.uninstalled']);
    const tenant = await installForUser(account.key, 'picky-user');
    expect((await host('PATCH', `/v2/tenants/${tenant.id}`, { paused: false }, account.key)).statusCode).toBe(200);
    expect((await host('DELETE', `/v2/tenants/${tenant.id}`, undefined, account.key)).statusCode).toBe(204);
    expect((await deliveries(account.key)).map((d) => d.type)).toEqual(['tenant.uninstalled']);
    await hook.waitFor((r) => r.json.type === 'tenant.uninstalled');

    expect((await host('DELETE', '/v2/notifications', undefined, account.key)).statusCode).toBe(204);
    expect((await host('DELETE', '/v2/notifications', undefined, account.key)).statusCode).toBe(404);
    await installForUser(account.key, 'after-off');
    expect(await deliveries(account.key)).toHaveLength(1);
  });

  it('updates the URL and events without a new secret; GET shows the settings, never the secret', async () => {
    const account = await newAccount();
    const hook = await receiver();
    const secret = await configure(account.key, hook.url);
    const got = await host('GET', '/v2/notifications', undefined, account.key);
    expect(got.json()).toEqual({
      url: hook.url,
      events: ['tenant.installed', 'tenant.uninstalled', 'tenant.paused', 'tenant.resumed', 'run.finished', 'run.failed'],
      created_date: expect.stringMatching(ISO),
      modified_date: expect.stringMatching(ISO),
    });
    const updated = await host('PUT', '/v2/notifications', { url: hook.url, events: ['run.failed', 'tenant.paused'] }, account.key);
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).not.toHaveProperty('secret');
    expect(updated.json().events).toEqual(['run.failed', 'tenant.paused']);
    const { rows } = await stack.db.query<{ secret_sealed: Buffer }>('SELECT secret_sealed FROM notification_endpoints WHERE account_id = $1', [account.id]);
    expect(stack.box.open(rows[0]!.secret_sealed).toString('utf8')).toBe(secret);
  });
});

describe('isolation and bad input', () => {
  it("another account's key gets 404 on this account's deliveries and sees none in its list", async () => {
    const mine = await deliveries(stack.apiKey);
    expect(mine.length).toBeGreaterThan(0);
    const other = await newAccount();
    expect(await deliveries(other.key)).toEqual([]);
    for (const [method, url] of [
      ['GET', `/v2/notifications/deliveries/${mine[0]!.id}`],
      ['POST', `/v2/notifications/deliveries/${mine[0]!.id}/retry`],
      ['GET', '/v2/notifications'],
      ['POST', '/v2/notifications/secret'],
      ['DELETE', '/v2/notifications'],
    ] as const) {
      const response = await host(method, url, undefined, other.key);
      expect(response.statusCode, `${method} ${url}`).toBe(404);
      expect(response.json().code).toBe('PAN_ERR_NOT_FOUND');
    }
    // This account's settings are untouched.
    expect((await host('GET', '/v2/notifications')).statusCode).toBe(200);
    expect((await host('GET', '/v2/notifications/deliveries')).statusCode).toBe(200);
  });

  it('refuses a bad URL with 422 and a code that says why', async () => {
    const account = await newAccount();
    for (const [url, message] of [
      ['http://example.com/hook', /must use https; http:\/\/ is accepted only for hosts PAN_EGRESS_ALLOW admits/],
      ['ftp://example.com/hook', /must use https/],
      ['not a url', /absolute URL/],
      ['/relative/path', /absolute URL/],
      ['https://user:pw@example.com/hook', /user name or password/],
      ['https://example.com/hook#frag', /fragment/],
    ] as const) {
      const response = await host('PUT', '/v2/notifications', { url }, account.key);
      expect(response.statusCode, url).toBe(422);
      expect(response.json()).toMatchObject({ code: 'PAN_ERR_NOTIFICATIONS_URL_INVALID', errors: [{ field: 'url' }] });
      expect(response.json().message).toMatch(message);
    }
    for (const body of [{}, { url: 'https://example.com', events: ['tenant.exploded'] }, { url: 'https://example.com', events: [] }, { url: 'https://example.com', extra: 1 }]) {
      const response = await host('PUT', '/v2/notifications', body, account.key);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().code).toBe('PAN_ERR_REQUEST_INVALID');
    }
    expect((await host('GET', '/v2/notifications', undefined, account.key)).statusCode).toBe(404);
    // https to public hosts, and http to allow-listed loopback (this stack's PAN_EGRESS_ALLOW), are accepted.
    expect((await host('PUT', '/v2/notifications', { url: 'https://hooks.example.com/pan' }, account.key)).statusCode).toBe(201);
    expect((await host('PUT', '/v2/notifications', { url: 'http://localhost:9/pan' }, account.key)).statusCode).toBe(200);
  });

  it('answers 400 naming a bad list parameter, and 400 for a malformed id', async () => {
    for (const [query, field] of [
      ['limit=501', 'limit'],
      ['skip=-1', 'skip'],
      ['sort_by=password__ASC', 'sort_by'],
      ['status=lost', 'status'],
      ['colour=red', 'colour'],
    ] as const) {
      const response = await host('GET', `/v2/notifications/deliveries?${query}`);
      expect(response.statusCode, query).toBe(400);
      expect(response.json().code).toBe('PAN_ERR_REQUEST_INVALID');
      expect(JSON.stringify(response.json().errors), query).toContain(field);
    }
    expect((await host('GET', '/v2/notifications/deliveries/not-a-uuid')).statusCode).toBe(400);
  });
});

describe('the signing secret', () => {
  it('rotation returns a new secret once; the next notification is signed with it, not the old one', async () => {
    const account = await newAccount();
    const hook = await receiver();
    const old = await configure(account.key, hook.url);
    const rotated = await host('POST', '/v2/notifications/secret', undefined, account.key);
    expect(rotated.statusCode).toBe(201);
    expect(rotated.headers['cache-control']).toBe('no-store');
    const { secret } = rotated.json<{ secret: string }>();
    secrets.push(secret);
    expect(secret).not.toBe(old);
    const tenant = await installForUser(account.key, 'rotated-user');
    const [request] = await hook.waitFor((r) => r.json.data.tenant_id === tenant.id);
    verified(secret, request!);
    expect(() => verified(old, request!)).toThrow();
  });

  it('rotated with previous_valid_seconds, signs with both secrets until the old one expires', async () => {
    const account = await newAccount();
    const hook = await receiver();
    const old = await configure(account.key, hook.url);
    const rotated = await host('POST', '/v2/notifications/secret?previous_valid_seconds=3600', undefined, account.key);
    expect(rotated.statusCode).toBe(201);
    const { secret } = rotated.json<{ secret: string }>();
    secrets.push(secret);
    const first = await installForUser(account.key, 'overlap-user-1');
    const [both] = await hook.waitFor((r) => r.json.data.tenant_id === first.id);
    expect(both!.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    verified(secret, both!);
    verified(old, both!);

    // Once the overlap is over, the old secret no longer signs.
    await stack.db.query("UPDATE notification_endpoints SET previous_secret_expires_at = now() - interval '1 second' WHERE account_id = $1", [account.id]);
    const second = await installForUser(account.key, 'overlap-user-2');
    const [only] = await hook.waitFor((r) => r.json.data.tenant_id === second.id);
    expect(only!.headers['webhook-signature']!.split(' ')).toHaveLength(1);
    verified(secret, only!);
    expect(() => verified(old, only!)).toThrow();

    const tooLong = await host('POST', '/v2/notifications/secret?previous_valid_seconds=604801', undefined, account.key);
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().errors[0].field).toBe('previous_valid_seconds');
  });

  it('is sealed in columns `pan secrets rotate` re-encrypts', async () => {
    const columns = (await findSealedColumns(stack.db)).map((c) => `${c.table}.${c.column}`);
    expect(columns).toContain('notification_endpoints.secret_sealed');
    expect(columns).toContain('notification_endpoints.previous_secret_sealed');
  });

  it('never appears in a GET, an attempt row, a stored delivery or a log line', async () => {
    expect(secrets.length).toBeGreaterThan(5);
    // Let the deliveries of this file settle, so their attempts are in the log.
    await expect.poll(async () => (await stack.db.query("SELECT count(*)::int AS n FROM notification_attempts WHERE duration_ms IS NULL AND error IS NULL")).rows[0].n).toBe(0);
    const { rows } = await stack.db.query<{ dump: string }>(
      `SELECT (SELECT coalesce(string_agg(row_to_json(d)::text, E'\\n'), '') FROM notification_deliveries d) || E'\\n' ||
              (SELECT coalesce(string_agg(row_to_json(a)::text, E'\\n'), '') FROM notification_attempts a) || E'\\n' ||
              (SELECT coalesce(string_agg(row_to_json(e)::text || encode(e.secret_sealed, 'escape'), E'\\n'), '') FROM notification_endpoints e) AS dump`,
    );
    const gets = responses.filter((r) => r.startsWith('GET '));
    const texts = [
      ['GET responses', gets.join('\n')],
      ['the database', rows[0]!.dump],
      ['the server log', stack.logLines.join('\n')],
      ['the engine log', engineLog.join('\n')],
      ['what receivers got', receivers.flatMap((r) => r.requests.map((q) => `${JSON.stringify(q.headers)} ${q.body}`)).join('\n')],
    ] as const;
    for (const secret of secrets) {
      const key = secret.slice('whsec_'.length);
      for (const [what, text] of texts) {
        for (const form of [secret, key, Buffer.from(key, 'base64').toString('hex'), Buffer.from(key, 'base64').toString('base64url')]) {
          expect(text.includes(form), `${what} contains a secret`).toBe(false);
        }
      }
    }
    expect(gets.length).toBeGreaterThan(10);
    expect(gets.some((g) => g.includes('"secret"'))).toBe(false);
  });
});
