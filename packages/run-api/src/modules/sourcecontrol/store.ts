/**
 * The sourcecontrol module's SQL: `source_webhooks` (an integration's push-event URL token and
 * sealed secret) is written here only; the repository fields are read from `integrations`.
 */
import type { Queryable } from '../../platform/db/pool.ts';

/** Creates or replaces the integration's push webhook; false when the integration is not the account's. */
export async function upsertSourceWebhook(q: Queryable, accountId: string, integrationId: string, token: string, secretSealed: Buffer): Promise<boolean> {
  const { rowCount } = await q.query(
    `INSERT INTO source_webhooks (integration_id, account_id, token, secret_sealed)
     SELECT id, account_id, $3, $4 FROM integrations WHERE id = $2 AND account_id = $1
     ON CONFLICT (integration_id) DO UPDATE SET token = EXCLUDED.token, secret_sealed = EXCLUDED.secret_sealed, created_at = now()`,
    [accountId, integrationId, token, secretSealed],
  );
  return rowCount === 1;
}

export interface SourceWebhookTarget {
  account_id: string;
  integration_id: string;
  secret_sealed: Buffer;
  repository_url: string | null;
  repository_path: string | null;
  repository_tracking_branch: string | null;
}

/** The integration a push webhook token belongs to, with its repository (archived ones: none). */
export async function readSourceWebhook(q: Queryable, token: string): Promise<SourceWebhookTarget | null> {
  const { rows } = await q.query<SourceWebhookTarget>(
    `SELECT w.account_id, w.integration_id, w.secret_sealed, i.repository_url, i.repository_path, i.repository_tracking_branch
       FROM source_webhooks w JOIN integrations i ON i.id = w.integration_id
      WHERE w.token = $1 AND i.archived_at IS NULL`,
    [token],
  );
  return rows[0] ?? null;
}
