import pg from 'pg';
import { isDatabaseUnavailable } from './connection-errors.ts';

export type Db = pg.Pool;

/** What a store function runs its SQL on: the pool, or a transaction's client. */
export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/**
 * Who a query acts for, at the SQL boundary: an account, and within it one end user (`sub`) when
 * the caller is an end user. The host API passes no `sub` (it sees every user of its account).
 */
export interface Scope {
  accountId: string;
  sub?: string;
}

export function createPool(databaseUrl: string, max = 10): Db {
  const pool = new pg.Pool({ connectionString: databaseUrl, max });
  // An idle client that loses its connection must not crash the process (the pool drops it).
  pool.on('error', () => {});
  return pool;
}

/**
 * A client of the pool with an 'error' listener for as long as it is checked out: pg emits
 * 'error' on a checked-out client whose connection the server ends (57P01 on a restart), and an
 * unheard 'error' event ends the process. `release()` destroys the client if its connection broke
 * (it must not go back to the pool) and is safe to call twice. Pass the error the work failed
 * with: a connection error seen by a query (the FATAL arrives before the socket's end) destroys
 * the client too, so the next caller does not get a dying one.
 */
export async function checkOut(db: Db): Promise<{ client: pg.PoolClient; release(error?: unknown): void }> {
  const client = await db.connect();
  let broken: Error | undefined;
  const onError = (error: Error) => {
    broken ??= error;
  };
  client.on('error', onError);
  let released = false;
  return {
    client,
    release(error?: unknown) {
      if (released) return;
      released = true;
      client.removeListener('error', onError);
      if (!broken && isDatabaseUnavailable(error)) broken = error as Error;
      client.release(broken ?? false);
    },
  };
}

/** Runs `work` in one transaction on one client: COMMIT when it returns, ROLLBACK when it throws. */
export async function withTransaction<T>(db: Db, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const { client, release } = await checkOut(db);
  let failure: unknown;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    failure = error;
    // A connection that broke cannot roll back (the server already did): the first error is the one to report.
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    release(failure);
  }
}

/**
 * Runs `work` while holding a session-level advisory lock on `key` (one holder across every
 * process on the database), on a client of its own. If that connection breaks the lock is gone
 * with it (the server releases a session's locks), and the call rejects once `work` settles.
 */
export async function withAdvisoryLock<T>(db: Db, key: string, work: () => Promise<T>): Promise<T> {
  const { client, release } = await checkOut(db);
  let failure: unknown;
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [key]);
    try {
      return await work();
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [key]).catch((error: unknown) => {
        failure = error;
        throw error;
      });
    }
  } catch (error) {
    failure ??= error;
    throw error;
  } finally {
    release(failure);
  }
}

/**
 * Runs `work` if no other session holds the advisory lock on `key` (one holder across every process
 * on the database); `{ locked: false }` at once, without waiting, when another does.
 */
export async function withTryAdvisoryLock<T>(db: Db, key: string, work: () => Promise<T>): Promise<{ locked: true; value: T } | { locked: false }> {
  const client = await db.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [key]);
    if (!rows[0]!.locked) return { locked: false };
    try {
      return { locked: true, value: await work() };
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [key]);
    }
  } finally {
    client.release();
  }
}
