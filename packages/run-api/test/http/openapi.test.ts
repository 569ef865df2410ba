import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/index.ts';

/** `GET /v2/openapi.json`: the host API's OpenAPI 3.1 document, generated from the route schemas. */

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ clusterUrl: inject('pgClusterUrl'), listen: false });
});

afterAll(async () => {
  await stack?.stop();
});

interface Document {
  openapi: string;
  paths: Record<
    string,
    Record<string, { security?: unknown; summary?: string; tags?: string[]; responses?: Record<string, unknown>; parameters?: Array<{ in: string; name: string }> }>
  >;
  components: { securitySchemes: Record<string, unknown> };
}

async function fetchDocument(): Promise<Document> {
  const response = await stack.app.inject({ method: 'GET', url: '/v2/openapi.json' });
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  return response.json();
}

describe('GET /v2/openapi.json', () => {
  it('is served without an API key and is a valid OpenAPI 3.1 document', async () => {
    const document = await fetchDocument();
    expect(document.openapi).toBe('3.1.0');
    const validator = new Validator();
    const result = await validator.validate(document as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(['apiKey', 'endUser']);
  });

  it('documents every /v2 route, each with the API key security, and nothing else', async () => {
    const document = await fetchDocument();
    const routes = stack.app.v2Routes;
    expect(routes.length).toBeGreaterThan(0);
    const expected = routes.map(({ method, url }) => `${method.toLowerCase()} ${url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
    // The releases upload (gzip body) and the sync (raw JSON body) have their own content type parsers.
    expect(expected).toContain('post /v2/integrations/{integration}/releases');
    expect(expected).toContain('post /v2/tenants/{id}/sync');

    const documented: string[] = [];
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        documented.push(`${method} ${path}`);
        expect(operation.security, `${method} ${path}`).toEqual([{ apiKey: [] }]);
        expect(operation.summary, `${method} ${path}: a summary in openapi/operations.ts`).toEqual(expect.any(String));
        expect(operation.tags, `${method} ${path}`).toEqual([path.split('/')[2]]);
        expect(Object.keys(operation.responses ?? {}), `${method} ${path}`).toContain('4XX');
        // Every `{param}` of the path is declared as a path parameter.
        for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
          expect(operation.parameters?.some((p) => p.in === 'path' && p.name === name), `${method} ${path}: ${name}`).toBe(true);
        }
      }
    }
    expect(documented.sort()).toEqual([...new Set(expected)].sort());
    expect(documented).not.toContain('get /v2/openapi.json');
  });

  it("describes the connector proxy with Pandium's ProxyRestRequestBody and ProxyResponse fields", async () => {
    const document = (await fetchDocument()) as unknown as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { required: string[]; properties: Record<string, unknown> } }> }; responses: Record<string, { content?: Record<string, { schema: { required: string[] } }> }> }>>;
    };
    const call = document.paths['/v2/tenants/{id}/connectors/{name}/call']!.post!;
    const body = call.requestBody!.content['application/json']!.schema;
    expect(body.required).toEqual(['method', 'target_url']);
    expect(Object.keys(body.properties).sort()).toEqual(['body', 'headers', 'method', 'query_params', 'target_url']);
    expect(call.responses['200']!.content!['application/json']!.schema.required).toEqual(['data', 'status']);
    expect(document.paths['/v2/tenants/{id}/connectors/{name}/disconnect']!.patch).toBeDefined();
  });

  it("documents Pandium's shapes: integer ids in paths and answers, Run[] for a tenant's runs, TenantStatus", async () => {
    type Schema = { type?: string | string[]; anyOf?: Schema[]; items?: Schema; required?: string[]; properties?: Record<string, Schema> };
    const document = (await fetchDocument()) as unknown as {
      paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string; schema: Schema }>; responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>>;
    };
    const answer = (path: string, method: string, status: string) => document.paths[path]![method]!.responses[status]!.content!['application/json']!.schema;
    for (const [path, method] of [['/v2/tenants/{id}', 'get'], ['/v2/tenants/{id}/runs', 'get'], ['/v2/tenants/{id}/sync', 'post'], ['/v2/runs/{id}', 'get']] as const) {
      const id = document.paths[path]![method]!.parameters!.find((p) => p.in === 'path' && p.name === 'id')!;
      expect(id.schema.anyOf!.map((s) => s.type), path).toEqual(['integer', 'string']);
    }
    const tenant = answer('/v2/tenants/{id}', 'get', '200');
    expect([tenant.properties!.id!.type, tenant.properties!.integration_id!.type]).toEqual(['integer', 'integer']);
    expect(tenant.properties!.status!.required).toEqual(['last_run', 'current_run', 'last_successful_run', 'dynamic_configs', 'auth']);
    const runs = answer('/v2/tenants/{id}/runs', 'get', '200');
    expect(runs.type).toBe('array');
    expect(runs.items!.required).toEqual(['id', 'mode', 'status', 'triggers', 'started_date', 'completed_date', 'tenant_id', 'integration_id']);
    expect(runs.items!.properties!.status!.required).toEqual(['phase', 'startTime', 'completionTime']);
    expect(answer('/v2/runs/triggers/{id}/status', 'get', '200').required).toContain('status');
    const list = document.paths['/v2/tenants']!.get!.parameters!.map((p) => p.name);
    expect(list).toEqual(expect.arrayContaining(['archived', 'integration_id']));
    expect(list).not.toContain('include_archived');
    // Integrations and releases: integer ids in paths, bodies and answers; Pandium's IntegrationRelease.
    const pathParam = (path: string, method: string, name: string) => document.paths[path]![method]!.parameters!.find((p) => p.in === 'path' && p.name === name)!;
    for (const [path, method, name] of [
      ['/v2/integrations/{integration}', 'get', 'integration'],
      ['/v2/integrations/{integration}/releases', 'get', 'integration'],
      ['/v2/integrations/{integration}/releases', 'post', 'integration'],
      ['/v2/integrations/{integration}/releases/{release}', 'get', 'release'],
      ['/v2/integrations/{integration}/sync', 'post', 'integration'],
    ] as const) {
      expect(pathParam(path, method, name).schema.anyOf![0]!.type, `${method} ${path}`).toBe('integer');
    }
    const integration = answer('/v2/integrations/{integration}', 'get', '200');
    expect(integration.properties!.id!.type).toBe('integer');
    expect(integration.properties!.default_release_id!.anyOf!.map((s) => s.type)).toEqual(['null', 'integer']);
    // Pandium's Integration: type spelled Internal/External, connectors [{name, isGlobal}], long_name, the default channel.
    expect((integration.properties!.type as { enum?: string[] }).enum).toEqual(['Internal', 'External']);
    expect(integration.properties!.connectors!.items!.required).toEqual(['name', 'isGlobal']);
    expect(integration.required).toEqual(expect.arrayContaining(['long_name', 'connectors', 'default_release_channel']));
    const release = answer('/v2/integrations/{integration}/releases/{release}', 'get', '200');
    expect(release.properties!.id!.type).toBe('integer');
    expect(release.required).toEqual(expect.arrayContaining(['id', 'name', 'run_command', 'config_schema', 'config_version', 'metadata_schema', 'created_date', 'modified_date']));
    expect(Object.keys(release.properties!)).toContain('repository_tracking_branch');
    // Pandium's RunTrigger has a payload.
    expect(runs.items!.properties!.triggers!.items!.properties!.payload!.required).toEqual(['headers']);
    const build = (document.paths['/v2/sourcecontrol/build']!.post! as unknown as { requestBody: { content: Record<string, { schema: Schema }> } }).requestBody;
    expect(build.content['application/json']!.schema.properties!.integration_id!.anyOf![0]!.type).toBe('integer');
  });

  it('documents the replay of a failed run: 202 with the new trigger ids, and the run’s replay_of', async () => {
    const document = (await fetchDocument()) as Document & { paths: Record<string, Record<string, { responses: Record<string, any> }>> };
    const replay = document.paths['/v2/runs/{id}/replay']!.post!;
    expect(JSON.stringify(replay.responses['202'])).toContain('trigger_ids');
    expect(JSON.stringify(document.paths['/v2/tenants/{id}/runs']!.get!.responses['200'])).toContain('replay_of');
  });

  it("documents a tenant schedule's time zone and missed-fire policy", async () => {
    const document = (await fetchDocument()) as Document & { paths: Record<string, Record<string, { requestBody: unknown; responses: Record<string, unknown> }>> };
    const installation = document.paths['/v2/tenants']!.post!;
    for (const part of [installation.requestBody, installation.responses['201']]) {
      expect(JSON.stringify(part)).toContain('"time_zone"');
      expect(JSON.stringify(part)).toContain('"missed_fires"');
    }
  });

  it('keeps the API key required on the other /v2 routes', async () => {
    const response = await stack.app.inject({ method: 'GET', url: '/v2/connectors' });
    expect(response.statusCode).toBe(401);
  });
});
