import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Catalog, Connection } from '@pan/contract';
import { secretsForRun } from '../../../src/modules/connections/oauth.ts';
import { findConnector, saveConnection } from '../../../src/modules/connections/store.ts';
import { LOOPBACK_EGRESS_ALLOW, startTestStack, type TestStack } from '../../support/index.ts';
import { call, endUserToken, install, logLines, runNow, scriptIntegration } from '../runs/run-support.ts';

/**
 * Token refresh before runs, against a real HTTP token endpoint on this machine that counts its
 * calls and can refuse: one refresh however many runs ask at once; a refused one fails the run as
 * `Failed (Refresh)` and asks the user to reconnect.
 */
let stack: TestStack;
let provider: Server;
let refreshCalls = 0;
let refuse = false;
let tokenCounter = 0;

beforeAll(async () => {
  provider = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const params = new URLSearchParams(body);
      if (params.get('grant_type') === 'refresh_token') refreshCalls += 1;
      response.setHeader('content-type', 'application/json');
      if (refuse) {
        response.statusCode = 400;
        response.end(JSON.stringify({ error: 'invalid_grant', error_description: 'refresh token revoked' }));
        return;
      }
      // A slow provider: concurrent callers really overlap.
      setTimeout(() => {
        tokenCounter += 1;
        response.end(JSON.stringify({ access_token: `access-${tokenCounter}`, token_type: 'Bearer', expires_in: 3600, refresh_token: `refresh-${tokenCounter}` }));
      }, 100);
    });
  });
  await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
  stack = await startTestStack({ clusterUrl: inject('pgClusterUrl'), seedCatalog: true, runEngine: true, config: { egressAllow: LOOPBACK_EGRESS_ALLOW } });
  const defined = await stack.app.inject({
    method: 'PUT',
    url: '/v2/connectors/acme-crm',
    headers: { 'x-api-key': stack.apiKey },
    payload: {
      type: 'oauth2',
      display_name: 'Acme CRM',
      authorization_endpoint: `${base}/authorize`,
      token_endpoint: `${base}/token`,
      client_id: 'pan',
      client_secret: 'shh',
    },
  });
  expect(defined.statusCode, defined.body).toBe(200);
});

afterAll(async () => {
  await stack?.stop();
  await new Promise((resolve) => provider?.close(resolve));
});

let users = 0;
async function connectedUser(expiresInMs: number) {
  const sub = `refresh-user-${(users += 1)}`;
  const connector = (await findConnector(stack.db, stack.accountId, 'acme-crm'))!;
  await saveConnection(stack.db, stack.box, {
    accountId: stack.accountId,
    sub,
    connectorId: connector.id,
    secrets: { access_token: 'old-access', token_type: 'bearer', refresh_token: 'old-refresh' },
    expiresAt: new Date(Date.now() + expiresInMs),
  });
  const { rows } = await stack.db.query<{ id: string }>('SELECT id FROM connections WHERE user_sub = $1', [sub]);
  return { sub, connector, connectionId: rows[0]!.id, jwt: await endUserToken(stack, sub) };
}

describe('refresh before a run', () => {
  it('keeps a token that is not about to expire', async () => {
    const { connector, connectionId } = await connectedUser(3_600_000);
    const before = refreshCalls;
    const fresh = await secretsForRun(stack.db, stack.box, stack.app.egress, connectionId, connector);
    expect(fresh).toEqual({ ok: true, secrets: expect.objectContaining({ access_token: 'old-access' }) });
    expect(refreshCalls).toBe(before);
  });

  it('refreshes a token expiring soon once, however many runs ask at the same moment', async () => {
    const { connector, connectionId } = await connectedUser(30_000);
    const before = refreshCalls;
    const results = await Promise.all(Array.from({ length: 6 }, () => secretsForRun(stack.db, stack.box, stack.app.egress, connectionId, connector)));
    expect(refreshCalls - before).toBe(1);
    const tokens = new Set(results.map((r) => (r.ok ? r.secrets.access_token : r.reason)));
    expect(tokens.size).toBe(1);
    expect([...tokens][0]).toMatch(/^access-\d+$/);
    const { rows } = await stack.db.query<{ expires_at: Date }>('SELECT expires_at FROM connections WHERE id = $1', [connectionId]);
    expect(rows[0]!.expires_at.getTime()).toBeGreaterThan(Date.now() + 3_000_000);
  });

  it('ends the run as Failed (Refresh) when the provider refuses, and marks the connection for reconnection', async () => {
    const slug = await scriptIntegration(stack, 'crm-reader', {
      'PANDIUM.yaml': 'version: 1.0\nrun: node read.mjs\nconnectors: [acme-crm]\n',
      'read.mjs': "console.error('token: ' + (process.env['PAN_SEC_ACME-CRM_ACCESS_TOKEN'] ? 'present' : 'missing')); console.log('{}');",
    });
    const { jwt } = await connectedUser(10_000);
    const tenant = await install(stack, jwt, slug);
    refuse = true;
    try {
      const run = await runNow(stack, jwt, tenant.id);
      expect(run.status).toBe('Failed (Refresh)');
      const lines = await logLines(stack, run.id);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^\[pan\] The Acme CRM sign-in could not be renewed \(invalid_grant \(refresh token revoked\)\): reconnect it$/);
      const connection = (await call(stack, 'GET', '/marketplace/connections/acme-crm', jwt)).json<Connection>();
      expect(connection).toMatchObject({ status: 'needs_reconnect', status_reason: expect.stringContaining('reconnect it') });
      const catalog = (await call(stack, 'GET', '/marketplace/catalog', jwt)).json<Catalog>();
      expect(catalog.integrations.find((i) => i.slug === slug)?.reconnect_needed).toBe(true);
      expect(catalog.integrations.find((i) => i.slug === 'hubspot-contacts')?.reconnect_needed).toBe(false);
    } finally {
      refuse = false;
    }
  });

  it('passes a valid token to the run', async () => {
    const { jwt } = await connectedUser(3_600_000);
    const tenant = await install(stack, jwt, 'crm-reader');
    const run = await runNow(stack, jwt, tenant.id);
    expect(run.status).toBe('Succeeded');
    expect(await logLines(stack, run.id)).toEqual(['token: present']);
  });
});
