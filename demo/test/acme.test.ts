import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acmeConnectors, startAcme, type Acme } from '../src/acme/index.ts';
import { ACME_CLIENT_ID } from '../src/acme/provider.ts';

/**
 * The demo's Acme CRM: the OAuth2 provider (login and consent pages of its own) and the Acme API,
 * driven the way the run API drives them: authorization code + PKCE (S256), client_secret_basic,
 * offline_access for a refresh token, then refreshes.
 */

const CALLBACK = 'http://127.0.0.1:3999/oauth/callback';
const insecure = { [oauth.allowInsecureRequests]: true };

let acme: Acme;
let as: oauth.AuthorizationServer;
const client: oauth.Client = { client_id: ACME_CLIENT_ID };

beforeAll(async () => {
  acme = await startAcme({ providerPort: 0, apiPort: 0, redirectUris: [CALLBACK], secret: 'a-test-secret-of-the-demo-data-dir' });
  const issuer = new URL(acme.provider.issuer);
  as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }));
});

afterAll(async () => {
  await acme?.close();
});

/** A browser: a cookie jar, redirects followed by hand (stopping at the client's redirect URI). */
class Browser {
  private readonly cookies = new Map<string, string>();

  async request(url: string | URL, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (init.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(url, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      headers,
      body: init.form ? new URLSearchParams(init.form) : undefined,
      redirect: 'manual',
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const [name, value] = [pair!.slice(0, pair!.indexOf('=')).trim(), pair!.slice(pair!.indexOf('=') + 1).trim()];
      const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  /** Follows redirects on the provider; returns the last page, or the URL it sent the browser to outside it. */
  async go(url: string | URL, init: { form?: Record<string, string> } = {}): Promise<{ page?: Response; html?: string; url: URL; left?: URL }> {
    let response = await this.request(url, init);
    let current = new URL(url);
    while ([302, 303].includes(response.status)) {
      const next = new URL(response.headers.get('location')!, current);
      if (next.origin !== new URL(acme.provider.issuer).origin) return { url: current, left: next };
      current = next;
      response = await this.request(next);
    }
    return { page: response, html: await response.text(), url: current };
  }
}

interface Authorization {
  url: URL;
  state: string;
  verifier: string;
}

async function authorizationRequest(scope: string, overrides: Record<string, string | null> = {}): Promise<Authorization> {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const url = new URL(as.authorization_endpoint!);
  const params: Record<string, string | null> = {
    response_type: 'code',
    client_id: ACME_CLIENT_ID,
    redirect_uri: CALLBACK,
    scope,
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    // OpenID Connect honours offline_access only with prompt=consent (the connector's extra_params).
    ...(scope.split(' ').includes('offline_access') ? { prompt: 'consent' } : {}),
    ...overrides,
  };
  for (const [key, value] of Object.entries(params)) if (value !== null) url.searchParams.set(key, value);
  return { url, state, verifier };
}

/** Signs in on the login page, then answers the consent page if there is one; returns the callback URL. */
async function signIn(browser: Browser, request: Authorization, email: string, decision: 'allow' | 'deny' = 'allow'): Promise<URL> {
  const login = await browser.go(request.url);
  expect(login.page?.status).toBe(200);
  expect(login.url.pathname).toMatch(/^\/interaction\/[\w-]+$/);
  expect(login.html).toContain('Sign in to continue to Integration marketplace (demo)');
  const afterLogin = await browser.go(`${login.url.href}/login`, { form: { email, password: 'acme' } });
  if (afterLogin.left) return afterLogin.left;
  expect(afterLogin.html).toContain('would like to');
  const done = await browser.go(`${afterLogin.url.href}/${decision === 'allow' ? 'confirm' : 'abort'}`, { form: {} });
  expect(done.left, done.html).toBeDefined();
  return done.left!;
}

async function exchange(request: Authorization, callback: URL, redirectUri = CALLBACK): Promise<oauth.TokenEndpointResponse> {
  const params = oauth.validateAuthResponse(as, client, callback, request.state);
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    oauth.ClientSecretBasic(acme.clientSecret),
    params,
    redirectUri,
    request.verifier,
    insecure,
  );
  return oauth.processAuthorizationCodeResponse(as, client, response, { requireIdToken: false });
}

const api = (path: string, init: { token?: string; method?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
  fetch(new URL(path, acme.api.url), {
    method: init.method ?? 'GET',
    headers: {
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.body ? { 'content-type': 'application/json' } : {}),
      ...init.headers,
    },
    body: init.body ? JSON.stringify(init.body) : undefined,
  });

describe('Acme CRM provider and API', () => {
  it('advertises what the run API relies on in its discovery document', () => {
    expect(as.issuer).toBe(acme.provider.issuer);
    expect(as.code_challenge_methods_supported).toEqual(['S256']);
    expect(as.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['client_secret_basic', 'client_secret_post']));
    expect(as.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token']));
    expect(as.scopes_supported).toEqual(expect.arrayContaining(['openid', 'offline_access']));
    expect(as.introspection_endpoint).toBe(acme.provider.introspectionEndpoint);
  });

  it('serves its login page without any script, under a strict CSP, and refuses a wrong password', async () => {
    const browser = new Browser();
    const login = await browser.go((await authorizationRequest('openid contacts:read')).url);
    const csp = login.page!.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain('form-action \'self\' http://127.0.0.1:3999');
    expect(csp).not.toContain('unsafe');
    expect(login.html).not.toMatch(/<script|style=/);
    expect(login.html).toContain('ada@acme.test');
    const css = await fetch(new URL('/assets/acme.css', acme.provider.issuer));
    expect(css.headers.get('content-type')).toContain('text/css');

    const wrong = await browser.go(`${login.url.href}/login`, { form: { email: 'ada@acme.test', password: 'nope' } });
    expect(wrong.page!.status).toBe(401);
    expect(wrong.html).toContain('Wrong email or password.');
  });

  it('runs the authorization code flow with PKCE, calls the API with the token, refreshes, and refuses a reused code', async () => {
    const browser = new Browser();
    const request = await authorizationRequest('openid offline_access contacts:read');
    const callback = await signIn(browser, request, 'ada@acme.test');
    expect(callback.origin + callback.pathname).toBe(CALLBACK);
    expect(callback.searchParams.get('iss')).toBe(acme.provider.issuer);

    const tokens = await exchange(request, callback);
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(tokens.expires_in).toBeGreaterThan(0);
    expect(tokens.expires_in).toBeLessThanOrEqual(600);
    expect(tokens.scope?.split(' ')).toContain('contacts:read');

    const me = await api('/me', { token: tokens.access_token });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ id: 'ada', email: 'ada@acme.test', name: 'Ada Lovelace', scopes: ['contacts:read'] });
    const contacts = await api('/contacts', { token: tokens.access_token });
    expect(contacts.status).toBe(200);
    const list = (await contacts.json()) as { contacts: { name: string }[] };
    expect(list.contacts.map((c) => c.name)).toContain('Charles Babbage');
    // contacts:write was not granted.
    const write = await api('/contacts', { token: tokens.access_token, method: 'POST', body: { name: 'Nope', email: 'nope@x.test' } });
    expect(write.status).toBe(403);
    expect(await write.json()).toMatchObject({ error: 'insufficient_scope' });

    // Refresh (client_secret_post this time: both are accepted).
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, oauth.ClientSecretPost(acme.clientSecret), tokens.refresh_token!, insecure),
    );
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(refreshed.scope?.split(' ')).toContain('contacts:read');
    expect((await api('/contacts', { token: refreshed.access_token })).status).toBe(200);

    // The code again: refused, and everything issued from it is revoked.
    await expect(exchange(request, callback)).rejects.toMatchObject({ error: 'invalid_grant' });
    const revoked = await api('/contacts', { token: refreshed.access_token });
    expect(revoked.status).toBe(401);
    expect(await revoked.json()).toMatchObject({ error: 'invalid_token' });
    await expect(
      oauth
        .refreshTokenGrantRequest(as, client, oauth.ClientSecretBasic(acme.clientSecret), refreshed.refresh_token ?? tokens.refresh_token!, insecure)
        .then((r) => oauth.processRefreshTokenResponse(as, client, r)),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('gives no refresh token without offline_access and prompt=consent; contacts:write lets Grace create a contact', async () => {
    const browser = new Browser();
    const request = await authorizationRequest('openid contacts:read contacts:write');
    const tokens = await exchange(request, await signIn(browser, request, 'grace@acme.test'));
    expect(tokens.refresh_token).toBeUndefined();
    const noPrompt = await authorizationRequest('openid offline_access contacts:read', { prompt: null });
    expect((await exchange(noPrompt, await signIn(browser, noPrompt, 'grace@acme.test'))).refresh_token).toBeUndefined();
    const created = await api('/contacts', { token: tokens.access_token, method: 'POST', body: { name: 'Betty Holberton', email: 'betty@eniac.test' } });
    expect(created.status).toBe(201);
    const list = (await (await api('/contacts', { token: tokens.access_token })).json()) as { contacts: { name: string }[] };
    expect(list.contacts.map((c) => c.name)).toEqual(['Howard Aiken', 'Jean Sammet', 'Betty Holberton']);
    const invalid = await api('/contacts', { token: tokens.access_token, method: 'POST', body: { name: '' } });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('asks for the account at every authorization, and for consent only for what was not granted yet', async () => {
    const browser = new Browser();
    const first = await authorizationRequest('openid offline_access contacts:read');
    await exchange(first, await signIn(browser, first, 'ada@acme.test'));
    const second = await authorizationRequest('openid contacts:read');
    const login = await browser.go(second.url);
    expect(login.html).toContain('Sign in to continue');
    const back = await browser.go(`${login.url.href}/login`, { form: { email: 'ada@acme.test', password: 'acme' } });
    expect(back.left?.searchParams.get('code')).toEqual(expect.any(String));
    expect((await exchange(second, back.left!)).access_token).toEqual(expect.any(String));
  });

  it('refuses a redirect_uri that is not registered, at the authorization and at the token endpoint', async () => {
    const browser = new Browser();
    const evil = await authorizationRequest('openid contacts:read', { redirect_uri: 'http://127.0.0.1:3999/evil' });
    const response = await browser.request(evil.url);
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('redirect_uri');

    const request = await authorizationRequest('openid contacts:read');
    const callback = await signIn(browser, request, 'ada@acme.test');
    await expect(exchange(request, callback, 'http://127.0.0.1:3999/other')).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('requires PKCE, and reports a denial to the client', async () => {
    const browser = new Browser();
    const noPkce = await authorizationRequest('openid contacts:read', { code_challenge: null, code_challenge_method: null });
    const refused = await browser.go(noPkce.url);
    expect(refused.left?.searchParams.get('error')).toBe('invalid_request');
    expect(refused.left?.searchParams.get('error_description')).toMatch(/PKCE/);

    const request = await authorizationRequest('openid offline_access contacts:read');
    const denied = await signIn(browser, request, 'grace@acme.test', 'deny');
    expect(denied.searchParams.get('error')).toBe('access_denied');
    expect(denied.searchParams.get('state')).toBe(request.state);
  });

  it('answers 401 with a JSON error without a valid token', async () => {
    const none = await api('/contacts');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expect(await none.json()).toMatchObject({ error: 'invalid_request', message: expect.stringContaining('Authorization: Bearer') });
    const bogus = await api('/me', { token: 'not-a-token' });
    expect(bogus.status).toBe(401);
    expect(await bogus.json()).toMatchObject({ error: 'invalid_token' });
  });

  it('serves Acme Billing invoices for a valid API key of that account only', async () => {
    const [ada, grace] = acme.billing;
    expect(ada!.api_key).toMatch(/^acme-demo-key-[\w-]{24}$/);
    const ok = await api(`/v1/invoices?account_id=${ada!.account_id}`, { headers: { 'x-acme-key': ada!.api_key } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ account_id: 'ACME-1001', total: 3 });
    const open = await api('/v1/invoices?status=open', { headers: { 'x-acme-key': ada!.api_key } });
    expect(((await open.json()) as { total: number }).total).toBe(2);
    expect((await api('/v1/invoices', { headers: { 'x-acme-key': 'acme-demo-key-wrong' } })).status).toBe(401);
    expect((await api('/v1/invoices')).status).toBe(401);
    const mismatch = await api(`/v1/invoices?account_id=${grace!.account_id}`, { headers: { 'x-acme-key': ada!.api_key } });
    expect(mismatch.status).toBe(403);
  });

  it('describes its connectors as the run API contract expects', () => {
    const connectors = acmeConnectors(acme);
    expect(connectors['acme-crm']).toEqual({
      type: 'oauth2',
      display_name: 'Acme CRM',
      issuer: acme.provider.issuer,
      client_id: 'pan-marketplace-demo',
      client_secret: acme.clientSecret,
      scopes: ['openid', 'offline_access', 'contacts:read'],
      extra_params: { prompt: 'consent' },
    });
    expect(connectors['acme-billing']).toMatchObject({ type: 'api_key', fields: [{ name: 'api_key' }, { name: 'account_id' }] });
  });
});
