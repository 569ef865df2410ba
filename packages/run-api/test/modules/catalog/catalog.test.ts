import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Catalog, IntegrationCard, IntegrationDetail } from '@pan/contract';
import type { ExtraTenantInfo } from '../../../src/modules/accounts/end-user-token.ts';
import { setCategories, upsertIntegration } from '../../../src/modules/catalog/store.ts';
import { createRelease } from '../../../src/modules/catalog/store.ts';
import { createOtherAccount, fixtureIntegrations, fixtureUsers, signEndUserToken, stackSigner, startTestStack, type TestStack } from '../../support/index.ts';

/**
 * The end-user marketplace: `GET /marketplace/catalog` and `GET /marketplace/integrations/:slug`,
 * called with host-signed HS256 tokens. Every answer is checked against the rows in PostgreSQL.
 */

let stack: TestStack;

/** A second account with the same fixture catalog plus one integration of its own. */
let other: Awaited<ReturnType<typeof createOtherAccount>>;

beforeAll(async () => {
  stack = await startTestStack({ clusterUrl: inject('pgClusterUrl'), seedCatalog: true, listen: false });
  other = await createOtherAccount(stack);
  await upsertIntegration(stack.db, other.id, {
    slug: 'other-only',
    name: 'Other Only',
    type: 'internal',
    short_description: 'Only the other account has this.',
    categories: ['crm'],
  });
});

afterAll(async () => {
  await stack?.stop();
});

interface TokenOptions {
  sub?: string;
  xti?: ExtraTenantInfo;
  /** Sign for the other account instead of the stack's. */
  otherAccount?: boolean;
}

async function token({ sub = 'user-plain', xti, otherAccount = false }: TokenOptions = {}): Promise<string> {
  const signer = otherAccount ? { ...other, audience: stack.audience } : stackSigner(stack);
  return signEndUserToken(signer, sub, { ...(xti ? { xti } : {}), lifetimeSeconds: 300 });
}

const sales = () => token(fixtureUsers.sales as TokenOptions);
const engineering = () => token(fixtureUsers.engineering as TokenOptions);

async function get(url: string, jwt: string) {
  return stack.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${jwt}` } });
}

async function catalog(jwt: string, query = ''): Promise<Catalog> {
  const response = await get(`/marketplace/catalog${query}`, jwt);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<Catalog>();
}

const slugs = (c: Catalog) => c.integrations.map((i) => i.slug);

async function integrationId(accountId: string, slug: string): Promise<string> {
  const { rows } = await stack.db.query<{ id: string }>('SELECT id FROM integrations WHERE account_id = $1 AND slug = $2', [
    accountId,
    slug,
  ]);
  expect(rows).toHaveLength(1);
  return rows[0]!.id;
}

async function insertTenant(accountId: string, slug: string, sub: string, archived = false): Promise<string> {
  const { rows } = await stack.db.query<{ id: string }>(
    `INSERT INTO tenants (account_id, integration_id, user_sub, archived_at)
     VALUES ($1, $2, $3, CASE WHEN $4 THEN now() END) RETURNING id`,
    [accountId, await integrationId(accountId, slug), sub, archived],
  );
  return rows[0]!.id;
}

describe('group visibility', () => {
  it('a sales user sees salesforce-leads and not s3-export', async () => {
    expect(slugs(await catalog(await sales()))).toEqual(['hubspot-contacts', 'salesforce-leads', 'slack-alerts', 'zapier']);
  });

  it('an engineering user sees s3-export and not salesforce-leads', async () => {
    expect(slugs(await catalog(await engineering()))).toEqual(['hubspot-contacts', 's3-export', 'slack-alerts', 'zapier']);
  });

  it('a user with no group sees neither restricted integration', async () => {
    expect(slugs(await catalog(await token()))).toEqual(['hubspot-contacts', 'slack-alerts', 'zapier']);
  });

  it('a user in both groups (user_group as an array) sees both', async () => {
    const list = slugs(await catalog(await token({ xti: { user_group: ['sales', 'engineering'] } })));
    expect(list).toEqual(['hubspot-contacts', 's3-export', 'salesforce-leads', 'slack-alerts', 'zapier']);
  });

  it('the stored groups are what the answers follow', async () => {
    const { rows } = await stack.db.query<{ slug: string; visible_to_groups: string[] }>(
      'SELECT slug, visible_to_groups FROM integrations WHERE account_id = $1 AND cardinality(visible_to_groups) > 0 ORDER BY slug',
      [stack.accountId],
    );
    expect(rows).toEqual([
      { slug: 's3-export', visible_to_groups: ['engineering'] },
      { slug: 'salesforce-leads', visible_to_groups: ['sales'] },
    ]);
  });

  it('a restricted integration\'s detail is 404 outside its group and 200 inside it', async () => {
    const outside = await get('/marketplace/integrations/s3-export', await sales());
    expect(outside.statusCode).toBe(404);
    expect(outside.json()).toMatchObject({ statusCode: 404, code: 'PAN_ERR_NOT_FOUND' });
    const inside = await get('/marketplace/integrations/s3-export', await engineering());
    expect(inside.statusCode).toBe(200);
    expect(inside.json<IntegrationDetail>().slug).toBe('s3-export');
  });
});

describe('xti rules', () => {
  it('hidden_integrations hides by slug', async () => {
    const jwt = await token({ xti: { hidden_integrations: ['slack-alerts'] } });
    expect(slugs(await catalog(jwt))).toEqual(['hubspot-contacts', 'zapier']);
  });

  it('hidden_integrations hides by id', async () => {
    const id = await integrationId(stack.accountId, 'zapier');
    const jwt = await token({ xti: { hidden_integrations: [id] } });
    expect(slugs(await catalog(jwt))).toEqual(['hubspot-contacts', 'slack-alerts']);
  });

  it('hidden_integrations also drops the hidden ones from the facets', async () => {
    const jwt = await token({ xti: { hidden_integrations: ['hubspot-contacts', 'zapier'] } });
    const result = await catalog(jwt);
    expect(result.categories).toEqual([{ slug: 'messaging', name: 'Messaging', count: 1 }]);
    expect(result.tags).toEqual([{ name: 'notifications', count: 1 }]);
  });

  it('a hidden integration\'s detail is 404, by slug or by id', async () => {
    const id = await integrationId(stack.accountId, 'hubspot-contacts');
    for (const hidden of ['hubspot-contacts', id]) {
      const response = await get('/marketplace/integrations/hubspot-contacts', await token({ xti: { hidden_integrations: [hidden] } }));
      expect(response.statusCode).toBe(404);
      expect(response.json().code).toBe('PAN_ERR_NOT_FOUND');
    }
  });

  it('visible_integrations shows only the listed ones (slugs and ids)', async () => {
    const zapierId = await integrationId(stack.accountId, 'zapier');
    const jwt = await token({ xti: { visible_integrations: ['slack-alerts', zapierId] } });
    expect(slugs(await catalog(jwt))).toEqual(['slack-alerts', 'zapier']);
    expect((await get('/marketplace/integrations/hubspot-contacts', jwt)).statusCode).toBe(404);
    expect((await get('/marketplace/integrations/zapier', jwt)).statusCode).toBe(200);
  });

  it('visible_integrations does not override group restrictions or hidden_integrations', async () => {
    const jwt = await token({ xti: { visible_integrations: ['s3-export', 'slack-alerts', 'zapier'], hidden_integrations: ['zapier'] } });
    expect(slugs(await catalog(jwt))).toEqual(['slack-alerts']);
  });

  it('an empty visible_integrations shows nothing', async () => {
    const result = await catalog(await token({ xti: { visible_integrations: [] } }));
    expect(result).toEqual({ integrations: [], categories: [], tags: [] });
  });
});

describe('search and filters', () => {
  it('q is case-insensitive', async () => {
    expect(slugs(await catalog(await sales(), '?q=SLACK'))).toEqual(['slack-alerts']);
    expect(slugs(await catalog(await sales(), '?q=hUbSpOt'))).toEqual(['hubspot-contacts']);
  });

  it('q with several words needs every word (AND)', async () => {
    expect(slugs(await catalog(await sales(), '?q=hubspot%20contacts'))).toEqual(['hubspot-contacts']);
    expect(slugs(await catalog(await sales(), '?q=hubspot+slack'))).toEqual([]);
    // "leads" alone matches Salesforce Leads; with "csv" (only in S3 Export) nothing matches.
    expect(slugs(await catalog(await engineering(), '?q=csv'))).toEqual(['s3-export']);
    expect(slugs(await catalog(await sales(), '?q=leads%20csv'))).toEqual([]);
  });

  it('q matches tags', async () => {
    // "no-code" and "two-way" appear only as tags, never in a name or description.
    expect(slugs(await catalog(await sales(), '?q=no-code'))).toEqual(['zapier']);
    expect(slugs(await catalog(await sales(), '?q=TWO-WAY'))).toEqual(['hubspot-contacts']);
  });

  it('q matches category names', async () => {
    // "Storage" is only the name of S3 Export's category.
    expect(slugs(await catalog(await engineering(), '?q=storage'))).toEqual(['s3-export']);
    // "Messaging" is the category of Slack Alerts and Zapier.
    expect(slugs(await catalog(await sales(), '?q=messaging'))).toEqual(['slack-alerts', 'zapier']);
  });

  it('q does not widen what the user may see', async () => {
    expect(slugs(await catalog(await sales(), '?q=storage'))).toEqual([]);
  });

  it('category narrows the list, not the facets', async () => {
    const result = await catalog(await sales(), '?category=crm');
    expect(slugs(result)).toEqual(['hubspot-contacts', 'salesforce-leads', 'zapier']);
    expect(result.categories).toEqual([
      { slug: 'crm', name: 'CRM', count: 3 },
      { slug: 'messaging', name: 'Messaging', count: 2 },
    ]);
  });

  it('an unknown category matches nothing', async () => {
    expect(slugs(await catalog(await sales(), '?category=no-such-category'))).toEqual([]);
  });

  it('tag filters; a repeated tag means every tag (AND)', async () => {
    expect(slugs(await catalog(await sales(), '?tag=contacts'))).toEqual(['hubspot-contacts']);
    expect(slugs(await catalog(await sales(), '?tag=contacts&tag=two-way'))).toEqual(['hubspot-contacts']);
    expect(slugs(await catalog(await sales(), '?tag=contacts&tag=leads'))).toEqual([]);
    expect(slugs(await catalog(await engineering(), '?tag=export&tag=files'))).toEqual(['s3-export']);
  });

  it('category, tag and q combine', async () => {
    expect(slugs(await catalog(await sales(), '?category=crm&tag=leads&q=salesforce'))).toEqual(['salesforce-leads']);
    expect(slugs(await catalog(await sales(), '?category=messaging&tag=leads'))).toEqual([]);
  });
});

describe('facets', () => {
  it('categories come in the account\'s order with counts over the visible set; tags are sorted', async () => {
    const result = await catalog(await engineering());
    expect(result.categories).toEqual([
      { slug: 'crm', name: 'CRM', count: 2 },
      { slug: 'messaging', name: 'Messaging', count: 2 },
      { slug: 'storage', name: 'Storage', count: 1 },
    ]);
    expect(result.tags).toEqual([
      { name: 'contacts', count: 1 },
      { name: 'export', count: 1 },
      { name: 'files', count: 1 },
      { name: 'no-code', count: 1 },
      { name: 'notifications', count: 1 },
      { name: 'two-way', count: 1 },
    ]);
  });

  it('a category with no visible integration is left out', async () => {
    const result = await catalog(await sales());
    expect(result.categories.map((c) => c.slug)).toEqual(['crm', 'messaging']);
    expect(result.tags.map((t) => t.name)).toEqual(['contacts', 'leads', 'no-code', 'notifications', 'two-way']);
  });

  it('follows the stored category positions, not their slugs', async () => {
    // The other account reorders its categories; its users see the new order, ours keep theirs.
    await setCategories(stack.db, other.id, [
      { slug: 'storage', name: 'Storage' },
      { slug: 'messaging', name: 'Chat' },
      { slug: 'crm', name: 'CRM' },
    ]);
    const { rows } = await stack.db.query<{ slug: string; position: number }>(
      'SELECT slug, position FROM categories WHERE account_id = $1 ORDER BY position',
      [other.id],
    );
    expect(rows).toEqual([
      { slug: 'storage', position: 0 },
      { slug: 'messaging', position: 1 },
      { slug: 'crm', position: 2 },
    ]);
    const theirs = await catalog(await token({ otherAccount: true, xti: { user_group: 'engineering' } }));
    expect(theirs.categories).toEqual([
      { slug: 'storage', name: 'Storage', count: 1 },
      { slug: 'messaging', name: 'Chat', count: 2 },
      { slug: 'crm', name: 'CRM', count: 3 },
    ]);
    const ours = await catalog(await engineering());
    expect(ours.categories.map((c) => c.slug)).toEqual(['crm', 'messaging', 'storage']);
  });
});

describe('installed', () => {
  it('is true only for this user\'s non-archived tenant', async () => {
    const sub = `installer-${randomBytes(3).toString('hex')}`;
    const jwt = await token({ sub });
    expect((await catalog(jwt)).integrations.every((i) => !i.installed)).toBe(true);

    await insertTenant(stack.accountId, 'hubspot-contacts', sub);
    await insertTenant(stack.accountId, 'zapier', sub, true); // archived: uninstalled
    await insertTenant(stack.accountId, 'slack-alerts', 'someone-else'); // another user's
    await insertTenant(other.id, 'slack-alerts', sub); // same sub, other account

    const { rows } = await stack.db.query<{ slug: string; account_id: string; user_sub: string; archived: boolean }>(
      `SELECT i.slug, t.account_id, t.user_sub, t.archived_at IS NOT NULL AS archived
         FROM tenants t JOIN integrations i ON i.id = t.integration_id
        WHERE t.user_sub IN ($1, 'someone-else') ORDER BY i.slug, t.account_id = $2 DESC`,
      [sub, stack.accountId],
    );
    expect(rows).toHaveLength(4);

    const installed = (c: Catalog) => Object.fromEntries(c.integrations.map((i: IntegrationCard) => [i.slug, i.installed]));
    expect(installed(await catalog(jwt))).toEqual({ 'hubspot-contacts': true, 'slack-alerts': false, zapier: false });
    expect((await get('/marketplace/integrations/hubspot-contacts', jwt)).json<IntegrationDetail>().installed).toBe(true);
    expect((await get('/marketplace/integrations/zapier', jwt)).json<IntegrationDetail>().installed).toBe(false);
    expect((await get('/marketplace/integrations/slack-alerts', jwt)).json<IntegrationDetail>().installed).toBe(false);

    // The other user sees their own install only.
    const theirs = installed(await catalog(await token({ sub: 'someone-else' })));
    expect(theirs).toEqual({ 'hubspot-contacts': false, 'slack-alerts': true, zapier: false });

    // In the other account, the same sub has slack-alerts installed and nothing else.
    const otherAccount = installed(await catalog(await token({ sub, otherAccount: true })));
    expect(otherAccount).toMatchObject({ 'hubspot-contacts': false, 'slack-alerts': true, zapier: false });
  });

  it('a reinstall after an archived tenant counts again', async () => {
    const sub = `reinstaller-${randomBytes(3).toString('hex')}`;
    await insertTenant(stack.accountId, 'slack-alerts', sub, true);
    const jwt = await token({ sub });
    expect((await get('/marketplace/integrations/slack-alerts', jwt)).json<IntegrationDetail>().installed).toBe(false);
    await insertTenant(stack.accountId, 'slack-alerts', sub);
    expect((await get('/marketplace/integrations/slack-alerts', jwt)).json<IntegrationDetail>().installed).toBe(true);
  });
});

describe('account isolation', () => {
  it('this account\'s users see only this account\'s integrations, with this account\'s ids', async () => {
    const result = await catalog(await token({ xti: { user_group: ['sales', 'engineering'] } }));
    const { rows } = await stack.db.query<{ id: string; slug: string }>(
      'SELECT id, slug FROM integrations WHERE account_id = $1 ORDER BY lower(name), slug',
      [stack.accountId],
    );
    expect(result.integrations.map((i) => ({ id: i.id, slug: i.slug }))).toEqual(rows);
    expect(slugs(result)).not.toContain('other-only');
  });

  it('the other account\'s users see only theirs', async () => {
    const result = await catalog(await token({ otherAccount: true, xti: { user_group: ['sales', 'engineering'] } }));
    const { rows } = await stack.db.query<{ id: string; slug: string }>(
      'SELECT id, slug FROM integrations WHERE account_id = $1 ORDER BY lower(name), slug',
      [other.id],
    );
    expect(result.integrations.map((i) => ({ id: i.id, slug: i.slug }))).toEqual(rows);
    expect(slugs(result)).toContain('other-only');
    const ours = new Set((await stack.db.query<{ id: string }>('SELECT id FROM integrations WHERE account_id = $1', [stack.accountId])).rows.map((r) => r.id));
    expect(result.integrations.some((i) => ours.has(i.id))).toBe(false);
  });

  it('the other account\'s slug is 404 here, and 200 there', async () => {
    const here = await get('/marketplace/integrations/other-only', await token());
    expect(here.statusCode).toBe(404);
    expect(here.json().code).toBe('PAN_ERR_NOT_FOUND');
    const there = await get('/marketplace/integrations/other-only', await token({ otherAccount: true }));
    expect(there.statusCode).toBe(200);
    expect(there.json<IntegrationDetail>().id).toBe(await integrationId(other.id, 'other-only'));
  });

  it('the same slug resolves to each account\'s own row', async () => {
    const ours = (await get('/marketplace/integrations/slack-alerts', await token())).json<IntegrationDetail>();
    const theirs = (await get('/marketplace/integrations/slack-alerts', await token({ otherAccount: true }))).json<IntegrationDetail>();
    expect(ours.id).toBe(await integrationId(stack.accountId, 'slack-alerts'));
    expect(theirs.id).toBe(await integrationId(other.id, 'slack-alerts'));
    expect(ours.id).not.toBe(theirs.id);
  });

  it('an id of the other account in visible_integrations shows nothing from it', async () => {
    const theirs = await integrationId(other.id, 'other-only');
    const result = await catalog(await token({ xti: { visible_integrations: [theirs, 'other-only'] } }));
    expect(result.integrations).toEqual([]);
  });
});

describe('integration detail', () => {
  it('has the card fields plus long_description, connectors and default_release (null before a release)', async () => {
    const response = await get('/marketplace/integrations/hubspot-contacts', await token());
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('private, no-store');
    const fixture = fixtureIntegrations.find((i) => i.slug === 'hubspot-contacts')!;
    expect(response.json()).toEqual({
      id: await integrationId(stack.accountId, 'hubspot-contacts'),
      slug: 'hubspot-contacts',
      name: fixture.name,
      type: 'internal',
      logo_url: null,
      short_description: fixture.short_description,
      long_description: fixture.long_description,
      categories: ['crm'],
      tags: ['contacts', 'two-way'],
      flag: { name: 'Popular', color: '#b45309' },
      external_url: null,
      installed: false,
      reconnect_needed: false,
      connectors: ['hubspot'],
      default_release: null,
      translations: {},
    });
  });

  it('default_release is set once the integration has a default release', async () => {
    const integrationIdValue = await integrationId(stack.accountId, 'slack-alerts');
    const before = (await get('/marketplace/integrations/slack-alerts', await token())).json<IntegrationDetail>();
    expect(before.default_release).toBeNull();

    const release = await createRelease(stack.db, {
      accountId: stack.accountId,
      integrationId: integrationIdValue,
      pandiumYaml: 'run: node index.js\n',
      spec: { run: 'node index.js' },
      warnings: [],
      archive: randomBytes(64),
      makeDefault: true,
    });
    const { rows } = await stack.db.query<{ default_release_id: string; created_at: Date }>(
      `SELECT i.default_release_id, r.created_at FROM integrations i JOIN releases r ON r.id = i.default_release_id WHERE i.id = $1`,
      [integrationIdValue],
    );
    expect(rows[0]!.default_release_id).toBe(release.uuid);

    const after = (await get('/marketplace/integrations/slack-alerts', await token())).json<IntegrationDetail>();
    expect(after.default_release).toEqual({ id: release.uuid, version: 'r1', created_at: expect.any(String) });
    expect(new Date(after.default_release!.created_at!).getTime()).toBe(rows[0]!.created_at.getTime());
    // The catalog card stays a card: no release, no long description.
    const card = (await catalog(await token())).integrations.find((i) => i.slug === 'slack-alerts')!;
    expect(card).not.toHaveProperty('default_release');
    expect(card).not.toHaveProperty('long_description');
  });

  it('a flag is {name, color} or null', async () => {
    const cards = (await catalog(await token())).integrations;
    expect(cards.find((i) => i.slug === 'hubspot-contacts')!.flag).toEqual({ name: 'Popular', color: '#b45309' });
    expect(cards.find((i) => i.slug === 'slack-alerts')!.flag).toBeNull();
    const { rows } = await stack.db.query('SELECT flag_name, flag_color FROM integrations WHERE account_id = $1 AND slug = $2', [
      stack.accountId,
      'hubspot-contacts',
    ]);
    expect(rows[0]).toEqual({ flag_name: 'Popular', flag_color: '#b45309' });
  });

  it('an external integration carries its external_url; internal ones have null', async () => {
    const response = await get('/marketplace/integrations/zapier', await token());
    expect(response.json<IntegrationDetail>()).toMatchObject({
      type: 'external',
      external_url: 'https://zapier.com/apps/example/integrations',
      categories: ['crm', 'messaging'], // in the account's category order, not the listing's
    });
    const card = (await catalog(await token())).integrations.find((i) => i.slug === 'zapier')!;
    expect(card.external_url).toBe('https://zapier.com/apps/example/integrations');
    expect((await catalog(await token())).integrations.find((i) => i.slug === 'slack-alerts')!.external_url).toBeNull();
  });

  it('an archived integration is gone from the catalog and its detail is 404', async () => {
    await upsertIntegration(stack.db, stack.accountId, {
      slug: 'to-archive',
      name: 'To Archive',
      type: 'internal',
    });
    expect(slugs(await catalog(await token()))).toContain('to-archive');
    await stack.db.query('UPDATE integrations SET archived_at = now() WHERE account_id = $1 AND slug = $2', [stack.accountId, 'to-archive']);
    expect(slugs(await catalog(await token()))).not.toContain('to-archive');
    expect((await get('/marketplace/integrations/to-archive', await token())).statusCode).toBe(404);
  });

  it('an unknown slug is 404', async () => {
    const response = await get('/marketplace/integrations/no-such-thing', await token());
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'PAN_ERR_NOT_FOUND' });
  });
});

describe('request validation', () => {
  const cases = [
    { name: 'category that is not a slug', query: '?category=Bad%20Slug!' },
    { name: 'unknown query parameter', query: '?sort=name' },
    { name: 'q over 200 characters', query: `?q=${'a'.repeat(201)}` },
    { name: 'more than 20 tags', query: `?${Array.from({ length: 21 }, (_, i) => `tag=t${i}`).join('&')}` },
  ];
  it.each(cases)('$name -> 400 PAN_ERR_REQUEST_INVALID', async ({ query }) => {
    const response = await get(`/marketplace/catalog${query}`, await token());
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json()).toMatchObject({ statusCode: 400, code: 'PAN_ERR_REQUEST_INVALID', error: 'Bad Request' });
    expect(response.json().message).toEqual(expect.any(String));
  });

  it('q of exactly 200 characters is accepted', async () => {
    expect(slugs(await catalog(await token(), `?q=${'a'.repeat(200)}`))).toEqual([]);
  });

  it('a detail slug that is not a slug is 400', async () => {
    const response = await get('/marketplace/integrations/Not_A_Slug', await token());
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('PAN_ERR_REQUEST_INVALID');
  });

  it('no token is 401 on both routes', async () => {
    for (const url of ['/marketplace/catalog', '/marketplace/integrations/zapier']) {
      const response = await stack.app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(401);
      expect(response.json().code).toBe('PAN_ERR_AUTH_MISSING');
    }
  });
});
