import { Webhook } from 'standardwebhooks';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Tenant } from '@pan/contract';
import { createApiKey } from '../../src/modules/accounts/api-key.ts';
import { ERRORS } from '../../src/platform/errors.ts';
import { createOtherAccount, signEndUserToken, stackSigner, startTestStack, type TestStack } from '../support/index.ts';
import { call, endUserToken, install } from '../modules/runs/run-support.ts';

/**
 * Every budget with tiny limits, through `inject` from chosen client addresses. The window is far
 * longer than the test, so no budget refills while it runs: each test spends budgets and looks at
 * who is refused, never waits for a window to end.
 */
const BUDGET = 3;
const WINDOW_MS = 10 * 60_000;
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({
    clusterUrl: inject('pgClusterUrl'),
    seedReleases: true,
    config: {
      rateLimits: {
        windowMs: WINDOW_MS,
        perIp: BUDGET + 1,
        perWebhookToken: BUDGET,
        perApiKey: BUDGET,
        perEndUser: BUDGET,
        authFailuresPerIp: BUDGET,
      },
    },
  });
});

afterAll(async () => {
  await stack?.stop();
});

/** A fresh client address per test, so that one test's spending never refuses another's requests. */
let addresses = 0;
const newIp = () => `10.9.${Math.floor((addresses += 1) / 250)}.${(addresses % 250) + 1}`;

let users = 0;
async function tenantWithHook(): Promise<{ tenant: Tenant; path: string }> {
  const jwt = await endUserToken(stack, `limit-user-${(users += 1)}`);
  const tenant = await install(stack, jwt, 'hubspot-contacts', { direction: 'both' });
  const hook = (await call(stack, 'GET', `/marketplace/tenants/${tenant.id}/webhook`, jwt)).json<{ url: string }>();
  return { tenant, path: new URL(hook.url).pathname };
}

const webhook = (path: string, ip: string, headers: Record<string, string> = {}, payload = '{"n":1}') =>
  stack.app.inject({ method: 'POST', url: path, remoteAddress: ip, payload, headers: { 'content-type': 'application/json', ...headers } });
/** A key of its own per use: each key has its own budget. */
const freshKey = () => createApiKey(stack.db, stack.accountId, `key-${(addresses += 1)}`);
const hostGet = (key: string, ip: string) => stack.app.inject({ method: 'GET', url: '/v2/integrations', remoteAddress: ip, headers: { 'x-api-key': key } });
const userGet = (jwt: string, ip: string) =>
  stack.app.inject({ method: 'GET', url: '/marketplace/catalog', remoteAddress: ip, headers: { authorization: `Bearer ${jwt}` } });

async function triggerCount(tenantId: string): Promise<number> {
  const { rows } = await stack.db.query<{ n: number }>('SELECT count(*)::int AS n FROM triggers WHERE tenant_id = $1', [tenantId]);
  return rows[0]!.n;
}

/** A 429 in the API's error shape, naming the budget, with a Retry-After within the window. */
function expectRefused(response: LightMyRequestResponse, limit: string): void {
  expect(response.statusCode, response.body).toBe(429);
  const retryAfter = Number(response.headers['retry-after']);
  expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= WINDOW_MS / 1000, `Retry-After ${response.headers['retry-after']}`).toBe(true);
  expect(response.json()).toEqual({
    statusCode: 429,
    code: ERRORS.RATE_LIMITED.code,
    error: 'Too Many Requests',
    message: expect.any(String),
    limit,
    retry_after: retryAfter,
  });
}

describe('request budgets', () => {
  it('limits each webhook URL (its token), whatever the sender address, and stores nothing refused', async () => {
    const [a, b] = [await tenantWithHook(), await tenantWithHook()];
    for (let i = 0; i < BUDGET; i++) expect((await webhook(a.path, newIp())).statusCode).toBe(202);
    expectRefused(await webhook(a.path, newIp()), 'webhook');
    expect(await triggerCount(a.tenant.id)).toBe(BUDGET);
    // Another tenant's URL has its own budget.
    expect((await webhook(b.path, newIp())).statusCode).toBe(202);
  });

  it('limits each client address on the unauthenticated routes (webhooks and the OAuth callback share it), before reading the body', async () => {
    const { tenant, path } = await tenantWithHook();
    const ip = newIp();
    expect((await webhook(path, ip)).statusCode).toBe(202);
    expect((await webhook(path, ip)).statusCode).toBe(202);
    // No state: the callback's own 400, which is not a failed authentication; it spends the address's budget all the same.
    expect((await stack.app.inject({ method: 'GET', url: '/oauth/callback', remoteAddress: ip })).statusCode).toBe(400);
    expect((await stack.app.inject({ method: 'GET', url: '/oauth/callback', remoteAddress: ip })).statusCode).toBe(400);
    expectRefused(await stack.app.inject({ method: 'GET', url: '/oauth/callback', remoteAddress: ip }), 'ip');
    expectRefused(await webhook(path, ip, {}, 'x'.repeat(10_000)), 'ip');
    expect(await triggerCount(tenant.id)).toBe(2);
    // Another address is not refused; /health is not limited at all.
    expect((await stack.app.inject({ method: 'GET', url: '/oauth/callback', remoteAddress: newIp() })).statusCode).toBe(400);
    expect((await stack.app.inject({ method: 'GET', url: '/health', remoteAddress: ip })).statusCode).toBe(200);
  });

  it('limits each API key, not the account: another key of the same account is not refused', async () => {
    const key = await createApiKey(stack.db, stack.accountId, 'limited');
    const other = await createApiKey(stack.db, stack.accountId, 'other');
    for (let i = 0; i < BUDGET; i++) expect((await hostGet(key, newIp())).statusCode).toBe(200);
    expectRefused(await hostGet(key, newIp()), 'api_key');
    expect((await hostGet(other, newIp())).statusCode).toBe(200);
  });

  it("limits each end user within their account: another user, or the same subject in another account, is not refused", async () => {
    const jwt = await endUserToken(stack, 'limited-user');
    for (let i = 0; i < BUDGET; i++) expect((await userGet(jwt, newIp())).statusCode).toBe(200);
    expectRefused(await userGet(jwt, newIp()), 'end_user');
    expect((await userGet(await endUserToken(stack, 'another-user'), newIp())).statusCode).toBe(200);
    const otherAccount = await createOtherAccount(stack);
    const sameSubElsewhere = await signEndUserToken({ issuer: otherAccount.issuer, audience: stack.audience, secret: otherAccount.secret }, 'limited-user');
    expect((await userGet(sameSubElsewhere, newIp())).statusCode).toBe(200);
  });
});

describe('failed authentication', () => {
  it('refuses an address after its budget of bad API keys, before checking the next key (even a valid one)', async () => {
    const ip = newIp();
    for (let i = 0; i < BUDGET; i++) {
      const response = await hostGet(`pan_wrong_${i}`, ip);
      expect(response.json()).toMatchObject({ statusCode: 401, code: ERRORS.AUTH_API_KEY_INVALID.code });
    }
    expectRefused(await hostGet(await freshKey(), ip), 'auth_failures');
    // The marketplace shares the budget: same address, a valid token, refused.
    expectRefused(await userGet(await endUserToken(stack, 'behind-the-same-ip'), ip), 'auth_failures');
    // Another address is not.
    expect((await hostGet(await freshKey(), newIp())).statusCode).toBe(200);
  });

  it('counts bad end-user tokens the same way', async () => {
    const ip = newIp();
    const forged = await signEndUserToken({ ...stackSigner(stack), secret: Buffer.from('not the secret') }, 'mallory');
    for (let i = 0; i < BUDGET; i++) expect((await userGet(forged, ip)).json()).toMatchObject({ code: ERRORS.AUTH_BAD_SIGNATURE.code });
    expectRefused(await userGet(await endUserToken(stack, 'honest-user'), ip), 'auth_failures');
  });

  it('spends nothing on successful requests, nor on expired tokens (their signature verified)', async () => {
    const ip = newIp();
    // More successes than the failure budget (each by its own user, under the per-user budget).
    for (let i = 0; i < BUDGET + 2; i++) expect((await userGet(await endUserToken(stack, `good-${i}`), ip)).statusCode).toBe(200);
    const expired = await signEndUserToken(stackSigner(stack), 'late-user', { lifetimeSeconds: -3600 });
    for (let i = 0; i < BUDGET + 2; i++) expect((await userGet(expired, ip)).json()).toMatchObject({ code: ERRORS.AUTH_TOKEN_EXPIRED.code });
    // The whole budget of real failures is still there.
    for (let i = 0; i < BUDGET; i++) expect((await hostGet(`pan_wrong_${i}`, ip)).statusCode).toBe(401);
    expectRefused(await hostGet(await freshKey(), ip), 'auth_failures');
  });

  it('counts unknown webhook tokens and bad signatures per address, apart from the API budget', async () => {
    const { path } = await tenantWithHook();
    const ip = newIp();
    for (let i = 0; i < BUDGET; i++) expect((await webhook(`/webhooks/unknown-token-${i}-xxxxxxxxxxxx`, ip)).statusCode).toBe(404);
    expectRefused(await webhook(path, ip), 'webhook_failures');
    // The same address may still call the API: a sender's bad webhooks do not lock out the host's backend.
    expect((await hostGet(await freshKey(), ip)).statusCode).toBe(200);

    const signed = await tenantWithHook();
    const created = await stack.app.inject({ method: 'POST', url: `/v2/tenants/${signed.tenant.id}/webhook-secret`, headers: { 'x-api-key': await freshKey() } });
    const secret = created.json<{ secret: string }>().secret;
    const sender = newIp();
    const body = '{"n":2}';
    for (let i = 0; i < BUDGET; i++) {
      const unsigned = await webhook(signed.path, sender, {}, body);
      expect(unsigned.json()).toMatchObject({ statusCode: 401, code: ERRORS.WEBHOOK_SIGNATURE_INVALID.code });
    }
    const when = new Date();
    const good = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(Math.floor(when.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign('msg_1', when, body) };
    expectRefused(await webhook(signed.path, sender, good, body), 'webhook_failures');
    // Refused for every webhook URL, not only the one it failed on.
    expectRefused(await webhook(path, sender), 'webhook_failures');
    expect(await triggerCount(signed.tenant.id)).toBe(0);
  });
});
