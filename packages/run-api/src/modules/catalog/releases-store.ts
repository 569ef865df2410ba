import { createHash } from 'node:crypto';
import type { PushedRelease } from '@pan/contract';
import { withTransaction, type Db } from '../../platform/db/pool.ts';

export interface NewRelease {
  accountId: string;
  integrationId: string;
  /** When unset, the next `rN`. */
  version?: string;
  pandiumYaml: string;
  spec: unknown;
  warnings: unknown[];
  archive: Buffer;
  makeDefault: boolean;
}

/** The upload's answer but its warnings (`created`: false when the same archive was already a release of this integration). */
export type StoredRelease = Omit<PushedRelease, 'warnings'>;

/** Stores a release (idempotent per archive content) and optionally makes it the default, in one transaction. */
export async function createRelease(db: Db, release: NewRelease): Promise<StoredRelease> {
  const sha = createHash('sha256').update(release.archive).digest('hex');
  return withTransaction(db, async (client) => {
    // Serialise pushes of one integration so `rN` numbering cannot race.
    await client.query('SELECT 1 FROM integrations WHERE id = $1 FOR UPDATE', [release.integrationId]);
    const existing = await client.query<{ id: string; version: string; created_at: string }>(
      'SELECT id, version, created_at FROM releases WHERE integration_id = $1 AND archive_sha256 = $2',
      [release.integrationId, sha],
    );
    let row = existing.rows[0];
    const created = !row;
    if (!row) {
      // The next `rN` after both the count and any `rN` already taken (an explicit `?version=r3` must not block it).
      const version = release.version
        ?? (
          await client.query<{ version: string }>(
            `SELECT 'r' || (greatest(count(*)::numeric, max(substring(version from '^r([0-9]+)$')::numeric)) + 1) AS version
               FROM releases WHERE integration_id = $1`,
            [release.integrationId],
          )
        ).rows[0]!.version;
      row = (
        await client.query<{ id: string; version: string; created_at: string }>(
          `INSERT INTO releases (account_id, integration_id, version, pandium_yaml, spec, warnings, archive, archive_sha256)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id, version, created_at`,
          [release.accountId, release.integrationId, version, release.pandiumYaml, JSON.stringify(release.spec),
            JSON.stringify(release.warnings), release.archive, sha],
        )
      ).rows[0]!;
    }
    const { rows } = await client.query<{ default_release_id: string }>(
      `UPDATE integrations SET default_release_id = CASE WHEN $2 OR default_release_id IS NULL THEN $3::uuid ELSE default_release_id END,
              updated_at = now()
        WHERE id = $1 RETURNING default_release_id`,
      [release.integrationId, release.makeDefault, row.id],
    );
    return { ...row, created, is_default: rows[0]!.default_release_id === row.id };
  });
}
