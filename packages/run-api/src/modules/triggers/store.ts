/**
 * The triggers module's SQL: `triggers` and `webhook_receipts` are written here only, whatever the
 * intake (webhook, host API, app event, schedule, Run now) or the claim that bundles them into a run.
 */
import type pg from 'pg';
import type { RunMode, RunStatus, TriggerSource, TriggerStatus } from '@pan/contract';
import type { Queryable } from '../../platform/db/pool.ts';
import { tenantReleaseIdSql } from '../catalog/sql.ts';


/** The channel workers LISTEN on: a trigger is waiting, or a run ended (its tenant may have more). */
export const TRIGGERS_CHANNEL = 'pan_triggers';

export interface NewTrigger {
  accountId: string;
  tenantId: string;
  source: TriggerSource;
  mode: RunMode;
  event?: string;
  payload?: { body: Buffer; headers: Record<string, string> };
}

/**
 * Every trigger row is written by this one statement: `rows` is a SELECT (or VALUES) that yields
 * account_id, tenant_id, source, mode, event, payload and payload_headers, in that order (`created_at` is the
 * default, `clock_timestamp()`). Intake paths differ only in where the rows come
 * from (a single trigger, the open tenant of a webhook token, an event's listeners, a due schedule).
 * With `notify`, the workers' NOTIFY goes out with the commit.
 */
function insertTriggersSql(rows: string, { notify }: { notify: boolean }): string {
  return `WITH t AS (
       INSERT INTO triggers (account_id, tenant_id, source, mode, event, payload, payload_headers)
       ${rows}
       RETURNING id, tenant_id
     )
     SELECT id, tenant_id${notify ? `, pg_notify('${TRIGGERS_CHANNEL}', '')` : ''} FROM t`;
}

/**
 * Stores a trigger. When this resolves outside a transaction, the row (and its payload) is
 * committed: only then may the caller answer 202. With `notify` (the default) the workers' NOTIFY
 * goes with the commit; busy intake paths pass `notify: false` and call `wakeWorkers` instead.
 */
export async function insertTrigger(q: Queryable, trigger: NewTrigger, { notify = true }: { notify?: boolean } = {}): Promise<string> {
  const { rows } = await q.query<{ id: string }>(
    insertTriggersSql(`VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6::bytea, $7::jsonb)`, { notify }),
    [
      trigger.accountId,
      trigger.tenantId,
      trigger.source,
      trigger.mode,
      trigger.event ?? null,
      trigger.payload?.body ?? null,
      trigger.payload ? JSON.stringify(trigger.payload.headers) : null,
    ],
  );
  return rows[0]!.id;
}

/** A new tenant's first init run (its release has dynamic selectors), queued in the install's transaction. */
export async function queueInitRun(q: Queryable, tenant: { accountId: string; tenantId: string }): Promise<string> {
  return insertTrigger(q, { accountId: tenant.accountId, tenantId: tenant.tenantId, source: 'manual', mode: 'init' });
}

/**
 * The common webhook case in one statement: a trigger for the active, unpaused, unsigned tenant
 * of `token` whose release checks no bodies. Null when that tenant does not exist (then the
 * caller finds out why, on the slow path).
 */
export async function insertWebhookTriggerIfOpen(q: Queryable, token: string, body: Buffer, headers: Record<string, string>): Promise<string | null> {
  const { rows } = await q.query<{ id: string }>({
    // Named: prepared once per connection, so the busiest statement is not planned per request.
    name: 'pan-webhook-intake',
    text: insertTriggersSql(
      `SELECT t.account_id, t.id, 'webhook', 'webhook', NULL, $2::bytea, $3::jsonb FROM tenants t
        WHERE t.webhook_token = $1 AND t.archived_at IS NULL AND NOT t.paused AND t.webhook_secret_sealed IS NULL
          AND NOT EXISTS (SELECT 1 FROM releases r WHERE r.id = ${tenantReleaseIdSql('t')} AND r.has_webhook_schema)`,
      { notify: false },
    ),
    values: [token, body, JSON.stringify(headers)],
  });
  return rows[0]?.id ?? null;
}

/** The tenant a webhook token addresses, with what the intake checks (null: no active tenant). */
export async function readWebhookTenant(q: Queryable, token: string) {
  const { rows } = await q.query<{
    id: string;
    account_id: string;
    paused: boolean;
    webhook_secret_sealed: Buffer | null;
    release_id: string | null;
    schema: Record<string, unknown> | null;
  }>(
    `SELECT t.id, t.account_id, t.paused, t.webhook_secret_sealed, r.id AS release_id,
            CASE WHEN jsonb_typeof(r.spec->'webhook'->'schema') = 'object' THEN r.spec->'webhook'->'schema' END AS schema
       FROM tenants t LEFT JOIN releases r ON r.id = ${tenantReleaseIdSql('t')}
      WHERE t.webhook_token = $1 AND t.archived_at IS NULL`,
    [token],
  );
  return rows[0] ?? null;
}

/** Records a signed webhook's id for its tenant; false when that id was already received (a replay). */
export async function recordWebhookReceipt(q: Queryable, tenantId: string, webhookId: string): Promise<boolean> {
  const fresh = await q.query('INSERT INTO webhook_receipts (tenant_id, webhook_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [tenantId, webhookId]);
  return fresh.rowCount !== 0;
}

/**
 * One `api` trigger (mode normal) carrying `event` and `body` for every active, unpaused tenant of
 * this user whose release lists the event under `events:`. One statement: all or none.
 */
export async function insertEventTriggers(
  q: Queryable,
  accountId: string,
  user: string,
  event: string,
  body: Buffer,
  headers: Record<string, string>,
): Promise<{ tenant_id: string; trigger_id: string }[]> {
  const { rows } = await q.query<{ tenant_id: string; id: string }>(
    insertTriggersSql(
      `SELECT t.account_id, t.id, 'api', 'normal', $3, $4::bytea, $5::jsonb
         FROM tenants t JOIN releases r ON r.id = ${tenantReleaseIdSql('t')}
        WHERE t.account_id = $1 AND t.user_sub = $2 AND t.archived_at IS NULL AND NOT t.paused
          AND jsonb_typeof(r.spec->'events') = 'array' AND r.spec->'events' ? $3`,
      { notify: false },
    ),
    [accountId, user, event, body, JSON.stringify(headers)],
  );
  return rows.map((r) => ({ tenant_id: r.tenant_id, trigger_id: r.id }));
}

/** Wakes the workers (with the commit, inside a transaction). */
export async function notifyWorkers(q: Queryable): Promise<void> {
  await q.query(`SELECT pg_notify('${TRIGGERS_CHANNEL}', '')`);
}

const WAKE_GAP_MS = 5;
const wakers = new WeakMap<object, { inFlight: boolean; again: boolean }>();

/**
 * Tells the workers that triggers are waiting, coalesced: while one NOTIFY is on its way, any
 * number of calls make one more. A transaction that NOTIFYs takes a database-wide lock at commit,
 * which serialises commits; one NOTIFY per burst keeps intake commits in parallel. The trigger
 * rows are already committed: if a NOTIFY is lost, the workers' poll finds them.
 */
export function wakeWorkers(db: Pick<pg.Pool, 'query'>): void {
  let state = wakers.get(db);
  if (!state) {
    state = { inFlight: false, again: false };
    wakers.set(db, state);
  }
  if (state.inFlight) {
    state.again = true;
    return;
  }
  state.inFlight = true;
  const current = state;
  const send = (): void => {
    current.again = false;
    const next = () => {
      // Under a burst, at most one NOTIFY per WAKE_GAP_MS: each holds a pool connection.
      if (current.again) setTimeout(send, WAKE_GAP_MS);
      else current.inFlight = false;
    };
    notifyWorkers(db).then(next, next);
  };
  send();
}

/** A trigger's state for its account (and, when given, its end user); null if it is not theirs. */
export async function readTriggerStatus(
  q: Queryable,
  scope: { accountId: string; sub?: string },
  triggerId: string,
): Promise<TriggerStatus | null> {
  const { rows } = await q.query<{ id: string; run_id: string | null; status: RunStatus | null }>(
    `SELECT tr.id, tr.run_id, r.status
       FROM triggers tr
       JOIN tenants t ON t.id = tr.tenant_id
       LEFT JOIN runs r ON r.id = tr.run_id
      WHERE tr.id = $1 AND tr.account_id = $2 AND ($3::text IS NULL OR t.user_sub = $3)`,
    [triggerId, scope.accountId, scope.sub ?? null],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    trigger_id: row.id,
    state: !row.run_id ? 'pending' : row.status === 'Running' ? 'running' : 'finished',
    run_id: row.run_id,
    run_status: row.status,
  };
}

// ---- Claims: the run a trigger goes into -----------------------------------------------------------

export interface WaitingTriggerRow {
  id: string;
  source: TriggerSource;
  mode: RunMode;
  event: string | null;
  payload: Buffer | null;
  payload_headers: Record<string, string> | null;
  created_at: Date;
}

/** A tenant's waiting triggers of one queue, oldest first, locked for the claiming transaction. */
export async function lockWaitingTriggers(client: pg.PoolClient, tenantId: string, queue: 'cron' | 'other'): Promise<WaitingTriggerRow[]> {
  const { rows } = await client.query<WaitingTriggerRow>(
    `SELECT id, source, mode, event, payload, payload_headers, created_at
       FROM triggers WHERE tenant_id = $1 AND queue = $2 AND run_id IS NULL
      ORDER BY created_at, id FOR UPDATE`,
    [tenantId, queue],
  );
  return rows;
}

export async function attachTriggersToRun(client: pg.PoolClient, runId: string, triggerIds: readonly string[]): Promise<void> {
  await client.query('UPDATE triggers SET run_id = $1 WHERE id = ANY($2::uuid[])', [runId, triggerIds]);
}

/** Gives the triggers of lost runs back to the queue: they run again. */
export async function returnTriggersOfRuns(client: pg.PoolClient, runIds: readonly string[]): Promise<void> {
  await client.query('UPDATE triggers SET run_id = NULL WHERE run_id = ANY($1::uuid[])', [runIds]);
}
