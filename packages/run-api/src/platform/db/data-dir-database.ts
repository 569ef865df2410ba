import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ensureDatabase, startEmbeddedDatabase } from './embedded.ts';

// The embedded cluster's role (see embedded.ts: it only listens on loopback; not a secret boundary).
const EMBEDDED_USER = 'pan';
const EMBEDDED_PASSWORD = 'pan-embedded';

export interface DataDirDatabase {
  /** URL of the `pan` database. */
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
  const port = runningClusterPort(options.dataDir);
  if (port !== undefined) {
    return {
      url: `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/pan`,
      via: `the embedded cluster of ${options.dataDir} (running, port ${port})`,
      close: async () => {},
    };
  }
  const embedded = await startEmbeddedDatabase({ dir: options.dataDir, persistent: true });
  try {
    const url = await ensureDatabase(embedded.url, 'pan');
    return { url, via: `the embedded cluster of ${options.dataDir}`, close: () => embedded.stop() };
  } catch (error) {
    await embedded.stop();
    throw error;
  }
}

/** The port of a live PostgreSQL in `<dataDir>/pg` (postmaster.pid: line 1 the pid, line 4 the port). */
function runningClusterPort(dataDir: string): number | undefined {
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
  return port;
}
