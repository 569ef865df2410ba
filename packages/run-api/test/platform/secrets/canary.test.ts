/**
 * The canary: recognisable secrets are planted where secrets live (an API-key connection value,
 * the account's HS256 secret, an OAuth2 client secret; the webhook secret the server makes), the
 * API is exercised broadly, and then the plaintext (also in base64, base64url and hex) is looked
 * for in every API response and SSE stream recorded here, every server and run engine log line,
 * a dump of every row of every table (bytea as hex and as text), the files the run engine left
 * on disk, and the run environment of other tenants (another user, another account). 0 hits,
 * and the sealed columns never hold the plaintext.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApiKey } from '../../../src/modules/accounts/api-key.ts';
import { findSealedColumns } from '../../../src/platform/db/reseal.ts';
import { createOtherAccount, signEndUserToken, startTestStack, type TestStack } from '../../support/index.ts';
import { ENV_DUMP_SCRIPT, HASHING_SCRIPT, connectorYaml, releaseArchive, sha256 } from './support.ts';

const rand = () => randomBytes(8).toString('hex');
const canaries = {
  connection: `canary-conn-${rand()}`,
  hs256: `canary-hs256-${rand()}`,
  clientSecret: `canary-client-${rand()}`,
};
/** Every form a secret could take in a text: as is, base64, base64url, hex (both cases). */
const forms = (secret: string) => {
  const bytes = Buffer.from(secret, 'utf8');
  return [secret, bytes.toString('base64'), bytes.toString('base64').replace(/=+$/, ''), bytes.toString('base64url'), bytes.toString('hex'), bytes.toString('hex').toUpperCase()];
};

interface Recorded {
  what: string;
  text: string;
}

let stack: TestStack;
let otherApiKey: string;
let other: Awaited<ReturnType<typeof createOtherAccount>>;
const engineLog: string[] = [];
/** Every API response (status, headers, body) and SSE stream of the suite. */
const responses: Recorded[] = [];
/** The webhook secret the server generated (returned once, by design, to the host). */
let webhookSecret = '';
const state: { tenantId?: string; runIds: string[]; otherUserRun?: string; otherAccountRun?: string } = { runIds: [] };

/** Where `needle` (in any of its forms) occurs in the recorded texts. */
function hits(texts: Recorded[], secret: string): string[] {
  const found: string[] = [];
  for (const form of forms(secret)) {
    for (const t of texts) if (t.text.includes(form)) found.push(`${t.what} contains ${form === secret ? 'the plaintext' : `an encoding (${form})`}`);
  }
  return found;
}

async function api(
  what: string,
  method: string,
  url: string,
  options: { jwt?: string; apiKey?: string; body?: unknown; raw?: string | Buffer; contentType?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: string; json: <T>() => T }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.jwt) headers.authorization = `Bearer ${options.jwt}`;
  if (options.apiKey) headers['x-api-key'] = options.apiKey;
  let body: string | Uint8Array<ArrayBuffer> | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  } else if (options.raw !== undefined) {
    headers['content-type'] = options.contentType ?? 'application/json';
    body = typeof options.raw === 'string' ? options.raw : new Uint8Array(options.raw);
  }
  const response = await fetch(`${stack.apiBase}${url}`, { method, headers, ...(body === undefined ? {} : { body }), signal: AbortSignal.timeout(20_000) });
  const text = await response.text();
  responses.push({ what: `${what}: ${method} ${url} -> ${response.status}`, text: `${JSON.stringify([...response.headers])}\n${text}` });
  return { status: response.status, body: text, json: <T>() => JSON.parse(text) as T };
}

const userJwt = (sub: string) => signEndUserToken({ secret: Buffer.from(canaries.hs256), issuer: stack.issuer, audience: stack.audience }, sub);
const otherJwt = (sub: string) => signEndUserToken({ secret: other.secret, issuer: other.issuer, audience: stack.audience }, sub);

async function waitForTrigger(jwt: string, triggerId: string): Promise<{ run_id: string; run_status: string }> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const status = await api('trigger status', 'GET', `/marketplace/triggers/${triggerId}`, { jwt });
    const body = status.json<{ state: string; run_id: string | null; run_status: string | null }>();
    if (body.state === 'finished' && body.run_id) return { run_id: body.run_id, run_status: body.run_status! };
    if (Date.now() > deadline) throw new Error(`trigger ${triggerId} did not finish: ${status.body}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A run's log over SSE (replayed to the end) and as text, both recorded. */
async function readLogs(jwt: string, runId: string): Promise<string> {
  await api('run log (SSE)', 'GET', `/marketplace/runs/${runId}/log`, { jwt, headers: { accept: 'text/event-stream' } });
  return (await api('run log (text)', 'GET', `/marketplace/runs/${runId}/log`, { jwt })).body;
}

async function runStdout(runId: string): Promise<Record<string, unknown>> {
  const { rows } = await stack.db.query<{ stdout_json: string }>('SELECT stdout_json FROM runs WHERE id = $1', [runId]);
  return JSON.parse(rows[0]!.stdout_json) as Record<string, unknown>;
}

beforeAll(async () => {
  stack = await startTestStack({
    clusterUrl: inject('pgClusterUrl'),
    seedCatalog: true,
    runEngine: { log: (message, fields) => engineLog.push(`${message} ${JSON.stringify(fields ?? {})}`) },
    account: { hs256Secret: Buffer.from(canaries.hs256) },
  });
  other = await createOtherAccount(stack);
  otherApiKey = await createApiKey(stack.db, other.id, 'other');
});

afterAll(async () => {
  await stack?.stop();
});

describe('canary: planted secrets never come out', () => {
  it('plants the secrets and exercises the API broadly (catalog, connectors, connections, tenants, runs, logs, webhooks, errors)', { timeout: 120_000 }, async () => {
    const key = stack.apiKey;
    // Host side: connectors (the OAuth client secret is a canary), integrations, releases.
    expect((await api('define api-key connector', 'PUT', '/v2/connectors/vault', { apiKey: key, body: { type: 'api_key', display_name: 'Vault', fields: [{ name: 'api_key', label: 'API key', secret: true }] } })).status).toBe(200);
    const oauth = await api('define oauth connector', 'PUT', '/v2/connectors/oauthy', {
      apiKey: key,
      body: {
        type: 'oauth2',
        display_name: 'OAuthy',
        authorization_endpoint: 'https://auth.example.test/authorize',
        token_endpoint: 'https://auth.example.test/token',
        client_id: 'pan-client',
        client_secret: canaries.clientSecret,
        scopes: ['read'],
      },
    });
    expect(oauth.status, oauth.body).toBe(200);
    expect(oauth.json<{ client_secret_set: boolean }>().client_secret_set).toBe(true);
    // Defining it again without the secret keeps it (and still never shows it).
    expect((await api('connector update', 'PUT', '/v2/connectors/oauthy', { apiKey: key, body: { type: 'oauth2', display_name: 'OAuthy 2', authorization_endpoint: 'https://auth.example.test/authorize', token_endpoint: 'https://auth.example.test/token', client_id: 'pan-client' } })).status).toBe(200);
    expect((await api('connector list', 'GET', '/v2/connectors', { apiKey: key })).status).toBe(200);
    for (const [slug, script] of [['canary-sync', HASHING_SCRIPT], ['env-dump', ENV_DUMP_SCRIPT]] as const) {
      expect((await api('integration listing', 'PUT', `/v2/integrations/${slug}`, { apiKey: key, body: { name: slug, type: 'internal', short_description: 'Canary test.' } })).status).toBe(200);
      const archive = await releaseArchive({ 'PANDIUM.yaml': connectorYaml(['vault']), 'index.mjs': script });
      expect((await api('release push', 'POST', `/v2/integrations/${slug}/releases`, { apiKey: key, raw: archive, contentType: 'application/gzip' })).status).toBe(201);
    }
    // The other account: the same connector name, its own user and value, the env-dumping release.
    expect((await api('other: connector', 'PUT', '/v2/connectors/vault', { apiKey: otherApiKey, body: { type: 'api_key', display_name: 'Vault', fields: [{ name: 'api_key', label: 'API key' }] } })).status).toBe(200);
    expect((await api('other: listing', 'PUT', '/v2/integrations/env-dump', { apiKey: otherApiKey, body: { name: 'env-dump', type: 'internal' } })).status).toBe(200);
    expect((await api('other: release', 'POST', '/v2/integrations/env-dump/releases', { apiKey: otherApiKey, raw: await releaseArchive({ 'PANDIUM.yaml': connectorYaml(['vault']), 'index.mjs': ENV_DUMP_SCRIPT }), contentType: 'application/gzip' })).status).toBe(201);

    // End user: catalog, connect with the canary, install, run.
    const jwt = await userJwt('canary-user');
    expect((await api('catalog', 'GET', '/marketplace/catalog', { jwt })).status).toBe(200);
    expect((await api('catalog search', 'GET', '/marketplace/catalog?q=canary', { jwt })).status).toBe(200);
    expect((await api('integration page', 'GET', '/marketplace/integrations/canary-sync', { jwt })).status).toBe(200);
    expect((await api('connections before', 'GET', '/marketplace/connections', { jwt })).status).toBe(200);
    const connected = await api('connect (canary)', 'PUT', '/marketplace/connections/vault', { jwt, body: { fields: { api_key: canaries.connection } } });
    expect(connected.status, connected.body).toBe(200);
    expect(connected.json<{ status: string; stored_fields: string[] }>()).toMatchObject({ status: 'connected', stored_fields: ['api_key'] });
    expect((await api('connection', 'GET', '/marketplace/connections/vault', { jwt })).status).toBe(200);
    expect((await api('connections after', 'GET', '/marketplace/connections', { jwt })).status).toBe(200);

    // Errors with the canary in the request: none may echo it.
    expect((await api('connect: unknown field', 'PUT', '/marketplace/connections/vault', { jwt, body: { fields: { api_key: canaries.connection, [`x_${rand()}`]: canaries.connection } } })).status).toBe(422);
    expect((await api('connect: too long', 'PUT', '/marketplace/connections/vault', { jwt, body: { fields: { api_key: canaries.connection.repeat(400) } } })).status).toBe(422);
    expect((await api('connect: not a string', 'PUT', '/marketplace/connections/vault', { jwt, body: { fields: { api_key: [canaries.connection] } } })).status).toBe(422);
    expect((await api('connect: extra body property', 'PUT', '/marketplace/connections/vault', { jwt, body: { fields: {}, token: canaries.connection } })).status).toBe(400);
    expect((await api('connect: oauth connector by form', 'PUT', '/marketplace/connections/oauthy', { jwt, body: { fields: { api_key: canaries.connection } } })).status).toBe(422);
    expect((await api('connect: unknown connector', 'PUT', '/marketplace/connections/nope', { jwt, body: { fields: { api_key: canaries.connection } } })).status).toBe(404);
    expect((await api('connect: malformed JSON', 'PUT', '/marketplace/connections/vault', { jwt, raw: `{"fields":{"api_key":"${canaries.connection}"` })).status).toBe(400);
    expect((await api('connect: malformed JSON 2', 'PUT', '/marketplace/connections/vault', { jwt, raw: `{"fields":{"api_key":"${canaries.connection}",}}` })).status).toBe(400);
    expect((await api('connect: bad token', 'PUT', '/marketplace/connections/vault', { jwt: await signEndUserToken({ secret: Buffer.from('wrong secret'), issuer: stack.issuer, audience: stack.audience }, 'canary-user'), body: { fields: { api_key: canaries.connection } } })).status).toBe(401);
    expect((await api('host: bad key', 'GET', '/v2/connectors', { apiKey: `pan_${canaries.connection}` })).status).toBe(401);
    expect((await api('oauth start on an api-key connector', 'POST', '/marketplace/connections/vault/oauth', { jwt, body: { return_origin: 'http://localhost:5173' } })).status).toBe(422);
    const started = await api('oauth start', 'POST', '/marketplace/connections/oauthy/oauth', { jwt, body: { return_origin: 'http://localhost:5173' } });
    expect(started.status, started.body).toBe(200);
    expect((await api('oauth callback with a bad state', 'GET', '/oauth/callback?state=nope&code=nope')).status).toBeGreaterThanOrEqual(400);

    // Install, settings, run now, history, logs.
    const installed = await api('install', 'POST', '/marketplace/tenants', { jwt, body: { integration: 'canary-sync', configs: { note: 'hello' } } });
    expect(installed.status, installed.body).toBe(201);
    const tenantId = installed.json<{ id: string }>().id;
    state.tenantId = tenantId;
    expect((await api('tenant list', 'GET', '/marketplace/tenants', { jwt })).status).toBe(200);
    expect((await api('tenant', 'GET', `/marketplace/tenants/${tenantId}`, { jwt })).status).toBe(200);
    expect((await api('settings', 'PATCH', `/marketplace/tenants/${tenantId}`, { jwt, body: { configs: { note: 'updated' } } })).status).toBe(200);
    expect((await api('settings: invalid', 'PATCH', `/marketplace/tenants/${tenantId}`, { jwt, body: { configs: { note: 42 } } })).status).toBe(422);
    const runNow = await api('run now', 'POST', `/marketplace/tenants/${tenantId}/runs`, { jwt, body: { mode: 'normal' } });
    expect(runNow.status).toBe(202);
    const run = await waitForTrigger(jwt, runNow.json<{ trigger_id: string }>().trigger_id);
    expect(run.run_status).toBe('Succeeded');
    state.runIds.push(run.run_id);
    // The run got the planted value (only its hash was printed).
    expect(await runStdout(run.run_id)).toEqual({ hashes: { PAN_SEC_VAULT_API_KEY: sha256(canaries.connection) } });
    expect(await readLogs(jwt, run.run_id)).toContain('secret variables: PAN_SEC_VAULT_API_KEY');
    expect((await api('run history', 'GET', `/marketplace/tenants/${tenantId}/runs`, { jwt })).status).toBe(200);
    expect((await api('run', 'GET', `/marketplace/runs/${run.run_id}`, { jwt })).status).toBe(200);

    // Webhooks: the host turns on signatures (the secret is returned once, to the host), signed, unsigned, replayed.
    const made = await api('webhook secret', 'POST', `/v2/tenants/${tenantId}/webhook-secret`, { apiKey: key });
    expect(made.status).toBe(201);
    webhookSecret = made.json<{ secret: string }>().secret;
    const hook = await api('webhook url', 'GET', `/marketplace/tenants/${tenantId}/webhook`, { jwt });
    const hookPath = new URL(hook.json<{ url: string }>().url).pathname;
    const body = JSON.stringify({ event: 'contact.created' });
    const when = new Date();
    const signed = { 'webhook-id': 'msg_canary_1', 'webhook-timestamp': String(Math.floor(when.getTime() / 1000)), 'webhook-signature': new Webhook(webhookSecret).sign('msg_canary_1', when, body) };
    const accepted = await api('signed webhook', 'POST', hookPath, { raw: body, headers: signed });
    expect(accepted.status, accepted.body).toBe(202);
    expect((await api('replayed webhook', 'POST', hookPath, { raw: body, headers: signed })).status).toBe(401);
    expect((await api('unsigned webhook', 'POST', hookPath, { raw: body })).status).toBe(401);
    expect((await api('badly signed webhook', 'POST', hookPath, { raw: body, headers: { ...signed, 'webhook-id': 'msg_canary_2', 'webhook-signature': `v1,${Buffer.from(canaries.connection).toString('base64')}` } })).status).toBe(401);
    const webhookRun = await waitForTrigger(jwt, accepted.json<{ trigger_id: string }>().trigger_id);
    expect(webhookRun.run_status).toBe('Succeeded');
    state.runIds.push(webhookRun.run_id);
    await readLogs(jwt, webhookRun.run_id);

    // The host API: sync, trigger status.
    const sync = await api('host sync', 'POST', `/v2/tenants/${tenantId}/sync?mode=normal`, { apiKey: key });
    expect(sync.status).toBe(202);
    const synced = await waitForTrigger(jwt, sync.json<{ trigger_id: string }>().trigger_id);
    state.runIds.push(synced.run_id);
    expect((await api('host trigger status', 'GET', `/v2/runs/triggers/${sync.json<{ trigger_id: string }>().trigger_id}/status`, { apiKey: key })).status).toBe(200);
    await readLogs(jwt, synced.run_id);

    // Other tenants that dump their whole environment: another user of the same account (not
    // connected), and a user of another account (connected there, with its own value).
    const otherUser = await userJwt('someone-else');
    const otherInstall = await api('other user: install', 'POST', '/marketplace/tenants', { jwt: otherUser, body: { integration: 'env-dump', configs: {} } });
    expect(otherInstall.status).toBe(201);
    const otherRun = await api('other user: run', 'POST', `/marketplace/tenants/${otherInstall.json<{ id: string }>().id}/runs`, { jwt: otherUser, body: {} });
    const otherFinished = await waitForTrigger(otherUser, otherRun.json<{ trigger_id: string }>().trigger_id);
    expect(otherFinished.run_status).toBe('Succeeded');
    state.otherUserRun = otherFinished.run_id;
    await readLogs(otherUser, otherFinished.run_id);
    // The same user's other account cannot see the canary either (its tokens are signed by the other account).
    const foreign = await otherJwt('canary-user');
    expect((await api('other account: connect', 'PUT', '/marketplace/connections/vault', { jwt: foreign, body: { fields: { api_key: 'other-account-value' } } })).status).toBe(200);
    const foreignInstall = await api('other account: install', 'POST', '/marketplace/tenants', { jwt: foreign, body: { integration: 'env-dump', configs: {} } });
    expect(foreignInstall.status).toBe(201);
    const foreignRun = await api('other account: run', 'POST', `/marketplace/tenants/${foreignInstall.json<{ id: string }>().id}/runs`, { jwt: foreign, body: {} });
    const foreignFinished = await waitForTrigger(foreign, foreignRun.json<{ trigger_id: string }>().trigger_id);
    expect(foreignFinished.run_status).toBe('Succeeded');
    state.otherAccountRun = foreignFinished.run_id;
    await readLogs(foreign, foreignFinished.run_id);
    // Another account's user cannot read this account's tenant, run or log.
    expect((await api('other account: foreign tenant', 'GET', `/marketplace/tenants/${tenantId}`, { jwt: foreign })).status).toBe(404);
    expect((await api('other account: foreign log', 'GET', `/marketplace/runs/${run.run_id}/log`, { jwt: foreign })).status).toBe(404);
    expect((await api('other user: foreign run', 'GET', `/marketplace/runs/${run.run_id}`, { jwt: otherUser })).status).toBe(404);

    expect((await api('health', 'GET', '/health')).status).toBe(200);
    expect((await api('unknown route', 'GET', `/marketplace/${canaries.connection.slice(0, 6)}`, { jwt })).status).toBe(404);
  });

  it('the run environment of other tenants holds none of it', async () => {
    const otherUser = (await runStdout(state.otherUserRun!)).env as Record<string, string>;
    const otherAccount = (await runStdout(state.otherAccountRun!)).env as Record<string, string>;
    // The dump is real: the run's own variables are there.
    expect(otherUser.PAN_CTX_RUN_MODE).toBe('normal');
    expect(Object.keys(otherUser).filter((k) => k.startsWith('PAN_SEC_'))).toEqual([]);
    // Its own value is there, masked in the stored output as that run's secret.
    expect(otherAccount.PAN_SEC_VAULT_API_KEY).toBe('***');
    const texts = [
      { what: 'env of another user', text: JSON.stringify(otherUser) },
      { what: 'env of another account', text: JSON.stringify(otherAccount) },
    ];
    for (const secret of [...Object.values(canaries), webhookSecret]) expect(hits(texts, secret)).toEqual([]);
    // Only PATH, HOME, LANG, TZ and PAN_*: never the server's variables.
    for (const env of [otherUser, otherAccount]) {
      expect(Object.keys(env).filter((k) => !/^(PATH|HOME|LANG|TZ|PAN_.*)$/.test(k))).toEqual([]);
    }
  });

  it('no API response or SSE stream contains a planted secret (the webhook secret only in the one answer that creates it)', () => {
    expect(responses.length).toBeGreaterThan(60);
    expect(responses.filter((r) => r.what.startsWith('run log (SSE)') && r.text.includes('event: end')).length).toBeGreaterThanOrEqual(5);
    for (const secret of Object.values(canaries)) expect(hits(responses, secret)).toEqual([]);
    expect(hits(responses, webhookSecret)).toEqual([`webhook secret: POST /v2/tenants/${state.tenantId}/webhook-secret -> 201 contains the plaintext`]);
  });

  it('no server or run engine log line contains one', () => {
    const lines = [...stack.logLines, ...engineLog];
    expect(stack.logLines.length).toBeGreaterThan(50);
    const texts = lines.map((line, i) => ({ what: `log line ${i}`, text: line }));
    for (const secret of [...Object.values(canaries), webhookSecret]) expect(hits(texts, secret)).toEqual([]);
  });

  it('a dump of every row of every table holds none of it, and the sealed columns never the plaintext', async () => {
    const { rows: tables } = await stack.db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name",
    );
    expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(['accounts', 'connections', 'connectors', 'oauth_states', 'tenants', 'runs', 'run_log_lines', 'triggers']));
    const dump: Recorded[] = [];
    let rowsDumped = 0;
    const render = (value: unknown): string[] => {
      if (value === null || value === undefined) return [];
      if (Buffer.isBuffer(value)) return [value.toString('hex'), value.toString('utf8'), value.toString('latin1')];
      if (value instanceof Date) return [value.toISOString()];
      if (typeof value === 'object') return [JSON.stringify(value)];
      return [String(value)];
    };
    for (const { table_name: table } of tables) {
      const { rows } = await stack.db.query<Record<string, unknown>>(`SELECT * FROM "${table}"`);
      rows.forEach((row, i) => {
        rowsDumped++;
        for (const [column, value] of Object.entries(row)) dump.push({ what: `${table}[${i}].${column}`, text: render(value).join('\n') });
      });
    }
    expect(rowsDumped).toBeGreaterThan(20);
    for (const secret of [...Object.values(canaries), webhookSecret]) expect(hits(dump, secret)).toEqual([]);

    // pg_dump too, when the installed client can dump this server (Debian's may be older than the embedded server).
    const pgDump = spawnSync('pg_dump', ['--data-only', '--no-owner', stack.databaseUrl], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    if (pgDump.status === 0) {
      expect(pgDump.stdout).toContain('COPY public.connections');
      for (const secret of [...Object.values(canaries), webhookSecret]) expect(hits([{ what: 'pg_dump', text: pgDump.stdout }], secret)).toEqual([]);
    }

    // The sealed columns: the planted secrets are there (they open) but their bytes never hold the plaintext.
    const sealed = await findSealedColumns(stack.db);
    let opened = '';
    for (const col of sealed) {
      const { rows } = await stack.db.query<{ v: Buffer }>(`SELECT "${col.column}" AS v FROM "${col.table}" WHERE "${col.column}" IS NOT NULL`);
      for (const { v } of rows) {
        for (const secret of [...Object.values(canaries), webhookSecret]) {
          for (const form of forms(secret)) expect(v.includes(Buffer.from(form))).toBe(false);
        }
        opened += stack.box.open(v).toString('utf8') + '\n';
      }
    }
    expect(opened).toContain(canaries.connection);
    expect(opened).toContain(canaries.hs256);
    expect(opened).toContain(canaries.clientSecret);
    expect(opened).toContain(webhookSecret);
  });

  it('every bytea column is either sealed or known not to hold secrets (a new secret column must be sealed and named *_sealed)', async () => {
    const { rows } = await stack.db.query<{ name: string }>(
      "SELECT table_name || '.' || column_name AS name FROM information_schema.columns WHERE table_schema = 'public' AND data_type = 'bytea' ORDER BY 1",
    );
    const sealed = (await findSealedColumns(stack.db)).map((c) => `${c.table}.${c.column}`);
    const notSecret = ['api_keys.key_hash', 'oauth_states.state_hash', 'releases.archive', 'triggers.payload'];
    expect(rows.map((r) => r.name).filter((n) => !sealed.includes(n) && !notSecret.includes(n))).toEqual([]);
  });

  it('the files the run engine keeps on disk hold none of it', () => {
    const texts: Recorded[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const file = path.join(dir, name);
        const stat = statSync(file);
        if (stat.isDirectory()) walk(file);
        else if (stat.isFile() && stat.size < 10 * 1024 * 1024) {
          const bytes = readFileSync(file);
          texts.push({ what: file, text: `${bytes.toString('utf8')}\n${bytes.toString('hex')}` });
        }
      }
    };
    walk(stack.config.dataDir);
    expect(texts.length).toBeGreaterThan(0);
    for (const secret of [...Object.values(canaries), webhookSecret]) expect(hits(texts, secret)).toEqual([]);
  });

  it('the search itself finds a planted secret in each of its forms (the check can fail)', () => {
    for (const form of forms(canaries.connection)) {
      expect(hits([{ what: 'probe', text: `x${form}y` }], canaries.connection).length).toBeGreaterThan(0);
    }
  });
});
