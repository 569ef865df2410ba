import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../../platform/db/pool.ts';
import { ERRORS, panError } from '../../platform/errors.ts';
import * as store from './store.ts';

const PREFIX = 'pan_';

/** A new key: shown once to its creator, stored only as a hash. */
export function generateApiKey(): string {
  return PREFIX + randomBytes(32).toString('base64url');
}

/** Keys are 256 random bits, so a plain SHA-256 is enough (no slow hash needed). */
export const hashApiKey = (key: string): Buffer => createHash('sha256').update(key).digest();

export async function createApiKey(db: Db, accountId: string, name: string, key = generateApiKey()): Promise<string> {
  await store.insertApiKey(db, { accountId, name, prefix: key.slice(0, PREFIX.length + 6), hash: hashApiKey(key) });
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
  const rows = await store.listApiKeys(db, accountId);
  return rows.map((r) => ({ prefix: r.key_prefix, name: r.name, created_at: r.created_at.toISOString(), revoked_at: r.revoked_at?.toISOString() ?? null }));
}

/**
 * Revokes the account's active keys whose prefix is `prefix`; takes effect on the next request
 * (keys are not cached). Returns how many were revoked.
 */
export async function revokeApiKeys(db: Db, accountId: string, prefix: string): Promise<number> {
  return store.revokeApiKeys(db, accountId, prefix);
}

/** The account a key belongs to, or a 401. */
export async function authenticateApiKey(db: Db, key: string | undefined): Promise<{ accountId: string }> {
  if (!key) throw panError(ERRORS.AUTH_API_KEY_INVALID, 'An X-API-KEY header is required');
  const accountId = await store.findApiKeyAccount(db, hashApiKey(key));
  if (!accountId) throw panError(ERRORS.AUTH_API_KEY_INVALID, 'The API key is not valid');
  return { accountId };
}
