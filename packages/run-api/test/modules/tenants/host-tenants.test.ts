import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApiKey } from '../../../src/modules/accounts/api-key.ts';
import { createOtherAccount, startTestStack, type TestStack } from '../../support/index.ts';
import { call, endUserToken, install } from '../runs/run-support.ts';

/** The host API's tenants: paging and sorting, archive, runs, metadata; every answer checked against the rows. */
let stack: TestStack;
let otherKey: string;
const tenants: string[] = [];

const host = (method: 'GET' | 'DELETE' | 'PATCH', url: string, payload?: unknown, key = stack.apiKey) =>
  stack.app.inject({ method, url, headers: { 'x-api-key': key }, ...(payload ? { payload: payload as object } : {}) });

beforeAll(async () => {
  stack = await startTestStack({ clusterUrl: inject('pgClusterUrl'), seedReleases: true, listen: false });
  for (const user of ['ann', 'bob', 'cyd']) {
    tenants.push((await install(stack, await endUserToken(stack, user), 'hubspot-contacts', { direction: 'both' })).id);
  }
  const other = await createOtherAccount(stack);
  otherKey = await createApiKey(stack.db, other.id, 'other');
});

afterAll(async () => {
  await stack?.stop();
});

describe('GET /v2/tenants', () => {
  it('pages and sorts, newest first by default', async () => {
    const all = (await host('GET', '/v2/tenants')).json<{ id: number; uuid: string; user_name: string }[]>();
    expect(all.map((t) => t.uuid)).toEqual([...tenants].reverse());
    const { rows } = await stack.db.query<{ num_id: string; integration_num: string }>(
      'SELECT t.num_id, i.num_id AS integration_num FROM tenants t JOIN integrations i ON i.id = t.integration_id WHERE t.id = $1',
      [tenants[2]],
    );
    expect(all[0]).toMatchObject({
      id: Number(rows[0]!.num_id),
      name: 'cyd',
      user_name: 'cyd',
      integration_id: Number(rows[0]!.integration_num),
      integration_slug: 'hubspot-contacts',
      paused: false,
      archived: false,
      integration_release_id: null,
      integration_release_channel: 'Default',
      status: { last_run: {}, current_run: {}, last_successful_run: {}, dynamic_configs: {}, auth: { connected: false, connectors: [{ name: 'hubspot', status: 'not_connected', last_change: null }] } },
    });
    const page = (await host('GET', '/v2/tenants?limit=1&skip=1&sort_by=name__ASC')).json<{ name: string }[]>();
    expect(page.map((t) => t.name)).toEqual(['bob']);
    const byUser = (await host('GET', '/v2/tenants?user_name=ann')).json<{ uuid: string }[]>();
    expect(byUser.map((t) => t.uuid)).toEqual([tenants[0]]);
    const byIntegration = (await host('GET', `/v2/tenants?integration_id=${rows[0]!.integration_num}`)).json<{ uuid: string }[]>();
    expect(byIntegration.map((t) => t.uuid)).toEqual([...tenants].reverse());
    expect((await host('GET', '/v2/tenants?integration=hubspot-contacts')).json()).toEqual(all);
  });

  it('reads a tenant by its integer id, or by the UUID the elements show, alike', async () => {
    const byUuid = await host('GET', `/v2/tenants/${tenants[0]}`);
    const byNum = await host('GET', `/v2/tenants/${byUuid.json().id}`);
    expect(byNum.statusCode).toBe(200);
    expect(byNum.json()).toEqual(byUuid.json());
    expect(byNum.json().uuid).toBe(tenants[0]);
  });

  it('answers 400 naming a bad parameter', async () => {
    for (const [query, field] of [
      ['limit=501', 'limit'],
      ['limit=0', 'limit'],
      ['skip=-1', 'skip'],
      ['sort_by=password__ASC', 'sort_by'],
      ['sort_by=created_date', 'sort_by'],
      ['colour=red', 'colour'],
    ] as const) {
      const response = await host('GET', `/v2/tenants?${query}`);
      expect(response.statusCode, query).toBe(400);
      expect(response.json().errors[0].field).toBe(field);
    }
  });

  it('shows another account nothing, and 404 for its tenants', async () => {
    expect((await host('GET', '/v2/tenants', undefined, otherKey)).json()).toEqual([]);
    const num = (await host('GET', `/v2/tenants/${tenants[0]}`)).json().id;
    const nobodys = await host('GET', `/v2/tenants/${num + 100000}`, undefined, otherKey);
    for (const path of [`/v2/tenants/${tenants[0]}`, `/v2/tenants/${tenants[0]}/runs`, `/v2/tenants/${tenants[0]}/metadata`, `/v2/tenants/${num}`, `/v2/tenants/${num}/metadata`]) {
      const response = await host('GET', path, undefined, otherKey);
      expect(response.statusCode, path).toBe(404);
      expect(response.json(), path).toEqual(nobodys.json());
    }
    expect((await host('DELETE', `/v2/tenants/${num}`, undefined, otherKey)).statusCode).toBe(404);
    expect((await host('PATCH', `/v2/tenants/${num}`, { paused: true }, otherKey)).statusCode).toBe(404);
    expect((await host('DELETE', `/v2/tenants/${tenants[0]}`, undefined, otherKey)).statusCode).toBe(404);
    expect((await host('PATCH', `/v2/tenants/${tenants[0]}/metadata`, { a: 1 }, otherKey)).statusCode).toBe(404);
    const { rows } = await stack.db.query('SELECT archived_at, metadata FROM tenants WHERE id = $1', [tenants[0]]);
    expect(rows[0]).toEqual({ archived_at: null, metadata: {} });
  });
});

describe('tenant metadata and archive', () => {
  it('merges metadata (null removes a key) and stores it', async () => {
    const id = tenants[1]!;
    expect((await host('PATCH', `/v2/tenants/${id}/metadata`, { cursor: 5, region: 'eu' })).json()).toEqual({ cursor: 5, region: 'eu' });
    expect((await host('PATCH', `/v2/tenants/${id}/metadata`, { region: null, page: 2 })).json()).toEqual({ cursor: 5, page: 2 });
    expect((await host('GET', `/v2/tenants/${id}/metadata`)).json()).toEqual({ cursor: 5, page: 2 });
    const { rows } = await stack.db.query('SELECT metadata FROM tenants WHERE id = $1', [id]);
    expect(rows[0].metadata).toEqual({ cursor: 5, page: 2 });
  });

  it('archives: gone from the list and from the user, history kept', async () => {
    const id = tenants[2]!;
    expect((await host('DELETE', `/v2/tenants/${id}`)).statusCode).toBe(204);
    expect((await host('DELETE', `/v2/tenants/${id}`)).statusCode).toBe(404);
    expect((await host('GET', '/v2/tenants')).json<{ uuid: string }[]>().map((t) => t.uuid)).not.toContain(id);
    const archived = (await host('GET', '/v2/tenants?archived=true')).json<{ uuid: string; archived: boolean }[]>();
    expect(archived.map((t) => [t.uuid, t.archived])).toEqual([[id, true]]);
    const mine = await call(stack, 'GET', '/marketplace/tenants', await endUserToken(stack, 'cyd'));
    expect(mine.json().tenants).toEqual([]);
    expect((await host('GET', `/v2/tenants/${id}/runs`)).json()).toEqual([]);
  });
});
