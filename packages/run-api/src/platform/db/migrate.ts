import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const migrationsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../migrations');

/**
 * Brings the database schema up to date; concurrent starts serialise on node-pg-migrate's advisory
 * lock. Returns the names of the migrations it applied (none: the schema was up to date).
 */
export async function migrate(databaseUrl: string, log: (line: string) => void = () => {}): Promise<string[]> {
  // Our own client, ended (and awaited) here: node-pg-migrate ends its own without waiting, so a
  // caller stopping the database right after (`pan db migrate` on the embedded cluster) would
  // make that client fail with an unhandled error.
  const client = new pg.Client({ connectionString: databaseUrl });
  // A lost connection fails the query under way; its 'error' event alone must not end the process.
  client.on('error', () => {});
  await client.connect();
  try {
    // Most starts have nothing to apply: one query says so, and node-pg-migrate (with its
    // TypeScript loader, a large part of the start's module loading) is only loaded when needed.
    if (await allApplied(client)) return [];
    const { runner } = await import('node-pg-migrate');
    const applied = await runner({
      dbClient: client,
      dir: migrationsDir,
      direction: 'up',
      migrationsTable: 'pan_migrations',
      checkOrder: true,
      advisoryLockMode: 'wait',
      log,
    });
    return applied.map((migration) => migration.name);
  } finally {
    await client.end();
  }
}

/** The migration files' names, as node-pg-migrate records them (the file name without extension). */
async function migrationNames(): Promise<string[]> {
  return (await readdir(migrationsDir)).filter((f) => /\.(sql|js|ts)$/.test(f)).map((f) => f.replace(/\.[^.]+$/, '')).sort();
}

/**
 * Whether the database recorded exactly this build's migrations. Anything else (a missing table,
 * a migration to apply, one recorded that this build lacks) is for node-pg-migrate to apply or refuse.
 */
async function allApplied(client: pg.Client): Promise<boolean> {
  const { rows: [table] } = await client.query<{ exists: boolean }>("SELECT to_regclass('pan_migrations') IS NOT NULL AS exists");
  if (!table?.exists) return false;
  const { rows } = await client.query<{ name: string }>('SELECT name FROM pan_migrations');
  return rows.map((row) => row.name).sort().join('\0') === (await migrationNames()).join('\0');
}

/** The newest migration file's name, as node-pg-migrate records it (the file name without extension). */
async function latestMigration(): Promise<string | undefined> {
  return (await migrationNames()).at(-1);
}

/**
 * Whether the newest migration of this build is applied (migrations apply in order, so the others
 * are too). Throws when the database cannot be queried; a missing migrations table is `false`.
 */
export async function migrationsApplied(db: Pick<pg.Pool, 'query'>): Promise<boolean> {
  const latest = await latestMigration();
  if (!latest) return true;
  try {
    const { rowCount } = await db.query('SELECT 1 FROM pan_migrations WHERE name = $1', [latest]);
    return rowCount === 1;
  } catch (error) {
    if ((error as { code?: string }).code === '42P01') return false;
    throw error;
  }
}
