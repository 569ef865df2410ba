import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApiKey } from '../../src/modules/accounts/api-key.ts';
import { createOtherAccount, LOOPBACK_EGRESS_ALLOW, signEndUserToken, startTestStack, type TestStack } from '../support/index.ts';
import { call, endUserToken, install, runNow, scriptIntegration } from '../modules/runs/run-support.ts';
import { startReceiver, type Receiver } from '../modules/notifications/receiver.ts';

/**
 * The tenant isolation matrix. Every route of the router, as registered at test time, is called
 * with another account's credentials (its API key, its end user with the same `sub`) and, for the
 * end-user routes, with another user of the same account. A route that addresses the victim's
 * resource must answer 404, the same answer as for an id that does not exist; no answer may carry
 * any of the victim's data; afterwards every victim row is as it was. A new route fails this test
 * until it is classified below.
 */

type Actor = 'otherAccount' | 'otherUser';
/** `404`: addresses the victim's resource. `own`: acts in the caller's own namespace (any status, no leak, victim unchanged). */
type Outcome = { expect: 404 } | { expect: 'own'; status?: number };
interface RouteCase {
  path: string;
  body?: unknown;
  contentType?: string;
  /** Per actor; v2 routes are only for `otherAccount` (an end-user token gets 401 there). */
  otherAccount: Outcome;
  otherUser?: Outcome;
}

const NOT_FOUND = { expect: 404 } as const;
const OWN = { expect: 'own' } as const;

/** Routes that take no account credentials at all; the capability is in the URL or the state. */
const PUBLIC_ROUTES: Record<string, string> = {
  'GET /health': 'liveness probe',
  'GET /v2/openapi.json': 'the API description',
  'POST /webhooks/:token': 'the unguessable token is the credential (an unknown token is 404, tested below)',
  'POST /webhooks/sourcecontrol/:token': 'the unguessable token and the push signature are the credentials (tested in sourcecontrol tests)',
  'GET /oauth/callback': 'the single-use state is the credential (tested in connections tests)',
  'GET /elements/:version/*': 'the elements bundle: public files, the same for every account (elements-bundle.test.ts)',
};

let stack: TestStack;
const victim = {
  integrationId: '',
  releaseId: '',
  tenantId: '',
  runId: '',
  triggerId: '',
  webhookToken: '',
  webhookSecret: '',
  notificationSecret: '',
  deliveryId: '',
  buildId: '',
};
let receiver: Receiver;
const MARKERS = {
  config: 'config-marker-5b1f0c',
  secret: 'api-key-marker-9d2e77',
  log: 'log-marker-c41a09',
  stdout: 'stdout-marker-e8f3b2',
  metadata: 'metadata-marker-7a6d14',
};
let otherAccountKey: string;
let otherAccountUserToken: string;
let otherUserToken: string;
let victimToken: string;

/** Every route case, keyed `METHOD url` exactly as the router has it. */
function routeCases(): Record<string, RouteCase> {
  const t = victim.tenantId;
  const r = victim.runId;
  const i = victim.integrationId;
  return {
    // End-user routes: the other account's `alice`, and `mallory` of the same account.
    'GET /marketplace/catalog': { path: '/marketplace/catalog', otherAccount: OWN, otherUser: OWN },
    'GET /marketplace/integrations/:slug': { path: '/marketplace/integrations/isolation-probe', otherAccount: NOT_FOUND, otherUser: OWN },
    'GET /marketplace/integrations/:slug/install': { path: '/marketplace/integrations/isolation-probe/install', otherAccount: NOT_FOUND, otherUser: OWN },
    'GET /marketplace/tenants': { path: '/marketplace/tenants', otherAccount: OWN, otherUser: OWN },
    'POST /marketplace/tenants': {
      path: '/marketplace/tenants',
      body: { integration: 'isolation-probe', configs: { marker: 'mine' } },
      otherAccount: { expect: 'own', status: 422 },
      otherUser: { expect: 'own', status: 201 },
    },
    'GET /marketplace/tenants/:id': { path: `/marketplace/tenants/${t}`, otherAccount: NOT_FOUND, otherUser: NOT_FOUND },
    'PATCH /marketplace/tenants/:id': { path: `/marketplace/tenants/${t}`, body: { configs: { marker: 'x' } }, otherAccount: NOT_FOUND, otherUser: NOT_FOUND },
    'GET /marketplace/tenants/:id/releases': { path: `/marketplace/tenants/${t}/releases`, otherAccount: NOT_FOUND, otherUser: NOT_FOUND },
    'POST /marketplace/tenants/:id/pause': { path: `/marketplace/tenants/${t}/pause`, otherAccount: NOT_FOUND, otherUser: NOT_FOUND },
    'POST /marketplace/tenants/:id/resume': { path: `/marketplace/tenants/${t}/resume`, otherAccount: NOT_FOUND, otherUser: NOT_FOUND },
    'DELETE /marketplace/tenants/:id': { path: `/marketplace/tenants/${t}`, otherAccount: NOT_FOUND, otherUser: NOT_FOUND },
    'POST /marketplace/tenants/:id/runs': { path: `/marketplace/tenants/${t}/runs`, body: { mode: 'normal' }, otherAccount: NOT_FOUND, otherUser: NOT_FOUND },
    'GET /marketplace/tenants/:id/runs': { path: `/marketplace/tenants/${t}/runs`, otherAccount: NOT_FOUND, otherUser: NOT_FOUND },
    'GET /marketplace/runs/:id': { path: `/marketplace/runs/${r}`, otherAccount: NOT_FOUND, otherUser: NOT_FOUND },
    'GET /marketplace/runs/:id/log': { path: `/marketplace/runs/${r}/log`, otherAccount: NOT_FOUND, otherUser: NOT_FOUND },
    'POST /marketplace/runs/:id/replay': { path: `/marketplace/runs/${r}/replay`, otherAccount: NOT_FOUND, otherUser: NOT_FOUND },
    'GET /marketplace/tenants/:id/webhook': { path: `/marketplace/tenants/${t}/webhook`, otherAccount: NOT_FOUND, otherUser: NOT_FOUND },
    'GET /marketplace/triggers/:id': { path: `/marketplace/triggers/${victim.triggerId}`, otherAccount: NOT_FOUND, otherUser: NOT_FOUND },
    'GET /marketplace/connections': { path: '/marketplace/connections', otherAccount: OWN, otherUser: OWN },
    // A connection is (user, connector): another user naming the connector reaches their own.
    'GET /marketplace/connections/:connector': { path: '/marketplace/connections/probe-key', otherAccount: NOT_FOUND, otherUser: OWN },
    'PUT /marketplace/connections/:connector': {
      path: '/marketplace/connections/probe-key',
      body: { fields: { api_key: 'someone-else' } },
      otherAccount: NOT_FOUND,
      otherUser: OWN,
    },
    'DELETE /marketplace/connections/:connector': { path: '/marketplace/connections/probe-key', otherAccount: NOT_FOUND, otherUser: OWN },
    'POST /marketplace/connections/:connector/oauth': {
      path: '/marketplace/connections/probe-key/oauth',
      body: { return_origin: 'http://localhost:5173' },
      otherAccount: NOT_FOUND,
      otherUser: OWN,
    },
    'GET /marketplace/auth-only': { path: '/marketplace/auth-only', otherAccount: OWN, otherUser: OWN },
    'POST /marketplace/auth-only/:slug/install': { path: '/marketplace/auth-only/isolation-probe/install', otherAccount: OWN, otherUser: OWN },

    // Host routes: the other account's API key.
    'PUT /v2/marketplace/categories': { path: '/v2/marketplace/categories', body: { categories: [{ slug: 'crm', name: 'CRM' }] }, otherAccount: OWN },
    'GET /v2/integrations': { path: '/v2/integrations', otherAccount: OWN },
    'GET /v2/integrations/:integration': { path: `/v2/integrations/${i}`, otherAccount: NOT_FOUND },
    'GET /v2/integrations/:integration/releases': { path: `/v2/integrations/${i}/releases`, otherAccount: NOT_FOUND },
    'GET /v2/integrations/:integration/releases/:release': { path: `/v2/integrations/${i}/releases/${victim.releaseId}`, otherAccount: NOT_FOUND },
    'PUT /v2/integrations/:slug': { path: '/v2/integrations/isolation-probe', body: { name: 'Theirs', type: 'internal' }, otherAccount: OWN },
    'POST /v2/integrations/:integration/releases': {
      path: `/v2/integrations/${i}/releases`,
      body: Buffer.from('not really a release'),
      contentType: 'application/gzip',
      otherAccount: NOT_FOUND,
    },
    'POST /v2/tenants/:id/sync': { path: `/v2/tenants/${t}/sync`, body: { hello: 1 }, otherAccount: NOT_FOUND },
    'POST /v2/integrations/:integration/sync': { path: `/v2/integrations/${i}/sync?user_name=alice`, body: { hello: 1 }, otherAccount: NOT_FOUND },
    'POST /v2/tenants/:id/webhook-secret': { path: `/v2/tenants/${t}/webhook-secret`, otherAccount: NOT_FOUND },
    'POST /v2/sourcecontrol/build': { path: '/v2/sourcecontrol/build', body: { tag: 'v1', integration_id: i }, otherAccount: NOT_FOUND },
    'PUT /v2/integrations/:integration/sourcecontrol/credentials': {
      path: `/v2/integrations/${i}/sourcecontrol/credentials`,
      body: { token: 'someone-elses-token' },
      otherAccount: NOT_FOUND,
    },
    'GET /v2/integrations/:integration/sourcecontrol/credentials': { path: `/v2/integrations/${i}/sourcecontrol/credentials`, otherAccount: NOT_FOUND },
    'DELETE /v2/integrations/:integration/sourcecontrol/credentials': { path: `/v2/integrations/${i}/sourcecontrol/credentials`, otherAccount: NOT_FOUND },
    'GET /v2/sourcecontrol/builds/:id': { path: `/v2/sourcecontrol/builds/${victim.buildId}`, otherAccount: NOT_FOUND },
    'POST /v2/integrations/:integration/sourcecontrol/webhook': { path: `/v2/integrations/${i}/sourcecontrol/webhook`, otherAccount: NOT_FOUND },
    'GET /v2/runs/triggers/:id/status': { path: `/v2/runs/triggers/${victim.triggerId}/status`, otherAccount: NOT_FOUND },
    'PUT /v2/connectors/:name': {
      path: '/v2/connectors/probe-key',
      body: { type: 'api_key', display_name: 'Theirs', fields: [{ name: 'api_key', label: 'Key' }] },
      otherAccount: OWN,
    },
    'GET /v2/connectors': { path: '/v2/connectors', otherAccount: OWN },
    'POST /v2/events': { path: '/v2/events', body: { name: 'contact.created', user: 'alice', payload: {} }, otherAccount: OWN },
    'GET /v2/tenants': { path: '/v2/tenants?user_name=alice', otherAccount: OWN },
    'POST /v2/tenants': {
      path: '/v2/tenants',
      body: { integration: i, user_name: 'alice', configs: { marker: 'x' } },
      otherAccount: { expect: 'own', status: 422 },
    },
    'GET /v2/tenants/:id': { path: `/v2/tenants/${t}`, otherAccount: NOT_FOUND },
    'PATCH /v2/tenants/:id': { path: `/v2/tenants/${t}`, body: { paused: true }, otherAccount: NOT_FOUND },
    'DELETE /v2/tenants/:id': { path: `/v2/tenants/${t}`, otherAccount: NOT_FOUND },
    'GET /v2/tenants/:id/runs': { path: `/v2/tenants/${t}/runs`, otherAccount: NOT_FOUND },
    'GET /v2/runs/:id': { path: `/v2/runs/${r}`, otherAccount: NOT_FOUND },
    'GET /v2/runs/:id/log': { path: `/v2/runs/${r}/log`, otherAccount: NOT_FOUND },
    // The victim's user is connected to probe-key: the call and disconnect name the victim's tenant.
    'POST /v2/tenants/:id/connectors/:name/call': {
      path: `/v2/tenants/${t}/connectors/probe-key/call`,
      body: { method: 'GET', target_url: 'https://api.example.test/v1/me' },
      otherAccount: NOT_FOUND,
    },
    'PATCH /v2/tenants/:id/connectors/:name/disconnect': { path: `/v2/tenants/${t}/connectors/probe-key/disconnect`, otherAccount: NOT_FOUND },
    'POST /v2/runs/:id/replay': { path: `/v2/runs/${r}/replay`, otherAccount: NOT_FOUND },
    'GET /v2/tenants/:id/metadata': { path: `/v2/tenants/${t}/metadata`, otherAccount: NOT_FOUND },
    'PATCH /v2/tenants/:id/metadata': { path: `/v2/tenants/${t}/metadata`, body: { note: 'overwritten' }, otherAccount: NOT_FOUND },
    // Notification settings are one per account: the other account reaches its own.
    'GET /v2/retention': { path: '/v2/retention', otherAccount: OWN },
    'PUT /v2/retention': { path: '/v2/retention', body: { runs_days: 1, payloads_days: 1, deliveries_days: 1 }, otherAccount: OWN },
    'PUT /v2/notifications': { path: '/v2/notifications', body: { url: 'https://other.example.test/hook' }, otherAccount: OWN },
    'GET /v2/notifications': { path: '/v2/notifications', otherAccount: OWN },
    'DELETE /v2/notifications': { path: '/v2/notifications', otherAccount: OWN },
    'POST /v2/notifications/secret': { path: '/v2/notifications/secret', otherAccount: OWN },
    'GET /v2/notifications/deliveries': { path: '/v2/notifications/deliveries', otherAccount: OWN },
    'GET /v2/notifications/deliveries/:id': { path: `/v2/notifications/deliveries/${victim.deliveryId}`, otherAccount: NOT_FOUND },
    'POST /v2/notifications/deliveries/:id/retry': { path: `/v2/notifications/deliveries/${victim.deliveryId}/retry`, otherAccount: NOT_FOUND },
  };
}

/** Every row that belongs to the victim (the account's `alice` and the account's own settings), as JSON. */
async function victimRows(): Promise<string> {
  const { rows: tables } = await stack.db.query<{ table_name: string; has_user: boolean; has_tenant: boolean; has_run: boolean }>(
    `SELECT table_name,
            bool_or(column_name = 'user_sub') AS has_user,
            bool_or(column_name = 'tenant_id') AS has_tenant,
            bool_or(column_name = 'run_id') AS has_run
       FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name NOT LIKE 'pgmigrations%'
      GROUP BY table_name
     HAVING bool_or(column_name = 'account_id') OR bool_or(column_name = 'run_id') OR bool_or(column_name = 'tenant_id')
      ORDER BY table_name`,
  );
  const snapshot: Record<string, unknown> = {};
  for (const table of tables) {
    const hasAccount = (
      await stack.db.query("SELECT 1 FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 AND column_name = 'account_id'", [
        table.table_name,
      ])
    ).rowCount;
    const conditions = [
      hasAccount ? 'x.account_id = $1' : 'true',
      table.has_user ? "x.user_sub NOT IN ('mallory')" : 'true',
      table.has_tenant ? "(x.tenant_id IS NULL OR x.tenant_id NOT IN (SELECT id FROM tenants WHERE user_sub = 'mallory'))" : 'true',
      !hasAccount && table.has_run ? 'x.run_id IN (SELECT id FROM runs WHERE account_id = $1)' : 'true',
    ];
    const { rows } = await stack.db.query(
      `SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY to_jsonb(x)::text), '[]') AS rows FROM "${table.table_name}" x WHERE ${conditions.join(' AND ')}`,
      hasAccount || table.has_run ? [stack.accountId] : [],
    );
    snapshot[table.table_name] = rows[0].rows;
  }
  // The victim API key's use is not something an attacker does; everything else must stay still.
  return JSON.stringify(snapshot);
}

function credentials(actor: Actor, v2: boolean): Record<string, string> {
  if (v2) return { 'x-api-key': otherAccountKey };
  return { authorization: `Bearer ${actor === 'otherAccount' ? otherAccountUserToken : otherUserToken}` };
}

async function send(method: string, path: string, headers: Record<string, string>, routeCase?: Pick<RouteCase, 'body' | 'contentType'>) {
  const body = routeCase?.body;
  return stack.app.inject({
    method: method as 'GET',
    url: path,
    headers: {
      ...headers,
      ...(body === undefined ? {} : { 'content-type': routeCase?.contentType ?? 'application/json' }),
    },
    ...(body === undefined ? {} : { payload: Buffer.isBuffer(body) ? body : JSON.stringify(body) }),
  });
}

/** The victim's data that must never reach another account or user (what the caller sent itself aside). */
function leakedMarkers(body: string, actor: Actor, sent = ''): string[] {
  const secrets = [
    ...Object.values(MARKERS),
    victim.tenantId,
    victim.runId,
    victim.triggerId,
    victim.webhookToken,
    victim.webhookSecret,
    victim.notificationSecret,
    victim.deliveryId,
    // The same account's catalog is shared with its users; another account must not see its ids.
    ...(actor === 'otherAccount' ? [victim.integrationId, victim.releaseId, stack.accountId] : []),
  ];
  return secrets.filter((secret) => secret && body.includes(secret) && !sent.includes(secret));
}

beforeAll(async () => {
  stack = await startTestStack({ clusterUrl: inject('pgClusterUrl'), runEngine: true, listen: false, config: { egressAllow: LOOPBACK_EGRESS_ALLOW } });
  const connector = await stack.app.inject({
    method: 'PUT',
    url: '/v2/connectors/probe-key',
    headers: { 'x-api-key': stack.apiKey },
    payload: { type: 'api_key', display_name: 'Probe', fields: [{ name: 'api_key', label: 'API key' }] },
  });
  expect(connector.statusCode, connector.body).toBe(200);
  await scriptIntegration(stack, 'isolation-probe', {
    'PANDIUM.yaml': `version: 0.4
base: node:20
run: node index.mjs
connectors: [probe-key]
events: [contact.created]
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
    'index.mjs': `console.error(${JSON.stringify(MARKERS.log)});
console.log(JSON.stringify({ note: ${JSON.stringify(MARKERS.stdout)} }));
`,
  });
  const { rows } = await stack.db.query<{ id: string; default_release_id: string }>(
    "SELECT id, default_release_id FROM integrations WHERE slug = 'isolation-probe' AND account_id = $1",
    [stack.accountId],
  );
  victim.integrationId = rows[0]!.id;
  victim.releaseId = rows[0]!.default_release_id;

  // Notified of finished runs only, so that nothing the matrix does adds a delivery.
  receiver = await startReceiver(() => 200);
  const notifications = await stack.app.inject({
    method: 'PUT',
    url: '/v2/notifications',
    headers: { 'x-api-key': stack.apiKey },
    payload: { url: receiver.url, events: ['run.finished'] },
  });
  expect(notifications.statusCode, notifications.body).toBe(201);
  victim.notificationSecret = notifications.json().secret;

  victimToken = await endUserToken(stack, 'alice');
  victim.tenantId = (await install(stack, victimToken, 'isolation-probe', { marker: MARKERS.config })).id;
  const connected = await call(stack, 'PUT', '/marketplace/connections/probe-key', victimToken, { fields: { api_key: MARKERS.secret } });
  expect(connected.statusCode, connected.body).toBe(200);
  const run = await runNow(stack, victimToken, victim.tenantId);
  expect(run.status).toBe('Succeeded');
  victim.runId = run.id;
  victim.triggerId = (await stack.db.query<{ id: string }>('SELECT id FROM triggers WHERE run_id = $1', [run.id])).rows[0]!.id;
  await receiver.waitFor((request) => request.json.type === 'run.finished');
  // The receiver has answered; the attempt is recorded right after. (expect.poll is for tests only.)
  for (let tries = 0; !victim.deliveryId; tries++) {
    if (tries > 200) throw new Error('the run.finished delivery was not recorded as delivered');
    const { rows } = await stack.db.query("SELECT id FROM notification_deliveries WHERE account_id = $1 AND status = 'delivered'", [stack.accountId]);
    if (rows[0]) victim.deliveryId = rows[0].id;
    else await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const host = { 'x-api-key': stack.apiKey };
  // A build of the victim's, already ended (a queued one would change under the snapshots as a worker took it).
  victim.buildId = (
    await stack.db.query<{ id: string }>(
      `INSERT INTO release_builds (account_id, integration_id, ref, version, state, error, finished_at)
       VALUES ($1, $2, 'v1', 'v1', 'failed', '{"message": "no repository"}', now()) RETURNING id`,
      [stack.accountId, victim.integrationId],
    )
  ).rows[0]!.id;
  await stack.app.inject({ method: 'PATCH', url: `/v2/tenants/${victim.tenantId}/metadata`, headers: host, payload: { note: MARKERS.metadata } });
  victim.webhookSecret = (await stack.app.inject({ method: 'POST', url: `/v2/tenants/${victim.tenantId}/webhook-secret`, headers: host })).json().secret;
  victim.webhookToken = (await call(stack, 'GET', `/marketplace/tenants/${victim.tenantId}/webhook`, victimToken)).json<{ url: string }>().url.split('/').pop()!;

  const other = await createOtherAccount(stack);
  otherAccountKey = await createApiKey(stack.db, other.id, 'other');
  otherAccountUserToken = await signEndUserToken({ ...other, audience: stack.audience }, 'alice');
  otherUserToken = await endUserToken(stack, 'mallory');
});

afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
});

describe('tenant isolation matrix', () => {
  it('classifies every route the router has', () => {
    const cases = routeCases();
    const routes = stack.app.routeTable.map((route) => `${route.method} ${route.url}`);
    const unclassified = routes.filter((route) => !cases[route] && !PUBLIC_ROUTES[route]);
    expect(unclassified, 'add these routes to the isolation matrix').toEqual([]);
    // And no case for a route that no longer exists.
    expect(Object.keys(cases).filter((key) => !routes.includes(key))).toEqual([]);
  });

  for (const actor of ['otherAccount', 'otherUser'] as const) {
    it(`answers ${actor === 'otherAccount' ? "another account's key and user" : 'another user of the account'}: 404 for the victim's resources, nothing leaked, nothing changed`, async () => {
      const before = await victimRows();
      const cases = routeCases();
      const results: { route: string; status: number; leaked: string[]; expected: string }[] = [];
      let addressed = 0;
      for (const route of stack.app.routeTable) {
        const key = `${route.method} ${route.url}`;
        const routeCase = cases[key];
        if (!routeCase) continue;
        const v2 = route.url.startsWith('/v2/');
        const outcome = v2 ? (actor === 'otherAccount' ? routeCase.otherAccount : undefined) : routeCase[actor];
        if (!outcome) continue;
        const response = await send(route.method, routeCase.path, credentials(actor, v2), routeCase);
        const sent = `${routeCase.path} ${Buffer.isBuffer(routeCase.body) ? '' : JSON.stringify(routeCase.body ?? '')}`;
        const leaked = leakedMarkers(response.body, actor, sent);
        results.push({ route: key, status: response.statusCode, leaked, expected: String(outcome.expect === 404 ? 404 : (outcome.status ?? 'any')) });
        if (outcome.expect === 404) {
          addressed++;
          // Indistinguishable from a resource that does not exist.
          const missing = await send(route.method, withRandomIds(routeCase.path), credentials(actor, v2), routeCase);
          expect(missing.statusCode, key).toBe(404);
          expect(response.json().code, key).toBe(missing.json().code);
        }
      }
      const wrong = results.filter((r) => r.leaked.length > 0 || (r.expected !== 'any' && String(r.status) !== r.expected));
      expect(wrong).toEqual([]);
      const expectedAddressed = Object.entries(cases).filter(([key, c]) =>
        key.includes(' /v2/') ? actor === 'otherAccount' && c.otherAccount.expect === 404 : c[actor]?.expect === 404,
      ).length;
      expect(addressed).toBe(expectedAddressed);
      expect(await victimRows()).toBe(before);
    });
  }

  it("answers another account's key for the victim's public integer ids exactly as for integers nobody has", async () => {
    const numId = async (table: 'tenants' | 'runs' | 'integrations' | 'releases', id: string) =>
      Number((await stack.db.query<{ num_id: string }>(`SELECT num_id FROM ${table} WHERE id = $1`, [id])).rows[0]!.num_id);
    const ids: [string, number][] = [
      [victim.tenantId, await numId('tenants', victim.tenantId)],
      [victim.runId, await numId('runs', victim.runId)],
      [victim.integrationId, await numId('integrations', victim.integrationId)],
      [victim.releaseId, await numId('releases', victim.releaseId)],
    ];
    // Every victim UUID in a path or JSON body, as its integer id (plus `offset`: integers nobody has).
    const swap = (text: string, offset: number) =>
      ids.reduce((swapped, [uuid, num]) => swapped.replaceAll(`"${uuid}"`, String(num + offset)).replaceAll(uuid, String(num + offset)), text);
    const before = await victimRows();
    let checked = 0;
    for (const [key, routeCase] of Object.entries(routeCases())) {
      if (!key.includes(' /v2/') || routeCase.otherAccount.expect !== 404) continue;
      const jsonBody = routeCase.body === undefined || Buffer.isBuffer(routeCase.body) ? undefined : JSON.stringify(routeCase.body);
      if (!ids.some(([uuid]) => routeCase.path.includes(uuid) || jsonBody?.includes(uuid))) continue;
      const method = key.split(' ')[0]!;
      const asIntegers = (offset: number) => ({
        ...routeCase,
        path: swap(routeCase.path, offset),
        ...(jsonBody === undefined ? {} : { body: JSON.parse(swap(jsonBody, offset)) as unknown }),
      });
      const victims = asIntegers(0);
      const response = await send(method, victims.path, credentials('otherAccount', true), victims);
      const nobodys = await send(method, asIntegers(1_000_000).path, credentials('otherAccount', true), asIntegers(1_000_000));
      expect(response.statusCode, key).toBe(404);
      expect(response.body, key).toBe(nobodys.body);
      expect(leakedMarkers(response.body, 'otherAccount', victims.path), key).toEqual([]);
      checked++;
    }
    // Every tenant, run, integration and release route of the host API: read, change, archive, sync,
    // runs, log, replay, metadata, connectors, releases, uploads, builds, source webhooks.
    expect(checked).toBeGreaterThanOrEqual(20);
    expect(await victimRows()).toBe(before);
  });

  it('refuses an end-user token on every host route with 401, leaking nothing', async () => {
    const cases = routeCases();
    for (const route of stack.app.v2Routes) {
      const routeCase = cases[`${route.method} ${route.url}`]!;
      for (const token of [otherUserToken, victimToken]) {
        const response = await send(route.method, routeCase.path, { authorization: `Bearer ${token}` }, routeCase);
        expect(response.statusCode, `${route.method} ${route.url}`).toBe(401);
        expect(leakedMarkers(response.body, 'otherAccount')).toEqual([]);
      }
    }
  });

  it('answers an unknown webhook token 404 and stores nothing', async () => {
    const count = async () => Number((await stack.db.query('SELECT count(*) FROM triggers WHERE account_id = $1', [stack.accountId])).rows[0].count);
    const before = await count();
    const guessed = `${victim.webhookToken.slice(0, -4)}${victim.webhookToken.endsWith('aaaa') ? 'bbbb' : 'aaaa'}`;
    const response = await stack.app.inject({ method: 'POST', url: `/webhooks/${guessed}`, payload: { hello: 1 } });
    expect(response.statusCode).toBe(404);
    expect(await count()).toBe(before);
  });
});

/** The same path with every uuid replaced by a fresh one. */
function withRandomIds(path: string): string {
  return path.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, () => randomUUID());
}
