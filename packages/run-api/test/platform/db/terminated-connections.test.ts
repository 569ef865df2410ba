import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { isDatabaseUnavailable } from '../../../src/platform/db/connection-errors.ts';
import { ListenConnection } from '../../../src/platform/db/listen.ts';
import { createPool, withAdvisoryLock, withTransaction, type Db } from '../../../src/platform/db/pool.ts';
import { RunEndWaiter } from '../../../src/modules/runs/sync-invocation.ts';
import { createTestDatabase } from '../../support/test-database.ts';

/**
 * A connection the server ends (57P01 on a restart; here `pg_terminate_backend`, which sends the
 * same kind of termination) is an error the caller sees, never an unheard 'error' event that ends
 * the process (vitest fails a file on such an event), and LISTEN comes back on its own.
 */

let database: { url: string; drop(): Promise<void> };
let admin: pg.Client;
let db: Db;
let dbName: string;

beforeAll(async () => {
  database = await createTestDatabase(inject('pgClusterUrl'));
  admin = new pg.Client({ connectionString: inject('pgClusterUrl') });
  await admin.connect();
  db = createPool(database.url, 4);
  dbName = (await db.query<{ name: string }>('SELECT current_database() AS name')).rows[0]!.name;
});

afterAll(async () => {
  await db?.end();
  await admin?.end();
  await database?.drop();
});

/**
 * Ends a backend and waits until it is gone (the timeout form, PostgreSQL 14+): without the wait the
 * signal may not have been handled before the test's next query, which then succeeds on a loaded machine.
 */
const terminate = async (pid: number) => {
  const { rows } = await admin.query<{ ended: boolean }>('SELECT pg_terminate_backend($1, 30000) AS ended', [pid]);
  expect(rows[0]!.ended).toBe(true);
};

/** The backends of the test database whose last statement starts with `prefix`. */
async function backendsRunning(prefix: string): Promise<number[]> {
  const { rows } = await admin.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND query LIKE $2 || '%' AND pid <> pg_backend_pid()`,
    [dbName, prefix],
  );
  return rows.map((row) => row.pid);
}

/** Polls `read` until `done` holds (state, not time, is what is awaited; the deadline only bounds a failure). */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, deadlineMs = 20_000): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > end) throw new Error(`gave up waiting; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('a terminated backend', () => {
  it('ListenConnection reconnects, LISTENs again and receives a NOTIFY sent after the termination', async () => {
    const channel = `pan_test_${randomUUID().replace(/-/g, '')}`;
    const received: string[] = [];
    const logged: string[] = [];
    let reconnected!: () => void;
    const back = new Promise<void>((resolve) => (reconnected = resolve));
    const listener = new ListenConnection({
      database: db,
      channels: [channel],
      onNotification: (message) => received.push(message.payload ?? ''),
      onReconnect: () => reconnected(),
      log: (message) => logged.push(message),
      minDelayMs: 10,
    });
    await listener.start();
    try {
      const [first] = await until(() => backendsRunning(`LISTEN "${channel}"`), (pids) => pids.length === 1);
      await terminate(first!);
      await back;
      expect(listener.listening).toBe(true);
      const [second] = await backendsRunning(`LISTEN "${channel}"`);
      expect(second).toBeDefined();
      expect(second).not.toBe(first);

      // NOTIFY is per database: sent on the test database.
      await db.query('SELECT pg_notify($1, $2)', [channel, 'after the restart']);
      await until(async () => received, (r) => r.includes('after the restart'));
      expect(logged).toContain('LISTEN connection lost; reconnecting');
    } finally {
      await listener.close();
    }
    // Closed: no reconnect is left pending, its backend is gone.
    await until(() => backendsRunning(`LISTEN "${channel}"`), (pids) => pids.length === 0);
    expect(listener.listening).toBe(false);
  });

  it('withTransaction rejects (no crash) when its connection is ended while the work waits, and the pool goes on', async () => {
    const error = await withTransaction(db, async (client) => {
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      // Not events.once: it would reject on the 'error' that comes first.
      const ended = new Promise((resolve) => client.once('end', resolve));
      await terminate(rows[0]!.pid);
      // The client is idle and checked out when its connection ends: pg emits 'error' on it.
      await ended;
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(isDatabaseUnavailable(error)).toBe(true);
    // The broken client was not handed back: every later query gets a live one.
    for (let i = 0; i < 6; i++) expect((await db.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('withTransaction rejects with the error of the query whose connection was ended', async () => {
    const error = await withTransaction(db, async (client) => {
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await terminate(rows[0]!.pid);
      await client.query('SELECT 1');
    }).catch((e: unknown) => e);
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect((await db.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
  });

  it('withAdvisoryLock rejects (no crash) when the connection holding the lock is ended', async () => {
    const key = `lock-${randomUUID()}`;
    const error = await withAdvisoryLock(db, key, async () => {
      const { rows } = await admin.query<{ pid: number }>(
        `SELECT l.pid FROM pg_locks l JOIN pg_database d ON d.oid = l.database
          WHERE l.locktype = 'advisory' AND l.granted AND d.datname = $1 AND l.objid::int = hashtext($2)`,
        [dbName, key],
      );
      expect(rows).toHaveLength(1);
      await terminate(rows[0]!.pid);
      // The lock went with the session: another session can take it now.
      await until(
        async () => (await admin.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [key])).rows[0]!.ok,
        (ok) => ok,
      );
      await admin.query('SELECT pg_advisory_unlock(hashtext($1))', [key]);
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((await db.query('SELECT 3 AS three')).rows).toEqual([{ three: 3 }]);
  });

  it('the synchronous-call waiter closes cleanly after its LISTEN connection was ended (no double release)', async () => {
    const waiter = new RunEndWaiter(db);
    // Opens the LISTEN connection; nothing ends, the wait times out.
    expect(await waiter.waitForTrigger(randomUUID(), 20)).toBeNull();
    const [pid] = await until(() => backendsRunning('LISTEN "pan_run_end"'), (pids) => pids.length === 1);
    await terminate(pid!);
    await until(() => backendsRunning('LISTEN "pan_run_end"'), (pids) => pids.length === 1 && pids[0] !== pid);
    await expect(waiter.close()).resolves.toBeUndefined();
    await until(() => backendsRunning('LISTEN "pan_run_end"'), (pids) => pids.length === 0);
  });
});

describe('isDatabaseUnavailable (what the error handler answers with 503 PAN_ERR_DATABASE_UNAVAILABLE)', () => {
  const sqlError = (code: string) => Object.assign(new pg.DatabaseError('x', 0, 'error'), { code });
  const errno = (code: string, syscall: string) => Object.assign(new Error(`${syscall} ${code}`), { code, syscall });

  it('is true for a failed connect, a terminated or refused session, and pg\'s own connection errors', () => {
    for (const error of [
      sqlError('57P01'), sqlError('57P02'), sqlError('57P03'), sqlError('08006'), sqlError('08001'),
      errno('ECONNREFUSED', 'connect'), errno('ENOENT', 'connect'),
      new Error('Connection terminated unexpectedly'), new Error('Connection terminated due to connection timeout'),
    ]) expect(isDatabaseUnavailable(error), String((error as { code?: string }).code ?? error.message)).toBe(true);
  });

  it('is false for a query that failed on a live connection, and for a missing file', () => {
    for (const error of [sqlError('23505'), sqlError('22P02'), sqlError('57014'), errno('ENOENT', 'open'), new Error('boom'), 'not an error']) {
      expect(isDatabaseUnavailable(error), String(error)).toBe(false);
    }
  });
});
