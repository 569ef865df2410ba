import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApiKey } from '../../src/modules/accounts/api-key.ts';
import { EndUserTokenVerifier } from '../../src/modules/accounts/end-user-token.ts';
import { upsertAccount } from '../../src/modules/accounts/store.ts';
import { authorizationServer, secretsForRun } from '../../src/modules/connections/oauth.ts';
import { callConnector } from '../../src/modules/connections/proxy.ts';
import { findConnector, saveConnection } from '../../src/modules/connections/store.ts';
import { upsertNotificationEndpoint } from '../../src/modules/notifications/store.ts';
import { EgressPolicy, type EgressResolver } from '../../src/platform/egress.ts';
import { PanError } from '../../src/platform/errors.ts';
import { createOtherAccount, seedFixtureReleases, startTestStack, type TestStack } from '../support/index.ts';
import { SSRF_FORMS } from '../support/ssrf-forms.ts';
import { startReceiver, type Receiver } from '../modules/notifications/receiver.ts';

/**
 * The egress policy through the real server: every SSRF form is refused when a host saves it
 * (422 naming the field), and names that resolve to internal addresses (a test resolver plays DNS)
 * are refused when the server calls them (notifications, OAuth discovery and refresh, JWKS),
 * without connecting and without telling the address. An allow-listed name reaches loopback.
 */

let stack: TestStack;
let receiver: Receiver;
const resolverCalls: string[] = [];
let dnsPolicy: EgressPolicy;

const answers: Record<string, string[]> = {
  'metadata.evil.test': ['169.254.169.254'],
  'internal.evil.test': ['10.0.0.1'],
  'idp.evil.test': ['fd00::1'],
  'token.evil.test': ['::ffff:10.0.0.1'],
  // A JWKS server on loopback that would verify the token if it were reached.
  'keys.evil.test': ['127.0.0.1'],
  'receiver.internal.test': ['127.0.0.1'],
};
const resolve: EgressResolver = async (hostname) => {
  resolverCalls.push(hostname);
  const list = answers[hostname];
  if (!list) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

beforeAll(async () => {
  receiver = await startReceiver(() => 200);
  // The operator admitted one internal name; the engine's policy (notifications, refreshes)
  // resolves with the test's DNS.
  dnsPolicy = new EgressPolicy({ allow: ['receiver.internal.test'], resolve });
  stack = await startTestStack({
    clusterUrl: inject('pgClusterUrl'),
    seedReleases: true,
    runEngine: { scheduler: false, egress: dnsPolicy },
    config: { notifyRetryBaseMs: 100, notifyMaxAttempts: 1, notifyTimeoutMs: 2000, notifyPollMs: 100, egressAllow: ['receiver.internal.test'] },
  });
});

afterAll(async () => {
  await stack?.stop();
  await dnsPolicy?.close();
  await receiver?.close();
});

async function host(method: 'GET' | 'PUT' | 'POST', url: string, payload: unknown, key: string) {
  return stack.app.inject({ method, url, headers: { 'x-api-key': key }, ...(payload === undefined ? {} : { payload: payload as object }) });
}

async function newAccount(): Promise<{ id: string; key: string }> {
  const other = await createOtherAccount(stack);
  await seedFixtureReleases(stack.db, other.id);
  return { id: other.id, key: await createApiKey(stack.db, other.id, 'egress') };
}

interface Attempt {
  response_status: number | null;
  error: string | null;
  response_body: string | null;
}

/** Installs for a user (a tenant.installed notification) and returns the delivery once it is final. */
async function notifyAndWait(account: { key: string }): Promise<{ status: string; attempts: Attempt[]; raw: string }> {
  const installed = await host('POST', '/v2/tenants', { integration: 'hubspot-contacts', user_name: `egress-${Math.random()}` }, account.key);
  expect(installed.statusCode, installed.body).toBe(201);
  let final: { status: string; attempts: Attempt[]; raw: string } | undefined;
  await expect
    .poll(async () => {
      const list = await host('GET', '/v2/notifications/deliveries', undefined, account.key);
      const [first] = list.json<Array<{ id: string; status: string }>>();
      if (!first || first.status === 'pending') return 'pending';
      const one = await host('GET', `/v2/notifications/deliveries/${first.id}`, undefined, account.key);
      final = { ...one.json<{ status: string; attempts: Attempt[] }>(), raw: one.body };
      return final.status;
    })
    .not.toBe('pending');
  return final!;
}

describe('configuration refuses what can never be reached (422 naming the field)', () => {
  it(`refuses each of the ${SSRF_FORMS.length} SSRF forms as a notification URL and as each connector URL`, async () => {
    const account = await newAccount();
    const accepted: string[] = [];
    let refused = 0;
    for (const form of SSRF_FORMS) {
      const put = await host('PUT', '/v2/notifications', { url: form.url }, account.key);
      if (put.statusCode === 422 && put.json().code === 'PAN_ERR_EGRESS_REFUSED' && put.json().errors[0].field === 'url') refused++;
      else accepted.push(`notification url ${form.name}: ${put.statusCode} ${put.body}`);
      for (const field of ['issuer', 'token_endpoint', 'authorization_endpoint'] as const) {
        const endpoints =
          field === 'issuer'
            ? { issuer: form.url }
            : { authorization_endpoint: 'https://crm.example.com/authorize', token_endpoint: 'https://crm.example.com/token', [field]: form.url };
        const body = { type: 'oauth2', display_name: 'Internal', client_id: 'pan', ...endpoints };
        const response = await host('PUT', '/v2/connectors/internal', body, account.key);
        const json = response.json();
        if (response.statusCode === 422 && json.code === 'PAN_ERR_EGRESS_REFUSED' && json.errors.some((e: { field: string }) => e.field === field)) refused++;
        else accepted.push(`connector ${field} ${form.name}: ${response.statusCode} ${response.body}`);
      }
    }
    expect(accepted).toEqual([]);
    expect(refused).toBe(SSRF_FORMS.length * 4);
    // Nothing was saved, and public destinations are accepted.
    expect((await host('GET', '/v2/notifications', undefined, account.key)).statusCode).toBe(404);
    expect((await host('PUT', '/v2/notifications', { url: 'https://hooks.example.com/pan' }, account.key)).statusCode).toBe(201);
    const connector = await host('PUT', '/v2/connectors/public', { type: 'oauth2', display_name: 'Public', client_id: 'pan', issuer: 'https://idp.example.com' }, account.key);
    expect(connector.statusCode, connector.body).toBe(200);
  });

  it('refuses http:// to a connector host the allow-list does not admit', async () => {
    const account = await newAccount();
    const response = await host('PUT', '/v2/connectors/plain', { type: 'oauth2', display_name: 'Plain', client_id: 'pan', issuer: 'http://idp.example.com' }, account.key);
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'PAN_ERR_EGRESS_REFUSED', errors: [{ field: 'issuer', message: expect.stringContaining('https') }] });
  });
});

describe('requests are refused when the name resolves to an internal address', () => {
  it('a notification URL whose name resolves to the metadata address: refused, not connected, the address not shown', async () => {
    const account = await newAccount();
    expect((await host('PUT', '/v2/notifications', { url: 'https://metadata.evil.test/latest/meta-data/' }, account.key)).statusCode).toBe(201);
    const delivered = await notifyAndWait(account);
    expect(delivered.status).toBe('failed');
    expect(delivered.attempts).toEqual([
      expect.objectContaining({
        response_status: null,
        response_body: null,
        error: 'metadata.evil.test is refused by the egress policy: it is not a public address (PAN_EGRESS_ALLOW admits internal hosts)',
      }),
    ]);
    expect(delivered.raw).not.toContain('169.254');
    expect(resolverCalls).toContain('metadata.evil.test');
  });

  it('a loopback URL saved before the policy (straight into the store) is refused at send time', async () => {
    const account = await newAccount();
    await upsertNotificationEndpoint(stack.db, stack.box, account.id, { url: receiver.url, events: ['tenant.installed'] });
    const before = receiver.requests.length;
    const delivered = await notifyAndWait(account);
    expect(delivered.status).toBe('failed');
    expect(delivered.attempts[0]!.error).toBe('127.0.0.1 is refused by the egress policy: it is not a public address (PAN_EGRESS_ALLOW admits internal hosts)');
    expect(receiver.requests.length).toBe(before);
  });

  it('an allow-listed name reaches the loopback receiver', async () => {
    const account = await newAccount();
    // Allow-listed, so plain http is accepted too.
    const url = receiver.url.replace('127.0.0.1', 'receiver.internal.test');
    expect((await host('PUT', '/v2/notifications', { url }, account.key)).statusCode).toBe(201);
    const before = receiver.requests.length;
    const delivered = await notifyAndWait(account);
    expect(delivered.status, delivered.raw).toBe('delivered');
    expect(receiver.requests.length).toBe(before + 1);
  });

  it('OAuth discovery and token refresh to names resolving to internal addresses are refused', async () => {
    const account = await newAccount();
    const put = (name: string, body: object) =>
      host('PUT', `/v2/connectors/${name}`, { type: 'oauth2', display_name: name, client_id: 'pan', ...body }, account.key);
    expect((await put('discovered', { issuer: 'https://idp.evil.test' })).statusCode).toBe(200);
    expect(
      (await put('refreshed', { authorization_endpoint: 'https://idp.example.com/authorize', token_endpoint: 'https://token.evil.test/token' })).statusCode,
    ).toBe(200);

    const discovered = (await findConnector(stack.db, account.id, 'discovered'))!;
    const failure = await authorizationServer(dnsPolicy, discovered).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PanError);
    expect(failure).toMatchObject({ statusCode: 502, message: expect.stringContaining('idp.evil.test is refused by the egress policy') });
    expect((failure as Error).message).not.toContain('fd00');

    const refreshed = (await findConnector(stack.db, account.id, 'refreshed'))!;
    await saveConnection(stack.db, stack.box, {
      accountId: account.id,
      sub: 'egress-refresh',
      connectorId: refreshed.id,
      secrets: { access_token: 'old', token_type: 'bearer', refresh_token: 'r' },
      expiresAt: new Date(Date.now() + 10_000),
    });
    const { rows } = await stack.db.query<{ id: string }>('SELECT id FROM connections WHERE user_sub = $1', ['egress-refresh']);
    const fresh = await secretsForRun(stack.db, stack.box, dnsPolicy, rows[0]!.id, refreshed);
    expect(fresh).toEqual({ ok: false, reason: expect.stringContaining('token.evil.test is refused by the egress policy') });
    expect(resolverCalls).toEqual(expect.arrayContaining(['idp.evil.test', 'token.evil.test']));
  });

  it("an account's JWKS URL resolving to an internal address is refused (the token is not verified)", async () => {
    const keys = await generateKeyPair('RS256');
    let jwksHits = 0;
    const jwks = http.createServer((_req, res) => {
      jwksHits++;
      void exportJWK(keys.publicKey).then((jwk) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [{ ...jwk, kid: 'k1', alg: 'RS256' }] })));
    });
    await new Promise<void>((done) => jwks.listen(0, '127.0.0.1', done));
    const port = (jwks.address() as AddressInfo).port;
    const issuer = `jwks-evil-${Math.random()}`;
    await upsertAccount(stack.db, stack.box, {
      slug: `jwks-evil-${Date.now()}`,
      name: 'JWKS',
      jwtIssuer: issuer,
      jwtAudience: 'pan-marketplace',
      jwtAlgorithms: ['RS256'],
      jwksUrl: `http://keys.evil.test:${port}/jwks.json`,
    });
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(issuer)
      .setAudience('pan-marketplace')
      .setSubject('u')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(keys.privateKey);
    try {
      const verifier = new EndUserTokenVerifier(stack.db, stack.box, dnsPolicy);
      await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'PAN_ERR_AUTH_KEYS_UNAVAILABLE' });
      expect(resolverCalls).toContain('keys.evil.test');
      expect(jwksHits).toBe(0);
      // The same key set through a policy that admits the name verifies the token: the refusal was the policy's.
      const admitting = new EgressPolicy({ allow: ['keys.evil.test'], resolve });
      await expect(new EndUserTokenVerifier(stack.db, stack.box, admitting).verify(token)).resolves.toMatchObject({ sub: 'u' });
      expect(jwksHits).toBe(1);
      await admitting.close();
    } finally {
      jwks.closeAllConnections();
      await new Promise((done) => jwks.close(done));
    }
  });
});

describe('the connector proxy', () => {
  it('refuses each SSRF form as an API base URL when the connector is saved', async () => {
    const account = await newAccount();
    const accepted: string[] = [];
    for (const form of SSRF_FORMS) {
      const body = { type: 'api_key', display_name: 'Internal', fields: [{ name: 'k', label: 'K', header: 'X-Key' }], api_base_urls: [form.url] };
      const response = await host('PUT', '/v2/connectors/internal-api', body, account.key);
      const json = response.json();
      const refused = response.statusCode === 422 && json.code === 'PAN_ERR_EGRESS_REFUSED' && json.errors[0].field === 'api_base_urls[0]';
      // A base URL with user info or a query is refused for its shape first (400).
      const misshapen = response.statusCode === 400 && json.code === 'PAN_ERR_REQUEST_INVALID';
      if (!refused && !misshapen) accepted.push(`${form.name}: ${response.statusCode} ${response.body}`);
    }
    expect(accepted).toEqual([]);
    expect((await findConnector(stack.db, account.id, 'internal-api'))).toBeNull();
  });

  it('answers 502 for a target whose name resolves to an internal address, without connecting or telling the address', async () => {
    const account = await newAccount();
    const saved = await host(
      'PUT',
      '/v2/connectors/resolves-inside',
      { type: 'api_key', display_name: 'Inside', fields: [{ name: 'k', label: 'K', header: 'X-Key' }], api_base_urls: ['https://internal.evil.test/api'] },
      account.key,
    );
    expect(saved.statusCode, saved.body).toBe(200);
    const connector = (await findConnector(stack.db, account.id, 'resolves-inside'))!;
    const calls = resolverCalls.length;
    const failure = await callConnector(
      { db: stack.db, box: stack.box, egress: dnsPolicy, limits: { timeoutMs: 10_000, maxResponseBytes: 1024 } },
      account.id,
      'egress-proxy',
      connector,
      { method: 'GET', target_url: 'https://internal.evil.test/api/contacts' },
    ).catch((error: unknown) => error);
    // Not connected yet: refused before any request.
    expect(failure).toMatchObject({ code: 'PAN_ERR_CONNECTION_NOT_CONNECTED' });
    await saveConnection(stack.db, stack.box, { accountId: account.id, sub: 'egress-proxy', connectorId: connector.id, secrets: { k: 'inside-key' }, expiresAt: null });
    const refused = await callConnector(
      { db: stack.db, box: stack.box, egress: dnsPolicy, limits: { timeoutMs: 10_000, maxResponseBytes: 1024 } },
      account.id,
      'egress-proxy',
      connector,
      { method: 'GET', target_url: 'https://internal.evil.test/api/contacts' },
    ).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PanError);
    expect(refused).toMatchObject({ statusCode: 502, code: 'PAN_ERR_PROXY_TARGET_UNREACHABLE', message: expect.stringContaining('internal.evil.test is refused by the egress policy') });
    expect((refused as Error).message).not.toMatch(/10\.0\.0\.1|inside-key/);
    expect(resolverCalls.slice(calls)).toContain('internal.evil.test');
  });
});
