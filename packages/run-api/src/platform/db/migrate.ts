import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';

const migrationsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../migrations');

/** Brings the database schema up to date; concurrent starts serialise on node-pg-migrate's advisory lock. */
export async function migrate(databaseUrl: string, log: (line: string) => void = () => {}): Promise<void> {
  await runner({
    databaseUrl,
    dir: migrationsDir,
    direction: 'up',
    migrationsTable: 'pan_migrations',
    checkOrder: true,
    advisoryLockMode: 'wait',
    log,
  });
}
