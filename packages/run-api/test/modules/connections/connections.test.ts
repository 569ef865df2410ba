import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Connection } from '@pan/contract';
import { startTestStack, type TestStack } from '../../support/index.ts';
import { call, endUserToken, install, logLines, runNow, scriptIntegration } from '../runs/run-support.ts';

/** End-user connections without a provider: API-key forms, status, isolation, and OAuth refusals. */
let stack: TestStack;
let users = 0;
const user = (xti?: Record<string, unknown>) => endUserToken(stack, `conn-user-${(users += 1)}`, xti as never);

const host = (method: 'PUT' | 'GET', url: string, payload?: unknown) =>
  stack.app.inject({ method, url, headers: { 'x-api-key': stack.apiKey }, ...(payload ? { payload: payload as object } : {}) });

beforeAll(async () => {
  stack = await startTestStack({ clusterUrl: inject('pgClusterUrl'), seedCatalog: true, runEngine: true, config: { corsOrigins: ['https://app.example.com'] } });
  expect(
    (
      await host('PUT', '/v2/connectors/acme-billing', {
        type: 'api_key',
        display_name: 'Acme Billing',
        fields: [
          { name: 'api_key', label: 'API key', help: 'Settings → API' },
          { name: 'account_id', label: 'Account ID', secret: false },
        ],
      })
    ).statusCode,
  ).toBe(200);
  expect(
    (
      await host('PUT', '/v2/connectors/acme-crm', {
        type: 'oauth2',
        display_name: 'Acme CRM',
        authorization_endpoint: 'https://crm.acme.test/authorize',
        token_endpoint: 'https://crm.acme.test/token',
        client_id: 'pan',
        client_secret: 'client-secret-value',
        scopes: ['contacts:read', 'offline_access'],
        extra_params: { prompt: 'consent' },
      })
    ).statusCode,
  ).toBe(200);
});

afterAll(async () => {
  await stack?.stop();
});

describe('API-key connections', () => {
  it('names each missing or unknown field, then stores the values sealed and reports only their names', async () => {
    const jwt = await user();
    const missing = await call(stack, 'PUT', '/marketplace/connections/acme-billing', jwt, { fields: { api_key: ' ', colour: 'x' } });
    expect(missing.statusCode).toBe(422);
    expect(missing.json().errors).toEqual([
      { field: 'api_key', message: 'API key is required' },
      { field: 'account_id', message: 'Account ID is required' },
      { field: 'colour', message: 'Acme Billing has no field "colour"' },
    ]);
    const saved = await call(stack, 'PUT', '/marketplace/connections/acme-billing', jwt, { fields: { api_key: 'sk-live-123', account_id: 'A-1' } });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json<Connection>()).toMatchObject({ connector: 'acme-billing', status: 'connected', stored_fields: ['account_id', 'api_key'] });
    expect(saved.body).not.toContain('sk-live-123');
    const { rows } = await stack.db.query<{ secrets_sealed: Buffer }>('SELECT secrets_sealed FROM connections');
    for (const row of rows) expect(row.secrets_sealed.includes(Buffer.from('sk-live-123'))).toBe(false);

    const list = await call(stack, 'GET', '/marketplace/connections', jwt);
    expect(list.json<{ connections: Connection[] }>().connections.map((c) => [c.connector, c.status])).toEqual([
      ['acme-billing', 'connected'],
      ['acme-crm', 'not_connected'],
    ]);
    // Another user sees nothing of it.
    const other = await call(stack, 'GET', '/marketplace/connections/acme-billing', await user());
    expect(other.json<Connection>().status).toBe('not_connected');

    expect((await call(stack, 'DELETE', '/marketplace/connections/acme-billing', jwt)).statusCode).toBe(204);
    expect((await call(stack, 'GET', '/marketplace/connections/acme-billing', jwt)).json<Connection>().status).toBe('not_connected');
  });

  it('hands the values to runs as PAN_SEC_<CONNECTOR>_<FIELD>, hyphens kept', async () => {
    const slug = await scriptIntegration(stack, 'billing-reader', {
      'PANDIUM.yaml': 'version: 1.0\nrun: node read.mjs\nconnectors: [acme-billing]\n',
      'read.mjs': `console.error('key ends with ' + process.env['PAN_SEC_ACME-BILLING_API_KEY'].slice(-3));
console.error('account ' + process.env['PAN_SEC_ACME-BILLING_ACCOUNT_ID']);
console.log('{}');`,
    });
    const jwt = await user();
    await call(stack, 'PUT', '/marketplace/connections/acme-billing', jwt, { fields: { api_key: 'sk-test-xyz', account_id: 'A-9' } });
    const tenant = await install(stack, jwt, slug);
    const run = await runNow(stack, jwt, tenant.id);
    expect(run.status).toBe('Succeeded');
    expect(await logLines(stack, run.id)).toEqual(['key ends with xyz', 'account A-9']);
  });

  it('keeps the hyphenated names for a run command that needs a shell', async () => {
    const slug = await scriptIntegration(stack, 'billing-reader-shell', {
      'PANDIUM.yaml': 'version: 1.0\nrun: cd . && node read.mjs | cat\nconnectors: [acme-billing]\n',
      'read.mjs': `console.error('account ' + process.env['PAN_SEC_ACME-BILLING_ACCOUNT_ID']);
console.log('{}');`,
    });
    const jwt = await user();
    await call(stack, 'PUT', '/marketplace/connections/acme-billing', jwt, { fields: { api_key: 'sk-test-xyz', account_id: 'A-10' } });
    const run = await runNow(stack, jwt, (await install(stack, jwt, slug)).id);
    expect(run.status).toBe('Succeeded');
    expect(await logLines(stack, run.id)).toEqual(['account A-10']);
  });

  it('refuses unknown connectors (404) and the form for an OAuth2 connector (422)', async () => {
    const jwt = await user();
    expect((await call(stack, 'GET', '/marketplace/connections/nope', jwt)).statusCode).toBe(404);
    expect((await call(stack, 'PUT', '/marketplace/connections/nope', jwt, { fields: {} })).statusCode).toBe(404);
    const oauth = await call(stack, 'PUT', '/marketplace/connections/acme-crm', jwt, { fields: { token: 'x' } });
    expect(oauth.statusCode).toBe(422);
    expect(oauth.json().code).toBe('PAN_ERR_CONNECTOR_OAUTH');
  });
});

describe('OAuth2 start and callback', () => {
  it('builds the authorization URL with PKCE S256 and a 256-bit state, and binds the state to the user', async () => {
    const jwt = await user();
    const started = await call(stack, 'POST', '/marketplace/connections/acme-crm/oauth', jwt, { return_origin: 'https://app.example.com' });
    expect(started.statusCode, started.body).toBe(200);
    const url = new URL(started.json<{ authorization_url: string }>().authorization_url);
    expect(url.origin + url.pathname).toBe('https://crm.acme.test/authorize');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'pan',
      redirect_uri: `${stack.config.publicUrl}/oauth/callback`,
      code_challenge_method: 'S256',
      scope: 'contacts:read offline_access',
      prompt: 'consent',
    });
    expect(Buffer.from(url.searchParams.get('state')!, 'base64url').length).toBeGreaterThanOrEqual(16);
    expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    const { rows } = await stack.db.query<{ state_hash: Buffer; expires_in: number; code_verifier_sealed: Buffer }>(
      "SELECT state_hash, extract(epoch FROM expires_at - created_at)::int AS expires_in, code_verifier_sealed FROM oauth_states ORDER BY created_at DESC LIMIT 1",
    );
    expect(rows[0]!.expires_in).toBe(600);
    // Only a hash of the state is stored.
    expect(rows[0]!.state_hash.toString('base64url')).not.toBe(url.searchParams.get('state'));
  });

  it('posts the result only to an allowed origin, and a return URL must be on it', async () => {
    const jwt = await user();
    for (const body of [
      { return_origin: '*' },
      { return_origin: 'https://evil.example.com' },
      { return_origin: 'https://app.example.com/path' },
      { return_origin: 'https://app.example.com', return_url: 'https://evil.example.com/x' },
    ]) {
      const refused = await call(stack, 'POST', '/marketplace/connections/acme-crm/oauth', jwt, body);
      expect(refused.statusCode, JSON.stringify(body)).toBe(422);
      expect(refused.json().code).toBe('PAN_ERR_OAUTH_RETURN_ORIGIN');
    }
  });

  it('answers an unknown, replayed or expired state with a page that says so, and saves nothing', async () => {
    const unknown = await stack.app.inject({ method: 'GET', url: '/oauth/callback?code=abc&state=not-a-state' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.headers['content-security-policy']).toMatch(/script-src 'nonce-[^']+'/);
    expect(unknown.body).toContain('already used or has expired');
    expect(unknown.body).not.toContain("postMessage(message, '*')");

    const jwt = await user();
    const started = await call(stack, 'POST', '/marketplace/connections/acme-crm/oauth', jwt, { return_origin: 'https://app.example.com' });
    const state = new URL(started.json<{ authorization_url: string }>().authorization_url).searchParams.get('state')!;
    await stack.db.query("UPDATE oauth_states SET expires_at = now() - interval '1 second'");
    const expired = await stack.app.inject({ method: 'GET', url: `/oauth/callback?code=abc&state=${state}` });
    expect(expired.statusCode).toBe(400);
    expect((await stack.db.query('SELECT 1 FROM connections c JOIN connectors k ON k.id = c.connector_id WHERE k.name = $1', ['acme-crm'])).rows).toHaveLength(0);
  });

  it('reports a denial at the provider to the exact origin that started it, and uses the state up', async () => {
    const jwt = await user();
    const started = await call(stack, 'POST', '/marketplace/connections/acme-crm/oauth', jwt, {
      return_origin: 'https://app.example.com',
      return_url: 'https://app.example.com/integrations?tab=1',
    });
    const state = new URL(started.json<{ authorization_url: string }>().authorization_url).searchParams.get('state')!;
    const denied = await stack.app.inject({ method: 'GET', url: `/oauth/callback?error=access_denied&state=${state}` });
    expect(denied.statusCode).toBe(400);
    expect(denied.body).toContain('"https://app.example.com"');
    expect(denied.body).toContain('Access was denied at Acme CRM');
    expect(denied.body).toContain('pan_oauth=error');
    const again = await stack.app.inject({ method: 'GET', url: `/oauth/callback?error=access_denied&state=${state}` });
    expect(again.body).toContain('already used or has expired');
  });
});

describe('auth-only mode', () => {
  it('lists the token\'s integrations with their connections, and installs with the preset settings once connected', async () => {
    const slug = await scriptIntegration(stack, 'billing-sync', {
      'PANDIUM.yaml': `version: 1.0
run: node sync.mjs
connectors: [acme-billing]
configs:
  schema:
    type: object
    properties:
      plan: { type: string, enum: [basic, pro] }
  uischema:
    type: VerticalLayout
    elements:
      - { type: Control, label: Plan, scope: '#/properties/plan' }
`,
      'sync.mjs': 'console.log("{}")',
    });
    const jwt = await user({ auth_only: { integrations: [{ slug, configs: { plan: 'pro' } }] } });
    const view = await call(stack, 'GET', '/marketplace/auth-only', jwt);
    expect(view.statusCode, view.body).toBe(200);
    expect(view.json().integrations).toEqual([
      expect.objectContaining({ integration: expect.objectContaining({ slug }), tenant: null, connections: [expect.objectContaining({ connector: 'acme-billing', status: 'not_connected' })] }),
    ]);
    const early = await call(stack, 'POST', `/marketplace/auth-only/${slug}/install`, jwt);
    expect(early.statusCode).toBe(422);
    expect(early.json().code).toBe('PAN_ERR_CONNECTION_MISSING');

    await call(stack, 'PUT', '/marketplace/connections/acme-billing', jwt, { fields: { api_key: 'k', account_id: 'a' } });
    const installed = await call(stack, 'POST', `/marketplace/auth-only/${slug}/install`, jwt);
    expect(installed.statusCode, installed.body).toBe(201);
    expect(installed.json().configs).toEqual({ plan: 'pro' });
    expect((await call(stack, 'GET', '/marketplace/auth-only', jwt)).json().integrations[0].tenant).toMatchObject({ status: 'active' });
    // An integration the token does not name cannot be installed this way.
    expect((await call(stack, 'POST', '/marketplace/auth-only/hubspot-contacts/install', jwt)).statusCode).toBe(404);
  });
});
