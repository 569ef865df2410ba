import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Tenant } from '@pan/contract';
import { startTestStack, type TestStack } from '../../support/index.ts';
import { call, endUserToken, install, runOfTrigger, scriptIntegration } from './run-support.ts';

/** Webhook request validation (`webhook.schema`) and synchronous invocation (`pan-synchronous`). */
let stack: TestStack;
let users = 0;
const user = () => endUserToken(stack, `sync-user-${(users += 1)}`);

// Does what the trigger's JSON payload asks: sleep, fail, print nothing, or echo with a status.
const ECHO = `import { readFileSync } from 'node:fs';
const triggers = JSON.parse(process.env.PAN_CTX_RUN_TRIGGERS || '[]');
const withPayload = triggers.find((t) => t.payload);
const input = withPayload ? JSON.parse(readFileSync(withPayload.payload.file, 'utf8') || '{}') : {};
if (input.sleep) await new Promise((resolve) => setTimeout(resolve, input.sleep));
if (input.fail) { console.error('asked to fail'); process.exit(2); }
if (!input.silent) console.log(JSON.stringify({ echo: input.value ?? null, ...(input.status !== undefined ? { http_status: input.status } : {}) }));`;

const yaml = (extra = '') => `version: 1.0
base: node:24
run: node echo.mjs
${extra}`;

let echoSlug: string;
let checkedSlug: string;

beforeAll(async () => {
  stack = await startTestStack({ clusterUrl: inject('pgClusterUrl'), seedReleases: true, runEngine: true });
  echoSlug = await scriptIntegration(stack, 'sync-echo', { 'PANDIUM.yaml': yaml(), 'echo.mjs': ECHO });
  checkedSlug = await scriptIntegration(stack, 'checked-hook', {
    'PANDIUM.yaml': yaml(`webhook:
  schema:
    type: object
    required: [contact]
    properties:
      contact:
        type: object
        required: [email]
        properties:
          email: { type: string }
`),
    'echo.mjs': ECHO,
  });
});

afterAll(async () => {
  await stack?.stop();
});

async function tenantWithHook(slug: string): Promise<{ tenant: Tenant; path: string }> {
  const jwt = await user();
  const tenant = await install(stack, jwt, slug);
  const hook = (await call(stack, 'GET', `/marketplace/tenants/${tenant.id}/webhook`, jwt)).json<{ url: string }>();
  return { tenant, path: new URL(hook.url).pathname };
}

const hook = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  stack.app.inject({
    method: 'POST',
    url: path,
    payload: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });

const syncApi = (tenantId: string, body: unknown) =>
  stack.app.inject({
    method: 'POST',
    url: `/v2/tenants/${tenantId}/sync`,
    payload: JSON.stringify(body),
    headers: { 'x-api-key': stack.apiKey, 'content-type': 'application/json', 'pan-synchronous': 'true' },
  });

async function triggerCount(tenantId: string): Promise<number> {
  const { rows } = await stack.db.query<{ n: number }>('SELECT count(*)::int AS n FROM triggers WHERE tenant_id = $1', [tenantId]);
  return rows[0]!.n;
}

describe('webhook request validation', () => {
  it('refuses a JSON body that fails the release schema with 422 and the failing paths, storing nothing', async () => {
    const { tenant, path } = await tenantWithHook(checkedSlug);
    const missing = await hook(path, { other: 1 });
    expect(missing.statusCode, missing.body).toBe(422);
    expect(missing.json()).toMatchObject({
      code: 'PAN_ERR_WEBHOOK_INVALID',
      errors: [{ path: '/contact', message: expect.stringContaining('contact') }],
    });
    const wrongType = await hook(path, { contact: { email: 5 } });
    expect(wrongType.statusCode).toBe(422);
    expect(wrongType.json().errors).toEqual([{ path: '/contact/email', message: 'must be string' }]);
    expect(await triggerCount(tenant.id)).toBe(0);

    const valid = await hook(path, { contact: { email: 'ada@example.com' } });
    expect(valid.statusCode, valid.body).toBe(202);
    // Not JSON: not validated.
    const binary = await stack.app.inject({ method: 'POST', url: path, payload: Buffer.from([1, 2, 3]), headers: { 'content-type': 'image/png' } });
    expect(binary.statusCode, binary.body).toBe(202);
    expect(await triggerCount(tenant.id)).toBe(2);
    await runOfTrigger(stack, binary.json<{ trigger_id: string }>().trigger_id);
  });

  it('checks the schema of a signed tenant after the signature', async () => {
    const { tenant, path } = await tenantWithHook(checkedSlug);
    const secret = await stack.app.inject({ method: 'POST', url: `/v2/tenants/${tenant.id}/webhook-secret`, headers: { 'x-api-key': stack.apiKey } });
    expect(secret.statusCode).toBe(201);
    const { Webhook } = await import('standardwebhooks');
    const body = JSON.stringify({ contact: {} });
    const at = new Date();
    const signature = new Webhook(secret.json<{ secret: string }>().secret).sign('msg_1', at, body);
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signature };
    expect((await hook(path, body)).statusCode).toBe(401);
    const refused = await hook(path, body, headers);
    expect(refused.statusCode, refused.body).toBe(422);
    expect(refused.json().errors).toEqual([{ path: '/contact/email', message: expect.any(String) }]);
    expect(await triggerCount(tenant.id)).toBe(0);
  });
});

describe('synchronous invocation', () => {
  it('answers a synchronous webhook with the run output, 200', async () => {
    const { path } = await tenantWithHook(echoSlug);
    const response = await hook(path, { value: 'hello' }, { 'pan-synchronous': 'true' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ echo: 'hello' });
    expect(response.headers['pan-run-id']).toEqual(expect.any(String));
  });

  it('validates before holding a synchronous webhook open', async () => {
    const { path } = await tenantWithHook(checkedSlug);
    const refused = await hook(path, { value: 1 }, { 'pan-synchronous': 'true' });
    expect(refused.statusCode).toBe(422);
    const accepted = await hook(path, { contact: { email: 'a@b.c' }, value: 'checked' }, { 'pan-synchronous': 'true' });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json()).toEqual({ echo: 'checked' });
  });

  it('uses a top-level integer http_status of the output as the status, for webhooks and API calls', async () => {
    const { tenant, path } = await tenantWithHook(echoSlug);
    const created = await hook(path, { value: 'made', status: 201 }, { 'pan-synchronous': 'true' });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toEqual({ echo: 'made', http_status: 201 });
    const teapot = await syncApi(tenant.id, { value: 'tea', status: 418 });
    expect(teapot.statusCode, teapot.body).toBe(418);
    expect(teapot.json()).toEqual({ echo: 'tea', http_status: 418 });
    // Out of range or not an integer: 200.
    expect((await syncApi(tenant.id, { status: 99 })).statusCode).toBe(200);
    expect((await syncApi(tenant.id, { status: 201.5 })).statusCode).toBe(200);
  });

  it('answers {} when the run printed no JSON', async () => {
    const { tenant } = await tenantWithHook(echoSlug);
    const response = await syncApi(tenant.id, { silent: true });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({});
  });

  it('answers 502 with the status and run id when the run fails', async () => {
    const { tenant, path } = await tenantWithHook(echoSlug);
    const failed = await syncApi(tenant.id, { fail: true });
    expect(failed.statusCode, failed.body).toBe(502);
    const body = failed.json<{ code: string; status: string; run_id: string }>();
    expect(body).toMatchObject({ code: 'PAN_ERR_RUN_FAILED', status: 'Failed (Integration Issue)', run_id: expect.any(String) });
    const { rows } = await stack.db.query<{ status: string }>('SELECT status FROM runs WHERE id = $1', [body.run_id]);
    expect(rows[0]!.status).toBe('Failed (Integration Issue)');
    const viaHook = await hook(path, { fail: true }, { 'pan-synchronous': 'true' });
    expect(viaHook.statusCode).toBe(502);
  });

  it('answers 504 with the trigger id when the wait ends first, and the run goes on', async () => {
    const { tenant, path } = await tenantWithHook(echoSlug);
    const config = stack.app.config;
    const before = config.syncWaitMs;
    config.syncWaitMs = 200;
    try {
      const slow = await hook(path, { sleep: 1500, value: 'late' }, { 'pan-synchronous': 'true' });
      expect(slow.statusCode, slow.body).toBe(504);
      const triggerId = slow.json<{ code: string; trigger_id: string }>().trigger_id;
      expect(slow.json()).toMatchObject({ code: 'PAN_ERR_SYNC_TIMEOUT', trigger_id: expect.any(String) });
      const slowApi = await syncApi(tenant.id, { sleep: 1500 });
      expect(slowApi.statusCode).toBe(504);
      const run = await runOfTrigger(stack, triggerId);
      expect(run.status).toBe('Succeeded');
      await runOfTrigger(stack, slowApi.json<{ trigger_id: string }>().trigger_id);
    } finally {
      config.syncWaitMs = before;
    }
  });

  it('answers many synchronous calls at once through one listener', async () => {
    const tenants = await Promise.all([1, 2, 3, 4, 5].map(() => tenantWithHook(echoSlug)));
    const answers = await Promise.all(tenants.map(({ path }, i) => hook(path, { value: i }, { 'pan-synchronous': 'true' })));
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200, 200]);
    expect(answers.map((a) => a.json().echo)).toEqual([0, 1, 2, 3, 4]);
  });
});
