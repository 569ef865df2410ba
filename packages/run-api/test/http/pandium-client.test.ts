import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/index.ts';

/**
 * An unmodified client written for Pandium's API shapes: its schemas are copied from Pandium's
 * published OpenAPI spec (as summarised in ../shared/SPEC.md), not from our contract, and every
 * answer is validated against them. It drives a session against the real server over HTTP:
 * create a tenant, resume it, list it, sync it, follow the trigger, read its runs and status,
 * archive it; read integrations and their releases, sync a tenant by its integration. Ids are
 * integers, as a Pandium client validates them.
 */

const id = { type: 'integer' } as const;
const date = { type: 'string', format: 'date-time' } as const;

// ---- Pandium's schemas (components/schemas of its OpenAPI spec) ------------------------------------
const TenantStatus = {
  type: 'object',
  properties: {
    last_run: { type: 'object' },
    current_run: { type: 'object' },
    last_successful_run: { type: 'object' },
    dynamic_configs: { type: 'object' },
    auth: {
      type: 'object',
      properties: {
        connected: { type: 'boolean' },
        connectors: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, status: { type: 'string' } } } },
      },
    },
  },
} as const;
const Tenant = {
  type: 'object',
  required: ['id', 'name', 'integration_id', 'configs', 'created_date', 'modified_date'],
  properties: {
    id,
    name: { type: 'string' },
    archived: { type: 'boolean' },
    integration_id: id,
    configs: { type: 'object' },
    created_date: date,
    modified_date: date,
    paused: { type: 'boolean' },
    user_schedule: { type: ['string', 'null'] },
    source: { type: 'string' },
    integration_release_id: { type: ['integer', 'null'] },
    integration_release_channel: { type: ['string', 'null'], enum: ['Latest', 'Default', null] },
    status: TenantStatus,
  },
} as const;
const RunTrigger = {
  type: 'object',
  required: ['id', 'created_date', 'mode', 'source'],
  properties: { id: { type: 'string' }, created_date: date, mode: { type: 'string' }, source: { type: 'string' }, payload: { type: 'object' } },
} as const;
const Run = {
  type: 'object',
  required: ['id', 'mode'],
  properties: {
    id,
    mode: { type: 'string' },
    status: {
      type: 'object',
      properties: { phase: { type: 'string' }, startTime: date, completionTime: { type: ['string', 'null'], format: 'date-time' } },
    },
    triggers: { type: 'array', items: RunTrigger },
    started_date: date,
    completed_date: { type: ['string', 'null'], format: 'date-time' },
    tenant_id: id,
    integration_id: id,
  },
} as const;
const Integration = {
  type: 'object',
  required: ['id', 'name', 'type', 'created_date', 'modified_date'],
  properties: {
    id,
    name: { type: 'string' },
    long_name: { type: 'string' },
    type: { type: 'string', enum: ['Internal', 'External', 'Pandium'] },
    connectors: {
      type: 'array',
      items: { type: 'object', required: ['name', 'isGlobal'], properties: { name: { type: 'string' }, isGlobal: { type: 'boolean' } } },
    },
    default_release_channel: { type: ['string', 'null'], enum: ['Latest', 'Default', null] },
    repository_url: { type: ['string', 'null'] },
    repository_path: { type: ['string', 'null'] },
    repository_tracking_branch: { type: ['string', 'null'] },
    categories: { type: 'array' },
    tags: { type: 'array', items: { type: 'string' } },
    default_release_id: { type: ['integer', 'null'] },
    created_date: date,
    modified_date: date,
  },
} as const;
const IntegrationRelease = {
  type: 'object',
  required: ['id', 'name', 'config_schema', 'config_version', 'metadata_schema', 'created_date', 'modified_date'],
  properties: {
    id,
    name: { type: 'string' },
    tag: { type: 'string' },
    run_command: { type: 'string' },
    repository_tracking_branch: { type: ['string', 'null'] },
    config_schema: { type: 'object' },
    config_version: { type: 'string' },
    metadata_schema: { type: 'object' },
    created_date: date,
    modified_date: date,
  },
} as const;
const Trigger = { type: 'object', required: ['trigger_id'], properties: { trigger_id: { type: 'string' } } } as const;
const TriggerStatus = { type: 'object', required: ['status'], properties: { status: { type: 'string' } } } as const;

type PandiumTenant = { id: number; name: string; integration_id: number; paused: boolean; archived: boolean; status: Record<string, Record<string, unknown>> };
type PandiumIntegration = {
  id: number;
  name: string;
  long_name: string;
  type: string;
  connectors: { name: string; isGlobal: boolean }[];
  default_release_id: number | null;
  default_release_channel: string | null;
};
type PandiumRelease = {
  id: number;
  name: string;
  run_command: string;
  repository_tracking_branch: string | null;
  config_schema: Record<string, unknown>;
  config_version: string;
  metadata_schema: Record<string, unknown>;
};
type PandiumRun = {
  id: number;
  mode: string;
  status: { phase: string };
  triggers: { id: string; source: string; payload?: { headers?: Record<string, string> } }[];
  tenant_id: number;
  integration_id: number;
};

/** The client: a base URL, a key, and a validator per answer. */
function pandiumClient(base: string, apiKey: string) {
  const ajv = new Ajv({ strict: true, allErrors: true });
  addFormats.default(ajv);
  const validators = new Map<object, ValidateFunction>();
  const request = async <T>(method: string, path: string, expected: number, schema: object | null, body?: unknown): Promise<T> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { 'x-api-key': apiKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    expect(response.status, `${method} ${path}: ${text}`).toBe(expected);
    if (!schema) return undefined as T;
    const data: unknown = JSON.parse(text);
    let validate = validators.get(schema);
    if (!validate) validators.set(schema, (validate = ajv.compile(schema)));
    expect(validate(data) ? [] : validate.errors, `${method} ${path} against Pandium's schema`).toEqual([]);
    return data as T;
  };
  const list = (schema: object) => ({ type: 'array', items: schema });
  return {
    createTenant: (body: { name: string; integration_id: number; configs?: object }) => request<PandiumTenant>('POST', '/v2/tenants', 201, Tenant, body),
    getTenant: (tenantId: number) => request<PandiumTenant>('GET', `/v2/tenants/${tenantId}`, 200, Tenant),
    updateTenant: (tenantId: number, body: { paused: boolean }) => request<PandiumTenant>('PATCH', `/v2/tenants/${tenantId}`, 200, Tenant, body),
    listTenants: (query: string) => request<PandiumTenant[]>('GET', `/v2/tenants?${query}`, 200, list(Tenant)),
    archiveTenant: (tenantId: number) => request<void>('DELETE', `/v2/tenants/${tenantId}`, 204, null),
    syncTenant: (tenantId: number, mode: 'init' | 'normal', body: object = {}) =>
      request<{ trigger_id: string }>('POST', `/v2/tenants/${tenantId}/sync?mode=${mode}`, 202, Trigger, body),
    triggerStatus: (triggerId: string) => request<{ status: string }>('GET', `/v2/runs/triggers/${triggerId}/status`, 200, TriggerStatus),
    listIntegrations: () => request<PandiumIntegration[]>('GET', '/v2/integrations', 200, list(Integration)),
    getIntegration: (integrationId: number) => request<PandiumIntegration>('GET', `/v2/integrations/${integrationId}`, 200, Integration),
    listReleases: (integrationId: number) => request<PandiumRelease[]>('GET', `/v2/integrations/${integrationId}/releases`, 200, list(IntegrationRelease)),
    getRelease: (integrationId: number, release: number | 'default' | 'latest') =>
      request<PandiumRelease>('GET', `/v2/integrations/${integrationId}/releases/${release}`, 200, IntegrationRelease),
    syncIntegration: (integrationId: number, userName: string) =>
      request<{ trigger_id: string }>('POST', `/v2/integrations/${integrationId}/sync?mode=normal&user_name=${encodeURIComponent(userName)}`, 202, Trigger, {}),
    tenantRuns: (tenantId: number) => request<PandiumRun[]>('GET', `/v2/tenants/${tenantId}/runs`, 200, list(Run)),
  };
}

let stack: TestStack;
let integrationId: number;

beforeAll(async () => {
  stack = await startTestStack({ clusterUrl: inject('pgClusterUrl'), seedReleases: true, runEngine: true });
  // A Pandium client is configured with its integration's id.
  const { rows } = await stack.db.query<{ num_id: string }>("SELECT num_id FROM integrations WHERE account_id = $1 AND slug = 'hubspot-contacts'", [
    stack.accountId,
  ]);
  integrationId = Number(rows[0]!.num_id);
});

afterAll(async () => {
  await stack?.stop();
});

describe("an unmodified client written for Pandium's API shapes", () => {
  it('creates, resumes, lists, syncs, follows and reads runs, and archives a tenant; every answer valid', async () => {
    const client = pandiumClient(stack.apiBase, stack.apiKey);

    const created = await client.createTenant({ name: 'acme-42', integration_id: integrationId, configs: { direction: 'both', records_per_page: 1 } });
    expect(created).toMatchObject({ name: 'acme-42', integration_id: integrationId, paused: true, archived: false });
    expect(created.status.last_run).toEqual({});
    const resumed = await client.updateTenant(created.id, { paused: false });
    expect(resumed.paused).toBe(false);
    expect(await client.getTenant(created.id)).toEqual(resumed);
    expect((await client.listTenants(`integration_id=${integrationId}&archived=false`)).map((t) => t.id)).toContain(created.id);

    const { trigger_id: triggerId } = await client.syncTenant(created.id, 'normal', { order: 42 });
    await expect.poll(async () => (await client.triggerStatus(triggerId)).status, { timeout: 30_000 }).toBe('Succeeded');

    const runs = await client.tenantRuns(created.id);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ mode: 'normal', status: { phase: 'Succeeded' }, tenant_id: created.id, integration_id: integrationId });
    expect(runs[0]!.triggers).toEqual([expect.objectContaining({ id: triggerId, source: 'api', mode: 'normal' })]);
    // The API trigger's payload: the headers the client sent (content-type among them), and (ours) the body's size.
    const payload = runs[0]!.triggers[0]!.payload as { headers: Record<string, string>; bytes: number };
    expect(Object.entries(payload.headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1]).toBe('application/json');
    expect(payload.bytes).toBe(JSON.stringify({ order: 42 }).length);

    const after = await client.getTenant(created.id);
    expect(after.status.last_run).toMatchObject({ id: runs[0]!.id, phase: 'Succeeded' });
    expect(after.status.last_successful_run).toMatchObject({ id: runs[0]!.id });
    expect(after.status.current_run).toEqual({});

    await client.archiveTenant(created.id);
    expect((await client.listTenants('archived=false')).map((t) => t.id)).not.toContain(created.id);
    expect((await client.listTenants('archived=true')).map((t) => [t.id, t.archived])).toEqual([[created.id, true]]);
  });

  it('reads integrations and releases by integer id, and syncs a tenant by its integration; every answer valid', async () => {
    const client = pandiumClient(stack.apiBase, stack.apiKey);

    const integrations = await client.listIntegrations();
    expect(integrations.map((i) => i.id)).toContain(integrationId);
    const integration = await client.getIntegration(integrationId);
    expect(integration).toEqual(integrations.find((i) => i.id === integrationId));
    expect(integration.default_release_id).toEqual(expect.any(Number));
    expect(integration).toMatchObject({ type: 'Internal', default_release_channel: 'Default', long_name: expect.any(String) });
    // Pandium's connectors: the integration's and its default release's (hubspot-contacts needs hubspot).
    const { rows: needed } = await stack.db.query<{ name: string }>(
      `SELECT DISTINCT x AS name FROM integrations i, unnest(i.connectors || ARRAY(SELECT jsonb_array_elements_text(coalesce(r.spec->'connectors', '[]'))
          FROM releases r WHERE r.id = i.default_release_id)) x WHERE i.num_id = $1 ORDER BY 1`,
      [integrationId],
    );
    expect(needed.length).toBeGreaterThan(0);
    expect(integration.connectors).toEqual(needed.map(({ name }) => ({ name, isGlobal: false })));

    const releases = await client.listReleases(integrationId);
    expect(releases.map((r) => r.id)).toContain(integration.default_release_id);
    const byDefault = await client.getRelease(integrationId, 'default');
    expect(byDefault.id).toBe(integration.default_release_id);
    expect(await client.getRelease(integrationId, byDefault.id)).toEqual(byDefault);
    // Read from the release's PANDIUM.yaml, as stored.
    const { rows } = await stack.db.query<{ spec: { version: string; configs: object } }>('SELECT spec FROM releases WHERE num_id = $1', [byDefault.id]);
    expect(byDefault).toMatchObject({ config_version: rows[0]!.spec.version, config_schema: rows[0]!.spec.configs, metadata_schema: {} });
    expect(Object.keys(byDefault.config_schema)).toEqual(expect.arrayContaining(['schema', 'uischema']));
    // An uploaded release: its run command, no tracking branch.
    const { rows: spec } = await stack.db.query<{ run: string }>("SELECT spec->>'run' AS run FROM releases WHERE num_id = $1", [byDefault.id]);
    expect(byDefault).toMatchObject({ run_command: spec[0]!.run, repository_tracking_branch: null });

    const tenant = await client.createTenant({ name: 'acme-43', integration_id: integrationId, configs: { direction: 'both', records_per_page: 1 } });
    await client.updateTenant(tenant.id, { paused: false });
    const { trigger_id: triggerId } = await client.syncIntegration(integrationId, 'acme-43');
    await expect.poll(async () => (await client.triggerStatus(triggerId)).status, { timeout: 30_000 }).toBe('Succeeded');
    expect((await client.tenantRuns(tenant.id)).flatMap((r) => r.triggers.map((t) => t.id))).toContain(triggerId);
  });
});
