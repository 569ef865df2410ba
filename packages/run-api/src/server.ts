import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { readConfig, type RunApiConfig } from './platform/config.ts';
import { loadSecretBox } from './platform/crypto/secret-box.ts';
import { checkReachableByOthers, secureDataDir } from './platform/data-dir.ts';
import { ensureDatabase, startEmbeddedDatabase, type EmbeddedDatabase } from './platform/db/embedded.ts';
import { migrate } from './platform/db/migrate.ts';
import { createPool } from './platform/db/pool.ts';
import { startTelemetry } from './platform/telemetry.ts';
import { checkSandbox } from './modules/runner/sandbox.ts';
import { setprivPath } from './modules/runner/parent-death.ts';
import { sandboxFor, startRunEngine, type RunEngine } from './modules/runs/engine.ts';

export interface RunningServer {
  url: string;
  /** The Fastify app, with `app.db` and `app.box`, for whoever embeds the server (the demo, tests). */
  app: FastifyInstance;
  config: RunApiConfig;
  close(): Promise<void>;
}

/**
 * Starts the run API: the embedded PostgreSQL in `PAN_DATA_DIR` unless `DATABASE_URL` is set,
 * migrations, then the HTTP server. `close()` stops all of it in order. Refuses to start
 * (SandboxUnavailableError) when runs would execute here and the sandbox does not work, unless
 * PAN_RUN_SANDBOX=off, which is said at every start. `config.roles` (PAN_ROLES) says which parts
 * run here: the API's routes, the worker, the scheduler, the deliverer; every process serves
 * /health/* and /metrics and migrates at start (concurrent starts wait on the migration lock).
 */
export async function startServer(config: RunApiConfig = readConfig(), log = (line: string) => console.log(line)): Promise<RunningServer> {
  const runsHere = config.roles.has('worker') && config.workerConcurrency > 0;
  const schedulesHere = config.roles.has('scheduler');
  const deliversHere = config.roles.has('deliverer') && config.notifyConcurrency > 0;
  // The HTTP app's modules (Fastify, its plugins, every route: a large part of the start's module
  // loading) load while the sandbox is probed and PostgreSQL starts, which is mostly waiting.
  const appModule = import('./http/app.ts');
  appModule.catch(() => {}); // awaited below; a start that fails before must not also report this
  if (process.getuid?.() === 0) {
    const others = [!config.databaseUrl && 'the embedded PostgreSQL (the postgres OS user)', runsHere && config.runSandbox && `the run sandbox (uid ${config.runUid})`].filter(Boolean);
    if (others.length > 0) await checkReachableByOthers(config.dataDir, others.join(' and '));
  }
  if (runsHere) await checkRunSandbox(config, log);
  // Before the app, so its every request is traced; nothing is loaded unless OTEL_EXPORTER_OTLP_ENDPOINT is set.
  const telemetry = await startTelemetry();
  let embedded: EmbeddedDatabase | undefined;
  if (!config.databaseUrl) {
    embedded = await startEmbeddedDatabase({ dir: config.dataDir, persistent: true, notice: log });
    log(`Embedded PostgreSQL in ${config.dataDir} (Unix socket in ${embedded.socketDir}, no TCP)`);
  } else {
    // As root, the sandbox's uid passes through the data directory to `runs/` and `releases/`.
    await secureDataDir(config.dataDir, { othersTraverse: runsHere && config.runSandbox && process.getuid?.() === 0 });
  }
  try {
    // The server and its migrations connect as the database's owner, not as the superuser.
    const databaseUrl = embedded ? await ensureDatabase(embedded.url, 'pan', embedded.app) : config.databaseUrl!;
    await migrate(databaseUrl);
    const db = createPool(databaseUrl);
    const box = await loadSecretBox(config.secretKey, config.dataDir);
    const { buildApp } = await appModule;
    const app = await buildApp({ db, box, config, api: config.roles.has('api'), telemetry });
    const url = await app.listen({ host: config.host, port: config.port });
    let engine: RunEngine | undefined;
    if (runsHere || schedulesHere || deliversHere) {
      // One egress policy (one dispatcher) for the process; the app closes it after the engine stops.
      engine = await startRunEngine({
        db,
        box,
        databaseUrl,
        config,
        egress: app.egress,
        log: (message, fields) => app.log.warn(fields ?? {}, message),
        worker: runsHere,
        scheduler: schedulesHere,
        notifications: deliversHere,
      });
    }
    let closing: Promise<void> | undefined;
    return {
      url,
      app,
      config,
      // Once, however many callers (a signal and a failing setup may both close it).
      close() {
        closing ??= (async () => {
          // Stop accepting (and end live log streams) while the runs under way get their grace
          // period; the database is needed by both, so it stops last.
          await Promise.all([app.close(), engine?.stop()]);
          // The spans of the last requests and runs are exported before the process ends.
          await telemetry?.shutdown();
          await db.end();
          await embedded?.stop();
        })();
        return closing;
      },
    };
  } catch (error) {
    await embedded?.stop();
    await telemetry?.shutdown();
    throw error;
  }
}

/** Probes the sandbox once on the directories runs and builds bind (`<dataDir>/runs`, `<dataDir>/releases`). */
async function checkRunSandbox(config: RunApiConfig, log: (line: string) => void): Promise<void> {
  const sandbox = sandboxFor(config);
  if (!sandbox) {
    log('WARNING: PAN_RUN_SANDBOX=off: integration scripts and builds run unsandboxed, as this server\'s user, and can read its data directory (database, keys) and every other run.');
    if (!setprivPath()) log('WARNING: setpriv (util-linux) is not on PATH: an unsandboxed run\'s process outlives this server if it is killed.');
    return;
  }
  const dirs = [path.join(config.dataDir, 'runs'), path.join(config.dataDir, 'releases')];
  for (const dir of dirs) await mkdir(dir, { recursive: true });
  // The sandbox's uid passes through the data directory to its run and release (o+x, no listing).
  for (const dir of [config.dataDir, ...dirs]) await sandbox.makeReachable(dir);
  await checkSandbox(sandbox, dirs);
}

/** What `stopOnSignals` closes while a server may still be starting: it waits for the start, then closes it. */
export function stopWhenStarted(starting: Promise<{ close(): Promise<void> }>): { close(): Promise<void> } {
  return {
    async close() {
      const server = await starting.catch(() => undefined);
      await server?.close();
    },
  };
}

/** Stops cleanly on SIGINT/SIGTERM; a second signal forces the exit. */
export function stopOnSignals(server: { close(): Promise<void> }, log = (line: string) => console.log(line)): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    log(`${signal}: stopping`);
    server.close().then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

// `tsx packages/run-api/src/server.ts` runs the API on its own.
if (import.meta.url === `file://${process.argv[1]}`) {
  const starting = startServer();
  // Hooked before the start ends: a signal during it stops what started (the database included).
  stopOnSignals(stopWhenStarted(starting));
  const server = await starting;
  console.log(`Run API listening on ${server.url}`);
}
