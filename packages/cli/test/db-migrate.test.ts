import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ensureDatabase } from '@pan/run-api';
import { pan } from './pan-process.ts';

/** `pan db migrate`: the migrations alone, from the compiled CLI, on DATABASE_URL or the embedded PostgreSQL. */

const migrationNames = readdirSync(fileURLToPath(new URL('../../run-api/migrations', import.meta.url)))
  .filter((file) => file.endsWith('.sql'))
  .map((file) => file.replace(/\.sql$/, ''))
  .sort();
const cleanups: (() => Promise<void> | void)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function appliedMigrations(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>('SELECT name FROM pan_migrations ORDER BY name');
    return rows.map((row) => row.name);
  } finally {
    await client.end();
  }
}

describe('pan db migrate', () => {
  it('with DATABASE_URL: applies every migration to an empty database, then finds it up to date', async () => {
    const clusterUrl = inject('pgClusterUrl');
    const name = `pan_migrate_${randomBytes(6).toString('hex')}`;
    const url = await ensureDatabase(clusterUrl, name, { user: name, password: randomBytes(24).toString('base64url') });
    cleanups.push(async () => {
      const client = new pg.Client({ connectionString: clusterUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.query(`DROP ROLE IF EXISTS "${name}"`);
      await client.end();
    });

    const first = await pan({ DATABASE_URL: url }, 'db', 'migrate');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`Applied ${migrationNames.length} migrations to DATABASE_URL:`);
    expect(await appliedMigrations(url)).toEqual(migrationNames);

    const again = await pan({ DATABASE_URL: url }, 'db', 'migrate');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout.trim()).toBe('The schema of DATABASE_URL is up to date');
  }, 60_000);

  it('without DATABASE_URL: migrates the embedded PostgreSQL of --data-dir, and stops it', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'pan-db-migrate-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));

    const run = await pan({ DATABASE_URL: '' }, 'db', 'migrate', '--data-dir', dataDir);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Applied ${migrationNames.length} migrations to the embedded cluster of ${dataDir}:`);
    expect(run.stdout).toContain(`  ${migrationNames.at(-1)}`);
    // The cluster was started for the command only.
    expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);

    const again = await pan({ DATABASE_URL: '' }, 'db', 'migrate', '--data-dir', dataDir);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`The schema of the embedded cluster of ${dataDir} is up to date`);
  }, 120_000);

  it('an unreachable database: exit 3, one line that does not show the password', async () => {
    const run = await pan({ DATABASE_URL: 'postgres://pan:hunter2-secret@127.0.0.1:1/pan' }, 'db', 'migrate');
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^pan db migrate: cannot migrate the database: .*ECONNREFUSED/);
    expect(run.stderr).not.toContain('hunter2-secret');
  });
});
