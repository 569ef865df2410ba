import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createPrivateFile } from '../data-dir.ts';

/** A PostgreSQL login: role name and password. */
export interface DatabaseRole {
  user: string;
  password: string;
}

/** The embedded cluster's logins, kept in `<dataDir>/postgres-auth.json` (mode 0600). */
export interface PostgresAuth {
  /** The bootstrap superuser: creates the application role and database, nothing else. */
  superuser: DatabaseRole;
  /** Owns the application database; migrations and the server connect as it. Not a superuser. */
  app: DatabaseRole;
}

export const POSTGRES_AUTH_FILE_NAME = 'postgres-auth.json';
const FORMAT = 'pan-postgres-auth/1';
export const SUPERUSER = 'pan';
export const APP_ROLE = 'pan_app';

function newPassword(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The logins of the cluster in `dataDir`: read from its auth file, or, on first start, random
 * passwords written there (0600) and reused by every later start.
 */
export async function loadPostgresAuth(dataDir: string): Promise<PostgresAuth> {
  const file = path.join(dataDir, POSTGRES_AUTH_FILE_NAME);
  const existing = await readPostgresAuth(dataDir);
  if (existing) return existing;
  const auth: PostgresAuth = { superuser: { user: SUPERUSER, password: newPassword() }, app: { user: APP_ROLE, password: newPassword() } };
  // Another process may have created it meanwhile: then theirs is the one.
  if (await createPrivateFile(file, `${JSON.stringify({ format: FORMAT, ...auth }, null, 2)}\n`)) return auth;
  const created = await readPostgresAuth(dataDir);
  if (!created) throw new Error(`${file} could not be read back`);
  return created;
}

/** The auth file of `dataDir`, or null when there is none yet. */
export async function readPostgresAuth(dataDir: string): Promise<PostgresAuth | null> {
  const file = path.join(dataDir, POSTGRES_AUTH_FILE_NAME);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let parsed: { format?: unknown; superuser?: Partial<DatabaseRole>; app?: Partial<DatabaseRole> };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    throw new Error(`${file} is not valid JSON`);
  }
  const role = (r: Partial<DatabaseRole> | undefined) => typeof r?.user === 'string' && r.user !== '' && typeof r.password === 'string' && r.password !== '';
  if (parsed.format !== FORMAT || !role(parsed.superuser) || !role(parsed.app)) {
    throw new Error(`${file} is not a ${FORMAT} file (superuser and app, each with user and password)`);
  }
  return { superuser: parsed.superuser as DatabaseRole, app: parsed.app as DatabaseRole };
}
