import type { Command } from 'commander';
import { runAction } from '../api-options.ts';
import { CommandFailure, ExitCode } from '../exit-codes.ts';
import { loadRunApi, serverSettings, type DataDirOptions } from '../server-database.ts';

/**
 * `pan db migrate`: the run API's migrations on their own, for deployments that run them as a
 * separate step before starting (or upgrading) the servers. `pan serve` applies them too, so this
 * is never required; running it again is a no-op.
 */
export function registerDb(program: Command): void {
  const db = program.command('db').description("Manage the run API's database");

  db.command('migrate')
    .description('Apply the database migrations of this version (DATABASE_URL, else the embedded PostgreSQL of the data directory), then exit')
    .option('--data-dir <dir>', "the server's data directory, for the embedded PostgreSQL (env PAN_DATA_DIR, default .pan-data)")
    .addHelpText(
      'after',
      `
Concurrent runs (and servers starting at the same time) wait for one another on a lock: each
migration is applied once. Prints the migrations applied, or that the schema was up to date.

Examples:
  DATABASE_URL=postgres://pan@db.internal/pan pan db migrate
  pan db migrate --data-dir /var/lib/pan

Exit codes: 0 the schema is up to date, 2 usage error, 3 the database could not be opened or a
migration failed (the failed migration is rolled back; the earlier ones stay applied).`,
    )
    .action(async (opts: DataDirOptions) => {
      await runAction('pan db migrate', () => migrate(opts), { unexpectedExitCode: ExitCode.Server });
    });
}

async function migrate(opts: DataDirOptions): Promise<number> {
  const api = await loadRunApi();
  const settings = serverSettings(opts);
  let database: Awaited<ReturnType<typeof api.openDataDirDatabase>>;
  try {
    database = await api.openDataDirDatabase({ databaseUrl: settings.databaseUrl, dataDir: settings.dataDir });
  } catch (error) {
    throw new CommandFailure(`cannot open the database: ${(error as Error).message}`, ExitCode.Server);
  }
  try {
    const applied = await api.migrate(database.url);
    if (applied.length === 0) console.log(`The schema of ${database.via} is up to date`);
    else console.log(`Applied ${applied.length} migration${applied.length === 1 ? '' : 's'} to ${database.via}:\n${applied.map((name) => `  ${name}`).join('\n')}`);
    return ExitCode.Ok;
  } catch (error) {
    throw new CommandFailure(`cannot migrate the database: ${(error as Error).message}`, ExitCode.Server);
  } finally {
    await database.close();
  }
}
