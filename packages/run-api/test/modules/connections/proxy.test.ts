import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ConnectorDefinition } from '@pan/contract';
import { findConnector, saveConnection } from '../../../src/modules/connections/store.ts';
import { LOOPBACK_EGRESS_ALLOW, seedNeedsReconnect, startTestStack, type TestStack } from '../../support/index.ts';
import { scriptIntegration } from '../runs/run-support.ts';

/**
 * The connector proxy against a real HTTP API on this machine (admitted by the test's egress
 * allow-list) that echoes what it received, with a token endpoint that counts refreshes.
 */
let stack: TestStack;
let target: Server;
let base = '';
/** Every request the target received, in order. */
const received: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }> = [];
let refreshCalls = 0;
const held: Array<() => void> = [];
const MAX_BYTES = 64 * 1024;

beforeAll(async () => {
  target = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const url = new URL(request.url!, 'http://x');
      if (url.pathname === '/token') {
        refreshCalls += 1;
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ access_token: `fresh-access-${refreshCalls}`, token_type: 'Bearer', expires_in: 3600, refresh_token: 'next-refresh' }));
        return;
      }
      received.push({ method: request.method!, url: request.url!, headers: request.headers, body });
      switch (url.pathname) {
        case '/api/v1/text':
          response.setHeader('content-type', 'text/plain');
          return response.end('plain words');
        case '/api/v1/missing':
          response.statusCode = 404;
          response.setHeader('content-type', 'application/problem+json');
          return response.end(JSON.stringify({ title: 'no such contact' }));
        case '/api/v1/moved':
          response.statusCode = 302;
          response.setHeader('location', `${base}/api/v1/elsewhere`);
          return response.end();
        case '/api/v1/big':
          response.setHeader('content-type', 'text/plain');
          // No content-length: the proxy must stop reading by itself.
          response.write('x'.repeat(MAX_BYTES));
          return response.end('more');
        case '/api/v1/slow':
          held.push(() => response.end('too late'));
          return;
        default:
          response.setHeader('content-type', 'application/json; charset=utf-8');
          return response.end(JSON.stringify({ method: request.method, url: request.url, headers: request.headers, body }));
      }
    });
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
  stack = await startTestStack({
    clusterUrl: inject('pgClusterUrl'),
    listen: false,
    config: { egressAllow: LOOPBACK_EGRESS_ALLOW, proxyTimeoutMs: 3_000, proxyMaxResponseBytes: MAX_BYTES },
  });
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const closedPort = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  const connectors: Record<string, ConnectorDefinition> = {
    crm: {
      type: 'oauth2',
      display_name: 'Acme CRM',
      authorization_endpoint: `${base}/authorize`,
      token_endpoint: `${base}/token`,
      client_id: 'pan',
      client_secret: 'client-secret',
      api_base_urls: [`${base}/api/v1`],
    },
    billing: {
      type: 'api_key',
      display_name: 'Acme Billing',
      fields: [
        { name: 'api_key', label: 'API key', header: 'X-Api-Key' },
        { name: 'sig', label: 'Signature', query_param: 'sig' },
        { name: 'account_id', label: 'Account', secret: false },
      ],
      api_base_urls: [`${base}/api/v1/`],
    },
    nobase: { type: 'api_key', display_name: 'No Base', fields: [{ name: 'api_key', label: 'API key', header: 'X-Api-Key' }] },
    gone: { type: 'api_key', display_name: 'Gone', fields: [{ name: 'api_key', label: 'API key', header: 'X-Api-Key' }], api_base_urls: [`http://127.0.0.1:${closedPort}/`] },
  };
  for (const [name, definition] of Object.entries(connectors)) {
    const defined = await host('PUT', `/v2/connectors/${name}`, definition);
    expect(defined.statusCode, defined.body).toBe(200);
  }
  await scriptIntegration(stack, 'proxy-probe', { 'PANDIUM.yaml': 'version: 1.0\nrun: node main.mjs\n', 'main.mjs': "console.log('{}')" });
});

afterAll(async () => {
  for (const release of held) release();
  await stack?.stop();
  await new Promise((resolve) => target?.close(resolve));
});

function host(method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: unknown) {
  return stack.app.inject({ method, url, headers: { 'x-api-key': stack.apiKey }, ...(payload === undefined ? {} : { payload: payload as object }) });
}

let users = 0;
/** A tenant of a new user, with that user's connections (secrets by connector; OAuth2 tokens expiring in `expiresInMs`). */
async function tenantWith(connections: Record<string, Record<string, string>>, expiresInMs = 3_600_000): Promise<{ tenantId: string; sub: string }> {
  const sub = `proxy-user-${(users += 1)}`;
  const created = await host('POST', '/v2/tenants', { integration: 'proxy-probe', user_name: sub, configs: {} });
  expect(created.statusCode, created.body).toBe(201);
  for (const [name, secrets] of Object.entries(connections)) {
    const connector = (await findConnector(stack.db, stack.accountId, name))!;
    const expiresAt = connector.type === 'oauth2' ? new Date(Date.now() + expiresInMs) : null;
    await saveConnection(stack.db, stack.box, { accountId: stack.accountId, sub, connectorId: connector.id, secrets, expiresAt });
  }
  return { tenantId: String(created.json<{ id: number }>().id), sub };
}

const oauthSecrets = { access_token: 'stored-access-token', token_type: 'Bearer', refresh_token: 'stored-refresh-token' };
const keySecrets = { api_key: 'billing-key-6f2a91', sig: 'billing-sig-0c7d55', account_id: 'acct-42' };
const callOf = (tenantId: string, connector: string, body: unknown) => host('POST', `/v2/tenants/${tenantId}/connectors/${connector}/call`, body);

describe('POST /v2/tenants/:id/connectors/:name/call', () => {
  it('sends the OAuth2 bearer token, the query parameters and headers, and answers the parsed JSON with the status', async () => {
    const { tenantId } = await tenantWith({ crm: oauthSecrets });
    const answer = await callOf(tenantId, 'crm', {
      method: 'get',
      target_url: `${base}/api/v1/contacts?page=2`,
      query_params: { q: 'ada lovelace', limit: 10, active: true },
      headers: { 'X-Trace': 'trace-1', Accept: 'application/json' },
    });
    expect(answer.statusCode, answer.body).toBe(200);
    const { data, status } = answer.json<{ data: { method: string; url: string; headers: Record<string, string> }; status: number }>();
    expect(status).toBe(200);
    expect(data.method).toBe('GET');
    const url = new URL(data.url, base);
    expect(url.pathname).toBe('/api/v1/contacts');
    expect(Object.fromEntries(url.searchParams)).toEqual({ page: '2', q: 'ada lovelace', limit: '10', active: 'true' });
    expect(data.headers).toMatchObject({ authorization: 'Bearer stored-access-token', 'x-trace': 'trace-1', accept: 'application/json' });
    expect(stack.logLines.join('\n')).not.toContain('stored-access-token');
  });

  it('refreshes an expiring token first (stored for the next calls) and sends the fresh one', async () => {
    const { tenantId, sub } = await tenantWith({ crm: oauthSecrets }, 30_000);
    const before = refreshCalls;
    const answer = await callOf(tenantId, 'crm', { method: 'GET', target_url: `${base}/api/v1/me` });
    expect(answer.statusCode, answer.body).toBe(200);
    expect(refreshCalls - before).toBe(1);
    expect(answer.json().data.headers.authorization).toBe(`Bearer fresh-access-${refreshCalls}`);
    const { rows } = await stack.db.query<{ expires_at: Date }>('SELECT expires_at FROM connections WHERE user_sub = $1', [sub]);
    expect(rows[0]!.expires_at.getTime()).toBeGreaterThan(Date.now() + 3_000_000);
    const again = await callOf(tenantId, 'crm', { method: 'GET', target_url: `${base}/api/v1/me` });
    expect(again.json().data.headers.authorization).toBe(`Bearer fresh-access-${refreshCalls}`);
    expect(refreshCalls - before).toBe(1);
  });

  it("sends the API-key fields where the connector's definition says, and no other field", async () => {
    const { tenantId } = await tenantWith({ billing: keySecrets });
    const answer = await callOf(tenantId, 'billing', { method: 'GET', target_url: `${base}/api/v1/invoices` });
    expect(answer.statusCode, answer.body).toBe(200);
    const { data } = answer.json<{ data: { url: string; headers: Record<string, string> } }>();
    expect(data.headers['x-api-key']).toBe('billing-key-6f2a91');
    expect(data.headers.authorization).toBeUndefined();
    expect(Object.fromEntries(new URL(data.url, base).searchParams)).toEqual({ sig: 'billing-sig-0c7d55' });
    expect(JSON.stringify(data)).not.toContain('acct-42');
  });

  it('passes a JSON body as JSON and a string body as it is', async () => {
    const { tenantId } = await tenantWith({ crm: oauthSecrets });
    const json = await callOf(tenantId, 'crm', { method: 'POST', target_url: `${base}/api/v1/contacts`, body: { name: 'Ada', tags: ['a'] } });
    expect(json.json().data).toMatchObject({ method: 'POST', body: '{"name":"Ada","tags":["a"]}', headers: { 'content-type': 'application/json' } });
    const text = await callOf(tenantId, 'crm', {
      method: 'PUT',
      target_url: `${base}/api/v1/notes/1`,
      headers: { 'Content-Type': 'text/csv' },
      body: 'a,b\n1,2\n',
    });
    expect(text.json().data).toMatchObject({ method: 'PUT', body: 'a,b\n1,2\n', headers: { 'content-type': 'text/csv' } });
  });

  it("answers text as text and passes the target's status (an error status too; redirects not followed)", async () => {
    const { tenantId } = await tenantWith({ crm: oauthSecrets });
    expect((await callOf(tenantId, 'crm', { method: 'GET', target_url: `${base}/api/v1/text` })).json()).toEqual({ data: 'plain words', status: 200 });
    expect((await callOf(tenantId, 'crm', { method: 'GET', target_url: `${base}/api/v1/missing` })).json()).toEqual({
      data: { title: 'no such contact' },
      status: 404,
    });
    const count = received.length;
    expect((await callOf(tenantId, 'crm', { method: 'GET', target_url: `${base}/api/v1/moved` })).json()).toEqual({ data: null, status: 302 });
    expect(received.slice(count).map((r) => r.url)).toEqual(['/api/v1/moved']);
  });

  it("refuses targets outside the connector's API base URLs without calling them", async () => {
    const { tenantId } = await tenantWith({ crm: oauthSecrets });
    const count = received.length;
    for (const outside of [
      `${base}/api/v10/contacts`,
      `${base}/api/v1/../admin`,
      `${base}/api/v1/..%2fadmin`,
      `${base}/admin`,
      `http://localhost:${new URL(base).port}/api/v1/contacts`,
      `http://user:pass@${new URL(base).host}/api/v1/contacts`,
      'https://evil.example/api/v1/contacts',
      '/api/v1/contacts',
    ]) {
      const answer = await callOf(tenantId, 'crm', { method: 'GET', target_url: outside });
      expect(answer.statusCode, outside).toBe(422);
      expect(answer.json(), outside).toMatchObject({ code: 'PAN_ERR_PROXY_TARGET_NOT_ALLOWED', errors: [{ field: 'target_url' }] });
    }
    expect(received.length).toBe(count);
  });

  it('refuses a connector that declares no API base URL', async () => {
    const { tenantId } = await tenantWith({ nobase: { api_key: 'k-123456' } });
    const answer = await callOf(tenantId, 'nobase', { method: 'GET', target_url: `${base}/api/v1/x` });
    expect(answer.statusCode).toBe(422);
    expect(answer.json().code).toBe('PAN_ERR_PROXY_NO_BASE_URL');
  });

  it('refuses headers and query parameters that would replace the credentials, and unknown methods or a GET body', async () => {
    const { tenantId } = await tenantWith({ crm: oauthSecrets, billing: keySecrets });
    const count = received.length;
    const refused = async (connector: string, body: object, code: string, field: string) => {
      const answer = await callOf(tenantId, connector, { method: 'GET', target_url: `${base}/api/v1/x`, ...body });
      expect(answer.statusCode, JSON.stringify(body)).toBe(code === 'PAN_ERR_REQUEST_INVALID' ? 400 : 422);
      expect(answer.json(), JSON.stringify(body)).toMatchObject({ code });
      if (field) expect(answer.json().errors, JSON.stringify(body)).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    };
    await refused('crm', { headers: { Authorization: 'Bearer mine' } }, 'PAN_ERR_PROXY_HEADER_NOT_ALLOWED', 'headers.Authorization');
    await refused('crm', { headers: { Host: 'evil.example' } }, 'PAN_ERR_PROXY_HEADER_NOT_ALLOWED', 'headers.Host');
    await refused('crm', { headers: { 'Transfer-Encoding': 'chunked' } }, 'PAN_ERR_PROXY_HEADER_NOT_ALLOWED', 'headers.Transfer-Encoding');
    await refused('crm', { headers: { 'Bad Name': 'x' } }, 'PAN_ERR_PROXY_HEADER_NOT_ALLOWED', 'headers.Bad Name');
    await refused('crm', { headers: { 'X-Note': 'a\r\nX-Injected: 1' } }, 'PAN_ERR_PROXY_HEADER_NOT_ALLOWED', 'headers.X-Note');
    await refused('crm', { headers: { 'X-Note': 'emoji 🙂' } }, 'PAN_ERR_PROXY_HEADER_NOT_ALLOWED', 'headers.X-Note');
    await refused('billing', { headers: { 'x-api-key': 'mine' } }, 'PAN_ERR_PROXY_HEADER_NOT_ALLOWED', 'headers.x-api-key');
    await refused('billing', { query_params: { sig: 'mine' } }, 'PAN_ERR_PROXY_HEADER_NOT_ALLOWED', 'query_params.sig');
    await refused('crm', { body: { a: 1 } }, 'PAN_ERR_PROXY_BODY_NOT_ALLOWED', 'body');
    await refused('crm', { method: 'TRACE' }, 'PAN_ERR_REQUEST_INVALID', '');
    expect(received.length).toBe(count);
  });

  it('answers 502 when the target is unreachable or answers too much, 504 when it is too slow', async () => {
    const { tenantId } = await tenantWith({ crm: oauthSecrets, gone: { api_key: 'gone-key-77a1' } });
    const unreachable = await callOf(tenantId, 'gone', { method: 'GET', target_url: `${(await connectorBase('gone'))}x` });
    expect(unreachable.statusCode, unreachable.body).toBe(502);
    expect(unreachable.json().code).toBe('PAN_ERR_PROXY_TARGET_UNREACHABLE');
    const big = await callOf(tenantId, 'crm', { method: 'GET', target_url: `${base}/api/v1/big` });
    expect(big.statusCode, big.body).toBe(502);
    expect(big.json().code).toBe('PAN_ERR_PROXY_RESPONSE_TOO_LARGE');
    const slow = await callOf(tenantId, 'crm', { method: 'GET', target_url: `${base}/api/v1/slow` });
    expect(slow.statusCode, slow.body).toBe(504);
    expect(slow.json().code).toBe('PAN_ERR_PROXY_TIMEOUT');
    for (const answer of [unreachable, big, slow]) {
      expect(answer.body).not.toMatch(/stored-access-token|gone-key-77a1/);
    }
    expect(stack.logLines.join('\n')).not.toMatch(/stored-access-token|gone-key-77a1|billing-key-6f2a91|billing-sig-0c7d55/);
  });

  it('takes null headers, query_params and body as none (generated clients send them)', async () => {
    const { tenantId } = await tenantWith({ crm: oauthSecrets });
    const answer = await callOf(tenantId, 'crm', { method: 'GET', target_url: `${base}/api/v1/me`, headers: null, query_params: null, body: null });
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.json().data).toMatchObject({ method: 'GET', url: '/api/v1/me', body: '' });
  });

  it('answers 409 when the sign-in needs reconnecting, without calling the target', async () => {
    const { tenantId, sub } = await tenantWith({});
    await seedNeedsReconnect(stack, sub, 'crm', 'The refresh was refused: invalid_grant');
    const count = received.length;
    const answer = await callOf(tenantId, 'crm', { method: 'GET', target_url: `${base}/api/v1/me` });
    expect(answer.statusCode).toBe(409);
    expect(answer.json()).toMatchObject({ code: 'PAN_ERR_CONNECTION_NEEDS_RECONNECT', message: 'The refresh was refused: invalid_grant' });
    expect(received.length).toBe(count);
  });

  it('answers 404 for an unknown tenant or connector', async () => {
    const { tenantId } = await tenantWith({ crm: oauthSecrets });
    const unknownTenant = await callOf('00000000-0000-4000-8000-000000000000', 'crm', { method: 'GET', target_url: `${base}/api/v1/x` });
    expect(unknownTenant.statusCode).toBe(404);
    const unknownConnector = await callOf(tenantId, 'nope', { method: 'GET', target_url: `${base}/api/v1/x` });
    expect(unknownConnector.statusCode).toBe(404);
  });
});

async function connectorBase(name: string): Promise<string> {
  return (await findConnector(stack.db, stack.accountId, name))!.api_base_urls[0]!;
}

describe('PATCH /v2/tenants/:id/connectors/:name/disconnect', () => {
  it('removes the stored connection: the next call is 409 not connected, a second disconnect 404', async () => {
    const { tenantId, sub } = await tenantWith({ billing: keySecrets });
    expect((await callOf(tenantId, 'billing', { method: 'GET', target_url: `${base}/api/v1/x` })).statusCode).toBe(200);
    const disconnected = await host('PATCH', `/v2/tenants/${tenantId}/connectors/billing/disconnect`);
    expect(disconnected.statusCode, disconnected.body).toBe(204);
    const { rowCount } = await stack.db.query('SELECT 1 FROM connections WHERE user_sub = $1', [sub]);
    expect(rowCount).toBe(0);
    const count = received.length;
    const after = await callOf(tenantId, 'billing', { method: 'GET', target_url: `${base}/api/v1/x` });
    expect(after.statusCode).toBe(409);
    expect(after.json().code).toBe('PAN_ERR_CONNECTION_NOT_CONNECTED');
    expect(received.length).toBe(count);
    const again = await host('PATCH', `/v2/tenants/${tenantId}/connectors/billing/disconnect`);
    expect(again.statusCode).toBe(404);
    expect(again.json().code).toBe('PAN_ERR_NOT_FOUND');
  });

  it("leaves other users' connections alone", async () => {
    const first = await tenantWith({ billing: keySecrets });
    const second = await tenantWith({ billing: keySecrets });
    expect((await host('PATCH', `/v2/tenants/${first.tenantId}/connectors/billing/disconnect`)).statusCode).toBe(204);
    expect((await callOf(second.tenantId, 'billing', { method: 'GET', target_url: `${base}/api/v1/x` })).statusCode).toBe(200);
  });
});

describe('PUT /v2/connectors/:name with api_base_urls', () => {
  it('shows them to the host and refuses base URLs with a query or that the egress policy never admits', async () => {
    const listed = await host('GET', '/v2/connectors');
    expect(listed.json().connectors.find((c: { name: string }) => c.name === 'crm').api_base_urls).toEqual([`${base}/api/v1`]);
    const withQuery = await host('PUT', '/v2/connectors/q', { type: 'api_key', display_name: 'Q', fields: [{ name: 'k', label: 'K' }], api_base_urls: [`${base}/api?x=1`] });
    expect(withQuery.statusCode).toBe(400);
    expect(withQuery.json()).toMatchObject({ code: 'PAN_ERR_REQUEST_INVALID', errors: [{ field: 'api_base_urls[0]' }] });
    const internal = await host('PUT', '/v2/connectors/q', { type: 'api_key', display_name: 'Q', fields: [{ name: 'k', label: 'K' }], api_base_urls: ['http://10.1.2.3/api'] });
    expect(internal.statusCode).toBe(422);
    expect(internal.json()).toMatchObject({ code: 'PAN_ERR_EGRESS_REFUSED', errors: [{ field: 'api_base_urls[0]' }] });
  });
});
