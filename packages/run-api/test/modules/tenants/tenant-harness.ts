/**
 * A run API with the fixture catalog plus releases and extra integrations for the tenant route
 * tests: a settings-rich HubSpot release (r1 default, r2 newer), a dynamic/dependent one, bulk
 * integrations for install limits, a draft without release, and a second account.
 */
import { expect } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { parsePandiumYaml } from '@pan/pandium-yaml';
import type { ExtraTenantInfo } from '../../../src/modules/accounts/end-user-token.ts';
import type { Schedule } from '@pan/contract';
import { upsertIntegration } from '../../../src/modules/catalog/store.ts';
import { createRelease } from '../../../src/modules/catalog/store.ts';
import { createOtherAccount, signEndUserToken, stackSigner, startTestStack, type TestStack } from '../../support/index.ts';

export const HUBSPOT_R1 = `version: 1.0
base: node:24
run: node index.js
connectors: [hubspot]
configs:
  schema:
    type: object
    required: [direction]
    properties:
      direction: { type: string, enum: [to_hubspot, from_hubspot, both], default: both }
      records_per_page: { type: integer, min: 1, max: 100, default: 20 }
      include_archived: { type: boolean, default: false }
      start_date: { type: string, format: date }
      region:
        type: string
        oneOf:
          - { title: Europe, const: eu }
          - { title: United States, const: us }
      events:
        type: array
        uniqueItems: true
        items: { type: string, enum: [created, updated, deleted] }
      api_base_url: { type: string, default: 'https://api.hubapi.com' }
  uischema:
    type: VerticalLayout
    elements:
      - { type: Control, label: Sync direction, scope: '#/properties/direction' }
      - { type: Control, label: Records per page, scope: '#/properties/records_per_page' }
      - { type: Control, label: Include archived, scope: '#/properties/include_archived' }
      - { type: Control, label: Start date, scope: '#/properties/start_date' }
      - { type: Control, label: Region, scope: '#/properties/region' }
      - { type: Label, text: Events }
      - { type: MultiSelectControl, scope: '#/properties/events' }
      - { type: Control, label: API base URL, scope: '#/properties/api_base_url', admin: true }
`;

/** r2 adds `batch_size`, so a form built from the wrong release shows up in tests. */
export const HUBSPOT_R2 = HUBSPOT_R1.replace(
  "      api_base_url: { type: string, default: 'https://api.hubapi.com' }\n",
  "      api_base_url: { type: string, default: 'https://api.hubapi.com' }\n      batch_size: { type: integer, min: 1, max: 10 }\n",
).replace(
  "      - { type: Control, label: API base URL",
  "      - { type: Control, label: Batch size, scope: '#/properties/batch_size' }\n      - { type: Control, label: API base URL",
);

export const SIMPLE_YAML = `version: 1.0
run: node index.js
configs:
  schema:
    type: object
    properties:
      channel: { type: string }
  uischema:
    type: VerticalLayout
    elements:
      - { type: Control, scope: '#/properties/channel' }
`;

export const DYNAMIC_YAML = `version: 1.0
run: node index.js
configs:
  schema:
    type: object
    required: [pokemon_type, slack_user]
    definitions:
      pokemon_types: { enum: [placeholder] }
      slack_users:
        oneOf:
          - { title: Placeholder, const: placeholder }
      food_type_options: { enum: [placeholder] }
      favorite_food_options: { enum: [placeholder], dependsOn: food_type }
    properties:
      pokemon_type: { type: string, $ref: '#/definitions/pokemon_types' }
      slack_user: { type: string, $ref: '#/definitions/slack_users' }
      food_type: { type: string, $ref: '#/definitions/food_type_options' }
      favorite_food: { type: string, $ref: '#/definitions/favorite_food_options' }
  uischema:
    type: VerticalLayout
    elements:
      - { type: Control, label: Pokémon type, scope: '#/properties/pokemon_type' }
      - { type: Control, label: Slack user, scope: '#/properties/slack_user' }
      - { type: Control, label: Food type, scope: '#/properties/food_type' }
      - { type: Control, label: Favourite food, scope: '#/properties/favorite_food' }
`;

/** What an init run of DYNAMIC_YAML publishes. */
export const DYNAMIC_OPTIONS = {
  pokemon_types: ['fire', 'water', 'grass'],
  slack_users: [
    { title: 'Ada', const: 'U1' },
    { title: 'Grace', const: 'U2' },
  ],
  food_type_options: ['Sweet', 'Savory'],
  favorite_food_options: { Sweet: ['Chocolate', 'Caramel'], Savory: ['Chips', 'Pizza'] },
};

export const BULK_SLUGS = ['bulk-1', 'bulk-2', 'bulk-3', 'bulk-4', 'bulk-5', 'bulk-6'];

export interface TokenOptions {
  sub?: string;
  xti?: ExtraTenantInfo;
  otherAccount?: boolean;
  /** Other claims (`tz`). */
  claims?: Record<string, unknown>;
}

export interface Harness {
  stack: TestStack;
  other: { id: string; issuer: string; secret: Buffer };
  /** Release ids by `<slug>@<version>` (`hubspot-contacts@r1`, `other:hubspot-contacts@r1`). */
  releases: Record<string, string>;
  token(options?: TokenOptions): Promise<string>;
  call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, jwt: string, body?: unknown): Promise<LightMyRequestResponse>;
  integrationId(slug: string, accountId?: string): Promise<string>;
  /** Pushes a release the way the host API stores one. */
  release(accountId: string, slug: string, yaml: string, makeDefault?: boolean): Promise<{ id: string; version: string }>;
  stop(): Promise<void>;
}

export async function startTenantHarness(clusterUrl: string): Promise<Harness> {
  const stack = await startTestStack({ clusterUrl, seedCatalog: true, listen: false });
  const other = await createOtherAccount(stack);

  const integrationId = async (slug: string, accountId = stack.accountId) => {
    const { rows } = await stack.db.query<{ id: string }>('SELECT id FROM integrations WHERE account_id = $1 AND slug = $2', [accountId, slug]);
    expect(rows).toHaveLength(1);
    return rows[0]!.id;
  };
  const release = async (accountId: string, slug: string, yaml: string, makeDefault = true) => {
    const parsed = parsePandiumYaml(yaml);
    expect(parsed.errors).toEqual([]);
    const stored = await createRelease(stack.db, {
      accountId,
      integrationId: await integrationId(slug, accountId),
      pandiumYaml: yaml,
      spec: parsed.spec,
      warnings: parsed.warnings,
      archive: Buffer.from(`${slug}\n${yaml}`),
      makeDefault,
    });
    return { id: stored.uuid!, version: stored.version }; // the marketplace API names releases by UUID
  };

  const internal = (slug: string, name: string, default_schedule?: Schedule) =>
    ({ slug, name, type: 'internal', short_description: `${name} for tests.`, ...(default_schedule ? { default_schedule } : {}) }) as const;
  for (const accountId of [stack.accountId, other.id]) {
    await upsertIntegration(stack.db, accountId, internal('pokemon', 'Pokémon of the Day', { type: 'cron', expression: '0 9 * * 1-5' }));
    await upsertIntegration(stack.db, accountId, internal('draft', 'Draft Without Release'));
    await upsertIntegration(stack.db, accountId, internal('channels', 'Channel Tester'));
    for (const slug of BULK_SLUGS) await upsertIntegration(stack.db, accountId, internal(slug, `Bulk ${slug.slice(5)}`));
  }

  const releases: Record<string, string> = {};
  for (const [accountId, prefix] of [[stack.accountId, ''], [other.id, 'other:']] as const) {
    const put = async (slug: string, yaml: string, makeDefault = true) => {
      const r = await release(accountId, slug, yaml, makeDefault);
      releases[`${prefix}${slug}@${r.version}`] = r.id;
    };
    await put('hubspot-contacts', HUBSPOT_R1);
    await put('hubspot-contacts', HUBSPOT_R2, false);
    for (const slug of ['slack-alerts', 's3-export', 'salesforce-leads', 'channels', ...BULK_SLUGS]) await put(slug, SIMPLE_YAML);
    await put('pokemon', DYNAMIC_YAML);
  }

  const token = async ({ sub = 'alice', xti, otherAccount = false, claims }: TokenOptions = {}) =>
    signEndUserToken(otherAccount ? { ...other, audience: stack.audience } : stackSigner(stack), sub, { ...(xti ? { xti } : {}), claims, lifetimeSeconds: 300 });

  return {
    stack,
    other,
    releases,
    token,
    call: (method, url, jwt, body) =>
      stack.app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${jwt}` },
        ...(body === undefined ? {} : { payload: body as object }),
      }),
    integrationId,
    release,
    stop: () => stack.stop(),
  };
}

export interface TenantDbRow {
  id: string;
  account_id: string;
  integration_id: string;
  user_sub: string;
  configs: Record<string, unknown>;
  paused: boolean;
  archived_at: Date | null;
  release_channel: string;
  pinned_release_id: string | null;
  schedule_is_default: boolean;
  schedule: Schedule | null;
  schedule_time_zone: string;
  schedule_missed: string;
  dynamic_configs: Record<string, unknown> | null;
  created_at: Date;
  updated_at: Date;
}

export async function tenantRow(stack: TestStack, id: string): Promise<TenantDbRow> {
  const { rows } = await stack.db.query<TenantDbRow>('SELECT * FROM tenants WHERE id = $1', [id]);
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

export async function tenantRowsOf(stack: TestStack, sub: string, accountId = stack.accountId): Promise<TenantDbRow[]> {
  const { rows } = await stack.db.query<TenantDbRow>('SELECT * FROM tenants WHERE account_id = $1 AND user_sub = $2 ORDER BY created_at', [
    accountId,
    sub,
  ]);
  return rows;
}
