import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestStack, type TestStack } from '../../packages/run-api/test/support/index.ts';
import { Webhook } from 'standardwebhooks';
import { buildHostApp, type PanNotification } from '../src/host-app.ts';

/** The demo host's backend: sessions, and the marketplace tokens it signs for the run API. */

let stack: TestStack;
let host: FastifyInstance;
let distDir: string;

beforeAll(async () => {
  stack = await startTestStack({ clusterUrl: inject('pgClusterUrl'), seedCatalog: true, listen: false });
  distDir = mkdtempSync(path.join(os.tmpdir(), 'pan-demo-dist-'));
  writeFileSync(path.join(distDir, 'index.html'), '<!doctype html><title>demo</title>');
  writeFileSync(path.join(distDir, 'install.html'), '<!doctype html><title>demo install</title>');
  writeFileSync(path.join(distDir, 'connect.html'), '<!doctype html><title>demo connect</title>');
  host = await buildHostApp({
    apiBase: 'http://127.0.0.1:3100',
    jwtSecret: stack.hs256Secret,
    jwtIssuer: stack.issuer,
    jwtAudience: stack.audience,
    cookieSecret: 'a-cookie-secret-for-tests-only-32b',
    distDir,
  });
});

afterAll(async () => {
  await host?.close();
  await stack?.stop();
  rmSync(distDir, { recursive: true, force: true });
});

async function logIn(user: string): Promise<string> {
  const response = await host.inject({ method: 'POST', url: '/login', payload: { user } });
  expect(response.statusCode).toBe(303);
  const cookie = response.cookies.find((c) => c.name === 'acme_session');
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.sameSite).toBe('Strict');
  return `acme_session=${cookie!.value}`;
}

describe('demo host app', () => {
  it('sends anyone without a session to the login page, under a strict CSP', async () => {
    const page = await host.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/login');
    const login = await host.inject({ method: 'GET', url: '/login' });
    expect(login.body).toContain('Ada Lovelace');
    expect(login.headers['content-security-policy']).toContain("script-src 'self'");
    expect(login.headers['content-security-policy']).not.toContain('unsafe');
  });

  it('refuses to sign a token without a session, or for another site', async () => {
    expect((await host.inject({ method: 'POST', url: '/api/pan-token' })).statusCode).toBe(401);
    const cookie = await logIn('ada');
    const crossSite = await host.inject({ method: 'POST', url: '/api/pan-token', headers: { cookie, 'sec-fetch-site': 'cross-site' } });
    expect(crossSite.statusCode).toBe(403);
    const forged = await host.inject({ method: 'POST', url: '/api/pan-token', headers: { cookie: 'acme_session=grace.forged' } });
    expect(forged.statusCode).toBe(401);
  });

  it('signs a short-lived token the run API accepts, carrying the user and their group', async () => {
    const cookie = await logIn('grace');
    const response = await host.inject({ method: 'POST', url: '/api/pan-token', headers: { cookie, 'sec-fetch-site': 'same-origin' } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const { token, expires_in } = response.json<{ token: string; expires_in: number }>();
    expect(expires_in).toBeLessThanOrEqual(15 * 60);

    const user = await stack.app.tokens.verify(token);
    expect(user).toMatchObject({ accountId: stack.accountId, sub: 'acme-user-grace', name: 'Grace Hopper', xti: { user_group: 'engineering' } });
    const catalog = await stack.app.inject({ method: 'GET', url: '/marketplace/catalog', headers: { authorization: `Bearer ${token}` } });
    const slugs = catalog.json<{ integrations: { slug: string }[] }>().integrations.map((i) => i.slug);
    expect(slugs).toContain('s3-export');
    expect(slugs).not.toContain('salesforce-leads');
  });

  it('signs the onboarding page\'s token with the auth-only integrations and their preset settings', async () => {
    const cookie = await logIn('ada');
    const page = await host.inject({ method: 'GET', url: '/connect', headers: { cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('demo connect');
    const response = await host.inject({
      method: 'POST',
      url: '/api/pan-token',
      headers: { cookie, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' },
      payload: { purpose: 'connect' },
    });
    const user = await stack.app.tokens.verify(response.json<{ token: string }>().token);
    expect(user.xti.auth_only).toEqual({
      integrations: [
        { slug: 'acme-invoices', configs: { status: 'open' } },
        { slug: 'acme-contacts', configs: { max_contacts: 10 } },
      ],
    });
    // The marketplace's own token names none.
    const plain = await host.inject({ method: 'POST', url: '/api/pan-token', headers: { cookie, 'sec-fetch-site': 'same-origin' } });
    expect((await stack.app.tokens.verify(plain.json<{ token: string }>().token)).xti.auth_only).toBeUndefined();
  });

  it('rejects an unknown demo user', async () => {
    const response = await host.inject({ method: 'POST', url: '/login', payload: { user: 'mallory' } });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Pick one of the demo users');
  });

  it('takes the run API notifications it can verify, and refuses the rest', async () => {
    const events: PanNotification[] = [];
    let secret: string | undefined;
    const notified = await buildHostApp({
      apiBase: 'http://127.0.0.1:3100',
      jwtSecret: stack.hs256Secret,
      jwtIssuer: stack.issuer,
      jwtAudience: stack.audience,
      cookieSecret: 'a-cookie-secret-for-tests-only-32b',
      distDir,
      notifications: { secret: () => secret, onEvent: (event) => events.push(event) },
    });
    try {
      const body = JSON.stringify({ type: 'run.failed', timestamp: new Date().toISOString(), data: { integration_slug: 'x', user_name: 'ada' } });
      const send = (headers: Record<string, string>, payload = body) =>
        notified.inject({ method: 'POST', url: '/hooks/pan', headers: { 'content-type': 'application/json', ...headers }, payload });
      const sign = (key: string, payload = body) => {
        const at = new Date();
        return {
          'webhook-id': 'msg_1',
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': new Webhook(key).sign('msg_1', at, payload),
        };
      };
      const key = `whsec_${Buffer.from('a-notification-secret-32-bytes!!').toString('base64')}`;
      // Before the run API gave a secret, nothing is taken.
      expect((await send(sign(key))).statusCode).toBe(401);
      secret = key;
      expect((await send(sign(key))).statusCode).toBe(204);
      expect(events).toEqual([JSON.parse(body)]);
      const other = `whsec_${Buffer.from('another-secret-of-thirty-two-b!!').toString('base64')}`;
      expect((await send(sign(other))).statusCode).toBe(401);
      expect((await send(sign(key), body.replace('ada', 'eve'))).statusCode).toBe(401);
      expect((await send({})).statusCode).toBe(401);
      expect(events).toHaveLength(1);
    } finally {
      await notified.close();
    }
  });
});
