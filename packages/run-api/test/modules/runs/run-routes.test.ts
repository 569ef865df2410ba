import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { HostRun, RunPage, Tenant, TriggerStatus } from '@pan/contract';
import { startTestStack, type TestStack } from '../../support/index.ts';
import { call, endUserToken, install, logLines, runOfTrigger } from './run-support.ts';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ clusterUrl: inject('pgClusterUrl'), seedReleases: true, runEngine: true });
});

afterAll(async () => {
  await stack?.stop();
});

let users = 0;
const newUser = () => `runner-${(users += 1)}`;

describe('run now, history and context chaining', () => {
  it('runs a tenant on demand, stores its log, and chains stdout into the next run', async () => {
    const jwt = await endUserToken(stack, newUser());
    const tenant = await install(stack, jwt, 'hubspot-contacts', { direction: 'to_hubspot', records_per_page: 3 });
    const first = await call(stack, 'POST', `/marketplace/tenants/${tenant.id}/runs`, jwt, { mode: 'normal' });
    expect(first.statusCode, first.body).toBe(202);
    const run1 = await runOfTrigger(stack, first.json<{ trigger_id: string }>().trigger_id);
    expect(run1.status).toBe('Succeeded');
    expect(run1.triggers).toEqual([expect.objectContaining({ source: 'manual', mode: 'normal' })]);
    expect(await logLines(stack, run1.id)).toEqual([
      // The release names a connector this user has not connected: the log says so first.
      '[pan] not connected to hubspot: no PAN_SEC_HUBSPOT_* variables',
      'Syncing contacts (to_hubspot)',
      'contact 1 synced',
      'contact 2 synced',
      'contact 3 synced',
    ]);

    const second = await call(stack, 'POST', `/marketplace/tenants/${tenant.id}/runs`, jwt, {});
    const run2 = await runOfTrigger(stack, second.json<{ trigger_id: string }>().trigger_id);
    const { rows } = await stack.db.query<{ stdout_json: string }>('SELECT stdout_json FROM runs WHERE id = $1', [run2.id]);
    expect(JSON.parse(rows[0]!.stdout_json)).toEqual({ runs: 2 });

    const history = await call(stack, 'GET', `/marketplace/tenants/${tenant.id}/runs`, jwt);
    expect(history.statusCode).toBe(200);
    const page = history.json<RunPage>();
    expect(page.runs.map((r) => r.id)).toEqual([run2.id, run1.id]);
    expect(page.runs[0]!.duration_ms).toBeGreaterThanOrEqual(0);

    // The host reads the same run and its log with its API key.
    const hostRun = await stack.app.inject({ method: 'GET', url: `/v2/runs/${run1.id}`, headers: { 'x-api-key': stack.apiKey } });
    expect(hostRun.json()).toMatchObject({ uuid: run1.id, detailed_status: 'Succeeded', status: { phase: 'Succeeded' } });
    // Its public integer id names the same run.
    const byNum = await stack.app.inject({ method: 'GET', url: `/v2/runs/${hostRun.json().id}`, headers: { 'x-api-key': stack.apiKey } });
    expect(byNum.json()).toEqual(hostRun.json());
    const hostLog = await stack.app.inject({ method: 'GET', url: `/v2/runs/${run1.id}/log`, headers: { 'x-api-key': stack.apiKey } });
    expect(hostLog.headers['content-type']).toMatch(/^text\/plain/);
    expect(hostLog.body).toContain('contact 3 synced');
    expect(hostLog.body.trimEnd().endsWith('[pan] Succeeded')).toBe(true);
    const stranger = await stack.app.inject({ method: 'GET', url: `/v2/runs/${run1.id}/log`, headers: { 'x-api-key': 'pan_nope' } });
    expect(stranger.statusCode).toBe(401);

    const status = await call(stack, 'GET', `/marketplace/triggers/${second.json<{ trigger_id: string }>().trigger_id}`, jwt);
    expect(status.json<TriggerStatus>()).toMatchObject({ state: 'finished', run_id: run2.id, run_status: 'Succeeded' });
  });

  it('queues the init run when a tenant with dynamic selectors is installed, and stores its options', async () => {
    const jwt = await endUserToken(stack, newUser());
    const tenant = await install(stack, jwt, 'slack-alerts');
    const { rows } = await stack.db.query<{ id: string }>("SELECT id FROM triggers WHERE tenant_id = $1 AND mode = 'init'", [tenant.id]);
    expect(rows).toHaveLength(1);
    const run = await runOfTrigger(stack, rows[0]!.id);
    expect(run.mode).toBe('init');
    expect(run.status).toBe('Succeeded');
    const after = await call(stack, 'GET', `/marketplace/tenants/${tenant.id}`, jwt);
    const body = after.json<Tenant>();
    expect(body.dynamic_configs_loaded).toBe(true);
    expect(JSON.stringify(body.settings_form.schema)).toContain('#alerts');
  });

  it('refuses run now for a paused tenant, another user, and without the permission', async () => {
    const jwt = await endUserToken(stack, newUser());
    const tenant = await install(stack, jwt, 'hubspot-contacts', { direction: 'both' });
    const stranger = await endUserToken(stack, newUser());
    expect((await call(stack, 'POST', `/marketplace/tenants/${tenant.id}/runs`, stranger, {})).statusCode).toBe(404);
    const limited = await endUserToken(stack, (await import('jose')).decodeJwt(jwt).sub!, { permissions: ['logs'] });
    const refused = await call(stack, 'POST', `/marketplace/tenants/${tenant.id}/runs`, limited, {});
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'PAN_ERR_PERMISSION_DENIED' });
    await call(stack, 'POST', `/marketplace/tenants/${tenant.id}/pause`, jwt);
    const paused = await call(stack, 'POST', `/marketplace/tenants/${tenant.id}/runs`, jwt, {});
    expect(paused.statusCode).toBe(409);
    const { rows } = await stack.db.query('SELECT 1 FROM triggers WHERE tenant_id = $1', [tenant.id]);
    expect(rows).toHaveLength(0);
  });
});

describe('webhooks', () => {
  it('stores the body as received and runs the tenant with it', async () => {
    const jwt = await endUserToken(stack, newUser());
    const tenant = await install(stack, jwt, 'hubspot-contacts', { direction: 'both', records_per_page: 1 });
    const hook = (await call(stack, 'GET', `/marketplace/tenants/${tenant.id}/webhook`, jwt)).json<{ url: string }>();
    const path = new URL(hook.url).pathname;
    const response = await stack.app.inject({ method: 'POST', url: path, payload: '{"contact":"ada"}', headers: { 'content-type': 'application/json' } });
    expect(response.statusCode, response.body).toBe(202);
    const run = await runOfTrigger(stack, response.json<{ trigger_id: string }>().trigger_id);
    expect(run.mode).toBe('webhook');
    expect(await logLines(stack, run.id)).toContain('payload: {"contact":"ada"}');
  });

  it('answers 404 to an unknown token and stores nothing', async () => {
    const before = await stack.db.query('SELECT count(*)::int AS n FROM triggers');
    const response = await stack.app.inject({ method: 'POST', url: '/webhooks/0123456789abcdef0123456789abcdef', payload: 'x' });
    expect(response.statusCode).toBe(404);
    const after = await stack.db.query('SELECT count(*)::int AS n FROM triggers');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });
});

describe('GET /v2/tenants/:id/runs (host API)', () => {
  it('pages with limit and the before cursor, or with skip and sort_by; a bad combination is 400', async () => {
    const jwt = await endUserToken(stack, newUser());
    const tenant = await install(stack, jwt, 'hubspot-contacts', { direction: 'both', records_per_page: 1 });
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const queued = await call(stack, 'POST', `/marketplace/tenants/${tenant.id}/runs`, jwt, {});
      const run = await runOfTrigger(stack, queued.json<{ trigger_id: string }>().trigger_id);
      ids.push(Number((await stack.db.query<{ num_id: string }>('SELECT num_id FROM runs WHERE id = $1', [run.id])).rows[0]!.num_id));
    }
    const host = (query: string) =>
      stack.app.inject({ method: 'GET', url: `/v2/tenants/${tenant.id}/runs${query}`, headers: { 'x-api-key': stack.apiKey } });
    const newest = [...ids].reverse();

    const first = (await host('?limit=2')).json<HostRun[]>();
    expect(first.map((r) => r.id)).toEqual(newest.slice(0, 2));
    const rest = (await host(`?limit=2&before=${first[1]!.id}`)).json<HostRun[]>();
    expect(rest).toEqual([expect.objectContaining({ id: newest[2], status: expect.objectContaining({ phase: 'Succeeded' }) })]);

    const ascending = (await host('?sort_by=started_date__ASC&skip=1&limit=5')).json<HostRun[]>();
    expect(ascending.map((r) => r.id)).toEqual(ids.slice(1));

    for (const [query, field] of [
      ['?limit=501', 'limit'],
      ['?sort_by=exit_code__ASC', 'sort_by'],
      [`?sort_by=status__ASC&before=${ids[0]}`, 'before'],
      ['?page=2', 'page'],
    ] as const) {
      const response = await host(query);
      expect(response.statusCode, query).toBe(400);
      expect(response.json().errors[0].field, query).toBe(field);
    }
  });
});
