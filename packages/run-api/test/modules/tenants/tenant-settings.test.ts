import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SettingsError, Tenant } from '@pan/contract';
import { DYNAMIC_OPTIONS, startTenantHarness, tenantRow, tenantRowsOf, type Harness } from './tenant-harness.ts';

/**
 * Saving a tenant's settings and schedule: validated on the server against the tenant's form
 * (audience user, its release, its dynamic options); a refusal is 422 naming the field and
 * leaves the row exactly as it was.
 */

let h: Harness;

beforeAll(async () => {
  h = await startTenantHarness(inject('pgClusterUrl'));
});

afterAll(async () => {
  await h?.stop();
});

let userCount = 0;

/** A fresh user with one tenant of `integration`. */
async function installed(integration: string, configs?: Record<string, unknown>): Promise<{ jwt: string; tenant: Tenant; sub: string }> {
  const sub = `settings-user-${(userCount += 1)}`;
  const jwt = await h.token({ sub });
  const response = await h.call('POST', '/marketplace/tenants', jwt, { integration, ...(configs ? { configs } : {}) });
  expect(response.statusCode, response.body).toBe(201);
  return { jwt, tenant: response.json<Tenant>(), sub };
}

const patch = (jwt: string, id: string, body: unknown) => h.call('PATCH', `/marketplace/tenants/${id}`, jwt, body);

/** A full, valid user form value for HUBSPOT_R1. */
const VALID = {
  direction: 'from_hubspot',
  records_per_page: 75,
  include_archived: true,
  start_date: '2024-05-01',
  region: 'us',
  events: ['created', 'deleted'],
};

describe('saving settings', () => {
  it('a valid save stores the values and answers them', async () => {
    const { jwt, tenant } = await installed('hubspot-contacts');
    const response = await patch(jwt, tenant.id, { configs: VALID });
    expect(response.statusCode, response.body).toBe(200);
    const saved = response.json<Tenant>();
    expect(saved.configs).toEqual(VALID);
    const row = await tenantRow(h.stack, tenant.id);
    expect(row.configs).toEqual({ ...VALID, api_base_url: 'https://api.hubapi.com' });
    expect(row.updated_at.getTime()).toBeGreaterThan(new Date(tenant.updated_at).getTime());
    expect(saved.updated_at).toBe(row.updated_at.toISOString());
  });

  it('the user\'s form value replaces theirs: a field left out is cleared', async () => {
    const { jwt, tenant } = await installed('hubspot-contacts', VALID);
    const response = await patch(jwt, tenant.id, { configs: { direction: 'both' } });
    expect(response.json<Tenant>().configs).toEqual({ direction: 'both' });
    expect((await tenantRow(h.stack, tenant.id)).configs).toEqual({ direction: 'both', api_base_url: 'https://api.hubapi.com' });
  });

  const invalid: [string, Record<string, unknown>, string | RegExp][] = [
    ['a string where an integer belongs', { ...VALID, records_per_page: 'many' }, 'records_per_page'],
    ['a fraction where an integer belongs', { ...VALID, records_per_page: 2.5 }, 'records_per_page'],
    ['a number where a boolean belongs', { ...VALID, include_archived: 1 }, 'include_archived'],
    ['above max', { ...VALID, records_per_page: 101 }, 'records_per_page'],
    ['below min', { ...VALID, records_per_page: 0 }, 'records_per_page'],
    ['not among the enum', { ...VALID, direction: 'sideways' }, 'direction'],
    ['not among the oneOf consts', { ...VALID, region: 'apac' }, 'region'],
    ['a multi-select value not among the options', { ...VALID, events: ['created', 'exploded'] }, /^events/],
    ['a multi-select value twice', { ...VALID, events: ['created', 'created'] }, /^events/],
    ['a multi-select that is not a list', { ...VALID, events: 'created' }, /^events/],
    ['a malformed date', { ...VALID, start_date: '01/05/2024' }, 'start_date'],
    ['an unknown field', { ...VALID, colour: 'red' }, 'colour'],
    ['an admin-only field (not the user\'s to set)', { ...VALID, api_base_url: 'https://evil.example' }, 'api_base_url'],
    ['a required field left out', { records_per_page: 10 }, 'direction'],
  ];
  for (const [what, configs, field] of invalid) {
    it(`${what}: 422 naming the field, nothing saved`, async () => {
      const { jwt, tenant } = await installed('hubspot-contacts', { direction: 'to_hubspot', region: 'eu' });
      const before = await tenantRow(h.stack, tenant.id);
      const response = await patch(jwt, tenant.id, {
        configs,
        // Valid on its own; refused with the settings because nothing of a refused PATCH is saved.
        schedule: { type: 'interval', every: 30, unit: 'minutes' },
        release_channel: { type: 'latest' },
      });
      expect(response.statusCode, response.body).toBe(422);
      const body = response.json<{ code: string; message: string; errors: SettingsError[] }>();
      expect(body.code).toBe('PAN_ERR_SETTINGS_INVALID');
      expect(body.errors.length).toBeGreaterThan(0);
      expect(body.errors.some((e) => (typeof field === 'string' ? e.field === field : field.test(e.field))), JSON.stringify(body.errors)).toBe(true);
      for (const e of body.errors) expect(e.message).toEqual(expect.any(String));
      expect(body.message).toContain(typeof field === 'string' ? field : 'events');
      expect(await tenantRow(h.stack, tenant.id)).toEqual(before);
    });
  }

  it('an invalid install is 422 naming the field and creates no tenant', async () => {
    const sub = 'settings-install-refused';
    const response = await h.call('POST', '/marketplace/tenants', await h.token({ sub }), {
      integration: 'hubspot-contacts',
      configs: { records_per_page: 1000 },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'PAN_ERR_SETTINGS_INVALID' });
    expect(response.json<{ errors: SettingsError[] }>().errors.map((e) => e.field)).toContain('records_per_page');
    expect(await tenantRowsOf(h.stack, sub)).toEqual([]);
  });

  it('settings are checked against the release the channel resolves to', async () => {
    const { jwt, tenant } = await installed('hubspot-contacts');
    // batch_size exists only in r2 (the newest, not the default).
    const onDefault = await patch(jwt, tenant.id, { configs: { direction: 'both', batch_size: 5 } });
    expect(onDefault.statusCode).toBe(422);
    expect(onDefault.json<{ errors: SettingsError[] }>().errors.map((e) => e.field)).toContain('batch_size');
    const withChannel = await patch(jwt, tenant.id, { configs: { direction: 'both', batch_size: 5 }, release_channel: { type: 'latest' } });
    expect(withChannel.statusCode, withChannel.body).toBe(200);
    expect(withChannel.json<Tenant>()).toMatchObject({ configs: { direction: 'both', batch_size: 5 }, release: { version: 'r2' } });
    const outOfRange = await patch(jwt, tenant.id, { configs: { direction: 'both', batch_size: 50 } });
    expect(outOfRange.json<{ errors: SettingsError[] }>().errors.map((e) => e.field)).toContain('batch_size');
  });
});

describe('admin-only settings', () => {
  it('are kept when the user saves, and never shown to the user', async () => {
    const { jwt, tenant } = await installed('hubspot-contacts');
    // An administrator set them (their API comes later): write them directly.
    await h.stack.db.query(`UPDATE tenants SET configs = configs || '{"api_base_url":"https://eu.hubapi.com","legacy_flag":true}' WHERE id = $1`, [
      tenant.id,
    ]);
    const got = (await h.call('GET', `/marketplace/tenants/${tenant.id}`, jwt)).json<Tenant>();
    expect(got.configs).not.toHaveProperty('api_base_url');
    expect(got.configs).not.toHaveProperty('legacy_flag');
    expect(got.settings_form.fields).not.toContain('api_base_url');

    const saved = await patch(jwt, tenant.id, { configs: VALID });
    expect(saved.statusCode).toBe(200);
    expect(saved.json<Tenant>().configs).toEqual(VALID);
    expect((await tenantRow(h.stack, tenant.id)).configs).toEqual({ ...VALID, api_base_url: 'https://eu.hubapi.com', legacy_flag: true });
  });
});

describe('dynamic and dependent selectors', () => {
  const FULL = { pokemon_type: 'fire', slack_user: 'U1', food_type: 'Sweet', favorite_food: 'Caramel' };

  async function loadOptions(tenantId: string, options: object = DYNAMIC_OPTIONS) {
    // What a successful init run leaves behind.
    await h.stack.db.query('UPDATE tenants SET dynamic_configs = $2 WHERE id = $1', [tenantId, options]);
  }

  it('installs before any init run: required dynamic fields may stay empty, the form says not loaded', async () => {
    const { tenant } = await installed('pokemon');
    expect(tenant).toMatchObject({ dynamic_configs_loaded: false, configs: {}, schedule: { type: 'cron', expression: '0 9 * * 1-5' } });
    const ui = tenant.settings_form.uiSchema as Record<string, { 'ui:options'?: { dynamic?: { loaded: boolean; dependsOn?: string } } }>;
    expect(ui.pokemon_type?.['ui:options']?.dynamic).toMatchObject({ loaded: false });
    expect(ui.favorite_food?.['ui:options']?.dynamic).toMatchObject({ loaded: false, dependsOn: 'food_type' });
    expect(tenant.settings_form.dependents).toEqual({ favorite_food: 'food_type' });
    expect((await tenantRow(h.stack, tenant.id)).dynamic_configs).toBeNull();
  });

  it('before an init run a dynamic field refuses every value', async () => {
    const { jwt, tenant } = await installed('pokemon');
    const response = await patch(jwt, tenant.id, { configs: { pokemon_type: 'fire' } });
    expect(response.statusCode).toBe(422);
    expect(response.json<{ errors: SettingsError[] }>().errors.map((e) => e.field)).toContain('pokemon_type');
    expect((await tenantRow(h.stack, tenant.id)).configs).toEqual({});
  });

  it('after an init run, values are checked against the tenant\'s options', async () => {
    const { jwt, tenant } = await installed('pokemon');
    await loadOptions(tenant.id);
    const got = (await h.call('GET', `/marketplace/tenants/${tenant.id}`, jwt)).json<Tenant>();
    expect(got.dynamic_configs_loaded).toBe(true);
    const ui = got.settings_form.uiSchema as Record<string, { 'ui:options'?: { dynamic?: { loaded: boolean } } }>;
    expect(ui.pokemon_type?.['ui:options']?.dynamic?.loaded).toBe(true);

    const ok = await patch(jwt, tenant.id, { configs: FULL });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json<Tenant>().configs).toEqual(FULL);
    expect((await tenantRow(h.stack, tenant.id)).configs).toEqual(FULL);

    for (const [configs, field] of [
      [{ ...FULL, pokemon_type: 'dragon' }, 'pokemon_type'],
      // The placeholder of PANDIUM.yaml is not an option once the real ones are loaded.
      [{ ...FULL, pokemon_type: 'placeholder' }, 'pokemon_type'],
      // oneOf options: the const is the value, the title is not.
      [{ ...FULL, slack_user: 'Ada' }, 'slack_user'],
      [{ ...FULL, slack_user: 'U9' }, 'slack_user'],
      [{ ...FULL, food_type: 'Spicy' }, 'food_type'],
      // Required once loaded.
      [{ slack_user: 'U1' }, 'pokemon_type'],
    ] as const) {
      const response = await patch(jwt, tenant.id, { configs });
      expect(response.statusCode, JSON.stringify(configs)).toBe(422);
      expect(response.json<{ errors: SettingsError[] }>().errors.map((e) => e.field), JSON.stringify(configs)).toContain(field);
    }
    expect((await tenantRow(h.stack, tenant.id)).configs).toEqual(FULL);
  });

  it('a dependent child is checked against its parent\'s value', async () => {
    const { jwt, tenant } = await installed('pokemon');
    await loadOptions(tenant.id);
    const base = { pokemon_type: 'grass', slack_user: 'U2' };
    const sweet = await patch(jwt, tenant.id, { configs: { ...base, food_type: 'Sweet', favorite_food: 'Chocolate' } });
    expect(sweet.statusCode, sweet.body).toBe(200);

    // Chips is a Savory option, not a Sweet one.
    const wrong = await patch(jwt, tenant.id, { configs: { ...base, food_type: 'Sweet', favorite_food: 'Chips' } });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json<{ errors: SettingsError[] }>().errors.map((e) => e.field)).toContain('favorite_food');

    // Changing the parent without changing the child: the saved child no longer fits.
    const stale = await patch(jwt, tenant.id, { configs: { ...base, food_type: 'Savory', favorite_food: 'Chocolate' } });
    expect(stale.statusCode).toBe(422);
    expect(stale.json<{ errors: SettingsError[] }>().errors.map((e) => e.field)).toContain('favorite_food');
    expect((await tenantRow(h.stack, tenant.id)).configs).toEqual({ ...base, food_type: 'Sweet', favorite_food: 'Chocolate' });

    const savory = await patch(jwt, tenant.id, { configs: { ...base, food_type: 'Savory', favorite_food: 'Pizza' } });
    expect(savory.statusCode, savory.body).toBe(200);
    expect((await tenantRow(h.stack, tenant.id)).configs).toEqual({ ...base, food_type: 'Savory', favorite_food: 'Pizza' });
  });

  it('a new init run\'s options apply to the next save', async () => {
    const { jwt, tenant } = await installed('pokemon');
    await loadOptions(tenant.id);
    expect((await patch(jwt, tenant.id, { configs: FULL })).statusCode).toBe(200);
    await loadOptions(tenant.id, { ...DYNAMIC_OPTIONS, pokemon_types: ['water'] });
    const response = await patch(jwt, tenant.id, { configs: FULL });
    expect(response.statusCode).toBe(422);
    expect(response.json<{ errors: SettingsError[] }>().errors.map((e) => e.field)).toContain('pokemon_type');
    expect((await patch(jwt, tenant.id, { configs: { ...FULL, pokemon_type: 'water' } })).statusCode).toBe(200);
  });

  it('another user\'s options do not apply: dynamic configs are per tenant', async () => {
    const loaded = await installed('pokemon');
    await loadOptions(loaded.tenant.id);
    const fresh = await installed('pokemon');
    const response = await patch(fresh.jwt, fresh.tenant.id, { configs: FULL });
    expect(response.statusCode).toBe(422);
  });
});

describe('schedule', () => {
  const valid = [
    { type: 'interval', every: 5, unit: 'minutes' },
    { type: 'interval', every: 1440, unit: 'minutes' },
    { type: 'interval', every: 3, unit: 'hours' },
    { type: 'interval', every: 1, unit: 'days' },
    { type: 'interval', every: 2, unit: 'weeks' },
    { type: 'cron', expression: '*/5 8-16 * * 1-5' },
    { type: 'cron', expression: '0 9 * * MON-FRI' },
    { type: 'cron', expression: '15 2 1 * *' },
  ];
  for (const schedule of valid) {
    it(`stores ${JSON.stringify(schedule)}`, async () => {
      const { jwt, tenant } = await installed('hubspot-contacts');
      const response = await patch(jwt, tenant.id, { schedule });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json<Tenant>()).toMatchObject({ schedule, schedule_is_default: false, default_schedule: { type: 'interval', every: 1, unit: 'hours' } });
      expect(await tenantRow(h.stack, tenant.id)).toMatchObject({ schedule, schedule_is_default: false });
    });
  }

  it('extra spaces in a cron expression are normalised', async () => {
    const { jwt, tenant } = await installed('hubspot-contacts');
    const response = await patch(jwt, tenant.id, { schedule: { type: 'cron', expression: ' 0  9 * *   1 ' } });
    expect(response.json<Tenant>().schedule).toEqual({ type: 'cron', expression: '0 9 * * 1' });
  });

  const invalid: [string, unknown][] = [
    ['every 0 hours', { type: 'interval', every: 0, unit: 'hours' }],
    ['every -1 days', { type: 'interval', every: -1, unit: 'days' }],
    ['every 1 minute (faster than 5 minutes)', { type: 'interval', every: 1, unit: 'minutes' }],
    ['every 1.5 hours', { type: 'interval', every: 1.5, unit: 'hours' }],
    ['every "2" hours', { type: 'interval', every: '2', unit: 'hours' }],
    ['every 1000 hours', { type: 'interval', every: 1000, unit: 'hours' }],
    ['every 53 weeks', { type: 'interval', every: 53, unit: 'weeks' }],
    ['unit fortnights', { type: 'interval', every: 1, unit: 'fortnights' }],
    ['no unit', { type: 'interval', every: 1 }],
    ['a stray key', { type: 'interval', every: 1, unit: 'hours', at: '09:00' }],
    ['type weekly', { type: 'weekly' }],
    ['no type', { every: 1, unit: 'hours' }],
    ['cron with 6 fields', { type: 'cron', expression: '0 0 9 * * 1' }],
    ['cron with 4 fields', { type: 'cron', expression: '0 9 * *' }],
    ['cron nonsense', { type: 'cron', expression: 'every morning' }],
    ['cron out of range', { type: 'cron', expression: '61 9 * * *' }],
    ['cron every minute', { type: 'cron', expression: '* * * * *' }],
    ['cron twice a minute apart', { type: 'cron', expression: '0,1 9 * * *' }],
    ['cron that never fires', { type: 'cron', expression: '0 0 31 2 *' }],
    ['cron nickname', { type: 'cron', expression: '@hourly' }],
    ['cron empty', { type: 'cron', expression: '' }],
    ['cron not a string', { type: 'cron', expression: 5 }],
  ];
  for (const [what, schedule] of invalid) {
    it(`${what}: 422 with field schedule, nothing saved`, async () => {
      const { jwt, tenant } = await installed('hubspot-contacts');
      const before = await tenantRow(h.stack, tenant.id);
      const response = await patch(jwt, tenant.id, { schedule, configs: VALID });
      expect(response.statusCode, response.body).toBe(422);
      const body = response.json<{ code: string; errors: SettingsError[] }>();
      expect(body.code).toBe('PAN_ERR_SCHEDULE_INVALID');
      expect(body.errors).toEqual([{ field: 'schedule', message: expect.any(String) }]);
      expect(await tenantRow(h.stack, tenant.id)).toEqual(before);
    });
  }

  it('an invalid schedule at install creates no tenant', async () => {
    const sub = 'schedule-install-refused';
    const response = await h.call('POST', '/marketplace/tenants', await h.token({ sub }), {
      integration: 'hubspot-contacts',
      schedule: { type: 'cron', expression: '* * * * *' },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().errors).toEqual([{ field: 'schedule', message: expect.stringContaining('more often') }]);
    expect(await tenantRowsOf(h.stack, sub)).toEqual([]);
  });

  it('null turns the schedule off; "default" follows the integration again', async () => {
    const { jwt, tenant } = await installed('hubspot-contacts');
    const off = await patch(jwt, tenant.id, { schedule: null });
    expect(off.json<Tenant>()).toMatchObject({ schedule: null, schedule_is_default: false });
    expect(await tenantRow(h.stack, tenant.id)).toMatchObject({ schedule: null, schedule_is_default: false });

    await patch(jwt, tenant.id, { schedule: { type: 'interval', every: 6, unit: 'hours' } });
    const back = await patch(jwt, tenant.id, { schedule: 'default' });
    expect(back.json<Tenant>()).toMatchObject({ schedule: { type: 'interval', every: 1, unit: 'hours' }, schedule_is_default: true });
    expect(await tenantRow(h.stack, tenant.id)).toMatchObject({ schedule: null, schedule_is_default: true });
  });

  it('a tenant on the default follows a changed integration default', async () => {
    const { jwt, tenant } = await installed('pokemon');
    await h.stack.db.query(
      `UPDATE integrations SET default_schedule = '{"type":"interval","every":2,"unit":"days"}' WHERE account_id = $1 AND slug = 'pokemon'`,
      [h.stack.accountId],
    );
    const got = (await h.call('GET', `/marketplace/tenants/${tenant.id}`, jwt)).json<Tenant>();
    expect(got).toMatchObject({ schedule: { type: 'interval', every: 2, unit: 'days' }, schedule_is_default: true });
  });

  it('an empty PATCH or an unknown key is 400', async () => {
    const { jwt, tenant } = await installed('hubspot-contacts');
    for (const body of [{}, { paused: true }, { schedule: 'hourly' }, { configs: 'direction=both' }]) {
      const response = await patch(jwt, tenant.id, body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().code).toBe('PAN_ERR_REQUEST_INVALID');
    }
  });
});

describe('host listing default_schedule', () => {
  const put = (slug: string, body: object) =>
    h.stack.app.inject({ method: 'PUT', url: `/v2/integrations/${slug}`, headers: { 'x-api-key': h.stack.apiKey }, payload: body });
  const stored = async (slug: string) =>
    (await h.stack.db.query('SELECT default_schedule FROM integrations WHERE account_id = $1 AND slug = $2', [h.stack.accountId, slug])).rows[0]
      ?.default_schedule;

  it('is stored, normalised, and cleared when absent', async () => {
    const listing = { name: 'Listing Schedule', type: 'internal' };
    expect((await put('listing-schedule', { ...listing, default_schedule: { type: 'cron', expression: '0  9 * * 1-5' } })).statusCode).toBe(200);
    expect(await stored('listing-schedule')).toEqual({ type: 'cron', expression: '0 9 * * 1-5' });
    expect((await put('listing-schedule', listing)).statusCode).toBe(200);
    expect(await stored('listing-schedule')).toBeNull();
  });

  it('an invalid one is 422 and changes nothing', async () => {
    const listing = { name: 'Listing Schedule 2', type: 'internal' };
    await put('listing-schedule-2', { ...listing, default_schedule: { type: 'interval', every: 1, unit: 'hours' } });
    const response = await put('listing-schedule-2', { ...listing, name: 'Renamed', default_schedule: { type: 'interval', every: 1, unit: 'minutes' } });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'PAN_ERR_SCHEDULE_INVALID', errors: [{ field: 'default_schedule' }] });
    expect(await stored('listing-schedule-2')).toEqual({ type: 'interval', every: 1, unit: 'hours' });
    const { rows } = await h.stack.db.query('SELECT name FROM integrations WHERE account_id = $1 AND slug = $2', [h.stack.accountId, 'listing-schedule-2']);
    expect(rows[0].name).toBe('Listing Schedule 2');
  });
});
