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

// ---- Builds (release_builds): queued by the API and push events, built by the worker role ----------

/** Build workers LISTEN here: a build was queued. */
export const BUILDS_CHANNEL = 'pan_builds';

export interface NewBuild {
  accountId: string;
  integrationId: string;
  /** The tag or branch to fetch. */
  ref: string;
  /** The release's name; null: `<branch>-<commit12>` (a push). */
  version: string | null;
  branchPush: boolean;
  makeDefault: boolean;
}

/** Queues a build and wakes the build workers, in one statement. */
export async function queueBuild(q: Queryable, build: NewBuild): Promise<{ id: string; created_at: string }> {
  const { rows } = await q.query<{ id: string; created_at: string }>(
    `WITH b AS (
       INSERT INTO release_builds (account_id, integration_id, ref, version, branch_push, make_default)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, created_at)
     SELECT b.id, b.created_at, pg_notify('${BUILDS_CHANNEL}', '') FROM b`,
    [build.accountId, build.integrationId, build.ref, build.version, build.branchPush, build.makeDefault],
  );
  return rows[0]!;
}

export interface ClaimedBuild {
  id: string;
  account_id: string;
  integration_id: string;
  ref: string;
  version: string | null;
  branch_push: boolean;
  make_default: boolean;
  attempts: number;
}

/**
 * Claims the oldest queued build, or a running one whose lease ran out (its process died), under a
 * lease for `workerId`. Builds claimed `maxAttempts` times already fail instead (one that kills
 * its process every time must not loop forever).
 */
export async function claimBuild(q: Queryable, workerId: string, leaseMs: number, maxAttempts: number): Promise<ClaimedBuild | null> {
  await q.query(
    `UPDATE release_builds SET state = 'failed', finished_at = clock_timestamp(), worker_id = NULL, lease_expires_at = NULL,
            error = jsonb_build_object('message', 'The build stopped ' || attempts || ' times without finishing (its process ended)')
      WHERE state = 'running' AND lease_expires_at < clock_timestamp() AND attempts >= $1`,
    [maxAttempts],
  );
  const { rows } = await q.query<ClaimedBuild>(
    `UPDATE release_builds SET state = 'running', worker_id = $1, attempts = attempts + 1,
            lease_expires_at = clock_timestamp() + make_interval(secs => $2::float8 / 1000),
            started_at = coalesce(started_at, clock_timestamp())
      WHERE id = (SELECT id FROM release_builds
                   WHERE state = 'queued' OR (state = 'running' AND lease_expires_at < clock_timestamp())
                   ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING id, account_id, integration_id, ref, version, branch_push, make_default, attempts`,
    [workerId, leaseMs],
  );
  return rows[0] ?? null;
}

/** Extends the lease of a build this worker holds; false when it is no longer this worker's. */
export async function renewBuildLease(q: Queryable, id: string, workerId: string, leaseMs: number): Promise<boolean> {
  const { rowCount } = await q.query(
    `UPDATE release_builds SET lease_expires_at = clock_timestamp() + make_interval(secs => $3::float8 / 1000)
      WHERE id = $1 AND worker_id = $2 AND state = 'running'`,
    [id, workerId, leaseMs],
  );
  return rowCount === 1;
}

export type BuildOutcome =
  | { ok: true; releaseId: string; created: boolean; commit: string; warnings: string[] }
  | { ok: false; error: { code?: string; message: string; errors?: unknown } };

/** Gives back a build this worker stopped (the server is stopping): queued again at once, the claim not counted. */
export async function handBackBuild(q: Queryable, id: string, workerId: string): Promise<void> {
  await q.query(
    `WITH b AS (
       UPDATE release_builds SET state = 'queued', worker_id = NULL, lease_expires_at = NULL, attempts = greatest(attempts - 1, 0)
        WHERE id = $1 AND worker_id = $2 AND state = 'running' RETURNING id)
     SELECT pg_notify('${BUILDS_CHANNEL}', '') FROM b`,
    [id, workerId],
  );
}

/** Records how a build this worker holds ended. */
export async function finishBuild(q: Queryable, id: string, workerId: string, outcome: BuildOutcome): Promise<void> {
  await q.query(
    `UPDATE release_builds SET state = $3, release_id = $4, release_created = $5, commit = $6, error = $7, warnings = $8,
            finished_at = clock_timestamp(), worker_id = NULL, lease_expires_at = NULL
      WHERE id = $1 AND worker_id = $2 AND state = 'running'`,
    outcome.ok
      ? [id, workerId, 'succeeded', outcome.releaseId, outcome.created, outcome.commit, null, JSON.stringify(outcome.warnings)]
      : [id, workerId, 'failed', null, null, null, JSON.stringify(outcome.error), null],
  );
}

/** A build as `GET /v2/sourcecontrol/builds/:id` answers it (contract: sourceBuildSchema); null when not this account's. */
export async function readBuild(q: Queryable, accountId: string, id: string) {
  const { rows } = await q.query(
    `SELECT b.id, b.state, to_json(i.num_id) AS integration_id, b.ref, b.commit, b.attempts, b.error,
            CASE WHEN r.id IS NULL THEN NULL ELSE json_build_object(
              'id', r.num_id, 'uuid', r.id, 'version', r.version, 'created', b.release_created,
              'is_default', r.id = i.default_release_id, 'warnings', coalesce(b.warnings, '[]'::jsonb)) END AS release,
            b.created_at AS created_date, b.started_at AS started_date, b.finished_at AS finished_date
       FROM release_builds b JOIN integrations i ON i.id = b.integration_id
       LEFT JOIN releases r ON r.id = b.release_id
      WHERE b.account_id = $1 AND b.id = $2`,
    [accountId, id],
  );
  return rows[0] ?? null;
}

// ---- A private repository's credentials (source_credentials) ---------------------------------------

/** Creates or replaces the integration's git credentials; null when the integration is not the account's. */
export async function upsertSourceCredential(
  q: Queryable,
  accountId: string,
  integrationId: string,
  username: string,
  secretSealed: Buffer,
): Promise<{ username: string; created_date: string } | null> {
  const { rows } = await q.query<{ username: string; created_date: string }>(
    `INSERT INTO source_credentials (integration_id, account_id, username, secret_sealed)
     SELECT id, account_id, $3, $4 FROM integrations WHERE id = $2 AND account_id = $1
     ON CONFLICT (integration_id) DO UPDATE SET username = EXCLUDED.username, secret_sealed = EXCLUDED.secret_sealed, created_at = now()
     RETURNING username, created_at AS created_date`,
    [accountId, integrationId, username, secretSealed],
  );
  return rows[0] ?? null;
}

/** What may be said of the credentials: the user name and when they were set, never the secret. */
export async function readSourceCredentialInfo(q: Queryable, accountId: string, integrationId: string): Promise<{ username: string; created_date: string } | null> {
  const { rows } = await q.query<{ username: string; created_date: string }>(
    'SELECT username, created_at AS created_date FROM source_credentials WHERE account_id = $1 AND integration_id = $2',
    [accountId, integrationId],
  );
  return rows[0] ?? null;
}

/** The sealed credentials a build opens. */
export async function readSourceCredential(q: Queryable, accountId: string, integrationId: string): Promise<{ username: string; secret_sealed: Buffer } | null> {
  const { rows } = await q.query<{ username: string; secret_sealed: Buffer }>(
    'SELECT username, secret_sealed FROM source_credentials WHERE account_id = $1 AND integration_id = $2',
    [accountId, integrationId],
  );
  return rows[0] ?? null;
}

export async function deleteSourceCredential(q: Queryable, accountId: string, integrationId: string): Promise<boolean> {
  const { rowCount } = await q.query('DELETE FROM source_credentials WHERE account_id = $1 AND integration_id = $2', [accountId, integrationId]);
  return rowCount === 1;
}
