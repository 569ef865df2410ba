import { createServer, type Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Connection } from '@pan/contract';
import { readConfig } from '../../src/platform/config.ts';
import { LOOPBACK_EGRESS_ALLOW, startTestStack, type TestStack } from '../support/index.ts';
import { call, endUserToken, install, runNow, scriptIntegration } from '../modules/runs/run-support.ts';

/**
 * The edge every request crosses: one credential per request, tokens never in a URL (a provider's
 * OAuth code aside), and security headers on every answer, whatever its type or status.
 */
let stack: TestStack;
let provider: Server;
/** A code shaped like a JWT, as some providers issue them. */
const JWT_LIKE_CODE = `eyJhbGciOiJIUzI1NiJ9.${Buffer.from('{"grant":"one-time"}').toString('base64url')}.c2lnbmF0dXJl`;
let codesExchanged: string[] = [];

beforeAll(async () => {
  // A provider whose token endpoint accepts only the JWT-like code.
  provider = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const code = new URLSearchParams(body).get('code') ?? '';
      codesExchanged.push(code);
      response.setHeader('content-type', 'application/json');
      if (code !== JWT_LIKE_CODE) {
        response.statusCode = 400;
        response.end(JSON.stringify({ error: 'invalid_grant' }));
        return;
      }
      response.end(JSON.stringify({ access_token: 'provider-access', token_type: 'Bearer', expires_in: 3600 }));
    });
  });
  await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
  stack = await startTestStack({ clusterUrl: inject('pgClusterUrl'), seedCatalog: true, runEngine: true, config: { corsOrigins: ['https://app.example.com'], egressAllow: LOOPBACK_EGRESS_ALLOW } });
  const defined = await stack.app.inject({
    method: 'PUT',
    url: '/v2/connectors/jwt-codes',
    headers: { 'x-api-key': stack.apiKey },
    payload: { type: 'oauth2', display_name: 'JWT codes', authorization_endpoint: `${base}/authorize`, token_endpoint: `${base}/token`, client_id: 'pan' },
  });
  expect(defined.statusCode, defined.body).toBe(200);
});

afterAll(async () => {
  await stack?.stop();
  await new Promise((resolve) => provider?.close(resolve));
});

/** A request written byte by byte on a socket (not `inject`), so repeated header lines reach Node's parser as sent. */
function rawRequest(path: string, headers: Array<[string, string]>): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(stack.apiBase);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => {
      const lines = [`GET ${path} HTTP/1.1`, `Host: ${hostname}:${port}`, 'Connection: close', ...headers.map(([name, value]) => `${name}: ${value}`)];
      // Written, not ended: the server closes after answering (Connection: close).
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
    let raw = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => (raw += chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1]);
      const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
      const body = raw.slice(head.length + 4);
      // Fastify's JSON answers have a Content-Length; a chunked one is not expected here.
      if (/transfer-encoding: chunked/i.test(head)) reject(new Error('unexpected chunked answer'));
      resolve({ status, body });
    });
  });
}

describe('one credential per request', () => {
  it('answers two Authorization headers with 400 naming the header, even when the first is valid', async () => {
    const jwt = await endUserToken(stack, 'dup-user');
    const single = await rawRequest('/marketplace/catalog', [['authorization', `Bearer ${jwt}`]]);
    expect(single.status).toBe(200);
    for (const pair of [
      [`Bearer ${jwt}`, 'Bearer not-a-token'],
      ['Bearer not-a-token', `Bearer ${jwt}`],
      [`Bearer ${jwt}`, `Bearer ${jwt}`],
    ]) {
      const answer = await rawRequest('/marketplace/catalog', pair.map((value) => ['Authorization', value] as [string, string]));
      expect(answer.status, answer.body).toBe(400);
      expect(JSON.parse(answer.body)).toMatchObject({ code: 'PAN_ERR_REQUEST_DUPLICATE_HEADER', header: 'authorization' });
    }
  });

  it('answers two X-API-KEY headers with 400, whatever their case', async () => {
    expect((await rawRequest('/v2/integrations', [['x-api-key', stack.apiKey]])).status).toBe(200);
    const answer = await rawRequest('/v2/integrations', [['X-API-KEY', stack.apiKey], ['x-api-key', 'pan_wrong']]);
    expect(answer.status, answer.body).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'PAN_ERR_REQUEST_DUPLICATE_HEADER', header: 'x-api-key' });
  });
});

describe('tokens in the URL', () => {
  it('lets a provider\'s JWT-like code through the OAuth callback, and the sign-in completes', async () => {
    const jwt = await endUserToken(stack, 'jwt-code-user');
    const started = await call(stack, 'POST', '/marketplace/connections/jwt-codes/oauth', jwt, { return_origin: 'https://app.example.com' });
    expect(started.statusCode, started.body).toBe(200);
    const state = new URL(started.json<{ authorization_url: string }>().authorization_url).searchParams.get('state')!;
    codesExchanged = [];
    const callback = await stack.app.inject({ method: 'GET', url: `/oauth/callback?code=${JWT_LIKE_CODE}&state=${state}` });
    expect(callback.statusCode, callback.body).toBe(200);
    expect(codesExchanged).toEqual([JWT_LIKE_CODE]);
    const connection = (await call(stack, 'GET', '/marketplace/connections/jwt-codes', jwt)).json<Connection>();
    expect(connection.status).toBe('connected');
  });

  it('still refuses a token elsewhere in the callback\'s URL, and a JWT-like `code` on any other route', async () => {
    for (const url of [
      `/oauth/callback?code=abc&state=s&access_token=x`,
      `/oauth/callback?code=abc&state=${JWT_LIKE_CODE}`,
      `/oauth/callback?code=abc&state=s&extra=${JWT_LIKE_CODE}`,
      `/oauth/callback/?code=${JWT_LIKE_CODE}&state=s`,
      `/marketplace/catalog?code=${JWT_LIKE_CODE}`,
    ]) {
      const answer = await stack.app.inject({ method: 'GET', url });
      expect(answer.json().code, url).toBe('PAN_ERR_AUTH_TOKEN_IN_URL');
    }
  });
});

describe('security headers', () => {
  const expectBaseline = (headers: Record<string, unknown>, what: string) => {
    expect(headers['x-content-type-options'], what).toBe('nosniff');
    expect(headers['referrer-policy'], what).toBe('no-referrer');
    expect(headers['x-frame-options'], what).toBe('DENY');
    expect(headers['content-security-policy'], what).toContain("frame-ancestors 'none'");
    // Cross-origin reads by the elements must keep working.
    expect(headers['cross-origin-resource-policy'], what).toBe('cross-origin');
    expect(headers['cross-origin-opener-policy'], what).toBeUndefined();
    expect(headers['strict-transport-security'], what).toBeUndefined();
  };

  it('are on JSON answers, errors, the log download and the log stream', async () => {
    const jwt = await endUserToken(stack, 'headers-user');
    const catalog = await stack.app.inject({ method: 'GET', url: '/marketplace/catalog', headers: { authorization: `Bearer ${jwt}`, origin: 'https://app.example.com' } });
    expect(catalog.statusCode).toBe(200);
    expectBaseline(catalog.headers, 'JSON');
    expect(catalog.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(catalog.headers['content-security-policy']).toBe("default-src 'none';base-uri 'none';form-action 'none';frame-ancestors 'none'");

    expectBaseline((await stack.app.inject({ method: 'GET', url: '/marketplace/catalog' })).headers, '401');
    expectBaseline((await stack.app.inject({ method: 'GET', url: '/nowhere' })).headers, '404');
    expectBaseline((await stack.app.inject({ method: 'GET', url: '/marketplace/catalog?token=x' })).headers, 'token in URL');

    const slug = await scriptIntegration(stack, 'html-logger', {
      'PANDIUM.yaml': 'version: 1.0\nrun: node log.mjs\n',
      'log.mjs': "console.error('<html><script>alert(1)</script></html>'); console.log('{}');",
    });
    const run = await runNow(stack, jwt, (await install(stack, jwt, slug)).id);
    const text = await stack.app.inject({ method: 'GET', url: `/marketplace/runs/${run.id}/log`, headers: { authorization: `Bearer ${jwt}` } });
    expect(text.statusCode).toBe(200);
    expect(text.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(text.body).toContain('<script>');
    expectBaseline(text.headers, 'log download');

    const stream = await fetch(`${stack.apiBase}/marketplace/runs/${run.id}/log`, { headers: { authorization: `Bearer ${jwt}`, accept: 'text/event-stream' } });
    expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expectBaseline(Object.fromEntries(stream.headers), 'log stream');
    expect(await stream.text()).toContain('event: end');
  });

  it('are on the OAuth callback page, whose own CSP still allows its nonce script', async () => {
    const page = await stack.app.inject({ method: 'GET', url: '/oauth/callback?code=abc&state=unknown' });
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expectBaseline(page.headers, 'callback page');
    const csp = String(page.headers['content-security-policy']);
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(page.body).toContain(`<script nonce="${nonce}">`);
  });

  it('include Strict-Transport-Security only when PAN_HSTS is set', async () => {
    const hsts = readConfig({ PAN_HSTS: 'max-age=31536000; includeSubDomains' }).hsts;
    expect(hsts).toEqual({ maxAge: 31536000, includeSubDomains: true, preload: false });
    expect(readConfig({}).hsts).toBeUndefined();
    expect(() => readConfig({ PAN_HSTS: 'yes' })).toThrow(/PAN_HSTS/);
    const secure = await startTestStack({ clusterUrl: inject('pgClusterUrl'), listen: false, config: { hsts } });
    try {
      for (const url of ['/health', '/nowhere']) {
        const answer = await secure.app.inject({ method: 'GET', url });
        expect(answer.headers['strict-transport-security'], url).toBe('max-age=31536000; includeSubDomains');
      }
    } finally {
      await secure.stop();
    }
  });
});
