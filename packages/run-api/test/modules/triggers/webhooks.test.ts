import { request as httpRequest } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Tenant } from '@pan/contract';
import { startTestStack, type TestStack } from '../../support/index.ts';
import { call, endUserToken, install } from '../runs/run-support.ts';

/**
 * Webhook and API intake without a run engine: what is stored (and what is not) for each kind of
 * body and each bad input. Triggers stay pending here, so the rows can be read as received.
 */
let stack: TestStack;
const LIMIT = 64 * 1024;

beforeAll(async () => {
  stack = await startTestStack({ clusterUrl: inject('pgClusterUrl'), seedReleases: true, config: { webhookBodyLimit: LIMIT } });
});

afterAll(async () => {
  await stack?.stop();
});

let users = 0;
async function tenantWithHook(): Promise<{ tenant: Tenant; path: string; jwt: string }> {
  const jwt = await endUserToken(stack, `hook-user-${(users += 1)}`);
  const tenant = await install(stack, jwt, 'hubspot-contacts', { direction: 'both' });
  const hook = (await call(stack, 'GET', `/marketplace/tenants/${tenant.id}/webhook`, jwt)).json<{ url: string }>();
  return { tenant, path: new URL(hook.url).pathname, jwt };
}

async function storedTrigger(id: string) {
  const { rows } = await stack.db.query<{ source: string; mode: string; payload: Buffer; payload_headers: Record<string, string> }>(
    'SELECT source, mode, payload, payload_headers FROM triggers WHERE id = $1',
    [id],
  );
  return rows[0];
}

async function triggerCount(tenantId: string): Promise<number> {
  const { rows } = await stack.db.query<{ n: number }>('SELECT count(*)::int AS n FROM triggers WHERE tenant_id = $1', [tenantId]);
  return rows[0]!.n;
}

describe('webhook intake', () => {
  it('stores JSON, binary and multipart bodies byte for byte with their headers, minus credentials', async () => {
    const { path } = await tenantWithHook();
    const binary = Buffer.from([0, 1, 2, 253, 254, 255]);
    const boundary = 'xYzZY';
    const multipart = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.bin"\r\nContent-Type: application/octet-stream\r\n\r\n\u0001\u0002\r\n` +
        `--${boundary}--\r\n`,
    );
    const cases = [
      { body: Buffer.from('{"a":1}'), type: 'application/json' },
      { body: binary, type: 'image/png' },
      { body: multipart, type: `multipart/form-data; boundary=${boundary}` },
    ];
    for (const { body, type } of cases) {
      const response = await stack.app.inject({
        method: 'POST',
        url: path,
        payload: body,
        headers: { 'content-type': type, authorization: 'Bearer secret-of-the-sender', cookie: 'sid=1', 'x-custom': 'kept' },
      });
      expect(response.statusCode, response.body).toBe(202);
      const row = await storedTrigger(response.json<{ trigger_id: string }>().trigger_id);
      expect(row).toMatchObject({ source: 'webhook', mode: 'webhook' });
      expect(Buffer.compare(row!.payload, body)).toBe(0);
      expect(row!.payload_headers['content-type']).toBe(type);
      expect(row!.payload_headers['x-custom']).toBe('kept');
      expect(row!.payload_headers).not.toHaveProperty('authorization');
      expect(row!.payload_headers).not.toHaveProperty('cookie');
    }
  });

  it('refuses a body over the cap with 413 before reading it all, and stores nothing', async () => {
    const { tenant, path } = await tenantWithHook();
    const declared = await stack.app.inject({
      method: 'POST',
      url: path,
      payload: Buffer.alloc(LIMIT + 1, 97),
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(declared.statusCode).toBe(413);
    expect(declared.json()).toMatchObject({ code: 'PAN_ERR_REQUEST_TOO_LARGE' });

    // Chunked, no content-length: the server answers 413 as soon as the cap is passed.
    const url = new URL(path, stack.apiBase);
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' || error.code === 'EPIPE' ? undefined : reject(error)));
      const chunk = Buffer.alloc(16 * 1024, 98);
      let sent = 0;
      const pump = () => {
        // Keep writing well past the cap; the answer must come before we stop.
        while (sent < LIMIT * 20) {
          sent += chunk.length;
          if (!req.write(chunk)) {
            req.once('drain', pump);
            return;
          }
        }
        req.end();
      };
      pump();
    });
    expect(status).toBe(413);
    expect(await triggerCount(tenant.id)).toBe(0);
  });

  it('refuses malformed JSON with 400 and an unknown token with 404', async () => {
    const { tenant, path } = await tenantWithHook();
    const bad = await stack.app.inject({ method: 'POST', url: path, payload: '{"a":', headers: { 'content-type': 'application/json' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'PAN_ERR_REQUEST_MALFORMED_JSON' });
    const unknown = await stack.app.inject({ method: 'POST', url: `/webhooks/${'f'.repeat(64)}`, payload: '{}', headers: { 'content-type': 'application/json' } });
    expect(unknown.statusCode).toBe(404);
    const malformedToken = await stack.app.inject({ method: 'POST', url: '/webhooks/..%2F..', payload: '{}' });
    expect(malformedToken.statusCode).toBe(404);
    expect(await triggerCount(tenant.id)).toBe(0);
  });

  it('checks Standard Webhooks signatures when the tenant has a secret, and refuses replays', async () => {
    const { tenant, path } = await tenantWithHook();
    const created = await stack.app.inject({ method: 'POST', url: `/v2/tenants/${tenant.id}/webhook-secret`, headers: { 'x-api-key': stack.apiKey } });
    expect(created.statusCode, created.body).toBe(201);
    const secret = created.json<{ secret: string }>().secret;
    expect(secret).toMatch(/^whsec_/);
    const { rows } = await stack.db.query<{ sealed: Buffer }>('SELECT webhook_secret_sealed AS sealed FROM tenants WHERE id = $1', [tenant.id]);
    expect(rows[0]!.sealed.includes(Buffer.from(secret))).toBe(false);

    const body = '{"event":"signed"}';
    const sign = (id: string, payload: string, when = new Date()) => ({
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(when.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(id, when, payload),
    });
    const unsigned = await stack.app.inject({ method: 'POST', url: path, payload: body, headers: { 'content-type': 'application/json' } });
    expect(unsigned.statusCode).toBe(401);
    expect(unsigned.json()).toMatchObject({ code: 'PAN_ERR_WEBHOOK_SIGNATURE_INVALID' });
    const tampered = await stack.app.inject({ method: 'POST', url: path, payload: '{"event":"other"}', headers: sign('msg_1', body) });
    expect(tampered.statusCode).toBe(401);
    const stale = await stack.app.inject({ method: 'POST', url: path, payload: body, headers: sign('msg_2', body, new Date(Date.now() - 3600_000)) });
    expect(stale.statusCode).toBe(401);
    expect(await triggerCount(tenant.id)).toBe(0);

    const headers = sign('msg_3', body);
    const ok = await stack.app.inject({ method: 'POST', url: path, payload: body, headers });
    expect(ok.statusCode, ok.body).toBe(202);
    const replay = await stack.app.inject({ method: 'POST', url: path, payload: body, headers });
    expect(replay.statusCode).toBe(401);
    expect(replay.json()).toMatchObject({ code: 'PAN_ERR_WEBHOOK_REPLAYED' });
    expect(await triggerCount(tenant.id)).toBe(1);
  });

  it('refuses webhooks for a paused tenant with 409, and for an uninstalled one with 404', async () => {
    const { tenant, path, jwt } = await tenantWithHook();
    await call(stack, 'POST', `/marketplace/tenants/${tenant.id}/pause`, jwt);
    expect((await stack.app.inject({ method: 'POST', url: path, payload: '{}', headers: { 'content-type': 'application/json' } })).statusCode).toBe(409);
    await call(stack, 'DELETE', `/marketplace/tenants/${tenant.id}`, jwt);
    expect((await stack.app.inject({ method: 'POST', url: path, payload: '{}', headers: { 'content-type': 'application/json' } })).statusCode).toBe(404);
    expect(await triggerCount(tenant.id)).toBe(0);
  });
});

describe('host API sync', () => {
  it('queues an api trigger with the JSON body kept as sent, and reports its status', async () => {
    const { tenant } = await tenantWithHook();
    const body = '{ "order": 42 }';
    const response = await stack.app.inject({
      method: 'POST',
      url: `/v2/tenants/${tenant.id}/sync?mode=init`,
      payload: body,
      headers: { 'x-api-key': stack.apiKey, 'content-type': 'application/json' },
    });
    expect(response.statusCode, response.body).toBe(202);
    const id = response.json<{ trigger_id: string }>().trigger_id;
    const row = await storedTrigger(id);
    expect(row).toMatchObject({ source: 'api', mode: 'init' });
    expect(row!.payload.toString()).toBe(body);
    const status = await stack.app.inject({ method: 'GET', url: `/v2/runs/triggers/${id}/status`, headers: { 'x-api-key': stack.apiKey } });
    expect(status.json()).toEqual({ status: 'Pending', trigger_id: id, state: 'pending', attempts: 0, run_id: null, run_uuid: null, detailed_status: null });
  });

  it('syncs a tenant named by its integration and end user', async () => {
    const { tenant } = await tenantWithHook();
    const user = tenant.id && (await stack.db.query<{ user_sub: string }>('SELECT user_sub FROM tenants WHERE id = $1', [tenant.id])).rows[0]!.user_sub;
    const response = await stack.app.inject({
      method: 'POST',
      url: `/v2/integrations/hubspot-contacts/sync?user_name=${user}`,
      payload: '{"n":1}',
      headers: { 'x-api-key': stack.apiKey, 'content-type': 'application/json' },
    });
    expect(response.statusCode, response.body).toBe(202);
    const row = await storedTrigger(response.json<{ trigger_id: string }>().trigger_id);
    expect(row).toMatchObject({ source: 'api', mode: 'normal' });
    expect(row!.payload.toString()).toBe('{"n":1}');
    const none = await stack.app.inject({ method: 'POST', url: '/v2/integrations/hubspot-contacts/sync?user_name=nobody', headers: { 'x-api-key': stack.apiKey } });
    expect(none.statusCode).toBe(404);
    const missing = await stack.app.inject({ method: 'POST', url: '/v2/integrations/hubspot-contacts/sync', headers: { 'x-api-key': stack.apiKey } });
    expect(missing.statusCode).toBe(400);
  });

  it('answers 401 without a key, 404 for another account, 400 for a bad mode', async () => {
    const { tenant } = await tenantWithHook();
    expect((await stack.app.inject({ method: 'POST', url: `/v2/tenants/${tenant.id}/sync` })).statusCode).toBe(401);
    const bad = await stack.app.inject({ method: 'POST', url: `/v2/tenants/${tenant.id}/sync?mode=later`, headers: { 'x-api-key': stack.apiKey } });
    expect(bad.statusCode).toBe(400);
    const { createOtherAccount } = await import('../../support/index.ts');
    const { createApiKey } = await import('../../../src/modules/accounts/api-key.ts');
    const other = await createOtherAccount(stack);
    const otherKey = await createApiKey(stack.db, other.id, 'other');
    const foreign = await stack.app.inject({ method: 'POST', url: `/v2/tenants/${tenant.id}/sync`, headers: { 'x-api-key': otherKey } });
    expect(foreign.statusCode).toBe(404);
    expect(await triggerCount(tenant.id)).toBe(0);
  });
});
