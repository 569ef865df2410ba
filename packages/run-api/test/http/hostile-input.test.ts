import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import net from 'node:net';
import Fastify, { type FastifySchema } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/index.ts';
import { call, endUserToken, install, scriptIntegration } from '../modules/runs/run-support.ts';
import { installErrorHandler } from '../../src/platform/error-handler.ts';
import { findHostileValue } from '../../src/platform/input-guards.ts';

/**
 * Every bad input is a 4xx. Every route of the router (as registered at test time, with its
 * schema) is sent hostile inputs past authentication (a real account, API key and end-user token,
 * real ids): a NUL byte and a lone surrogate in every string field of the body schema, in free-form
 * objects (values and keys), in each path parameter and query parameter; invalid UTF-8; a 10,000
 * deep body; huge numbers; wrong types; over-long strings; hostile headers the routes read. No
 * answer may be a 5xx, every 4xx carries a catalogue code, and each NUL is a 400 naming its field.
 */

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  minimum?: number;
  minItems?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  additionalProperties?: boolean | JsonSchema;
};
type Route = { method: string; url: string; schema?: FastifySchema };
interface Probe {
  route: string;
  what: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  payload?: string | Buffer;
  contentType?: string;
  /** A NUL probe: the answer must be 400 and name this field in its message. */
  nulField?: string;
}

const NUL = 'a\u0000b';
const SURROGATE = 'a\ud800b';
const DEPTH = 10_000;

let stack: TestStack;
let token: string;
const ids = { tenantId: '', integrationId: '', releaseId: '', triggerId: '', webhookToken: '', runId: '' };

beforeAll(async () => {
  // The probes send hundreds of bad tokens from one address: the failed-authentication budget
  // would answer 429 before the route is reached (rate-limits.test.ts proves the budgets).
  const noBudgets = { windowMs: 60_000, perIp: 0, perWebhookToken: 0, perApiKey: 0, perEndUser: 0, authFailuresPerIp: 0 };
  stack = await startTestStack({ clusterUrl: inject('pgClusterUrl'), listen: false, config: { rateLimits: noBudgets } });
  const connector = await stack.app.inject({
    method: 'PUT',
    url: '/v2/connectors/probe-key',
    headers: { 'x-api-key': stack.apiKey },
    payload: { type: 'api_key', display_name: 'Probe', fields: [{ name: 'api_key', label: 'API key' }] },
  });
  expect(connector.statusCode, connector.body).toBe(200);
  await scriptIntegration(stack, 'hostile-probe', {
    'PANDIUM.yaml': `version: 0.4
base: node:20
run: node index.mjs
connectors: [probe-key]
events: [contact.created]
webhook:
  schema:
    $ref: '#/$defs/node'
    $defs:
      node:
        type: object
        additionalProperties: { $ref: '#/$defs/node' }
configs:
  schema:
    type: object
    properties:
      marker: { type: string }
  uischema:
    type: VerticalLayout
    elements:
      - { type: Control, label: Marker, scope: '#/properties/marker' }
`,
    'index.mjs': 'console.log("{}")\n',
  });
  const { rows } = await stack.db.query<{ id: string; default_release_id: string }>(
    "SELECT id, default_release_id FROM integrations WHERE slug = 'hostile-probe' AND account_id = $1",
    [stack.accountId],
  );
  ids.integrationId = rows[0]!.id;
  ids.releaseId = rows[0]!.default_release_id;
  token = await endUserToken(stack, 'alice');
  ids.tenantId = (await install(stack, token, 'hostile-probe', { marker: 'x' })).id;
  const queued = await call(stack, 'POST', `/marketplace/tenants/${ids.tenantId}/runs`, token, { mode: 'normal' });
  expect(queued.statusCode, queued.body).toBe(202);
  ids.triggerId = queued.json<{ trigger_id: string }>().trigger_id;
  // A finished run (no run engine here): its routes, and its live log's Last-Event-ID, are probed past "not found".
  const run = await stack.db.query<{ id: string }>(
    `INSERT INTO runs (account_id, tenant_id, release_id, queue, mode, status, triggers, worker_id, lease_expires_at, ended_at)
     VALUES ($1, $2, $3, 'other', 'normal', 'Succeeded', '[]', 'probe', now(), now()) RETURNING id`,
    [stack.accountId, ids.tenantId, ids.releaseId],
  );
  ids.runId = run.rows[0]!.id;
  ids.webhookToken = (await call(stack, 'GET', `/marketplace/tenants/${ids.tenantId}/webhook`, token)).json<{ url: string }>().url.split('/').pop()!;
});

afterAll(async () => {
  await stack?.stop();
});

/** The real value for a path parameter, so that the other probes of a route reach past "not found". */
function realParam(url: string, name: string): string {
  if (name === 'id') {
    if (/\/tenants\/:id/.test(url)) return ids.tenantId;
    if (/\/triggers\/:id/.test(url)) return ids.triggerId;
    if (/\/runs\/:id/.test(url)) return ids.runId;
    return randomUUID();
  }
  const values: Record<string, string> = {
    slug: 'hostile-probe',
    integration: ids.integrationId,
    release: ids.releaseId,
    connector: 'probe-key',
    name: 'probe-key',
    token: ids.webhookToken,
    // The elements bundle's (GET /elements/:version/*).
    version: (createRequire(import.meta.url)('@pan/elements/package.json') as { version: string }).version,
  };
  const value = values[name];
  if (value === undefined) throw new Error(`no real value for the path parameter :${name} of ${url}: add one`);
  return value;
}

function paramNames(url: string): string[] {
  return [...url.matchAll(/:(\w+)/g)].map((m) => m[1]!);
}

function fillPath(url: string, override: Record<string, string> = {}): string {
  return url.replace(/:(\w+)/g, (_, name: string) => override[name] ?? encodeURIComponent(realParam(url, name)));
}

/** A plausible valid value for a schema (the first enum value, a uuid for uuids...), so that one hostile field is the only fault. */
function sample(schema: JsonSchema | undefined, key = ''): unknown {
  if (!schema) return 'x';
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  const alternative = schema.anyOf?.[0] ?? schema.oneOf?.[0] ?? schema.allOf?.[0];
  if (alternative) return sample(alternative, key);
  const type = [schema.type ?? (schema.properties ? 'object' : 'string')].flat().find((t) => t !== 'null') ?? 'string';
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const name of schema.required ?? []) out[name] = sample(schema.properties?.[name], name);
      return out;
    }
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => sample(schema.items));
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    default:
      if (schema.format === 'uuid') return randomUUID();
      if (schema.format === 'uri' || /url/i.test(key)) return 'https://example.test/x';
      if (schema.format === 'date-time') return new Date(0).toISOString();
      if (schema.format === 'email') return 'a@example.test';
      return 'probe'.padEnd(schema.minLength ?? 1, 'x');
  }
}

/** Every field of a body schema (dotted path, as the error names it) with its schema; array items as `0`. */
function fields(schema: JsonSchema | undefined, prefix = ''): Array<{ path: string; schema: JsonSchema }> {
  if (!schema) return [];
  const out: Array<{ path: string; schema: JsonSchema }> = [];
  const alternative = schema.anyOf?.[0] ?? schema.oneOf?.[0];
  if (alternative) return fields(alternative, prefix);
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    const path = prefix ? `${prefix}.${name}` : name;
    out.push({ path, schema: child }, ...fields(child, path));
  }
  if (schema.items) {
    const path = prefix ? `${prefix}.0` : '0';
    out.push({ path, schema: schema.items }, ...fields(schema.items, path));
  }
  return out;
}

/** `base` with `value` at the dotted `path` (parents made as needed, arrays filled to index 0). */
function withValue(base: unknown, path: string, value: unknown): unknown {
  const copy = (base !== null && typeof base === 'object' ? structuredClone(base) : {}) as Record<string, unknown>;
  const keys = path.split('.');
  let node: Record<string, unknown> = copy;
  keys.forEach((key, index) => {
    if (index === keys.length - 1) {
      node[key] = value;
      return;
    }
    const nextIsIndex = /^\d+$/.test(keys[index + 1]!);
    if (node[key] === null || typeof node[key] !== 'object') node[key] = nextIsIndex ? [] : {};
    node = node[key] as Record<string, unknown>;
  });
  return copy;
}

const isFreeForm = (schema: JsonSchema) =>
  [schema.type].flat().includes('object') && (!schema.properties || schema.additionalProperties === true || typeof schema.additionalProperties === 'object');

function deepJson(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

function credentials(url: string): Record<string, string> {
  if (url.startsWith('/v2/')) return { 'x-api-key': stack.apiKey };
  if (url.startsWith('/marketplace/')) return { authorization: `Bearer ${token}` };
  return {};
}

/** Every hostile probe for one route. */
function probesFor(route: Route): Probe[] {
  const key = `${route.method} ${route.url}`;
  const schema = route.schema as { body?: JsonSchema; querystring?: JsonSchema; params?: JsonSchema } | undefined;
  const probes: Probe[] = [];
  const add = (probe: Omit<Probe, 'route' | 'method'>) => probes.push({ route: key, method: route.method, ...probe });
  const hasBody = !['GET', 'DELETE'].includes(route.method);
  const query = schema?.querystring ? (sample(schema.querystring) as Record<string, unknown>) : {};
  const queryString = (q: Record<string, unknown>) => {
    const text = new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)])).toString();
    return text ? `?${text}` : '';
  };
  const path = fillPath(route.url);
  const base = schema?.body ? sample(schema.body) : {};
  const json = (body: unknown) => JSON.stringify(body);

  // Path parameters: NUL, invalid UTF-8, a lone surrogate's bytes, not-a-uuid, too long, a huge number.
  for (const name of paramNames(route.url)) {
    for (const [what, value] of [
      ['NUL', '%00'],
      ['NUL inside', 'a%00b'],
      ['invalid UTF-8', '%C3%28'],
      ['surrogate bytes', '%ED%A0%80'],
      ['not an id', 'abc'],
      ['too long', 'a'.repeat(2000)],
      ['huge number', '99999999999999999999999'],
      ['dots', '..'],
    ] as const) {
      add({
        what: `param ${name}: ${what}`,
        url: fillPath(route.url, { [name]: value }) + queryString(query),
        ...(hasBody ? { payload: json(base), contentType: 'application/json' } : {}),
        ...(what.startsWith('NUL') ? { nulField: name } : {}),
      });
    }
  }

  // Query parameters: each known one, and an unknown one, with hostile values.
  const queryNames = [...Object.keys(schema?.querystring?.properties ?? {}), 'unknown_param'];
  for (const name of queryNames) {
    for (const [what, value] of [
      ['NUL', '%00'],
      ['invalid UTF-8', '%C3%28'],
      ['huge number', '99999999999999999999999'],
      ['negative', '-1'],
      ['too long', 'a'.repeat(5000)],
      ['array', `x&${name}=y`],
    ] as const) {
      const rest = queryString(Object.fromEntries(Object.entries(query).filter(([k]) => k !== name)));
      add({
        what: `query ${name}: ${what}`,
        url: `${path}${rest ? `${rest}&` : '?'}${name}=${value}`,
        ...(hasBody ? { payload: json(base), contentType: 'application/json' } : {}),
        ...(what === 'NUL' && name !== 'unknown_param' ? { nulField: name } : {}),
      });
    }
  }

  if (hasBody) {
    const url = path + queryString(query);
    const body = (what: string, payload: string | Buffer, nulField?: string) =>
      add({ what, url, payload, contentType: 'application/json', ...(nulField !== undefined ? { nulField } : {}) });
    // Every field of the body schema.
    for (const field of fields(schema?.body)) {
      body(`body ${field.path}: NUL`, json(withValue(base, field.path, NUL)), field.path);
      body(`body ${field.path}: lone surrogate`, json(withValue(base, field.path, SURROGATE)));
      body(`body ${field.path}: huge number`, json(withValue(base, field.path, 1e308)));
      body(`body ${field.path}: huge integer`, json(withValue(base, field.path, 'HUGE')).replace('"HUGE"', '123456789012345678901234567890'));
      body(`body ${field.path}: wrong type`, json(withValue(base, field.path, [{ x: 1 }])));
      body(`body ${field.path}: too long`, json(withValue(base, field.path, 'x'.repeat(100_000))));
      body(`body ${field.path}: negative`, json(withValue(base, field.path, -1)));
      if (isFreeForm(field.schema)) {
        body(`body ${field.path}: NUL in a nested value`, json(withValue(base, field.path, { k: { deeper: [NUL] } })), `${field.path}.k.deeper.0`);
        body(`body ${field.path}: NUL in a key`, json(withValue(base, field.path, { 'k\u0000': 1 })), `${field.path}.k\u0000`);
        body(`body ${field.path}: lone surrogate in a key`, json(withValue(base, field.path, { '\udc00': 1 })));
        body(`body ${field.path}: 100 deep`, json(withValue(base, field.path, JSON.parse(deepJson(100)))));
      }
    }
    // The body as a whole.
    // Routes without a body schema may keep the body raw (webhooks, sync: stored as bytes), so only schema'd bodies must name the field.
    const named = (field: string) => (schema?.body ? field : undefined);
    body('body: NUL in an unknown property', json(withValue(base, 'unknown_field', NUL)), named('unknown_field'));
    body(`body: ${DEPTH} deep object`, deepJson(DEPTH));
    body(`body: ${DEPTH} deep array`, `${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`);
    body('body: invalid UTF-8', Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]));
    body('body: a bare string', json(NUL), named(''));
    body('body: a bare huge number', '1e999');
    body('body: not JSON', '{"a":');
    body('body: __proto__', '{"__proto__":{"polluted":1}}');
    add({ what: 'body: binary, wrong content type', url, payload: Buffer.from([0, 1, 2, 0xff]), contentType: 'application/octet-stream' });
  }
  return probes;
}

/** Hostile values in the headers routes read (what HTTP lets through: Node decodes header bytes as latin1). */
async function headerProbes(route: Route): Promise<Probe[]> {
  const key = `${route.method} ${route.url}`;
  const url = fillPath(route.url);
  const probes: Probe[] = [];
  const add = (what: string, headers: Record<string, string>) => probes.push({ route: key, what, method: route.method, url, headers });
  if (url.startsWith('/v2/')) {
    add('x-api-key: latin1 bytes', { 'x-api-key': 'Ã(ÿ'.repeat(10) });
    add('x-api-key: long', { 'x-api-key': 'k'.repeat(8000) });
  }
  if (url.startsWith('/marketplace/')) {
    add('authorization: latin1 bytes', { authorization: 'Bearer Ã(ÿ' });
    const header = Buffer.from(JSON.stringify({ alg: 'HS256' })).toString('base64url');
    for (const [what, claims] of [
      ['NUL in iss', { iss: NUL, sub: 'alice', aud: stack.audience }],
      ['lone surrogate in iss', { iss: SURROGATE, sub: 'alice' }],
      ['iss huge', { iss: 'i'.repeat(5000), sub: 'alice' }],
      ['deep claims', deepJson(DEPTH)],
    ] as const) {
      const text = typeof claims === 'string' ? claims : JSON.stringify(claims);
      add(`authorization: unsigned token, ${what}`, { authorization: `Bearer ${header}.${Buffer.from(text).toString('base64url')}.c2ln` });
    }
    // Signed by the host: still not storable.
    add('authorization: signed token, NUL in sub', { authorization: `Bearer ${await endUserToken(stack, NUL)}` });
    add('authorization: signed token, NUL in xti.user_group', { authorization: `Bearer ${await endUserToken(stack, 'alice', { user_group: NUL })}` });
    for (const value of ['99999999999999999999', '99999999999', '-99999999999', '1e999', 'Ã(']) {
      add(`last-event-id: ${value}`, { authorization: `Bearer ${token}`, accept: 'text/event-stream', 'last-event-id': value });
    }
  }
  if (route.url.startsWith('/webhooks/')) {
    add('webhook-id: latin1 bytes', { 'webhook-id': 'Ã(ÿ', 'webhook-timestamp': '99999999999999999999', 'webhook-signature': 'v1,Ã(' });
  }
  return probes;
}

describe('hostile input on every route', () => {
  it('never answers 5xx, and answers each NUL with a 400 naming the field', async () => {
    // Routes that close doors (a webhook secret, a pause, a delete) go last, so the other probes reach past them.
    const rank = (route: Route) => (route.method === 'DELETE' ? 2 : /\/(webhook-secret|pause)$/.test(route.url) ? 1 : 0);
    const routes = [...stack.app.routeTable].sort((a, b) => rank(a) - rank(b));
    expect(routes.length).toBeGreaterThan(40);
    const failures: string[] = [];
    let probed = 0;
    let serverErrors = 0;
    for (const route of routes) {
      const probes = [...probesFor(route), ...(await headerProbes(route))];
      for (const probe of probes) {
        probed++;
        const response = await stack.app.inject({
          method: probe.method as 'GET',
          url: probe.url,
          headers: {
            ...credentials(route.url),
            ...(probe.contentType ? { 'content-type': probe.contentType } : {}),
            ...probe.headers,
          },
          ...(probe.payload !== undefined ? { payload: probe.payload } : {}),
        });
        const label = `${probe.route} [${probe.what}] -> ${response.statusCode} ${response.body.slice(0, 200)}`;
        if (response.statusCode >= 500) {
          serverErrors++;
          failures.push(label);
        } else if (
          // (The OAuth callback answers the browser with an HTML page.)
          response.statusCode >= 400 && /json/.test(String(response.headers['content-type'])) && !/^PAN_ERR_/.test(response.json<{ code?: string }>().code ?? '')
        ) {
          failures.push(`${label} (expected a PAN_ERR_ code)`);
        } else if (probe.nulField !== undefined && !nulAnswerNames(response, probe.nulField)) {
          failures.push(`${label} (expected 400 naming "${probe.nulField}")`);
        }
      }
    }
    console.info(`hostile input: ${routes.length} routes, ${probed} probes, ${serverErrors} answers 5xx`);
    expect(failures.length, `answers that are 5xx, have no catalogue code, or do not name the NUL field:\n${failures.join('\n')}`).toBe(0);
  });
});

function nulAnswerNames(response: { statusCode: number; json: () => { message?: string; errors?: Array<{ field: string }> } }, field: string): boolean {
  if (response.statusCode !== 400) return false;
  const answer = response.json();
  return answer.errors?.some((error) => error.field === field) === true && (answer.message ?? '').includes('NUL');
}

describe('findHostileValue', () => {
  it('finds NUL and lone surrogates in values and keys, and depth, iteratively', () => {
    expect(findHostileValue({ a: [{ b: NUL }] }, 64)).toEqual({ field: 'a.0.b', problem: 'nul' });
    expect(findHostileValue({ 'k\u0000': 1 }, 64)).toEqual({ field: 'k\u0000', problem: 'nul' });
    expect(findHostileValue({ a: SURROGATE }, 64)).toEqual({ field: 'a', problem: 'surrogate' });
    // A well-formed pair (an emoji) is one code point, not a surrogate.
    expect(findHostileValue({ a: 'ok \u{1F600} é' }, 64)).toBeUndefined();
    expect(findHostileValue(JSON.parse(deepJson(64)), 64)).toBeUndefined();
    expect(findHostileValue(JSON.parse(deepJson(65)), 64)?.problem).toBe('depth');
    expect(findHostileValue(JSON.parse(deepJson(100_000)), 64)?.problem).toBe('depth');
    expect(findHostileValue(Buffer.from([0, 0xff]), 64)).toBeUndefined();
  });
});

/** Sends raw bytes on a socket and returns the status code of the answer (what HTTP lets through, unlike inject). */
function rawStatus(port: number, request: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer);
      if (status) resolve(Number(status[1]));
      else reject(new Error(`no HTTP answer: ${JSON.stringify(answer.slice(0, 100))}`));
    });
  });
}

describe('raw bytes over a real socket', () => {
  it('answers invalid UTF-8 and NUL in the URL, headers and body with a 4xx', async () => {
    await stack.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (stack.app.server.address() as net.AddressInfo).port;
    const bytes = (...parts: Array<string | number[]>) =>
      Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))));
    const api = `x-api-key: ${stack.apiKey}\r\n`;
    const user = `authorization: Bearer ${token}\r\n`;
    const json = (body: Buffer) => bytes(`content-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n`, [...body]);
    const cases: Array<[string, Buffer]> = [
      ['invalid UTF-8 in a path parameter', bytes('GET /marketplace/integrations/', [0xc3, 0x28, 0xff], ` HTTP/1.1\r\nhost: x\r\n${user}connection: close\r\n\r\n`)],
      ['invalid UTF-8 in a query', bytes('GET /v2/tenants?user_name=', [0xc3, 0x28], ` HTTP/1.1\r\nhost: x\r\n${api}connection: close\r\n\r\n`)],
      ['NUL in a header', bytes('GET /v2/tenants HTTP/1.1\r\nhost: x\r\nx-api-key: a', [0], 'b\r\nconnection: close\r\n\r\n')],
      ['invalid UTF-8 in a header', bytes('GET /v2/tenants HTTP/1.1\r\nhost: x\r\nx-api-key: ', [0xc3, 0x28, 0xff], '\r\nconnection: close\r\n\r\n')],
      ['invalid UTF-8 in a JSON body', bytes(`POST /v2/tenants HTTP/1.1\r\nhost: x\r\n${api}`, [...json(bytes('{"integration":"hostile-probe","user_name":"', [0xc3, 0x28], '"}'))])],
      ['NUL in a JSON body', bytes(`POST /v2/tenants HTTP/1.1\r\nhost: x\r\n${api}`, [...json(Buffer.from('{"integration":"hostile-probe","user_name":"a\\u0000b"}'))])],
      ['NUL in a webhook header', bytes(`POST /webhooks/${ids.webhookToken} HTTP/1.1\r\nhost: x\r\nwebhook-id: a`, [0], 'b\r\ncontent-length: 0\r\nconnection: close\r\n\r\n')],
    ];
    const statuses: Record<string, number> = {};
    for (const [what, request] of cases) statuses[what] = await rawStatus(port, request);
    expect(Object.entries(statuses).filter(([, status]) => status < 400 || status >= 500)).toEqual([]);
  });
});

describe('a live log followed from a Last-Event-ID past any line', () => {
  it('ends like any finished run (the id is past the integer range of a seq)', async () => {
    const response = await stack.app.inject({
      method: 'GET',
      url: `/marketplace/runs/${ids.runId}/log`,
      headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream', 'last-event-id': '99999999999' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('event: end\ndata: {"status":"Succeeded"}');
  });
});

describe('PostgreSQL data errors', () => {
  it('answers a value the database refuses (SQLSTATE class 22) with 400, and any other database error with 500', async () => {
    // The guards stop every such value the route probes found; this is the net behind them.
    const app = Fastify();
    installErrorHandler(app);
    app.get<{ Querystring: { sql: string; value: string } }>('/test-only/query', async (request) => {
      await stack.db.query(request.query.sql, [request.query.value]);
      return { ok: true };
    });
    try {
      const query = async (sql: string, value: string) =>
        app.inject({ method: 'GET', url: `/test-only/query?${new URLSearchParams({ sql, value })}` });
      for (const [sql, value, sqlState] of [
        ['SELECT $1::uuid', 'abc', '22P02'],
        ['SELECT $1::int', '99999999999', '22003'],
        ['SELECT $1::timestamptz', '2024-13-45', '22008'],
        ["SELECT substring('abc' from 1 for $1::int)", '-1', '22011'],
        ['SELECT $1::jsonb', '"\\u0000"', '22P05'],
      ] as const) {
        const response = await query(sql, value);
        expect(response.statusCode, `${sql} ${value} (${sqlState})`).toBe(400);
        expect(response.json()).toMatchObject({ code: 'PAN_ERR_REQUEST_VALUE_INVALID' });
        // Nothing of the database's message (which quotes the value) is passed on.
        expect(response.body).not.toContain(value);
      }
      const bug = await query('SELECT * FROM no_such_table WHERE $1 = $1', 'x');
      expect(bug.statusCode).toBe(500);
      expect(bug.json()).toMatchObject({ code: 'PAN_ERR_INTERNAL' });
    } finally {
      await app.close();
    }
  });
});
