import pg from 'pg';

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
  // An idle client that loses its connection must not crash the process.
  pool.on('error', () => {});
  return pool;
}

/** Runs `work` in one transaction on one client: COMMIT when it returns, ROLLBACK when it throws. */
export async function withTransaction<T>(db: Db, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Runs `work` while holding a session-level advisory lock on `key` (one holder across every
 * process on the database), on a client of its own.
 */
export async function withAdvisoryLock<T>(db: Db, key: string, work: () => Promise<T>): Promise<T> {
  const client = await db.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [key]);
    try {
      return await work();
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [key]);
    }
  } finally {
    client.release();
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
