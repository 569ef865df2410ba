import { readFileSync } from 'node:fs';
import path from 'node:path';
import { clusterSocketDir, connectionUrl, ensureDatabase, startEmbeddedDatabase } from './embedded.ts';
import { readPostgresAuth } from './postgres-auth.ts';

export interface DataDirDatabase {
  /** URL of the `pan` database, as the application role. */
  url: string;
  /** How it was reached, for messages: `DATABASE_URL`, `running embedded cluster`, `embedded cluster`. */
  via: string;
  /** Stops the cluster when this call started it. */
  close(): Promise<void>;
}

/**
 * The database a server with this configuration uses, for tools such as `pan secrets rotate`:
 * `databaseUrl` when set; else the embedded cluster of `dataDir`: the one a running server started
 * (found through its postmaster.pid), or a cluster started here (and stopped by `close`).
 */
export async function openDataDirDatabase(options: { databaseUrl: string | undefined; dataDir: string }): Promise<DataDirDatabase> {
  if (options.databaseUrl) return { url: options.databaseUrl, via: 'DATABASE_URL', close: async () => {} };
  const running = runningCluster(options.dataDir);
  if (running) {
    const auth = await readPostgresAuth(options.dataDir);
    if (!auth || running.socketDir !== clusterSocketDir(options.dataDir)) {
      throw new Error(
        `The PostgreSQL running in ${options.dataDir} was started by an older version of the server (it has no socket in the data directory): restart that server with this version first`,
      );
    }
    return {
      url: connectionUrl({ host: running.socketDir, port: running.port, database: 'pan' }, auth.app),
      via: `the embedded cluster of ${options.dataDir} (running, socket ${running.socketDir})`,
      close: async () => {},
    };
  }
  const embedded = await startEmbeddedDatabase({ dir: options.dataDir, persistent: true });
  try {
    const url = await ensureDatabase(embedded.url, 'pan', embedded.app);
    return { url, via: `the embedded cluster of ${options.dataDir}`, close: () => embedded.stop() };
  } catch (error) {
    await embedded.stop();
    throw error;
  }
}

/**
 * The socket of a live PostgreSQL in `<dataDir>/pg`, from its postmaster.pid: line 1 the pid,
 * line 4 the port (which names the socket file), line 5 the first socket directory.
 */
function runningCluster(dataDir: string): { port: number; socketDir: string } | undefined {
  let lines: string[];
  try {
    lines = readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0) return undefined;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  return { port, socketDir: lines[4]?.trim() ?? '' };
}
