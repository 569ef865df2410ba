import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Catalog, InstallPlan, Tenant } from '@pan/contract';
import { BULK_SLUGS, startTenantHarness, tenantRow, tenantRowsOf, type Harness } from './tenant-harness.ts';

/**
 * The end-user tenant routes: install, the install plan, limits, release channels, pause/resume,
 * uninstall and isolation. Every answer is checked against the `tenants` rows.
 */

let h: Harness;

beforeAll(async () => {
  h = await startTenantHarness(inject('pgClusterUrl'));
});

afterAll(async () => {
  await h?.stop();
});

/** A fresh user per test keeps tests independent of each other's tenants. */
let userCount = 0;
const newUser = () => `user-${(userCount += 1)}`;

async function installOk(jwt: string, body: Record<string, unknown>): Promise<Tenant> {
  const response = await h.call('POST', '/marketplace/tenants', jwt, body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json<Tenant>();
}

describe('install', () => {
  it('creates a tenant with the defaults: channel default, integration schedule, active, default settings', async () => {
    const sub = newUser();
    const jwt = await h.token({ sub });
    const tenant = await installOk(jwt, { integration: 'hubspot-contacts' });

    const row = await tenantRow(h.stack, tenant.id);
    expect(row).toMatchObject({
      account_id: h.stack.accountId,
      integration_id: await h.integrationId('hubspot-contacts'),
      user_sub: sub,
      paused: false,
      archived_at: null,
      release_channel: 'default',
      pinned_release_id: null,
      schedule_is_default: true,
      schedule: null,
      dynamic_configs: null,
      // Every default, the admin-only one included.
      configs: { direction: 'both', records_per_page: 20, include_archived: false, api_base_url: 'https://api.hubapi.com' },
    });

    expect(tenant).toMatchObject({
      id: row.id,
      integration: { id: row.integration_id, slug: 'hubspot-contacts', name: 'HubSpot Contacts', logo_url: null },
      status: 'active',
      // The end user never sees the admin-only value.
      configs: { direction: 'both', records_per_page: 20, include_archived: false },
      schedule: { type: 'interval', every: 1, unit: 'hours' },
      schedule_is_default: true,
      default_schedule: { type: 'interval', every: 1, unit: 'hours' },
      release_channel: { type: 'default' },
      release: { id: h.releases['hubspot-contacts@r1'], version: 'r1' },
      dynamic_configs_loaded: false,
      created_at: row.created_at.toISOString(),
      updated_at: row.updated_at.toISOString(),
    });
    expect(tenant.configs).not.toHaveProperty('api_base_url');
    expect(tenant.settings_form.fields).toEqual(['direction', 'records_per_page', 'include_archived', 'start_date', 'region', 'events']);
    expect(tenant.settings_form.schema).toMatchObject({ type: 'object' });
  });

  it('answers the same tenant on GET, lists it, and the catalog says installed', async () => {
    const jwt = await h.token({ sub: newUser() });
    const tenant = await installOk(jwt, { integration: 'slack-alerts' });
    const got = await h.call('GET', `/marketplace/tenants/${tenant.id}`, jwt);
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(tenant);
    expect(got.headers['cache-control']).toBe('private, no-store');
    const list = await h.call('GET', '/marketplace/tenants', jwt);
    expect(list.json()).toEqual({ tenants: [tenant] });
    const catalog = (await h.call('GET', '/marketplace/catalog', jwt)).json<Catalog>();
    expect(catalog.integrations.find((i) => i.slug === 'slack-alerts')?.installed).toBe(true);
    expect(catalog.integrations.find((i) => i.slug === 'hubspot-contacts')?.installed).toBe(false);
  });

  it('stores the settings, schedule and channel the request gives', async () => {
    const jwt = await h.token({ sub: newUser() });
    const tenant = await installOk(jwt, {
      integration: 'hubspot-contacts',
      configs: { direction: 'to_hubspot', records_per_page: 50, region: 'eu' },
      schedule: { type: 'cron', expression: '30 6 * * 1' },
      release_channel: { type: 'pinned', release_id: h.releases['hubspot-contacts@r2'] },
    });
    expect(tenant).toMatchObject({
      configs: { direction: 'to_hubspot', records_per_page: 50, include_archived: false, region: 'eu' },
      schedule: { type: 'cron', expression: '30 6 * * 1' },
      schedule_is_default: false,
      release_channel: { type: 'pinned', release_id: h.releases['hubspot-contacts@r2'] },
      release: { version: 'r2' },
    });
    expect(await tenantRow(h.stack, tenant.id)).toMatchObject({
      configs: { direction: 'to_hubspot', records_per_page: 50, include_archived: false, region: 'eu', api_base_url: 'https://api.hubapi.com' },
      schedule_is_default: false,
      schedule: { type: 'cron', expression: '30 6 * * 1' },
      release_channel: 'pinned',
      pinned_release_id: h.releases['hubspot-contacts@r2'],
    });
  });

  it('schedule null means no schedule, not the default', async () => {
    const jwt = await h.token({ sub: newUser() });
    const tenant = await installOk(jwt, { integration: 'hubspot-contacts', schedule: null });
    expect(tenant).toMatchObject({ schedule: null, schedule_is_default: false, default_schedule: { type: 'interval', every: 1, unit: 'hours' } });
    expect(await tenantRow(h.stack, tenant.id)).toMatchObject({ schedule: null, schedule_is_default: false });
  });

  it('an integration without a default schedule gives a tenant without one', async () => {
    const tenant = await installOk(await h.token({ sub: newUser() }), { integration: 'slack-alerts' });
    expect(tenant).toMatchObject({ schedule: null, schedule_is_default: true, default_schedule: null });
  });

  it('a second install of the same integration is 409 naming it, and stores nothing', async () => {
    const sub = newUser();
    const jwt = await h.token({ sub });
    await installOk(jwt, { integration: 'hubspot-contacts' });
    const again = await h.call('POST', '/marketplace/tenants', jwt, { integration: 'hubspot-contacts' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ statusCode: 409, code: 'PAN_ERR_TENANT_ALREADY_INSTALLED', integration: 'hubspot-contacts' });
    expect(again.json().message).toContain('HubSpot Contacts');
    expect(await tenantRowsOf(h.stack, sub)).toHaveLength(1);
  });

  it('parallel installs of the same integration: exactly one succeeds, the rest are 409', async () => {
    const sub = newUser();
    const jwt = await h.token({ sub });
    const answers = await Promise.all(Array.from({ length: 5 }, () => h.call('POST', '/marketplace/tenants', jwt, { integration: 'channels' })));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 409, 409, 409, 409]);
    expect(await tenantRowsOf(h.stack, sub)).toHaveLength(1);
  });

  it('the same user may install the same slug in another account, and other users are independent', async () => {
    const jwtA = await h.token({ sub: 'shared-sub' });
    const jwtOther = await h.token({ sub: 'shared-sub', otherAccount: true });
    const jwtB = await h.token({ sub: 'someone-else' });
    const a = await installOk(jwtA, { integration: 'hubspot-contacts' });
    const o = await installOk(jwtOther, { integration: 'hubspot-contacts' });
    await installOk(jwtB, { integration: 'hubspot-contacts' });
    expect(o.release.id).toBe(h.releases['other:hubspot-contacts@r1']);
    expect((await tenantRow(h.stack, a.id)).account_id).toBe(h.stack.accountId);
    expect((await tenantRow(h.stack, o.id)).account_id).toBe(h.other.id);
  });

  it('an integration the user cannot see is 422 and stores nothing: another group, hidden by xti, unknown, another account\'s', async () => {
    const cases: [string, Parameters<Harness['token']>[0]][] = [
      ['s3-export', {}],
      ['salesforce-leads', { xti: { user_group: 'engineering' } }],
      ['hubspot-contacts', { xti: { hidden_integrations: ['hubspot-contacts'] } }],
      ['slack-alerts', { xti: { visible_integrations: ['hubspot-contacts'] } }],
      ['no-such-integration', {}],
    ];
    for (const [slug, options] of cases) {
      const sub = newUser();
      const response = await h.call('POST', '/marketplace/tenants', await h.token({ ...options, sub }), { integration: slug });
      expect(response.statusCode, slug).toBe(422);
      expect(response.json()).toMatchObject({ code: 'PAN_ERR_TENANT_INTEGRATION_NOT_FOUND', errors: [{ field: 'integration' }] });
      expect(response.json().message).toContain(slug);
      expect(await tenantRowsOf(h.stack, sub)).toEqual([]);
    }
  });

  it('an integration visible through the user\'s group can be installed', async () => {
    const tenant = await installOk(await h.token({ sub: newUser(), xti: { user_group: 'engineering' } }), { integration: 's3-export' });
    expect(tenant.integration.slug).toBe('s3-export');
  });

  it('an external integration is 422 PAN_ERR_TENANT_INTEGRATION_EXTERNAL', async () => {
    const sub = newUser();
    const response = await h.call('POST', '/marketplace/tenants', await h.token({ sub }), { integration: 'zapier' });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'PAN_ERR_TENANT_INTEGRATION_EXTERNAL' });
    expect(response.json().message).toContain('Zapier');
    expect(await tenantRowsOf(h.stack, sub)).toEqual([]);
  });

  it('an integration without a release is 422 PAN_ERR_TENANT_NO_RELEASE', async () => {
    const sub = newUser();
    const response = await h.call('POST', '/marketplace/tenants', await h.token({ sub }), { integration: 'draft' });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'PAN_ERR_TENANT_NO_RELEASE' });
    expect(response.json().message).toContain('Draft Without Release');
    expect(await tenantRowsOf(h.stack, sub)).toEqual([]);
  });

  it('malformed bodies are 400 before anything else', async () => {
    const jwt = await h.token({ sub: newUser() });
    for (const body of [
      {},
      { integration: 'hubspot-contacts', colour: 'red' },
      { integration: 'Not A Slug' },
      { integration: 'hubspot-contacts', configs: ['not', 'an', 'object'] },
      { integration: 'hubspot-contacts', schedule: 'hourly' },
      { integration: 'hubspot-contacts', release_channel: { type: 'pinned' } },
      { integration: 'hubspot-contacts', release_channel: { type: 'latest', release_id: randomUUID() } },
      { integration: 'hubspot-contacts', release_channel: { type: 'pinned', release_id: 'r1' } },
      { integration: 'hubspot-contacts', release_channel: { type: 'nightly' } },
    ]) {
      const response = await h.call('POST', '/marketplace/tenants', jwt, body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().code).toBe('PAN_ERR_REQUEST_INVALID');
    }
  });

  it('every tenant route needs a token', async () => {
    for (const [method, url] of [
      ['GET', '/marketplace/tenants'],
      ['POST', '/marketplace/tenants'],
      ['GET', '/marketplace/integrations/hubspot-contacts/install'],
      ['GET', `/marketplace/tenants/${randomUUID()}`],
      ['PATCH', `/marketplace/tenants/${randomUUID()}`],
      ['POST', `/marketplace/tenants/${randomUUID()}/pause`],
      ['POST', `/marketplace/tenants/${randomUUID()}/resume`],
      ['DELETE', `/marketplace/tenants/${randomUUID()}`],
    ] as const) {
      const response = await h.stack.app.inject({ method, url });
      expect(response.statusCode, `${method} ${url}`).toBe(401);
      expect(response.json().code).toBe('PAN_ERR_AUTH_MISSING');
    }
  });
});

describe('install plan', () => {
  it('GET /marketplace/integrations/:slug/install answers what the install flow needs', async () => {
    const jwt = await h.token({ sub: newUser() });
    const response = await h.call('GET', '/marketplace/integrations/hubspot-contacts/install', jwt);
    expect(response.statusCode, response.body).toBe(200);
    const plan = response.json<InstallPlan>();
    const detail = (await h.call('GET', '/marketplace/integrations/hubspot-contacts', jwt)).json();
    expect(plan.integration).toEqual(detail);
    expect(plan.release).toEqual({ id: h.releases['hubspot-contacts@r1'], version: 'r1', created_at: expect.any(String) });
    expect(plan.connectors).toEqual(['hubspot']);
    expect(plan.default_schedule).toEqual({ type: 'interval', every: 1, unit: 'hours' });
    expect(plan.releases.map((r) => r.version)).toEqual(['r2', 'r1']);
    expect(plan.releases[1]).toEqual(plan.release);
    expect(plan.settings_form.fields).toEqual(['direction', 'records_per_page', 'include_archived', 'start_date', 'region', 'events']);
    expect(Object.keys(plan).sort()).toEqual(['connectors', 'default_schedule', 'integration', 'release', 'releases', 'settings_form', 'time_zone']);
    expect(response.headers['cache-control']).toBe('private, no-store');
  });

  it('the plan of a dynamic integration has its selectors not loaded yet', async () => {
    const plan = (await h.call('GET', '/marketplace/integrations/pokemon/install', await h.token())).json<InstallPlan>();
    expect(plan.default_schedule).toEqual({ type: 'cron', expression: '0 9 * * 1-5' });
    expect(plan.connectors).toEqual([]);
    const ui = plan.settings_form.uiSchema as Record<string, { 'ui:options'?: { dynamic?: { loaded: boolean } } }>;
    expect(ui.pokemon_type?.['ui:options']?.dynamic?.loaded).toBe(false);
  });

  it('is 404 for an integration the user cannot see and 422 for external or release-less ones', async () => {
    const jwt = await h.token();
    const invisible = await h.call('GET', '/marketplace/integrations/s3-export/install', jwt);
    expect(invisible.statusCode).toBe(404);
    expect(invisible.json().code).toBe('PAN_ERR_NOT_FOUND');
    expect((await h.call('GET', '/marketplace/integrations/zapier/install', jwt)).json()).toMatchObject({
      statusCode: 422,
      code: 'PAN_ERR_TENANT_INTEGRATION_EXTERNAL',
    });
    expect((await h.call('GET', '/marketplace/integrations/draft/install', jwt)).json()).toMatchObject({
      statusCode: 422,
      code: 'PAN_ERR_TENANT_NO_RELEASE',
    });
  });
});

describe('xti.allowed_installs', () => {
  it('refuses the install over the limit with 403 and a clear message', async () => {
    const sub = newUser();
    const jwt = await h.token({ sub, xti: { allowed_installs: 2 } });
    await installOk(jwt, { integration: 'bulk-1' });
    await installOk(jwt, { integration: 'bulk-2' });
    const third = await h.call('POST', '/marketplace/tenants', jwt, { integration: 'bulk-3' });
    expect(third.statusCode).toBe(403);
    expect(third.json()).toMatchObject({ statusCode: 403, code: 'PAN_ERR_TENANT_INSTALL_LIMIT', limit: 2 });
    expect(third.json().message).toMatch(/^You can install at most 2 integrations/);
    expect(await tenantRowsOf(h.stack, sub)).toHaveLength(2);
  });

  it('says "1 integration" for a limit of one, and 0 refuses every install', async () => {
    const one = await h.token({ sub: newUser(), xti: { allowed_installs: 1 } });
    await installOk(one, { integration: 'bulk-1' });
    expect((await h.call('POST', '/marketplace/tenants', one, { integration: 'bulk-2' })).json().message).toMatch(
      /^You can install at most 1 integration;/,
    );
    const none = await h.call('POST', '/marketplace/tenants', await h.token({ sub: newUser(), xti: { allowed_installs: 0 } }), {
      integration: 'bulk-1',
    });
    expect(none.statusCode).toBe(403);
  });

  it('counts only active tenants: uninstalling frees a place', async () => {
    const sub = newUser();
    const jwt = await h.token({ sub, xti: { allowed_installs: 1 } });
    const first = await installOk(jwt, { integration: 'bulk-1' });
    expect((await h.call('POST', '/marketplace/tenants', jwt, { integration: 'bulk-2' })).statusCode).toBe(403);
    expect((await h.call('DELETE', `/marketplace/tenants/${first.id}`, jwt)).statusCode).toBe(204);
    await installOk(jwt, { integration: 'bulk-2' });
  });

  it('a second install of an installed integration is 409 even at the limit', async () => {
    const jwt = await h.token({ sub: newUser(), xti: { allowed_installs: 1 } });
    await installOk(jwt, { integration: 'bulk-1' });
    expect((await h.call('POST', '/marketplace/tenants', jwt, { integration: 'bulk-1' })).statusCode).toBe(409);
  });

  it('parallel installs at the limit: exactly `limit` succeed', async () => {
    const sub = newUser();
    const jwt = await h.token({ sub, xti: { allowed_installs: 3 } });
    const answers = await Promise.all(BULK_SLUGS.map((integration) => h.call('POST', '/marketplace/tenants', jwt, { integration })));
    const codes = answers.map((a) => a.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(3);
    expect(codes.filter((c) => c === 403)).toHaveLength(3);
    const rows = await tenantRowsOf(h.stack, sub);
    expect(rows.filter((r) => r.archived_at === null)).toHaveLength(3);
  });

  it('other users\' and other accounts\' tenants do not count', async () => {
    const sub = newUser();
    await installOk(await h.token({ sub, otherAccount: true }), { integration: 'bulk-1' });
    await installOk(await h.token({ sub: newUser() }), { integration: 'bulk-1' });
    await installOk(await h.token({ sub, xti: { allowed_installs: 1 } }), { integration: 'bulk-1' });
  });
});

describe('release channel', () => {
  it('default follows the integration\'s default, latest the newest, pinned the one named', async () => {
    const sub = newUser();
    const jwt = await h.token({ sub });
    const tenant = await installOk(jwt, { integration: 'hubspot-contacts' });
    expect(tenant.release.version).toBe('r1');

    const latest = await h.call('PATCH', `/marketplace/tenants/${tenant.id}`, jwt, { release_channel: { type: 'latest' } });
    expect(latest.statusCode, latest.body).toBe(200);
    expect(latest.json<Tenant>()).toMatchObject({ release_channel: { type: 'latest' }, release: { version: 'r2' } });
    // r2 adds batch_size, and the form follows the release.
    expect(latest.json<Tenant>().settings_form.fields).toContain('batch_size');
    expect(await tenantRow(h.stack, tenant.id)).toMatchObject({ release_channel: 'latest', pinned_release_id: null });

    const pinned = await h.call('PATCH', `/marketplace/tenants/${tenant.id}`, jwt, {
      release_channel: { type: 'pinned', release_id: h.releases['hubspot-contacts@r1'] },
    });
    expect(pinned.json<Tenant>()).toMatchObject({
      release_channel: { type: 'pinned', release_id: h.releases['hubspot-contacts@r1'] },
      release: { version: 'r1' },
    });
    expect(await tenantRow(h.stack, tenant.id)).toMatchObject({ release_channel: 'pinned', pinned_release_id: h.releases['hubspot-contacts@r1'] });

    const back = await h.call('PATCH', `/marketplace/tenants/${tenant.id}`, jwt, { release_channel: { type: 'default' } });
    expect(back.json<Tenant>()).toMatchObject({ release_channel: { type: 'default' }, release: { version: 'r1' } });
    expect(await tenantRow(h.stack, tenant.id)).toMatchObject({ release_channel: 'default', pinned_release_id: null });
  });

  it('latest and default move with new releases; a pin stays', async () => {
    const users = await Promise.all(['latest', 'default', 'pinned'].map(async (channel) => {
      const jwt = await h.token({ sub: newUser() });
      const first = await installOk(jwt, { integration: 'channels' });
      const release_channel = channel === 'pinned' ? { type: 'pinned', release_id: first.release.id } : { type: channel };
      await h.call('PATCH', `/marketplace/tenants/${first.id}`, jwt, { release_channel });
      return { channel, jwt, id: first.id, first: first.release };
    }));
    const newer = await h.release(h.stack.accountId, 'channels', `${SIMPLE_NEWER}`, false);
    const newest = await h.release(h.stack.accountId, 'channels', `${SIMPLE_NEWER}# again\n`, true);
    for (const user of users) {
      const tenant = (await h.call('GET', `/marketplace/tenants/${user.id}`, user.jwt)).json<Tenant>();
      const expected = user.channel === 'pinned' ? user.first.id : newest.id;
      expect(tenant.release.id, user.channel).toBe(expected);
    }
    expect(newer.id).not.toBe(newest.id);
  });

  it('a release of another integration or account, or an unknown id, is 422 and changes nothing', async () => {
    const jwt = await h.token({ sub: newUser() });
    const tenant = await installOk(jwt, { integration: 'hubspot-contacts' });
    const before = await tenantRow(h.stack, tenant.id);
    for (const release_id of [h.releases['slack-alerts@r1']!, h.releases['other:hubspot-contacts@r1']!, randomUUID()]) {
      const response = await h.call('PATCH', `/marketplace/tenants/${tenant.id}`, jwt, {
        release_channel: { type: 'pinned', release_id },
        schedule: { type: 'interval', every: 2, unit: 'hours' },
      });
      expect(response.statusCode).toBe(422);
      expect(response.json()).toMatchObject({
        code: 'PAN_ERR_TENANT_RELEASE_INVALID',
        errors: [{ field: 'release_channel.release_id' }],
      });
    }
    expect(await tenantRow(h.stack, tenant.id)).toEqual(before);
    const install = await h.call('POST', '/marketplace/tenants', await h.token({ sub: newUser() }), {
      integration: 'hubspot-contacts',
      release_channel: { type: 'pinned', release_id: h.releases['slack-alerts@r1'] },
    });
    expect(install.statusCode).toBe(422);
    expect(install.json().code).toBe('PAN_ERR_TENANT_RELEASE_INVALID');
  });

  it('the database refuses a pin to another integration\'s release', async () => {
    const jwt = await h.token({ sub: newUser() });
    const tenant = await installOk(jwt, { integration: 'hubspot-contacts' });
    await expect(
      h.stack.db.query("UPDATE tenants SET release_channel = 'pinned', pinned_release_id = $2 WHERE id = $1", [tenant.id, h.releases['slack-alerts@r1']]),
    ).rejects.toThrow(/tenants_pinned_release_fk/);
    await expect(h.stack.db.query("UPDATE tenants SET release_channel = 'pinned' WHERE id = $1", [tenant.id])).rejects.toThrow(
      /tenants_pinned_release_check/,
    );
  });
});

const SIMPLE_NEWER = `version: 1.0
run: node index.js
configs:
  schema:
    type: object
    properties:
      channel: { type: string }
      mention: { type: boolean }
  uischema:
    type: VerticalLayout
    elements:
      - { type: Control, scope: '#/properties/channel' }
      - { type: Control, scope: '#/properties/mention' }
`;

describe('schedule time zone and missed fires', () => {
  it('defaults to the token\'s tz claim, else UTC; a zone sent wins; the missed-fire policy defaults to once', async () => {
    const plain = await installOk(await h.token({ sub: newUser() }), { integration: 'slack-alerts' });
    expect(plain).toMatchObject({ time_zone: 'UTC', missed_fires: 'once' });
    expect(await tenantRow(h.stack, plain.id)).toMatchObject({ schedule_time_zone: 'UTC', schedule_missed: 'once' });

    const claimed = await installOk(await h.token({ sub: newUser(), claims: { tz: 'America/New_York' } }), { integration: 'slack-alerts' });
    expect(claimed).toMatchObject({ time_zone: 'America/New_York' });
    expect(await tenantRow(h.stack, claimed.id)).toMatchObject({ schedule_time_zone: 'America/New_York' });

    // The elements send the zone they settled on; its spelling is made canonical.
    const sent = await installOk(await h.token({ sub: newUser(), claims: { tz: 'America/New_York' } }), {
      integration: 'slack-alerts',
      time_zone: 'europe/berlin',
      missed_fires: 'skip',
    });
    expect(sent).toMatchObject({ time_zone: 'Europe/Berlin', missed_fires: 'skip' });
    expect(await tenantRow(h.stack, sent.id)).toMatchObject({ schedule_time_zone: 'Europe/Berlin', schedule_missed: 'skip' });
  });

  it('an unknown zone is 422 PAN_ERR_SCHEDULE_TIME_ZONE_INVALID naming time_zone, and nothing is saved', async () => {
    const sub = newUser();
    const jwt = await h.token({ sub });
    for (const time_zone of ['Mars/Olympus_Mons', '+01:00', 'UTC; DROP TABLE tenants']) {
      const response = await h.call('POST', '/marketplace/tenants', jwt, { integration: 'slack-alerts', time_zone });
      expect(response.statusCode, time_zone).toBe(422);
      expect(response.json()).toMatchObject({ code: 'PAN_ERR_SCHEDULE_TIME_ZONE_INVALID', errors: [{ field: 'time_zone' }] });
    }
    expect(await tenantRowsOf(h.stack, sub)).toEqual([]);

    const tenant = await installOk(jwt, { integration: 'slack-alerts', time_zone: 'Asia/Tokyo' });
    const before = await tenantRow(h.stack, tenant.id);
    const bad = await h.call('PATCH', `/marketplace/tenants/${tenant.id}`, jwt, { time_zone: 'Asia/Atlantis', schedule: { type: 'cron', expression: '0 9 * * *' } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json()).toMatchObject({ code: 'PAN_ERR_SCHEDULE_TIME_ZONE_INVALID', errors: [{ field: 'time_zone' }] });
    expect(await tenantRow(h.stack, tenant.id)).toEqual(before);
    // Not one of the two policies: the body schema refuses it.
    const policy = await h.call('PATCH', `/marketplace/tenants/${tenant.id}`, jwt, { missed_fires: 'twice' });
    expect(policy.statusCode).toBe(400);

    const ok = await h.call('PATCH', `/marketplace/tenants/${tenant.id}`, jwt, { time_zone: 'Europe/Lisbon', missed_fires: 'skip' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ time_zone: 'Europe/Lisbon', missed_fires: 'skip' });
    expect(await tenantRow(h.stack, tenant.id)).toMatchObject({ schedule_time_zone: 'Europe/Lisbon', schedule_missed: 'skip' });
  });

  it('the install plan tells the elements the token\'s zone (null without a tz claim)', async () => {
    const zoned = await h.call('GET', '/marketplace/integrations/slack-alerts/install', await h.token({ sub: newUser(), claims: { tz: 'Australia/Adelaide' } }));
    expect(zoned.json<InstallPlan>().time_zone).toBe('Australia/Adelaide');
    const plain = await h.call('GET', '/marketplace/integrations/slack-alerts/install', await h.token({ sub: newUser() }));
    expect(plain.json<InstallPlan>().time_zone).toBeNull();
  });

  it('answers carry the token\'s locale claim as Content-Language (canonical), none without one; an invalid one is refused', async () => {
    const claimed = await h.call('GET', '/marketplace/tenants', await h.token({ sub: newUser(), claims: { locale: 'de-at' } }));
    expect(claimed.statusCode, claimed.body).toBe(200);
    expect(claimed.headers['content-language']).toBe('de-AT');
    const plain = await h.call('GET', '/marketplace/tenants', await h.token({ sub: newUser() }));
    expect(plain.headers['content-language']).toBeUndefined();
    const invalid = await h.call('GET', '/marketplace/tenants', await h.token({ sub: newUser(), claims: { locale: 'not a tag' } }));
    expect(invalid.statusCode).toBe(401);
    expect(invalid.json().code).toBe('PAN_ERR_AUTH_CLAIM_INVALID');
  });

  it('a token whose tz claim is not a zone is refused', async () => {

    const response = await h.call('GET', '/marketplace/tenants', await h.token({ sub: newUser(), claims: { tz: 'Nowhere/Else' } }));
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe('PAN_ERR_AUTH_CLAIM_INVALID');
  });
});

describe('pause and resume', () => {
  it('pause sets paused, resume clears it; both are idempotent', async () => {
    const jwt = await h.token({ sub: newUser() });
    const tenant = await installOk(jwt, { integration: 'slack-alerts' });

    const paused = await h.call('POST', `/marketplace/tenants/${tenant.id}/pause`, jwt);
    expect(paused.statusCode).toBe(200);
    expect(paused.json<Tenant>().status).toBe('paused');
    const row = await tenantRow(h.stack, tenant.id);
    expect(row.paused).toBe(true);

    const again = await h.call('POST', `/marketplace/tenants/${tenant.id}/pause`, jwt);
    expect(again.statusCode).toBe(200);
    expect(again.json<Tenant>().status).toBe('paused');
    // A no-op does not count as a change.
    expect((await tenantRow(h.stack, tenant.id)).updated_at).toEqual(row.updated_at);

    const resumed = await h.call('POST', `/marketplace/tenants/${tenant.id}/resume`, jwt);
    expect(resumed.json<Tenant>().status).toBe('active');
    expect((await h.call('POST', `/marketplace/tenants/${tenant.id}/resume`, jwt)).json<Tenant>().status).toBe('active');
    expect((await tenantRow(h.stack, tenant.id)).paused).toBe(false);
  });

  it('a paused tenant can still be configured and stays paused', async () => {
    const jwt = await h.token({ sub: newUser() });
    const tenant = await installOk(jwt, { integration: 'slack-alerts' });
    await h.call('POST', `/marketplace/tenants/${tenant.id}/pause`, jwt);
    const saved = await h.call('PATCH', `/marketplace/tenants/${tenant.id}`, jwt, { configs: { channel: '#ops' } });
    expect(saved.json<Tenant>()).toMatchObject({ status: 'paused', configs: { channel: '#ops' } });
  });
});

describe('uninstall', () => {
  it('archives: 204, the row stays, the tenant is gone for the user, the catalog says not installed', async () => {
    const sub = newUser();
    const jwt = await h.token({ sub });
    const tenant = await installOk(jwt, { integration: 'slack-alerts', configs: { channel: '#general' } });

    const removed = await h.call('DELETE', `/marketplace/tenants/${tenant.id}`, jwt);
    expect(removed.statusCode).toBe(204);
    expect(removed.body).toBe('');
    const row = await tenantRow(h.stack, tenant.id);
    expect(row.archived_at).toBeInstanceOf(Date);
    expect(row.configs).toEqual({ channel: '#general' });

    expect((await h.call('GET', `/marketplace/tenants/${tenant.id}`, jwt)).statusCode).toBe(404);
    expect((await h.call('GET', '/marketplace/tenants', jwt)).json()).toEqual({ tenants: [] });
    const catalog = (await h.call('GET', '/marketplace/catalog', jwt)).json<Catalog>();
    expect(catalog.integrations.find((i) => i.slug === 'slack-alerts')?.installed).toBe(false);
    for (const [method, url] of [
      ['PATCH', `/marketplace/tenants/${tenant.id}`],
      ['POST', `/marketplace/tenants/${tenant.id}/pause`],
      ['POST', `/marketplace/tenants/${tenant.id}/resume`],
      ['DELETE', `/marketplace/tenants/${tenant.id}`],
    ] as const) {
      const response = await h.call(method, url, jwt, method === 'PATCH' ? { schedule: null } : undefined);
      expect(response.statusCode, `${method} ${url}`).toBe(404);
    }
    expect(await tenantRow(h.stack, tenant.id)).toEqual(row);
  });

  it('installing again creates a new tenant; the archived one keeps its history', async () => {
    const sub = newUser();
    const jwt = await h.token({ sub });
    const first = await installOk(jwt, { integration: 'slack-alerts', configs: { channel: '#old' } });
    await h.call('DELETE', `/marketplace/tenants/${first.id}`, jwt);
    const second = await installOk(jwt, { integration: 'slack-alerts' });
    expect(second.id).not.toBe(first.id);
    expect(second.configs).toEqual({});
    const rows = await tenantRowsOf(h.stack, sub);
    expect(rows.map((r) => [r.id, r.archived_at === null, r.configs])).toEqual([
      [first.id, false, { channel: '#old' }],
      [second.id, true, {}],
    ]);
    expect((await h.call('GET', '/marketplace/tenants', jwt)).json<{ tenants: Tenant[] }>().tenants.map((t) => t.id)).toEqual([second.id]);
  });
});

describe('isolation: another user\'s or another account\'s tenant is 404 on every route', () => {
  const routes = (id: string) =>
    [
      ['GET', `/marketplace/tenants/${id}`, undefined],
      ['PATCH', `/marketplace/tenants/${id}`, { configs: { channel: '#stolen' }, schedule: null }],
      ['POST', `/marketplace/tenants/${id}/pause`, undefined],
      ['POST', `/marketplace/tenants/${id}/resume`, undefined],
      ['DELETE', `/marketplace/tenants/${id}`, undefined],
    ] as const;

  const strangers: [string, Parameters<Harness['token']>[0]][] = [
    ['another user of the same account', { sub: 'mallory' }],
    ['the same sub in another account', { sub: 'victim', otherAccount: true }],
    ['another user in another account', { sub: 'mallory', otherAccount: true }],
  ];

  for (const [who, options] of strangers) {
    it(who, async () => {
      const owner = await h.token({ sub: 'victim' });
      const tenant = (await h.call('GET', '/marketplace/tenants', owner)).json<{ tenants: Tenant[] }>().tenants[0]
        ?? (await installOk(owner, { integration: 'slack-alerts', configs: { channel: '#private' } }));
      const before = await tenantRow(h.stack, tenant.id);
      const jwt = await h.token(options);
      for (const [method, url, body] of routes(tenant.id)) {
        const response = await h.call(method, url, jwt, body);
        expect(response.statusCode, `${method} ${url}`).toBe(404);
        expect(response.json()).toMatchObject({ code: 'PAN_ERR_NOT_FOUND', message: 'Tenant not found' });
      }
      expect(await tenantRow(h.stack, tenant.id)).toEqual(before);
      const list = (await h.call('GET', '/marketplace/tenants', jwt)).json<{ tenants: Tenant[] }>();
      expect(list.tenants.map((t) => t.id)).not.toContain(tenant.id);
      // An id nobody has answers the same way.
      expect((await h.call('GET', `/marketplace/tenants/${randomUUID()}`, jwt)).statusCode).toBe(404);
    });
  }

  it('a tenant id that is not a uuid is 400', async () => {
    const response = await h.call('GET', '/marketplace/tenants/not-a-uuid', await h.token());
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('PAN_ERR_REQUEST_INVALID');
  });

  it('the list holds only this user\'s active tenants in this account', async () => {
    const sub = newUser();
    const jwt = await h.token({ sub });
    const mine = [await installOk(jwt, { integration: 'slack-alerts' }), await installOk(jwt, { integration: 'hubspot-contacts' })];
    await installOk(await h.token({ sub, otherAccount: true }), { integration: 'slack-alerts' });
    await installOk(await h.token({ sub: newUser() }), { integration: 'slack-alerts' });
    const list = (await h.call('GET', '/marketplace/tenants', jwt)).json<{ tenants: Tenant[] }>();
    // Sorted by integration name.
    expect(list.tenants.map((t) => t.id)).toEqual([mine[1]!.id, mine[0]!.id]);
  });
});
