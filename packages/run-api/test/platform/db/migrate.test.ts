import { readdir } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrate } from '../../../src/platform/db/migrate.ts';
import { createTestDatabase } from '../../support/test-database.ts';

/**
 * A start whose database is up to date answers from one query (node-pg-migrate is not even
 * loaded); a database whose record differs from this build's migrations still goes through
 * node-pg-migrate, which applies or refuses (here: a migration out of order).
 */
let database: { url: string; drop(): Promise<void> };
let client: pg.Client;

beforeAll(async () => {
  database = await createTestDatabase(inject('pgClusterUrl'));
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
  await database?.drop();
});

describe('migrate', () => {
  it('applies nothing to a database that recorded every migration of this build', async () => {
    const files = (await readdir(new URL('../../../migrations', import.meta.url))).map((f) => f.replace(/\.[^.]+$/, '')).sort();
    const { rows } = await client.query<{ name: string }>('SELECT name FROM pan_migrations ORDER BY name');
    expect(rows.map((r) => r.name)).toEqual(files);
    expect(await migrate(database.url)).toEqual([]);
  });

  it('still has node-pg-migrate check a record that differs (a migration missing before applied ones is refused)', async () => {
    const { rows: [first] } = await client.query<{ name: string; run_on: Date }>('SELECT name, run_on FROM pan_migrations ORDER BY name LIMIT 1');
    await client.query('DELETE FROM pan_migrations WHERE name = $1', [first!.name]);
    try {
      await expect(migrate(database.url)).rejects.toThrow(new RegExp(`Not run migration ${first!.name} is preceding already run migration`));
    } finally {
      await client.query('INSERT INTO pan_migrations (name, run_on) VALUES ($1, $2)', [first!.name, first!.run_on]);
    }
  });
});
