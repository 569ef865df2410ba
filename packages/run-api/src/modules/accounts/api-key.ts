import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../../platform/db/pool.ts';
import { ERRORS, panError } from '../../platform/errors.ts';

const PREFIX = 'pan_';

/** A new key: shown once to its creator, stored only as a hash. */
export function generateApiKey(): string {
  return PREFIX + randomBytes(32).toString('base64url');
}

/** Keys are 256 random bits, so a plain SHA-256 is enough (no slow hash needed). */
export const hashApiKey = (key: string): Buffer => createHash('sha256').update(key).digest();

export async function createApiKey(db: Db, accountId: string, name: string, key = generateApiKey()): Promise<string> {
  await db.query(
    `INSERT INTO api_keys (account_id, name, key_prefix, key_hash) VALUES ($1, $2, $3, $4)
     ON CONFLICT (key_hash) DO NOTHING`,
    [accountId, name, key.slice(0, PREFIX.length + 6), hashApiKey(key)],
  );
  return key;
}

export interface ApiKeyView {
  /** `pan_` and the key's first 6 characters: enough to tell keys apart, nothing to use. */
  prefix: string;
  name: string;
  created_at: string;
  revoked_at: string | null;
}

/** The account's keys, oldest first (never a key or its hash). */
export async function listApiKeys(db: Db, accountId: string): Promise<ApiKeyView[]> {
  const { rows } = await db.query<{ key_prefix: string; name: string; created_at: Date; revoked_at: Date | null }>(
    'SELECT key_prefix, name, created_at, revoked_at FROM api_keys WHERE account_id = $1 ORDER BY created_at, id',
    [accountId],
  );
  return rows.map((r) => ({ prefix: r.key_prefix, name: r.name, created_at: r.created_at.toISOString(), revoked_at: r.revoked_at?.toISOString() ?? null }));
}

/**
 * Revokes the account's active keys whose prefix is `prefix`; takes effect on the next request
 * (keys are not cached). Returns how many were revoked.
 */
export async function revokeApiKeys(db: Db, accountId: string, prefix: string): Promise<number> {
  const { rowCount } = await db.query('UPDATE api_keys SET revoked_at = now() WHERE account_id = $1 AND key_prefix = $2 AND revoked_at IS NULL', [
    accountId,
    prefix,
  ]);
  return rowCount ?? 0;
}

/** The account a key belongs to, or a 401. */
export async function authenticateApiKey(db: Db, key: string | undefined): Promise<{ accountId: string }> {
  if (!key) throw panError(ERRORS.AUTH_API_KEY_INVALID, 'An X-API-KEY header is required');
  const { rows } = await db.query<{ account_id: string }>(
    'SELECT account_id FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
    [hashApiKey(key)],
  );
  if (!rows[0]) throw panError(ERRORS.AUTH_API_KEY_INVALID, 'The API key is not valid');
  return { accountId: rows[0].account_id };
}
