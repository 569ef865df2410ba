import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { runAction } from '../api-options.ts';
import { CommandFailure, ExitCode } from '../exit-codes.ts';

interface ServeOptions {
  port?: number;
  host?: string;
  dataDir?: string;
}

function portNumber(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535 (0: any free port)');
  return port;
}

/**
 * `pan serve`: the run API (`startServer` of @pan/run-api) with its embedded PostgreSQL, as
 * `tsx packages/run-api/src/server.ts` runs it, configured from the same environment variables
 * (`readConfig`) with the flags on top.
 */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Start the run API on this machine, with an embedded PostgreSQL in its data directory, until SIGINT or SIGTERM')
    .option('--port <n>', 'port to listen on; 0 picks a free one (env PAN_PORT, default 3100)', portNumber)
    .option('--host <host>', 'address to listen on (env PAN_HOST, default 127.0.0.1)')
    .option('--data-dir <dir>', 'where the embedded PostgreSQL and the secret key file live (env PAN_DATA_DIR, default .pan-data)')
    .addHelpText(
      'after',
      `
Every other setting comes from the environment, as for the server itself: DATABASE_URL (use that
PostgreSQL instead of the embedded one), PAN_PUBLIC_URL, PAN_SECRET_KEY, PAN_CORS_ORIGINS,
PAN_RUN_TIMEOUT_MS, PAN_WORKER_CONCURRENCY, PAN_LOG_LEVEL (default here: warn), PAN_ROLES (which
of api, worker, scheduler, deliverer run here; default all: see docs/scaling.md), PAN_METRICS_TOKEN...
Prints "Run API listening on <url>" once it answers, then the <script> tag (with its SRI hash)
that loads the elements from this server (GET /elements/<version>/pan-elements.js) and the import
map that gives its lazy chunks their SRI hashes (with the CSP hash it needs); Ctrl-C (SIGINT) or SIGTERM stops accepting,
lets the runs under way finish for PAN_SHUTDOWN_GRACE_MS (default 10 s; then they are stopped and
handed back, to run again at the next start), stops the database last, then exits 0. A second
signal exits at once (1). A PostgreSQL that a killed server left running in the data directory is
stopped at the next start.

Examples:
  pan serve
  pan serve --port 0 --data-dir /tmp/pan-data
  PAN_PUBLIC_URL=https://pan.example.com pan serve --host 0.0.0.0 --port 8080

Exit codes: 0 stopped cleanly, 2 usage error, 3 the server could not start (port in use,
unusable data directory or database, a data directory another server uses).`,
    )
    .action(async (opts: ServeOptions) => {
      await runAction('pan serve', async () => {
        const api = await import('@pan/run-api');
        const env: NodeJS.ProcessEnv = { PAN_LOG_LEVEL: 'warn', ...process.env };
        if (opts.host !== undefined) env.PAN_HOST = opts.host;
        if (opts.dataDir !== undefined) env.PAN_DATA_DIR = path.resolve(opts.dataDir);
        // Port 0 is resolved here, so that the webhook URLs the server builds (PAN_PUBLIC_URL's
        // default) name the port it really listens on.
        if (opts.port !== undefined) env.PAN_PORT = String(opts.port);
        if (env.PAN_PORT?.trim() === '0') env.PAN_PORT = String(await api.freePort());
        let config;
        try {
          config = api.readConfig(env);
        } catch (error) {
          throw new CommandFailure((error as Error).message, ExitCode.Usage);
        }
        const log = (line: string) => console.log(line);
        const starting = api.startServer(config, log);
        // Hooked before the start ends: a signal during it stops what started (the database included).
        api.stopOnSignals(api.stopWhenStarted(starting), log);
        let server;
        try {
          server = await starting;
        } catch (error) {
          // Not only Errors are thrown (a library once rejected with nothing).
          const code = (error as NodeJS.ErrnoException | undefined)?.code;
          const why = code === 'EADDRINUSE' ? `port ${config.port} on ${config.host} is in use` : ((error as Error | undefined)?.message ?? String(error));
          throw new CommandFailure(`the run API could not start: ${why}`, ExitCode.Server);
        }
        log(`Run API listening on ${server.url}`);
        // What a host page needs to load the elements from this server (Subresource Integrity included).
        const bundle = await api.loadElementsBundle();
        const base = env.PAN_PUBLIC_URL ? config.publicUrl : server.url;
        log(bundle ? `Elements script tag: ${api.elementsScriptTag(bundle, base)}` : 'No elements bundle in @pan/elements (npm run build:bundle -w @pan/elements): /elements/ answers 404');
        if (bundle && bundle.files.size > 1) {
          // The script tag's integrity covers pan-elements.js; its lazy chunks are checked through an import map.
          const importMap = api.elementsImportMap(bundle, base);
          log(`Elements import map (the lazy chunks' integrity; before the script tag; CSP script-src ${importMap.cspHash}): ${importMap.html}`);
        }
        return ExitCode.Ok;
      });
    });
}
