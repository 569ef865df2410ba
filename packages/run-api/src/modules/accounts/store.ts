/**
 * The accounts module's SQL: `accounts`, `api_keys` and `account_jwt_keys` are read and written
 * here only.
 */
import type { JWK } from 'jose';
import type { JwtAlgorithm } from './end-user-token.ts';
import type { SecretBox } from '../../platform/crypto/secret-box.ts';
import { withTransaction, type Db, type Queryable } from '../../platform/db/pool.ts';

export interface AccountSettings {
  slug: string;
  name: string;
  /** `iss` of this account's end-user tokens. */
  jwtIssuer: string;
  /** `aud` its tokens must carry. */
  jwtAudience: string;
  jwtAlgorithms: JwtAlgorithm[];
  /** HS256 shared secret (raw bytes); sealed before it is stored. */
  hs256Secret?: Buffer;
  jwksUrl?: string;
  publicKeys?: { kid: string; alg: Exclude<JwtAlgorithm, 'HS256'>; jwk: JWK }[];
}

/** Creates the account, or updates its settings when the slug exists. Returns its id. */
export async function upsertAccount(db: Db, box: SecretBox, settings: AccountSettings): Promise<string> {
  return withTransaction(db, async (client) => {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO accounts (slug, name, jwt_issuer, jwt_audience, jwt_algorithms, jwt_hs256_secret, jwt_jwks_url)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, jwt_issuer = EXCLUDED.jwt_issuer,
         jwt_audience = EXCLUDED.jwt_audience, jwt_algorithms = EXCLUDED.jwt_algorithms,
         jwt_hs256_secret = EXCLUDED.jwt_hs256_secret, jwt_jwks_url = EXCLUDED.jwt_jwks_url
       RETURNING id`,
      [
        settings.slug,
        settings.name,
        settings.jwtIssuer,
        settings.jwtAudience,
        settings.jwtAlgorithms,
        settings.hs256Secret ? box.seal(settings.hs256Secret) : null,
        settings.jwksUrl ?? null,
      ],
    );
    const id = rows[0]!.id;
    await client.query('DELETE FROM account_jwt_keys WHERE account_id = $1', [id]);
    for (const key of settings.publicKeys ?? []) {
      const { kid, alg, jwk } = key;
      // Only the public members are kept, whatever the caller passed.
      const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, k: _k, ...publicJwk } = jwk;
      await client.query('INSERT INTO account_jwt_keys (account_id, kid, alg, public_jwk) VALUES ($1, $2, $3, $4)', [
        id,
        kid,
        alg,
        publicJwk,
      ]);
    }
    return id;
  });
}

export interface AccountRow {
  id: string;
  jwt_issuer: string;
  jwt_audience: string;
  jwt_algorithms: JwtAlgorithm[];
  jwt_hs256_secret: Buffer | null;
  jwt_jwks_url: string | null;
}

/** The account whose end-user tokens carry `iss = issuer`, with its sealed verification settings. */
export async function readAccountByIssuer(q: Queryable, issuer: string): Promise<AccountRow | null> {
  const { rows } = await q.query<AccountRow>(
    `SELECT id, jwt_issuer, jwt_audience, jwt_algorithms, jwt_hs256_secret, jwt_jwks_url
       FROM accounts WHERE jwt_issuer = $1`,
    [issuer],
  );
  return rows[0] ?? null;
}

export async function listAccountJwtKeys(q: Queryable, accountId: string): Promise<{ kid: string; alg: JwtAlgorithm; public_jwk: JWK }[]> {
  const { rows } = await q.query<{ kid: string; alg: JwtAlgorithm; public_jwk: JWK }>(
    'SELECT kid, alg, public_jwk FROM account_jwt_keys WHERE account_id = $1',
    [accountId],
  );
  return rows;
}

export async function insertApiKey(q: Queryable, key: { accountId: string; name: string; prefix: string; hash: Buffer }): Promise<void> {
  await q.query(
    `INSERT INTO api_keys (account_id, name, key_prefix, key_hash) VALUES ($1, $2, $3, $4)
     ON CONFLICT (key_hash) DO NOTHING`,
    [key.accountId, key.name, key.prefix, key.hash],
  );
}

export async function listApiKeys(q: Queryable, accountId: string) {
  const { rows } = await q.query<{ key_prefix: string; name: string; created_at: Date; revoked_at: Date | null }>(
    'SELECT key_prefix, name, created_at, revoked_at FROM api_keys WHERE account_id = $1 ORDER BY created_at, id',
    [accountId],
  );
  return rows;
}

export async function revokeApiKeys(q: Queryable, accountId: string, prefix: string): Promise<number> {
  const { rowCount } = await q.query('UPDATE api_keys SET revoked_at = now() WHERE account_id = $1 AND key_prefix = $2 AND revoked_at IS NULL', [
    accountId,
    prefix,
  ]);
  return rowCount ?? 0;
}

/** The account of an active key with this hash, or null. */
export async function findApiKeyAccount(q: Queryable, hash: Buffer): Promise<string | null> {
  const { rows } = await q.query<{ account_id: string }>('SELECT account_id FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL', [hash]);
  return rows[0]?.account_id ?? null;
}

/** Each account's own retention periods in days (null: the PAN_RETENTION_* default; 0: keep forever). */
export interface AccountRetention {
  id: string;
  retention_runs_days: number | null;
  retention_payloads_days: number | null;
  retention_deliveries_days: number | null;
}

export async function listAccountRetention(q: Queryable): Promise<AccountRetention[]> {
  const { rows } = await q.query<AccountRetention>(
    'SELECT id, retention_runs_days, retention_payloads_days, retention_deliveries_days FROM accounts ORDER BY id',
  );
  return rows;
}

/** Sets an account's retention periods (null: back to the default); false when the account does not exist. */
export async function updateAccountRetention(q: Queryable, accountId: string, retention: Omit<AccountRetention, 'id'>): Promise<boolean> {
  const { rowCount } = await q.query(
    'UPDATE accounts SET retention_runs_days = $2, retention_payloads_days = $3, retention_deliveries_days = $4 WHERE id = $1',
    [accountId, retention.retention_runs_days, retention.retention_payloads_days, retention.retention_deliveries_days],
  );
  return rowCount !== 0;
}

export async function readAccountRetention(q: Queryable, accountId: string): Promise<AccountRetention | null> {
  const { rows } = await q.query<AccountRetention>(
    'SELECT id, retention_runs_days, retention_payloads_days, retention_deliveries_days FROM accounts WHERE id = $1',
    [accountId],
  );
  return rows[0] ?? null;
}
