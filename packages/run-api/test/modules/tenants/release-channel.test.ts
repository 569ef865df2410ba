import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SettingsError, Tenant, TenantReleases } from '@pan/contract';
import { insertRun } from '../../../src/modules/runs/store.ts';
import { startTenantHarness, tenantRow, type Harness } from './tenant-harness.ts';

/**
 * The end user's release channel (the `release` permission): the releases they may pick, a channel
 * change saved with the settings and checked against the chosen release's form, and the run that
 * follows taking that release. hubspot-contacts has r1 (default) and r2 (newer, adds `batch_size`).
 */

let h: Harness;

beforeAll(async () => {
  h = await startTenantHarness(inject('pgClusterUrl'));
});

afterAll(async () => {
  await h?.stop();
});

let userCount = 0;

async function installed(permissions?: string[]): Promise<{ jwt: string; tenant: Tenant }> {
  const jwt = await h.token({ sub: `channel-user-${(userCount += 1)}`, ...(permissions ? { xti: { permissions } } : {}) });
  const response = await h.call('POST', '/marketplace/tenants', jwt, { integration: 'hubspot-contacts', configs: { direction: 'both' } });
  expect(response.statusCode, response.body).toBe(201);
  return { jwt, tenant: response.json<Tenant>() };
}

const patch = (jwt: string, id: string, body: unknown) => h.call('PATCH', `/marketplace/tenants/${id}`, jwt, body);

/** The release a run of the tenant would take now: the worker's own insert, rolled back. */
async function runRelease(tenantId: string): Promise<string> {
  const client = await h.stack.db.connect();
  try {
    await client.query('BEGIN');
    const run = await insertRun(client, { tenantId, queue: 'other', mode: 'normal', triggers: [], workerId: 'channel-test', leaseMs: 60_000 });
    return run.release_version;
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

describe('with the release permission', () => {
  it('lists the releases newest first, each with its own form, and says which is the default', async () => {
    const { jwt, tenant } = await installed(['release']);
    expect(tenant.permissions.release).toBe(true);
    const response = await h.call('GET', `/marketplace/tenants/${tenant.id}/releases`, jwt);
    expect(response.statusCode, response.body).toBe(200);
    const { releases } = response.json<TenantReleases>();
    expect(releases.map((r) => [r.id, r.version, r.is_default])).toEqual([
      [h.releases['hubspot-contacts@r2'], 'r2', false],
      [h.releases['hubspot-contacts@r1'], 'r1', true],
    ]);
    expect(releases[0]!.settings_form.fields).toContain('batch_size');
    expect(releases[1]!.settings_form.fields).not.toContain('batch_size');
    expect(releases[0]!.created_at).toEqual(expect.any(String));
  });

  it('a pinned release saved with the settings is the one the tenant runs', async () => {
    const { jwt, tenant } = await installed(['release']);
    expect(await runRelease(tenant.id)).toBe('r1');
    const pinned = { type: 'pinned', release_id: h.releases['hubspot-contacts@r2'] };
    const response = await patch(jwt, tenant.id, { configs: { direction: 'both', batch_size: 5 }, release_channel: pinned });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json<Tenant>()).toMatchObject({ release_channel: pinned, release: { version: 'r2' }, configs: { batch_size: 5 } });
    expect(response.json<Tenant>().settings_form.fields).toContain('batch_size');
    expect(await tenantRow(h.stack, tenant.id)).toMatchObject({ release_channel: 'pinned', pinned_release_id: pinned.release_id });
    expect(await runRelease(tenant.id)).toBe('r2');
  });

  it("settings invalid for the pinned release's form: 422 naming the field, nothing saved", async () => {
    const { jwt, tenant } = await installed(['release']);
    const before = await tenantRow(h.stack, tenant.id);
    const response = await patch(jwt, tenant.id, {
      configs: { direction: 'both', batch_size: 50 },
      release_channel: { type: 'pinned', release_id: h.releases['hubspot-contacts@r2'] },
    });
    expect(response.statusCode, response.body).toBe(422);
    const body = response.json<{ code: string; errors: SettingsError[] }>();
    expect(body.code).toBe('PAN_ERR_SETTINGS_INVALID');
    expect(body.errors.map((e) => e.field)).toEqual(['batch_size']);
    expect(await tenantRow(h.stack, tenant.id)).toEqual(before);
    expect(await runRelease(tenant.id)).toBe('r1');
  });

  it("another account's release id: 422 that says no more than that it is not this integration's", async () => {
    const { jwt, tenant } = await installed(['release']);
    const before = await tenantRow(h.stack, tenant.id);
    const foreign = h.releases['other:hubspot-contacts@r2']!;
    const response = await patch(jwt, tenant.id, { configs: { direction: 'both' }, release_channel: { type: 'pinned', release_id: foreign } });
    expect(response.statusCode, response.body).toBe(422);
    expect(response.json()).toMatchObject({
      code: 'PAN_ERR_TENANT_RELEASE_INVALID',
      errors: [{ field: 'release_channel.release_id' }],
    });
    // The same answer as for an id that exists nowhere: nothing about the other account's release.
    const unknown = await patch(jwt, tenant.id, { release_channel: { type: 'pinned', release_id: '00000000-0000-4000-8000-000000000000' } });
    expect(unknown.statusCode).toBe(422);
    expect(response.body).not.toContain('r2');
    expect(Object.keys(response.json()).sort()).toEqual(Object.keys(unknown.json()).sort());
    expect(await tenantRow(h.stack, tenant.id)).toEqual(before);
  });

  it("another user's tenant: its releases are 404", async () => {
    const { tenant } = await installed(['release']);
    const mallory = await h.token({ sub: 'channel-mallory', xti: { permissions: ['release'] } });
    const response = await h.call('GET', `/marketplace/tenants/${tenant.id}/releases`, mallory);
    expect(response.statusCode).toBe(404);
    expect(response.body).not.toContain('r2');
  });
});

describe('without the release permission', () => {
  it('a channel change is 403 and nothing is saved', async () => {
    const { jwt, tenant } = await installed(['run', 'logs']);
    expect(tenant.permissions.release).toBe(false);
    const before = await tenantRow(h.stack, tenant.id);
    const response = await patch(jwt, tenant.id, { configs: { direction: 'both' }, release_channel: { type: 'latest' } });
    expect(response.statusCode, response.body).toBe(403);
    expect(response.json()).toMatchObject({ code: 'PAN_ERR_PERMISSION_DENIED' });
    expect(response.json<{ message: string }>().message).toContain('"release"');
    expect(await tenantRow(h.stack, tenant.id)).toEqual(before);
    expect(await runRelease(tenant.id)).toBe('r1');
  });

  it('sending the channel the tenant already has is no change, so a save goes through', async () => {
    const { jwt, tenant } = await installed(['run']);
    const response = await patch(jwt, tenant.id, { configs: { direction: 'to_hubspot' }, release_channel: { type: 'default' } });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json<Tenant>().configs).toEqual({ direction: 'to_hubspot' });
  });

  it('the releases list is 403, and installing on another channel is 403', async () => {
    const { jwt, tenant } = await installed([]);
    const list = await h.call('GET', `/marketplace/tenants/${tenant.id}/releases`, jwt);
    expect(list.statusCode).toBe(403);
    expect(list.json()).toMatchObject({ code: 'PAN_ERR_PERMISSION_DENIED' });
    const other = await h.token({ sub: `channel-user-${(userCount += 1)}`, xti: { permissions: ['run'] } });
    const install = await h.call('POST', '/marketplace/tenants', other, { integration: 'hubspot-contacts', release_channel: { type: 'latest' } });
    expect(install.statusCode).toBe(403);
    expect(install.json()).toMatchObject({ code: 'PAN_ERR_PERMISSION_DENIED' });
  });

  it('a token without `permissions` grants it, as it grants the run permissions', async () => {
    const { jwt, tenant } = await installed();
    expect(tenant.permissions).toEqual({ run: true, run_init: true, logs: true, release: true });
    const response = await patch(jwt, tenant.id, { release_channel: { type: 'latest' } });
    expect(response.statusCode, response.body).toBe(200);
    expect(await runRelease(tenant.id)).toBe('r2');
  });
});
