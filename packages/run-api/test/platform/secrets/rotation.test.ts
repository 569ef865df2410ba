/**
 * `pan secrets rotate` against real PostgreSQL while a run API keeps serving: end-user requests
 * (JWT verification opens the sealed HS256 secret), signed webhooks (the sealed webhook secret),
 * API-key connects and runs that get `PAN_SEC_VAULT_API_KEY`, OAuth2 starts (sealed code
 * verifiers) and connector updates (sealed client secrets). Afterwards every sealed value is under
 * the new key, and nothing is under the old one.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { countSealedValues, findSealedColumns, resealAll } from '../../../src/platform/db/reseal.ts';
import { SecretBox, generateSecretKey, secretKeyId, sealedKeyId } from '../../../src/platform/crypto/secret-box.ts';
import { createPool } from '../../../src/platform/db/pool.ts';
import { upsertAccount } from '../../../src/modules/accounts/store.ts';
import { createTestDatabase, signEndUserToken } from '../../support/index.ts';
import {
  HASHING_SCRIPT,
  connectorYaml,
  pan,
  releaseArchive,
  sha256,
  startKeyFileStack,
  type KeyFileStack,
} from './support.ts';

function sealV1(key: Buffer, plaintext: Buffer | string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([1]), iv, cipher.getAuthTag(), body]);
}

const ORIGIN = 'http://localhost:5173';

describe('pan secrets rotate while the server keeps serving', () => {
  let stack: KeyFileStack;
  let keyDir: string;
  const legacyKey = generateSecretKey();

  beforeAll(async () => {
    // An installation from before key rotation: one key in secret.key.
    keyDir = mkdtempSync(path.join(os.tmpdir(), 'pan-rotate-keys-'));
    writeFileSync(path.join(keyDir, 'secret.key'), legacyKey.toString('base64') + '\n', { mode: 0o600 });
    stack = await startKeyFileStack({ clusterUrl: inject('pgClusterUrl'), keyDir });
  });

  afterAll(async () => {
    await stack?.stop();
    rmSync(keyDir, { recursive: true, force: true });
  });

  const host = async (method: string, url: string, body?: unknown, contentType = 'application/json') => {
    const response = await fetch(`${stack.apiBase}${url}`, {
      method,
      headers: { 'x-api-key': stack.apiKey, ...(body === undefined ? {} : { 'content-type': contentType }) },
      ...(body === undefined ? {} : { body: Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body) }),
    });
    return { status: response.status, body: await response.text() };
  };
  const user = async (jwt: string, method: string, url: string, body?: unknown) => {
    const response = await fetch(`${stack.apiBase}${url}`, {
      method,
      headers: { authorization: `Bearer ${jwt}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: await response.text() };
  };

  it('re-encrypts every sealed column under a new key; requests, connects and runs keep working', { timeout: 180_000 }, async () => {
    const hs256 = Buffer.from(stack.hs256Secret, 'base64url');
    // The account's HS256 secret as an older server sealed it (version 1, no key id).
    await stack.db.query('UPDATE accounts SET jwt_hs256_secret = $1 WHERE id = $2', [sealV1(legacyKey, hs256), stack.accountId]);
    stack.app.tokens.invalidate();

    expect((await host('PUT', '/v2/connectors/vault', { type: 'api_key', display_name: 'Vault', fields: [{ name: 'api_key', label: 'API key', secret: true }] })).status).toBe(200);
    const oauthConnector = (secret: string) => ({
      type: 'oauth2',
      display_name: 'OAuthy',
      authorization_endpoint: 'https://auth.example.test/authorize',
      token_endpoint: 'https://auth.example.test/token',
      client_id: 'pan-client',
      client_secret: secret,
    });
    expect((await host('PUT', '/v2/connectors/oauthy', oauthConnector('client-secret-0'))).status).toBe(200);
    expect((await host('PUT', '/v2/integrations/vault-sync', { name: 'Vault Sync', type: 'internal', short_description: 'Uses the vault.' })).status).toBe(200);
    const pushed = await host(
      'POST',
      '/v2/integrations/vault-sync/releases',
      await releaseArchive({ 'PANDIUM.yaml': connectorYaml(['vault']), 'index.mjs': HASHING_SCRIPT }),
      'application/gzip',
    );
    expect(pushed.status, pushed.body).toBe(201);

    // Users: each connects an API key, installs, and gets a signed webhook URL.
    const users: { sub: string; jwt: string; tenantId: string; webhookPath: string; webhookSecret: string; value: string }[] = [];
    for (let i = 0; i < 6; i++) {
      const sub = `rotating-${i}`;
      const jwt = await signEndUserToken({ secret: hs256, issuer: stack.issuer, audience: stack.audience }, sub);
      const value = `vault-key-${i}-0`;
      expect((await user(jwt, 'PUT', '/marketplace/connections/vault', { fields: { api_key: value } })).status).toBe(200);
      const installed = await user(jwt, 'POST', '/marketplace/tenants', { integration: 'vault-sync', configs: {} });
      expect(installed.status, installed.body).toBe(201);
      const tenantId = (JSON.parse(installed.body) as { id: string }).id;
      const secret = await host('POST', `/v2/tenants/${tenantId}/webhook-secret`);
      expect(secret.status).toBe(201);
      const hook = JSON.parse((await user(jwt, 'GET', `/marketplace/tenants/${tenantId}/webhook`)).body) as { url: string };
      users.push({ sub, jwt, tenantId, webhookPath: new URL(hook.url).pathname, webhookSecret: (JSON.parse(secret.body) as { secret: string }).secret, value });
      expect((await user(jwt, 'POST', '/marketplace/connections/oauthy/oauth', { return_origin: ORIGIN })).status).toBe(200);
    }
    // Half of the webhook secrets and connections as an older server sealed them.
    for (const u of users.slice(0, 3)) {
      const { rows } = await stack.db.query<{ webhook_secret_sealed: Buffer }>('SELECT webhook_secret_sealed FROM tenants WHERE id = $1', [u.tenantId]);
      await stack.db.query('UPDATE tenants SET webhook_secret_sealed = $1 WHERE id = $2', [sealV1(legacyKey, stack.box.open(rows[0]!.webhook_secret_sealed)), u.tenantId]);
      const conn = await stack.db.query<{ id: string; secrets_sealed: Buffer }>('SELECT id, secrets_sealed FROM connections WHERE user_sub = $1', [u.sub]);
      await stack.db.query('UPDATE connections SET secrets_sealed = $1 WHERE id = $2', [sealV1(legacyKey, stack.box.open(conn.rows[0]!.secrets_sealed)), conn.rows[0]!.id]);
    }
    expect((await host('PUT', '/v2/notifications', { url: 'https://hooks.example.test/pan' })).status).toBe(201);
    // A rotation with an overlap keeps the old notification secret sealed beside the new one.
    expect((await host('POST', '/v2/notifications/secret?previous_valid_seconds=3600')).status).toBe(201);
    // The integration's push webhook secret (releases from git).
    expect((await host('POST', '/v2/integrations/vault-sync/sourcecontrol/webhook')).status).toBe(201);
    // A private repository's token.
    expect((await host('PUT', '/v2/integrations/vault-sync/sourcecontrol/credentials', { token: 'repo-token-1' })).status).toBe(200);
    const before = await countSealedValues(stack.db);
    const columns = before.map((c) => `${c.table}.${c.column}`);
    expect(columns).toEqual([
      'accounts.jwt_hs256_secret',
      'connections.secrets_sealed',
      'connectors.client_secret_sealed',
      'notification_endpoints.previous_secret_sealed',
      'notification_endpoints.secret_sealed',
      'oauth_states.code_verifier_sealed',
      'source_credentials.secret_sealed',
      'source_webhooks.secret_sealed',
      'tenants.webhook_secret_sealed',
    ]);
    for (const c of before) expect(c.total, `${c.table}.${c.column}`).toBeGreaterThan(0);
    expect(before.find((c) => c.table === 'accounts')!.byKey).toEqual({ v1: 1 });

    // The load: every loop counts what it did and records anything that failed.
    const failures: string[] = [];
    const done = { runs: 0, connects: 0, webhooks: 0, requests: 0, oauthStarts: 0, connectorUpdates: 0 };
    const waiters = new Set<() => void>();
    const count = (what: keyof typeof done) => {
      done[what]++;
      for (const check of [...waiters]) check();
    };
    /** Resolves once `ready()` holds, or something failed (checked each time work is counted). */
    const until = (ready: () => boolean) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (failures.length === 0 && !ready()) return;
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      });
    /** Every kind of work the loops repeat has happened since `since`. */
    const allSince = (since: typeof done) => () =>
      done.runs > since.runs && done.connects > since.connects && done.webhooks > since.webhooks && done.requests > since.requests;
    let stop = false;
    const check = (what: string, status: number, expected: number, body: string) => {
      if (status !== expected) failures.push(`${what}: ${status} ${body.slice(0, 300)}`);
      return status === expected;
    };
    const waitForRun = async (u: (typeof users)[number], triggerId: string) => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const status = await user(u.jwt, 'GET', `/marketplace/triggers/${triggerId}`);
        if (!check('trigger status', status.status, 200, status.body)) return null;
        const body = JSON.parse(status.body) as { state: string; run_id: string | null; run_status: string | null };
        if (body.state === 'finished' && body.run_id) return body;
        if (Date.now() > deadline) {
          failures.push(`trigger ${triggerId} did not finish: ${status.body}`);
          return null;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const userLoop = async (u: (typeof users)[number], index: number) => {
      for (let round = 1; !stop; round++) {
        // Connect a new value (the server seals it with whatever key it has now), then run.
        const value = `vault-key-${index}-${round}`;
        const put = await user(u.jwt, 'PUT', '/marketplace/connections/vault', { fields: { api_key: value } });
        if (!check('connect', put.status, 200, put.body)) continue;
        count('connects');
        u.value = value;
        const run = await user(u.jwt, 'POST', `/marketplace/tenants/${u.tenantId}/runs`, { mode: 'normal' });
        if (!check('run now', run.status, 202, run.body)) continue;
        const finished = await waitForRun(u, (JSON.parse(run.body) as { trigger_id: string }).trigger_id);
        if (!finished) continue;
        if (finished.run_status !== 'Succeeded') {
          failures.push(`run ${finished.run_id} ended ${finished.run_status}`);
          continue;
        }
        const { rows } = await stack.db.query<{ stdout_json: string }>('SELECT stdout_json FROM runs WHERE id = $1', [finished.run_id]);
        const hashes = (JSON.parse(rows[0]!.stdout_json) as { hashes: Record<string, string> }).hashes;
        if (hashes.PAN_SEC_VAULT_API_KEY !== sha256(value)) failures.push(`run ${finished.run_id} did not get the connected key ${value}`);
        else count('runs');
      }
    };
    const webhookLoop = async () => {
      for (let n = 0; !stop; n++) {
        const u = users[n % users.length]!;
        const body = JSON.stringify({ n });
        const id = `msg_${n}_${randomBytes(4).toString('hex')}`;
        const when = new Date();
        const response = await fetch(`${stack.apiBase}${u.webhookPath}`, {
          method: 'POST',
          body,
          headers: {
            'content-type': 'application/json',
            'webhook-id': id,
            'webhook-timestamp': String(Math.floor(when.getTime() / 1000)),
            'webhook-signature': new Webhook(u.webhookSecret).sign(id, when, body),
          },
        });
        if (check('signed webhook', response.status, 202, await response.text())) count('webhooks');
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const requestLoop = async () => {
      for (let n = 0; !stop; n++) {
        // Forget the cached account keys: each request opens the sealed HS256 secret again.
        stack.app.tokens.invalidate();
        const u = users[n % users.length]!;
        const list = await user(u.jwt, 'GET', '/marketplace/tenants');
        if (check('tenant list', list.status, 200, list.body)) count('requests');
        if (n % 5 === 0) {
          const started = await user(u.jwt, 'POST', '/marketplace/connections/oauthy/oauth', { return_origin: ORIGIN });
          if (check('oauth start', started.status, 200, started.body)) count('oauthStarts');
        }
        if (n % 7 === 0) {
          const updated = await host('PUT', '/v2/connectors/oauthy', oauthConnector(`client-secret-${n}`));
          if (check('connector update', updated.status, 200, updated.body)) count('connectorUpdates');
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    };

    const loops = [...users.map((u, i) => userLoop(u, i)), webhookLoop(), requestLoop()];
    // Every loop is under way before the rotation starts.
    await until(allSince({ ...done }));
    const duringRotation = { ...done };
    const rotated = await pan(['secrets', 'rotate', '--data-dir', keyDir, '--batch-size', '2'], { DATABASE_URL: stack.databaseUrl });
    const afterRotation = { ...done };
    // Keep serving under the new key until every kind of work has happened again.
    await until(allSince(afterRotation));
    stop = true;
    await Promise.all(loops);

    expect(rotated.stderr).toBe('');
    expect(rotated.code, rotated.stdout).toBe(0);
    expect(failures).toEqual([]);
    // Work happened while rotate ran (and after).
    expect(afterRotation.runs).toBeGreaterThan(duringRotation.runs);
    expect(afterRotation.webhooks).toBeGreaterThan(duringRotation.webhooks);
    expect(afterRotation.requests).toBeGreaterThan(duringRotation.requests);
    expect(afterRotation.connects).toBeGreaterThan(duringRotation.connects);
    expect(done.runs).toBeGreaterThan(afterRotation.runs);
    expect(done.oauthStarts).toBeGreaterThan(0);
    expect(done.connectorUpdates).toBeGreaterThan(0);

    // The key file: the legacy key kept, the new key primary; secret.key replaced; 0600.
    const keyFile = path.join(keyDir, 'secret.keys');
    expect(existsSync(path.join(keyDir, 'secret.key'))).toBe(false);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const fileKeys = (JSON.parse(readFileSync(keyFile, 'utf8')) as { keys: { id: string; key: string }[] }).keys;
    expect(fileKeys).toHaveLength(2);
    expect(fileKeys[0]!.id).toBe(secretKeyId(legacyKey));
    const newKey = Buffer.from(fileKeys[1]!.key, 'base64');
    const newId = secretKeyId(newKey);
    expect(rotated.stdout).toContain(`Added key ${newId} as the primary key`);
    expect(rotated.stdout).toMatch(/Done in [\d.]+ s: \d+ value\(s\) re-encrypted/);
    expect(rotated.stdout).not.toContain(fileKeys[1]!.key);
    expect(rotated.stdout).not.toContain(legacyKey.toString('base64'));

    // Every sealed value names the new key and opens with it alone; none is under the old key.
    const after = await countSealedValues(stack.db);
    for (const c of after) expect(c.byKey, `${c.table}.${c.column}`).toEqual({ [newId]: c.total });
    const onlyNew = new SecretBox(newKey);
    for (const col of await findSealedColumns(stack.db)) {
      const { rows } = await stack.db.query<{ v: Buffer }>(`SELECT "${col.column}" AS v FROM "${col.table}" WHERE "${col.column}" IS NOT NULL`);
      for (const row of rows) {
        expect(sealedKeyId(row.v)).toBe(newId);
        expect(() => onlyNew.open(row.v)).not.toThrow();
      }
    }
    expect(onlyNew.open((await stack.db.query<{ v: Buffer }>('SELECT jwt_hs256_secret AS v FROM accounts WHERE id = $1', [stack.accountId])).rows[0]!.v).equals(hs256)).toBe(true);
    // The running server picked the new key up without a restart.
    expect(stack.box.primaryKeyId).toBe(newId);
    expect(stack.box.keyIds).toEqual([secretKeyId(legacyKey), newId]);

    // Retire the old key: nothing uses it any more. The server keeps working with the new one alone.
    const retired = await pan(['secrets', 'rotate', '--retire', '--data-dir', keyDir], { DATABASE_URL: stack.databaseUrl });
    expect(retired.code, retired.stdout + retired.stderr).toBe(0);
    expect(retired.stdout).toContain(`Retired 1 key(s) (${secretKeyId(legacyKey)})`);
    expect((JSON.parse(readFileSync(keyFile, 'utf8')) as { keys: { id: string }[] }).keys.map((k) => k.id)).toEqual([newId]);
    stack.app.tokens.invalidate();
    const u = users[0]!;
    expect((await user(u.jwt, 'GET', '/marketplace/tenants')).status).toBe(200);
    expect((await user(u.jwt, 'PUT', '/marketplace/connections/vault', { fields: { api_key: 'after-retire' } })).status).toBe(200);

    const status = await pan(['secrets', 'status', '--data-dir', keyDir], { DATABASE_URL: stack.databaseUrl });
    expect(status.code, status.stdout + status.stderr).toBe(0);
    expect(status.stdout).toContain(`${newId}  primary`);
    expect(status.stdout).toContain('Every stored secret is sealed with the primary key.');

    // No log line of the server carries a key or a connected value.
    const logs = [...stack.logLines, ...stack.engineLog].join('\n');
    for (const needle of [fileKeys[1]!.key, legacyKey.toString('base64'), 'vault-key-', 'client-secret-', stack.hs256Secret]) expect(logs).not.toContain(needle);
  });
});

describe('re-encryption never overwrites a concurrent write with stale data', () => {
  it('a value the server replaced between read and write is looked at again, not clobbered', async () => {
    const database = await createTestDatabase(inject('pgClusterUrl'));
    const db = createPool(database.url, 3);
    try {
      const oldKey = generateSecretKey();
      const newKey = generateSecretKey();
      const serverBox = new SecretBox(oldKey);
      const slug = `cas-${randomBytes(3).toString('hex')}`;
      const accountId = await upsertAccount(db, serverBox, {
        slug,
        name: 'CAS',
        jwtIssuer: slug,
        jwtAudience: 'pan-marketplace',
        jwtAlgorithms: ['HS256'],
        hs256Secret: Buffer.from('first secret'),
      });
      // The server writes a new HS256 secret (with its old key) just before rotate's first write.
      let raced = false;
      const racing = {
        query: async (text: string, values?: unknown[]) => {
          if (!raced && text.startsWith('UPDATE "accounts"')) {
            raced = true;
            await db.query('UPDATE accounts SET jwt_hs256_secret = $1 WHERE id = $2', [serverBox.seal('second secret'), accountId]);
          }
          return db.query(text, values);
        },
      } as unknown as typeof db;
      const report = await resealAll(racing, new SecretBox([oldKey, newKey]), { pauseMs: 10 });
      expect(raced).toBe(true);
      expect(report.conflicts).toBe(1);
      expect(report.complete).toBe(true);
      expect(report.passes).toBeGreaterThanOrEqual(2);
      const { rows } = await db.query<{ v: Buffer }>('SELECT jwt_hs256_secret AS v FROM accounts WHERE id = $1', [accountId]);
      expect(sealedKeyId(rows[0]!.v)).toBe(secretKeyId(newKey));
      expect(new SecretBox(newKey).open(rows[0]!.v).toString()).toBe('second secret');
    } finally {
      await db.end();
      await database.drop();
    }
  });

  it('values no key opens are reported and left as they are', async () => {
    const database = await createTestDatabase(inject('pgClusterUrl'));
    const db = createPool(database.url, 3);
    try {
      const lost = new SecretBox(generateSecretKey());
      const slug = `lost-${randomBytes(3).toString('hex')}`;
      await upsertAccount(db, lost, { slug, name: 'Lost', jwtIssuer: slug, jwtAudience: 'a', jwtAlgorithms: ['HS256'], hs256Secret: Buffer.from('x') });
      const before = (await db.query<{ v: Buffer }>('SELECT jwt_hs256_secret AS v FROM accounts')).rows[0]!.v;
      const report = await resealAll(db, new SecretBox(generateSecretKey()), { timeoutMs: 2000, pauseMs: 10 });
      expect(report.unreadable).toBe(1);
      expect(report.remaining).toBe(0);
      const after = (await db.query<{ v: Buffer }>('SELECT jwt_hs256_secret AS v FROM accounts')).rows[0]!.v;
      expect(after.equals(before)).toBe(true);
    } finally {
      await db.end();
      await database.drop();
    }
  });
});

describe('pan secrets rotate: keys in PAN_SECRET_KEY, usage and exit codes', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: ReturnType<typeof createPool>;
  const k1 = generateSecretKey();
  let workDir: string;

  beforeAll(async () => {
    database = await createTestDatabase(inject('pgClusterUrl'));
    db = createPool(database.url, 3);
    workDir = mkdtempSync(path.join(os.tmpdir(), 'pan-rotate-env-'));
    const box = new SecretBox(k1);
    for (let i = 0; i < 3; i++) {
      const slug = `env-${i}-${randomBytes(3).toString('hex')}`;
      await upsertAccount(db, box, { slug, name: slug, jwtIssuer: slug, jwtAudience: 'a', jwtAlgorithms: ['HS256'], hs256Secret: Buffer.from(`hs-${i}`) });
    }
  });

  afterAll(async () => {
    await db?.end();
    await database?.drop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('with PAN_SECRET_KEY: prints a new key and the steps, changes nothing; --new-key - re-encrypts; --retire says when old keys can go', { timeout: 60_000 }, async () => {
    const env = { DATABASE_URL: database.url, PAN_SECRET_KEY: k1.toString('base64'), PAN_DATA_DIR: workDir };
    const printed = await pan(['secrets', 'rotate'], env);
    expect(printed.code, printed.stderr).toBe(0);
    const match = /^\s{2}([A-Za-z0-9+/]{43}=)$/m.exec(printed.stdout);
    expect(match, printed.stdout).not.toBeNull();
    const k2 = Buffer.from(match![1]!, 'base64');
    expect(printed.stdout).toContain('PAN_SECRET_KEYS_OLD=<the current PAN_SECRET_KEY>');
    expect(printed.stdout).toContain('pan secrets rotate --new-key -');
    expect(printed.stdout).toContain('Nothing was changed.');
    expect((await countSealedValues(db)).find((c) => c.table === 'accounts')!.byKey).toEqual({ [secretKeyId(k1)]: 3 });
    expect(existsSync(path.join(workDir, 'secret.keys'))).toBe(false);

    // The servers now run with PAN_SECRET_KEY=k2, PAN_SECRET_KEYS_OLD=k1.
    const serverEnv = { DATABASE_URL: database.url, PAN_SECRET_KEY: k2.toString('base64'), PAN_SECRET_KEYS_OLD: k1.toString('base64') };
    const notYet = await pan(['secrets', 'rotate', '--retire'], serverEnv);
    expect(notYet.code).toBe(1);
    expect(notYet.stdout).toContain('Not retiring: 3 stored value(s)');

    const rotated = await pan(['secrets', 'rotate', '--new-key', '-'], serverEnv, `${k2.toString('base64')}\n`);
    expect(rotated.code, rotated.stdout + rotated.stderr).toBe(0);
    expect(rotated.stdout).toMatch(/Done in .*: 3 value\(s\) re-encrypted/);
    expect(rotated.stdout).not.toContain(k2.toString('base64'));
    const accounts = (await countSealedValues(db)).find((c) => c.table === 'accounts')!;
    expect(accounts.byKey).toEqual({ [secretKeyId(k2)]: 3 });
    const values = (await db.query<{ v: Buffer }>('SELECT jwt_hs256_secret AS v FROM accounts ORDER BY slug')).rows.map((r) => new SecretBox(k2).open(r.v).toString());
    expect(values.sort()).toEqual(['hs-0', 'hs-1', 'hs-2']);

    const retire = await pan(['secrets', 'rotate', '--retire'], serverEnv);
    expect(retire.code).toBe(0);
    expect(retire.stdout).toContain('PAN_SECRET_KEYS_OLD can be emptied');
  });

  it('--resume re-encrypts under the key file\'s primary without adding a key', { timeout: 60_000 }, async () => {
    const own = await createTestDatabase(inject('pgClusterUrl'));
    const ownDb = createPool(own.url, 2);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pan-rotate-resume-'));
    try {
      const [ka, kb] = [generateSecretKey(), generateSecretKey()];
      const { writeKeyFile } = await import('../../../src/platform/crypto/secret-box.ts');
      await writeKeyFile(dir, [ka, kb].map((key) => ({ id: secretKeyId(key), key, createdAt: null })));
      const before = readFileSync(path.join(dir, 'secret.keys'), 'utf8');
      await upsertAccount(ownDb, new SecretBox(ka), { slug: 'resume', name: 'R', jwtIssuer: 'resume', jwtAudience: 'a', jwtAlgorithms: ['HS256'], hs256Secret: Buffer.from('r') });
      const resumed = await pan(['secrets', 'rotate', '--resume', '--settle-ms', '0', '--data-dir', dir], { DATABASE_URL: own.url });
      expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
      expect(resumed.stdout).toContain(`Re-encrypting under the current primary key ${secretKeyId(kb)}`);
      expect((await countSealedValues(ownDb)).find((c) => c.table === 'accounts')!.byKey).toEqual({ [secretKeyId(kb)]: 1 });
      expect(readFileSync(path.join(dir, 'secret.keys'), 'utf8')).toBe(before);
    } finally {
      await ownDb.end();
      await own.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exit 2 on a malformed key or conflicting options; exit 3 without a key file, or while another rotation runs', { timeout: 60_000 }, async () => {
    const bad = await pan(['secrets', 'rotate', '--new-key', 'c2hvcnQ='], { DATABASE_URL: database.url, PAN_DATA_DIR: workDir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--new-key must be 32 bytes in base64');
    const both = await pan(['secrets', 'rotate', '--resume', '--retire'], { DATABASE_URL: database.url, PAN_DATA_DIR: workDir });
    expect(both.code).toBe(2);
    const unknown = await pan(['secrets', 'rotate', '--frobnicate'], { DATABASE_URL: database.url, PAN_DATA_DIR: workDir });
    expect(unknown.code).toBe(2);

    const empty = mkdtempSync(path.join(os.tmpdir(), 'pan-rotate-nokeys-'));
    try {
      const none = await pan(['secrets', 'rotate', '--data-dir', empty], { DATABASE_URL: database.url });
      expect(none.code).toBe(3);
      expect(none.stderr).toContain(`no key file in ${empty}`);
      expect(existsSync(path.join(empty, 'secret.keys'))).toBe(false);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }

    const holder = await db.connect();
    try {
      await holder.query("SELECT pg_advisory_lock(hashtext('pan-secrets-rotate'))");
      const busy = await pan(['secrets', 'rotate', '--resume'], { DATABASE_URL: database.url, PAN_SECRET_KEY: k1.toString('base64') });
      expect(busy.code).toBe(3);
      expect(busy.stderr).toContain('another `pan secrets rotate` is running');
    } finally {
      await holder.query("SELECT pg_advisory_unlock(hashtext('pan-secrets-rotate'))");
      holder.release();
    }

    const help = await pan(['secrets', 'rotate', '--help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes:');
    expect(help.stdout).toContain('--retire');
  });
});

describe('pan secrets against the embedded cluster of a data directory (no DATABASE_URL)', () => {
  it('attaches to the running server\'s cluster, or starts (and stops) the cluster itself', { timeout: 90_000 }, async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pan-rotate-embedded-'));
    const { startServer } = await import('../../../src/server.ts');
    const { readConfig } = await import('../../../src/platform/config.ts');
    const server = await startServer(readConfig({ PAN_DATA_DIR: dataDir, PAN_PORT: '0', PAN_LOG_LEVEL: 'warn', PAN_WORKER_CONCURRENCY: '0' }), () => {});
    try {
      const firstId = server.app.box.primaryKeyId;
      await upsertAccount(server.app.db, server.app.box, { slug: 'embedded', name: 'E', jwtIssuer: 'embedded', jwtAudience: 'a', jwtAlgorithms: ['HS256'], hs256Secret: Buffer.from('embedded secret') });
      const rotated = await pan(['secrets', 'rotate', '--data-dir', dataDir, '--settle-ms', '0'], {});
      expect(rotated.code, rotated.stdout + rotated.stderr).toBe(0);
      expect(rotated.stdout).toMatch(/Database: the embedded cluster of .* \(running, socket .*\/pg\)/);
      expect(rotated.stdout).toContain('1 value(s) re-encrypted');
      const { rows } = await server.app.db.query<{ v: Buffer }>("SELECT jwt_hs256_secret AS v FROM accounts WHERE slug = 'embedded'");
      expect(sealedKeyId(rows[0]!.v)).not.toBe(firstId);
      expect(server.app.box.open(rows[0]!.v).toString()).toBe('embedded secret');
      expect(server.app.box.primaryKeyId).toBe(sealedKeyId(rows[0]!.v));
    } finally {
      await server.close();
    }
    try {
      expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
      const status = await pan(['secrets', 'status', '--data-dir', dataDir], {});
      expect(status.code, status.stdout + status.stderr).toBe(0);
      expect(status.stdout).toMatch(/database: the embedded cluster of /);
      expect(status.stdout).toContain('Every stored secret is sealed with the primary key.');
      // The command stopped the cluster it started.
      expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
