/**
 * Notification storage: the account's endpoint (URL, events, sealed secret), and the deliveries
 * with their attempts. Every account-facing query is scoped by the account id; the deliverer's
 * queries (claim, record) work across accounts, as the run queue does.
 */
import { randomBytes } from 'node:crypto';
import type { NotificationAttempt, NotificationDelivery, NotificationEndpoint } from '@pan/contract';
import type { SecretBox } from '../../platform/crypto/secret-box.ts';
import type { Db, Queryable } from '../../platform/db/pool.ts';
import { wakeDeliverersSql, type NotificationEvent } from './sql.ts';


/** A new Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
export function generateNotificationSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

interface EndpointRow {
  url: string;
  events: NotificationEvent[];
  created_at: Date;
  updated_at: Date;
}

const endpointView = (row: EndpointRow): NotificationEndpoint => ({
  url: row.url,
  events: row.events,
  created_date: row.created_at.toISOString(),
  modified_date: row.updated_at.toISOString(),
});

/**
 * Sets the account's URL and events. A new endpoint gets a new secret, returned this once as
 * `secret`; an existing one keeps its secret (rotate it with `rotateNotificationSecret`).
 */
export async function upsertNotificationEndpoint(
  db: Queryable,
  box: SecretBox,
  accountId: string,
  settings: { url: string; events: readonly NotificationEvent[] },
): Promise<{ endpoint: NotificationEndpoint; secret?: string }> {
  const secret = generateNotificationSecret();
  const { rows } = await db.query<EndpointRow & { created: boolean }>(
    `INSERT INTO notification_endpoints (account_id, url, events, secret_sealed) VALUES ($1, $2, $3, $4)
     ON CONFLICT (account_id) DO UPDATE SET url = EXCLUDED.url, events = EXCLUDED.events, updated_at = now()
     RETURNING url, events, created_at, updated_at, (xmax = 0) AS created`,
    [accountId, settings.url, settings.events, box.seal(secret)],
  );
  const row = rows[0]!;
  return { endpoint: endpointView(row), ...(row.created ? { secret } : {}) };
}

export async function readNotificationEndpoint(db: Queryable, accountId: string): Promise<NotificationEndpoint | null> {
  const { rows } = await db.query<EndpointRow>('SELECT url, events, created_at, updated_at FROM notification_endpoints WHERE account_id = $1', [
    accountId,
  ]);
  return rows[0] ? endpointView(rows[0]) : null;
}

/**
 * Turns notifications off: the endpoint (and its secret) go, and what was still waiting is marked
 * failed (it can be re-queued once a URL is set again). False when there was no endpoint.
 */
export async function deleteNotificationEndpoint(db: Queryable, accountId: string): Promise<boolean> {
  const { rows } = await db.query<{ deleted: number }>(
    `WITH deleted AS (DELETE FROM notification_endpoints WHERE account_id = $1 RETURNING account_id),
     abandoned AS (
       UPDATE notification_deliveries SET status = 'failed', last_error = 'Notifications were turned off', locked_by = NULL, locked_until = NULL
        WHERE account_id IN (SELECT account_id FROM deleted) AND status = 'pending'
     )
     SELECT count(*)::int AS deleted FROM deleted`,
    [accountId],
  );
  return rows[0]!.deleted === 1;
}

/**
 * A new secret, returned this once; null when there is no endpoint. With `previousValidSeconds`,
 * the old secret keeps signing beside the new one that long (receivers switch at their pace);
 * with 0 it stops at once (a leaked secret).
 */
export async function rotateNotificationSecret(db: Queryable, box: SecretBox, accountId: string, previousValidSeconds = 0): Promise<string | null> {
  const secret = generateNotificationSecret();
  const { rowCount } = await db.query(
    `UPDATE notification_endpoints
        SET previous_secret_sealed = CASE WHEN $3::int > 0 THEN secret_sealed END,
            previous_secret_expires_at = CASE WHEN $3::int > 0 THEN now() + make_interval(secs => $3::int) END,
            secret_sealed = $2, updated_at = now()
      WHERE account_id = $1`,
    [accountId, box.seal(secret), previousValidSeconds],
  );
  return rowCount ? secret : null;
}

// ---------------------------------------------------------------------------------------------
// The deliverer's side.

/** A delivery a deliverer holds (under a lease) for one attempt. */
export interface ClaimedDelivery {
  id: string;
  accountId: string;
  messageId: string;
  payload: { type: string; timestamp: string; data: Record<string, unknown> };
  /** This attempt's number (1 = the first ever). */
  attempt: number;
  /** This attempt's number within the current round of retries (what the backoff and the limit count). */
  roundAttempt: number;
  /** Null when the account turned notifications off meanwhile. */
  url: string | null;
  secretSealed: Buffer | null;
  /** A rotated-out secret that still signs (until its expiry), or null. */
  previousSecretSealed: Buffer | null;
}

/**
 * Claims up to `limit` due deliveries for one attempt each: counts the attempt, records its start
 * (an earlier attempt left unfinished by a crashed deliverer is marked interrupted), and leases
 * the row to `delivererId` for `leaseMs`. Rows another deliverer holds are skipped, not waited on.
 */
export async function claimDueDeliveries(db: Db, delivererId: string, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
  const { rows } = await db.query<{
    id: string;
    account_id: string;
    message_id: string;
    payload: ClaimedDelivery['payload'];
    attempts: number;
    round_start: number;
    url: string | null;
    secret_sealed: Buffer | null;
    previous_secret_sealed: Buffer | null;
  }>(
    `WITH due AS (
       SELECT id FROM notification_deliveries
        WHERE status = 'pending' AND next_attempt_at <= clock_timestamp()
          AND (locked_until IS NULL OR locked_until < clock_timestamp())
        ORDER BY next_attempt_at
        LIMIT $1
        FOR UPDATE SKIP LOCKED
     ), claimed AS (
       UPDATE notification_deliveries d
          SET attempts = d.attempts + 1, locked_by = $2, locked_until = clock_timestamp() + make_interval(secs => $3::float8 / 1000)
         FROM due WHERE d.id = due.id
       RETURNING d.id, d.account_id, d.message_id, d.payload, d.attempts, d.round_start
     ), interrupted AS (
       UPDATE notification_attempts a SET error = 'interrupted: no answer was recorded (the deliverer stopped or lost its database connection)'
         FROM claimed c WHERE a.delivery_id = c.id AND a.duration_ms IS NULL AND a.error IS NULL
     ), started AS (
       INSERT INTO notification_attempts (delivery_id, attempt, started_at) SELECT id, attempts, clock_timestamp() FROM claimed
     )
     SELECT c.*, ne.url, ne.secret_sealed,
            CASE WHEN ne.previous_secret_expires_at > clock_timestamp() THEN ne.previous_secret_sealed END AS previous_secret_sealed
       FROM claimed c LEFT JOIN notification_endpoints ne ON ne.account_id = c.account_id`,
    [limit, delivererId, leaseMs],
  );
  return rows.map((r) => ({
    id: r.id,
    accountId: r.account_id,
    messageId: r.message_id,
    payload: r.payload,
    attempt: r.attempts,
    roundAttempt: r.attempts - r.round_start,
    url: r.url,
    secretSealed: r.secret_sealed,
    previousSecretSealed: r.previous_secret_sealed,
  }));
}

/** How one attempt went. */
export interface AttemptOutcome {
  durationMs: number;
  /** The receiver's HTTP status; null when there was no answer. */
  responseStatus: number | null;
  /** Why the attempt failed (never a secret); null when it succeeded. */
  error: string | null;
  /** The start of the response body (<= 1 KiB). */
  responseBody: string | null;
  delivered: boolean;
}

/**
 * Records an attempt and what it means for the delivery: delivered, failed for good (`final`), or
 * pending again in `retryInMs` (kept with the attempt as `retry_delay_ms`). A failure is applied
 * only while this deliverer still holds that attempt's lease (otherwise another deliverer took
 * over); a success is applied in any case. Returns the delivery's status afterwards as this call
 * left it (null: not applied).
 */
export async function recordAttempt(
  db: Db,
  delivererId: string,
  claimed: Pick<ClaimedDelivery, 'id' | 'attempt'>,
  outcome: AttemptOutcome,
  next: { final: boolean; retryInMs: number },
): Promise<'pending' | 'delivered' | 'failed' | null> {
  const { rows } = await db.query<{ status: 'pending' | 'delivered' | 'failed' }>(
    `WITH delivery AS (
       UPDATE notification_deliveries SET
              status = CASE WHEN $7::boolean THEN 'delivered' WHEN $8::boolean THEN 'failed' ELSE 'pending' END,
              delivered_at = CASE WHEN $7::boolean THEN clock_timestamp() END,
              next_attempt_at = CASE WHEN $7::boolean OR $8::boolean THEN next_attempt_at
                                     ELSE clock_timestamp() + make_interval(secs => $9::float8 / 1000) END,
              last_status = $4, last_error = $5, locked_by = NULL, locked_until = NULL
        WHERE id = $1 AND status = 'pending' AND ($7::boolean OR (locked_by = $10 AND attempts = $2))
        RETURNING status
     ), attempt AS (
       UPDATE notification_attempts SET duration_ms = $3, response_status = $4, error = $5, response_body = $6,
              retry_delay_ms = CASE WHEN (SELECT status FROM delivery) = 'pending' THEN round($9::float8)::integer END
        WHERE delivery_id = $1 AND attempt = $2
     )
     SELECT status FROM delivery`,
    [
      claimed.id,
      claimed.attempt,
      outcome.durationMs,
      outcome.responseStatus,
      outcome.error,
      outcome.responseBody,
      outcome.delivered,
      next.final,
      next.retryInMs,
      delivererId,
    ],
  );
  return rows[0]?.status ?? null;
}

// ---------------------------------------------------------------------------------------------
// The account's delivery log.

export type NotificationAttemptView = NotificationAttempt;
export type NotificationDeliveryView = NotificationDelivery;

interface DeliveryRow {
  id: string;
  event_type: NotificationEvent;
  status: 'pending' | 'delivered' | 'failed';
  message_id: string;
  payload: Record<string, unknown>;
  attempts: number;
  next_attempt_at: Date;
  created_at: Date;
  delivered_at: Date | null;
  last_status: number | null;
  last_error: string | null;
}

/** Sortable fields of the list, mapped to their columns (see `readPaging`). */
export const DELIVERY_SORT_FIELDS = { created_date: 'd.created_at', next_attempt_date: 'd.next_attempt_at' };

const DELIVERY_SELECT = `SELECT d.id, d.event_type, d.status, d.message_id, d.payload, d.attempts, d.next_attempt_at,
                                d.created_at, d.delivered_at, d.last_status, d.last_error
                           FROM notification_deliveries d WHERE d.account_id = $1`;

/** The account's deliveries, each with its attempts. `orderBy` comes from `readPaging` (an allow-listed column). */
export async function listDeliveries(
  db: Queryable,
  accountId: string,
  query: { status?: string; type?: string; orderBy: string; limit: number; skip: number },
): Promise<NotificationDeliveryView[]> {
  const { rows } = await db.query<DeliveryRow>(
    `${DELIVERY_SELECT}
        AND ($2::text IS NULL OR d.status = $2) AND ($3::text IS NULL OR d.event_type = $3)
      ORDER BY ${query.orderBy}, d.id LIMIT $4 OFFSET $5`,
    [accountId, query.status ?? null, query.type ?? null, query.limit, query.skip],
  );
  return withAttempts(db, rows);
}

export async function readDelivery(db: Queryable, accountId: string, id: string): Promise<NotificationDeliveryView | null> {
  const { rows } = await db.query<DeliveryRow>(`${DELIVERY_SELECT} AND d.id = $2`, [accountId, id]);
  return rows[0] ? (await withAttempts(db, rows))[0]! : null;
}

async function withAttempts(db: Queryable, rows: DeliveryRow[]): Promise<NotificationDeliveryView[]> {
  if (rows.length === 0) return [];
  const { rows: attempts } = await db.query<{
    delivery_id: string;
    attempt: number;
    started_at: Date;
    duration_ms: number | null;
    response_status: number | null;
    error: string | null;
    response_body: string | null;
  }>(
    `SELECT delivery_id, attempt, started_at, duration_ms, response_status, error, response_body
       FROM notification_attempts WHERE delivery_id = ANY ($1::uuid[]) ORDER BY delivery_id, attempt`,
    [rows.map((r) => r.id)],
  );
  const byDelivery = new Map<string, NotificationAttemptView[]>();
  for (const a of attempts) {
    const list = byDelivery.get(a.delivery_id) ?? [];
    list.push({
      attempt: a.attempt,
      started_date: a.started_at.toISOString(),
      duration_ms: a.duration_ms,
      response_status: a.response_status,
      error: a.error,
      response_body: a.response_body,
    });
    byDelivery.set(a.delivery_id, list);
  }
  return rows.map((r) => ({
    id: r.id,
    type: r.event_type,
    status: r.status,
    webhook_id: r.message_id,
    payload: r.payload,
    attempt_count: r.attempts,
    next_attempt_date: r.status === 'pending' ? r.next_attempt_at.toISOString() : null,
    created_date: r.created_at.toISOString(),
    delivered_date: r.delivered_at?.toISOString() ?? null,
    last_status: r.last_status,
    last_error: r.last_error,
    attempts: byDelivery.get(r.id) ?? [],
  }));
}

export type RetryResult = 'queued' | 'not-found' | 'not-failed' | 'not-configured';

/**
 * Re-queues a failed delivery of this account for a new round of attempts (same webhook-id), and
 * wakes the deliverers.
 */
export async function retryDelivery(db: Queryable, accountId: string, id: string): Promise<RetryResult> {
  const { rows } = await db.query<{ status: string | null; configured: boolean; queued: number }>(
    `WITH requeued AS (
       UPDATE notification_deliveries SET status = 'pending', round_start = attempts, next_attempt_at = clock_timestamp(),
              locked_by = NULL, locked_until = NULL
        WHERE id = $2 AND account_id = $1 AND status = 'failed'
          AND EXISTS (SELECT 1 FROM notification_endpoints WHERE account_id = $1)
        RETURNING id
     )
     SELECT (SELECT status FROM notification_deliveries WHERE id = $2 AND account_id = $1) AS status,
            EXISTS (SELECT 1 FROM notification_endpoints WHERE account_id = $1) AS configured,
            ${wakeDeliverersSql('requeued')} AS queued`,
    [accountId, id],
  );
  const row = rows[0]!;
  if (row.queued > 0) return 'queued';
  if (row.status === null) return 'not-found';
  if (row.status !== 'failed') return 'not-failed';
  return row.configured ? 'not-failed' : 'not-configured';
}

// ---- Retention (runs/retention.ts): one small batch per statement --------------------------------

/** Up to `limit` of an account's finished (delivered or failed) deliveries created more than `days` days ago. */
export async function selectExpiredDeliveries(q: Queryable, accountId: string, days: number, limit: number): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    `SELECT id FROM notification_deliveries
      WHERE account_id = $1 AND status <> 'pending' AND created_at < now() - $2 * interval '1 day'
      ORDER BY created_at LIMIT $3`,
    [accountId, days, limit],
  );
  return rows.map((row) => row.id);
}

/** Deletes at most `limit` attempts of these deliveries; how many. */
export async function deleteDeliveryAttempts(q: Queryable, deliveryIds: readonly string[], limit: number): Promise<number> {
  const { rowCount } = await q.query(
    'DELETE FROM notification_attempts WHERE ctid = ANY(ARRAY(SELECT ctid FROM notification_attempts WHERE delivery_id = ANY($1::uuid[]) LIMIT $2))',
    [deliveryIds, limit],
  );
  return rowCount ?? 0;
}

/** Deletes these deliveries unless one went back to pending meanwhile (re-queued by hand); how many. */
export async function deleteFinishedDeliveries(q: Queryable, deliveryIds: readonly string[]): Promise<number> {
  const { rowCount } = await q.query(
    `DELETE FROM notification_deliveries WHERE id = ANY($1::uuid[]) AND status <> 'pending'`,
    [deliveryIds],
  );
  return rowCount ?? 0;
}
