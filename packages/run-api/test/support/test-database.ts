import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ensureDatabase, startEmbeddedDatabase, type EmbeddedDatabase } from '../../src/platform/db/embedded.ts';
import { migrate } from '../../src/platform/db/migrate.ts';

/** A throwaway embedded PostgreSQL cluster in a temp directory, deleted on stop. */
export async function startThrowawayCluster(): Promise<EmbeddedDatabase> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pan-test-pg-'));
  const cluster = await startEmbeddedDatabase({ dir, persistent: false });
  return {
    ...cluster,
    async stop() {
      await cluster.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A fresh, migrated database on `clusterUrl` (a superuser's), owned by a role of its own that is
 * not a superuser, as the server's is; `url` connects as that role. `drop()` removes both.
 */
export async function createTestDatabase(clusterUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `pan_test_${randomBytes(6).toString('hex')}`;
  const url = await ensureDatabase(clusterUrl, name, { user: name, password: randomBytes(24).toString('base64url') });
  await migrate(url);
  return {
    url,
    async drop() {
      const client = new pg.Client({ connectionString: clusterUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await client.query(`DROP ROLE IF EXISTS "${name}"`);
      } finally {
        await client.end();
      }
    },
  };
}
