import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { packReleaseDirectory } from '../../../../cli/src/release-archive.ts';
import { createApiKey } from '../../../src/modules/accounts/api-key.ts';
import { createOtherAccount, fixtureReleases, startTestStack, type TestStack } from '../../support/index.ts';
import { endUserToken } from '../runs/run-support.ts';

/**
 * The host API's integrations and releases (read), and tenants it creates: every answer is
 * compared with the rows PostgreSQL holds.
 */
let stack: TestStack;
let otherKey: string;
let tmp: string;

const host = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown, key = stack.apiKey) =>
  stack.app.inject({ method, url, headers: { 'x-api-key': key }, ...(payload ? { payload: payload as object } : {}) });

/** Pushes a release through the real upload route. */
async function push(slug: string, version: string, makeDefault: boolean): Promise<number> {
  const dir = path.join(tmp, `${slug}-${version}`);
  await import('node:fs/promises').then((fs) => fs.mkdir(dir));
  await writeFile(path.join(dir, 'PANDIUM.yaml'), fixtureReleases[slug]!);
  await writeFile(path.join(dir, 'index.mjs'), `console.log(JSON.stringify({ version: ${JSON.stringify(version)} }));\n`);
  const response = await stack.app.inject({
    method: 'POST',
    url: `/v2/integrations/${slug}/releases?version=${version}&make_default=${makeDefault}`,
    headers: { 'x-api-key': stack.apiKey, 'content-type': 'application/gzip' },
    payload: await packReleaseDirectory(dir),
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ id: number }>().id;
}

beforeAll(async () => {
  stack = await startTestStack({ clusterUrl: inject('pgClusterUrl'), seedReleases: true, listen: false });
  otherKey = await createApiKey(stack.db, (await createOtherAccount(stack)).id, 'other');
  tmp = await mkdtemp(path.join(os.tmpdir(), 'pan-host-integrations-'));
});

afterAll(async () => {
  await stack?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('GET /v2/integrations', () => {
  it('lists the account’s integrations as stored, paged and sorted', async () => {
    const { rows } = await stack.db.query<{ id: string; num_id: string; slug: string; name: string }>(
      'SELECT id, num_id, slug, name FROM integrations WHERE account_id = $1 AND archived_at IS NULL ORDER BY slug',
      [stack.accountId],
    );
    const listed = (await host('GET', '/v2/integrations?sort_by=slug__ASC')).json<{ id: number; uuid: string; slug: string; categories: string[] }[]>();
    expect(listed.map((i) => i.id)).toEqual(rows.map((r) => Number(r.num_id)));
    expect(listed.map((i) => i.uuid)).toEqual(rows.map((r) => r.id));
    const byId = (await host('GET', '/v2/integrations?sort_by=id__DESC')).json<{ id: number }[]>();
    expect(byId.map((i) => i.id)).toEqual(rows.map((r) => Number(r.num_id)).sort((a, b) => b - a));
    const page = (await host('GET', '/v2/integrations?sort_by=slug__DESC&limit=2&skip=1')).json<{ slug: string }[]>();
    expect(page.map((i) => i.slug)).toEqual(rows.map((r) => r.slug).reverse().slice(1, 3));

    const hubspot = listed.find((i) => i.slug === 'hubspot-contacts')!;
    const categories = await stack.db.query<{ slug: string }>(
      `SELECT c.slug FROM integration_categories ic JOIN categories c ON c.id = ic.category_id WHERE ic.integration_id = $1 ORDER BY c.slug`,
      [hubspot.uuid],
    );
    expect(hubspot.categories).toEqual(categories.rows.map((c) => c.slug));
    const defaultRelease = await stack.db.query<{ num_id: string }>(
      'SELECT r.num_id FROM releases r JOIN integrations i ON r.id = i.default_release_id WHERE i.id = $1',
      [hubspot.uuid],
    );
    expect(hubspot).toMatchObject({ type: 'Internal', long_name: expect.any(String), default_release_channel: 'Default', created_date: expect.any(String), default_release_id: Number(defaultRelease.rows[0]!.num_id) });
  });

  it('answers 400 naming a bad parameter', async () => {
    for (const [query, field] of [
      ['limit=501', 'limit'],
      ['skip=x', 'skip'],
      ['sort_by=secret__ASC', 'sort_by'],
      ['colour=red', 'colour'],
    ] as const) {
      const response = await host('GET', `/v2/integrations?${query}`);
      expect(response.statusCode, query).toBe(400);
      expect(response.json()).toMatchObject({ code: 'PAN_ERR_REQUEST_INVALID', errors: [{ field }] });
      expect(response.json().message).toContain(field);
    }
  });

  it('reads one by integer id, slug or UUID; another account gets 404 for the ids and its own for the slug', async () => {
    const bySlug = (await host('GET', '/v2/integrations/hubspot-contacts')).json<{ id: number; uuid: string; slug: string }>();
    expect(bySlug.id).toBe(await integrationNum('hubspot-contacts'));
    expect((await host('GET', `/v2/integrations/${bySlug.id}`)).json()).toEqual(bySlug);
    expect((await host('GET', `/v2/integrations/${bySlug.uuid}`)).json()).toEqual(bySlug);
    for (const id of [bySlug.id, bySlug.uuid]) {
      const foreign = await host('GET', `/v2/integrations/${id}`, undefined, otherKey);
      expect(foreign.statusCode).toBe(404);
      expect(foreign.body).not.toContain('hubspot');
    }
    // The other account has a listing with the same slug: it reads its own.
    const itsOwn = (await host('GET', '/v2/integrations/hubspot-contacts', undefined, otherKey)).json<{ id: number; default_release_id: null }>();
    expect(itsOwn.id).not.toBe(bySlug.id);
    expect(itsOwn.default_release_id).toBeNull();
    expect((await host('GET', '/v2/integrations/no-such-thing')).statusCode).toBe(404);
  });
});

describe('GET /v2/integrations/:id/releases', () => {
  it('lists releases newest first and resolves default, latest and an id', async () => {
    const beta = await push('slack-alerts', '9.0.0-beta', false);
    const { rows: stored } = await stack.db.query<{ id: number; uuid: string; integration_id: number; default_release_id: number; spec: Record<string, unknown> }>(
      `SELECT r.num_id::int AS id, r.id AS uuid, i.num_id::int AS integration_id, d.num_id::int AS default_release_id, r.spec
         FROM releases r JOIN integrations i ON i.id = r.integration_id JOIN releases d ON d.id = i.default_release_id
        WHERE i.slug = 'slack-alerts' AND i.account_id = $1 ORDER BY r.created_at DESC, r.id DESC`,
      [stack.accountId],
    );
    const rows = stored;
    expect(rows[0]!.id).toBe(beta);
    const defaultId = rows[0]!.default_release_id;
    expect(defaultId).not.toBe(beta);

    const list = (await host('GET', '/v2/integrations/slack-alerts/releases')).json<{ id: number; is_default: boolean; version: string }[]>();
    expect(list.map((r) => r.id)).toEqual(rows.map((r) => r.id));
    // Pandium's IntegrationRelease, read from the stored PANDIUM.yaml.
    const spec = rows[0]!.spec as { version?: string; configs?: object; metadata_schema?: object };
    expect(list[0]).toMatchObject({
      id: beta,
      integration_id: rows[0]!.integration_id,
      uuid: rows[0]!.uuid,
      name: '9.0.0-beta',
      tag: '9.0.0-beta',
      config_schema: spec.configs ?? {},
      config_version: spec.version ?? '',
      metadata_schema: spec.metadata_schema ?? {},
      modified_date: expect.any(String),
    });
    expect(spec.configs).toBeDefined();
    expect(list.filter((r) => r.is_default).map((r) => r.id)).toEqual([defaultId]);
    expect(list[0]).not.toHaveProperty('pandium_yaml');

    const latest = (await host('GET', '/v2/integrations/slack-alerts/releases/latest')).json<{ id: string; version: string; pandium_yaml: string }>();
    expect(latest).toMatchObject({ id: beta, version: '9.0.0-beta', is_default: false, pandium_yaml: fixtureReleases['slack-alerts'] });
    const byDefault = (await host('GET', '/v2/integrations/slack-alerts/releases/default')).json<{ id: string }>();
    expect(byDefault).toMatchObject({ id: defaultId, is_default: true });
    expect((await host('GET', `/v2/integrations/slack-alerts/releases/${beta}`)).json()).toEqual(latest);
    expect((await host('GET', `/v2/integrations/slack-alerts/releases/${rows[0]!.uuid}`)).json()).toEqual(latest);
    const integrationId = rows[0]!.integration_id;
    expect((await host('GET', `/v2/integrations/${integrationId}/releases/${beta}`)).json()).toEqual(latest);
    expect((await host('GET', `/v2/integrations/${integrationId}/releases`)).json()).toEqual(list);
  });

  it('404s a release of another integration or account, 400s a malformed id', async () => {
    const other = (await host('GET', '/v2/integrations/slack-alerts/releases/default')).json<{ id: number; uuid: string }>();
    for (const id of [other.id, other.uuid]) {
      expect((await host('GET', `/v2/integrations/hubspot-contacts/releases/${id}`)).statusCode).toBe(404);
      expect((await host('GET', `/v2/integrations/slack-alerts/releases/${id}`, undefined, otherKey)).statusCode).toBe(404);
    }
    // The other account's own listing of that slug has no releases.
    expect((await host('GET', '/v2/integrations/slack-alerts/releases', undefined, otherKey)).json()).toEqual([]);
    const bad = await host('GET', '/v2/integrations/hubspot-contacts/releases/newest');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('release');
  });
});

/** An integration's public integer id. */
const integrationNum = async (slug: string) =>
  Number((await stack.db.query<{ num_id: string }>('SELECT num_id FROM integrations WHERE account_id = $1 AND slug = $2', [stack.accountId, slug])).rows[0]!.num_id);

describe('POST /v2/tenants', () => {
  it('installs for a user, paused, with checked settings and the defaults filled in', async () => {
    const response = await host('POST', '/v2/tenants', { integration: 'hubspot-contacts', user_name: 'dora', configs: { direction: 'both' } });
    expect(response.statusCode, response.body).toBe(201);
    const tenant = response.json<{ id: number; uuid: string; paused: boolean; name: string; integration_slug: string }>();
    expect(tenant).toMatchObject({ paused: true, archived: false, name: 'dora', integration_slug: 'hubspot-contacts' });
    const { rows } = await stack.db.query('SELECT num_id, paused, user_sub, configs, archived_at FROM tenants WHERE id = $1', [tenant.uuid]);
    expect(rows[0]).toMatchObject({ num_id: String(tenant.id), paused: true, user_sub: 'dora', archived_at: null });
    expect(rows[0].configs).toMatchObject({ direction: 'both' });

    // The user sees it in My integrations, paused; the host resumes it.
    const mine = await stack.app.inject({ method: 'GET', url: '/marketplace/tenants', headers: { authorization: `Bearer ${await endUserToken(stack, 'dora')}` } });
    expect(mine.json<{ tenants: { id: string; status: string }[] }>().tenants.find((t) => t.id === tenant.uuid)?.status).toBe('paused');
    const resumed = await host('PATCH', `/v2/tenants/${tenant.id}`, { paused: false });
    expect(resumed.json()).toMatchObject({ id: tenant.id, paused: false });
    expect((await stack.db.query('SELECT paused FROM tenants WHERE id = $1', [tenant.uuid])).rows[0].paused).toBe(false);
  });

  it('refuses bad input and stores nothing', async () => {
    const count = async () => Number((await stack.db.query("SELECT count(*) FROM tenants WHERE user_sub = 'eve'")).rows[0].count);
    const cases: [unknown, number, string][] = [
      [{ integration: 'hubspot-contacts', user_name: 'eve', configs: { direction: 'sideways' } }, 422, 'PAN_ERR_SETTINGS_INVALID'],
      [{ integration: 'no-such-thing', user_name: 'eve' }, 422, 'PAN_ERR_TENANT_INTEGRATION_NOT_FOUND'],
      [{ integration: 'hubspot-contacts' }, 400, 'PAN_ERR_REQUEST_INVALID'],
      [{ integration: 'hubspot-contacts', user_name: 'eve', colour: 'red' }, 400, 'PAN_ERR_REQUEST_INVALID'],
      [{ integration: 'hubspot-contacts', user_name: 'eve', schedule: { every: 'fortnight' } }, 422, 'PAN_ERR_SCHEDULE_INVALID'],
      [{ integration: 'hubspot-contacts', user_name: 'eve', time_zone: 'Moon/Tranquility' }, 422, 'PAN_ERR_SCHEDULE_TIME_ZONE_INVALID'],
      [{ integration: 'hubspot-contacts', user_name: 'eve', missed_fires: 'always' }, 400, 'PAN_ERR_REQUEST_INVALID'],
    ];
    for (const [body, status, code] of cases) {
      const response = await host('POST', '/v2/tenants', body);
      expect(response.statusCode, JSON.stringify(body)).toBe(status);
      expect(response.json().code).toBe(code);
    }
    const settings = (await host('POST', '/v2/tenants', cases[0]![0])).json<{ errors: { field: string }[] }>();
    expect(settings.errors[0]!.field).toBe('direction');
    expect(await count()).toBe(0);

    // Another account cannot install this account's integration (by id); its own listing has no release.
    const hubspotId = (await host('GET', '/v2/integrations/hubspot-contacts')).json<{ uuid: string }>().uuid;
    const foreign = await host('POST', '/v2/tenants', { integration: hubspotId, user_name: 'eve', configs: { direction: 'both' } }, otherKey);
    expect(foreign.statusCode).toBe(422);
    expect(foreign.json().code).toBe('PAN_ERR_TENANT_INTEGRATION_NOT_FOUND');
    // By its integer id: 404, as for an integration that does not exist.
    const hubspotNum = await integrationNum('hubspot-contacts');
    const foreignNum = await host('POST', '/v2/tenants', { integration_id: hubspotNum, name: 'eve', configs: { direction: 'both' } }, otherKey);
    const nobodys = await host('POST', '/v2/tenants', { integration_id: hubspotNum + 100000, name: 'eve', configs: { direction: 'both' } }, otherKey);
    expect(foreignNum.statusCode).toBe(404);
    expect(foreignNum.json()).toEqual(nobodys.json());
    expect(await count()).toBe(0);
  });

  it('sets the schedule\'s time zone and missed-fire policy (default UTC and once)', async () => {
    const zoned = await host('POST', '/v2/tenants', {
      integration: 'slack-alerts',
      user_name: 'ines',
      schedule: { type: 'cron', expression: '0 9 * * 1-5' },
      time_zone: 'Asia/Kolkata',
      missed_fires: 'skip',
    });
    expect(zoned.statusCode, zoned.body).toBe(201);
    expect(zoned.json()).toMatchObject({ time_zone: 'Asia/Kolkata', missed_fires: 'skip' });
    const { rows } = await stack.db.query('SELECT schedule_time_zone, schedule_missed FROM tenants WHERE id = $1', [zoned.json().uuid]);
    expect(rows[0]).toEqual({ schedule_time_zone: 'Asia/Kolkata', schedule_missed: 'skip' });
    const plain = await host('POST', '/v2/tenants', { integration: 'slack-alerts', user_name: 'jo' });
    expect(plain.json()).toMatchObject({ time_zone: 'UTC', missed_fires: 'once' });
  });

  it('takes Pandium’s CreateTenant (name, integer integration_id) as well as our integration and user_name', async () => {
    const slackId = await integrationNum('slack-alerts');
    const created = await host('POST', '/v2/tenants', { integration_id: slackId, name: 'gil' });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ integration_id: slackId, name: 'gil', user_name: 'gil', paused: true });

    const neither = await host('POST', '/v2/tenants', { user_name: 'hal' });
    expect(neither.statusCode).toBe(400);
    expect(neither.json().errors.map((e: { field: string }) => e.field)).toContain('integration');
    const both = await host('POST', '/v2/tenants', { integration: 'hubspot-contacts', integration_id: slackId, user_name: 'hal' });
    expect(both.statusCode).toBe(400);
    expect(both.json().errors[0].field).toBe('integration');
    expect((await stack.db.query("SELECT count(*)::int AS n FROM tenants WHERE user_sub = 'hal'")).rows[0].n).toBe(0);
  });

  it('answers 409 for a second install of the same integration for the same user', async () => {
    const body = { integration: 'slack-alerts', user_name: 'finn' };
    expect((await host('POST', '/v2/tenants', body)).statusCode).toBe(201);
    const again = await host('POST', '/v2/tenants', body);
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('PAN_ERR_TENANT_ALREADY_INSTALLED');
    expect((await stack.db.query("SELECT count(*)::int AS n FROM tenants WHERE user_sub = 'finn'")).rows[0].n).toBe(1);
  });
});
