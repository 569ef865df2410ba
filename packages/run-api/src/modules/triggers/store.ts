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

/** What a trigger row holds in payload bytes (body and headers): what the pending-bytes cap counts. */
const payloadBytesSql = (row: string) => `coalesce(octet_length(${row}.payload), 0) + coalesce(octet_length(${row}.payload_headers::text), 0)`;

/** A cap of 0 (none) as the statements take it: a bound never reached. */
const capValue = (cap: number) => (cap > 0 ? cap : Number.MAX_SAFE_INTEGER);

/**
 * Every trigger row is written by this one statement (and the leaner forms of it of the webhook fast
 * path, `insertWebhookTriggersIfOpen`, and of the scheduler, `insertCronTriggersSql`): `rows` is a SELECT (or VALUES) that yields
 * account_id, tenant_id, source, mode, event, payload, payload_headers and scheduled_for, in that order (`created_at` is the
 * default, `clock_timestamp()`). Intake paths differ only in where the rows come
 * from (a single trigger, the open tenant of a webhook token, an event's listeners, a due schedule).
 * With `notify`, the workers' NOTIFY goes out with the commit. `replayOf` (a uuid parameter) is
 * the failed run the rows replay, when they do.
 *
 * Rows with a payload also add their bytes to their tenant's `trigger_backlogs` row, only while
 * that stays within the cap `capParam` (a bigint parameter): the upsert locks the tenant's row, so
 * concurrent intakes for one tenant check and add one after the other and the cap holds exactly.
 * A tenant over the cap gets no trigger and one answer row with a NULL id.
 *
 * Lock order: the tenant's row first (FOR KEY SHARE, which the triggers' foreign key takes anyway),
 * then its backlog row, tenants in id order; a claim locks the tenant FOR UPDATE before it takes
 * the backlog row, so the two wait for each other in one order and never deadlock.
 */
function insertTriggersSql(rows: string, { notify, capParam, replayOf = 'NULL::uuid' }: { notify: boolean; capParam: string; replayOf?: string }): string {
  return `WITH r (account_id, tenant_id, source, mode, event, payload, payload_headers, scheduled_for) AS (${rows}),
     sized AS (SELECT r.*, ${payloadBytesSql('r')} AS bytes FROM r JOIN tenants k ON k.id = r.tenant_id FOR KEY SHARE OF k),
     counted AS (
       INSERT INTO trigger_backlogs AS b (tenant_id, pending_bytes)
       SELECT tenant_id, sum(bytes) FROM sized WHERE bytes > 0 GROUP BY tenant_id HAVING sum(bytes) <= ${capParam} ORDER BY tenant_id
       ON CONFLICT (tenant_id) DO UPDATE SET pending_bytes = b.pending_bytes + excluded.pending_bytes
        WHERE b.pending_bytes + excluded.pending_bytes <= ${capParam}
       RETURNING tenant_id
     ),
     t AS (
       INSERT INTO triggers (account_id, tenant_id, source, mode, event, payload, payload_headers, scheduled_for, replay_of)
       SELECT account_id, tenant_id, source, mode, event, payload, payload_headers, scheduled_for, ${replayOf} FROM sized
        WHERE bytes = 0 OR tenant_id IN (SELECT tenant_id FROM counted)
       RETURNING id, tenant_id
     )
     SELECT id, tenant_id FROM t${notify ? `, LATERAL (SELECT pg_notify('${TRIGGERS_CHANNEL}', '')) n` : ''}
     UNION ALL
     SELECT DISTINCT NULL::uuid, tenant_id FROM sized WHERE bytes > 0 AND tenant_id NOT IN (SELECT tenant_id FROM counted)`;
}

/**
 * Stores a trigger; null when it carries a payload and its tenant's pending payload bytes would go
 * over `pendingCap` (0: no cap). When this resolves outside a transaction, the row (and its payload) is
 * committed: only then may the caller answer 202. With `notify` (the default) the workers' NOTIFY
 * goes with the commit; busy intake paths pass `notify: false` and call `wakeWorkers` instead.
 */
export async function insertTrigger(q: Queryable, trigger: NewTrigger, options?: { notify?: boolean }): Promise<string>;
export async function insertTrigger(q: Queryable, trigger: NewTrigger, options: { notify?: boolean; pendingCap: number }): Promise<string | null>;
export async function insertTrigger(
  q: Queryable,
  trigger: NewTrigger,
  { notify = true, pendingCap = 0 }: { notify?: boolean; pendingCap?: number } = {},
): Promise<string | null> {
  const { rows } = await q.query<{ id: string | null }>(
    insertTriggersSql(`VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6::bytea, $7::jsonb, NULL::timestamptz)`, { notify, capParam: '$8::bigint' }),
    [
      trigger.accountId,
      trigger.tenantId,
      trigger.source,
      trigger.mode,
      trigger.event ?? null,
      trigger.payload?.body ?? null,
      trigger.payload ? JSON.stringify(trigger.payload.headers) : null,
      capValue(pendingCap),
    ],
  );
  return rows[0]!.id;
}

/**
 * The scheduler's lean form of `insertTriggersSql` (cron triggers carry no payload, so no backlog
 * bytes to count): a statement fragment inserting one `cron` trigger for each row of `fires`
 * (account_id, tenant_id, fired) whose `fired`, the fire time it stands for, is not null.
 * The scheduler holds the tenants' rows (FOR KEY SHARE) already.
 */
export function insertCronTriggersSql(fires: string): string {
  return `INSERT INTO triggers (account_id, tenant_id, source, mode, scheduled_for)
          SELECT account_id, tenant_id, 'cron', 'normal', fired FROM ${fires} WHERE fired IS NOT NULL
          RETURNING tenant_id`;
}

/** A new tenant's first init run (its release has dynamic selectors), queued in the install's transaction. */
export async function queueInitRun(q: Queryable, tenant: { accountId: string; tenantId: string }): Promise<string> {
  return insertTrigger(q, { accountId: tenant.accountId, tenantId: tenant.tenantId, source: 'manual', mode: 'init' });
}

/** One webhook for `insertWebhookTriggersIfOpen`: its token, body and headers (`payload.headers`). */
export interface WebhookIntake {
  token: string;
  body: Buffer;
  headers: Record<string, string>;
}

/**
 * The common webhook case, for many webhooks in one statement (one commit): a trigger for each
 * webhook whose token addresses an active, unpaused, unsigned tenant whose release checks no
 * bodies, counted into that tenant's backlog row if it exists and the tenant's webhooks of this
 * statement, together, keep it within `pendingCap`. The answer, in the order of `intakes`, is each
 * one's trigger id, or null: no such tenant, no backlog row yet, or a full backlog (the caller finds
 * out which, one by one, on the slow path, whose `insertTrigger` creates the row or refuses).
 * It is the statement a webhook flood runs. Rows are created in the order given (`created_at` is
 * `clock_timestamp()`), so a tenant's queue keeps the order of arrival. Lock order as everywhere:
 * the tenants' rows, then their backlog rows, in tenant id order.
 */
export async function insertWebhookTriggersIfOpen(q: Queryable, intakes: readonly WebhookIntake[], pendingCap: number): Promise<Array<string | null>> {
  const { rows } = await q.query<{ n: string; id: string }>({
    // Named: prepared once per connection, so the busiest statement is not planned per request.
    name: 'pan-webhook-intake',
    text: `WITH i AS (SELECT * FROM unnest($1::text[], $2::bytea[], $3::jsonb[]) WITH ORDINALITY AS i (token, payload, payload_headers, n)),
       r AS MATERIALIZED (
         SELECT i.n, gen_random_uuid() AS id, t.account_id, t.id AS tenant_id, i.payload, i.payload_headers, ${payloadBytesSql('i')} AS bytes
           FROM i JOIN tenants t ON t.webhook_token = i.token
          WHERE t.archived_at IS NULL AND NOT t.paused AND t.webhook_secret_sealed IS NULL
            AND NOT EXISTS (SELECT 1 FROM releases r WHERE r.id = ${tenantReleaseIdSql('t')} AND r.has_webhook_schema)
          ORDER BY t.id, i.n
            FOR KEY SHARE OF t
       ),
       wanted AS (SELECT tenant_id, sum(bytes) AS bytes FROM r GROUP BY tenant_id),
       locked AS (
         SELECT b.tenant_id FROM trigger_backlogs b WHERE b.tenant_id IN (SELECT tenant_id FROM wanted) ORDER BY b.tenant_id FOR UPDATE
       ),
       counted AS (
         UPDATE trigger_backlogs b SET pending_bytes = b.pending_bytes + w.bytes
           FROM wanted w, locked l WHERE b.tenant_id = w.tenant_id AND l.tenant_id = w.tenant_id AND b.pending_bytes + w.bytes <= $4::bigint
         RETURNING b.tenant_id
       ),
       stored AS (
         INSERT INTO triggers (id, account_id, tenant_id, source, mode, payload, payload_headers)
         SELECT id, account_id, tenant_id, 'webhook', 'webhook', payload, payload_headers FROM r
          WHERE tenant_id IN (SELECT tenant_id FROM counted) ORDER BY n
         RETURNING id
       )
       SELECT r.n, r.id FROM r JOIN stored s ON s.id = r.id`,
    values: [intakes.map((x) => x.token), intakes.map((x) => x.body), intakes.map((x) => JSON.stringify(x.headers)), capValue(pendingCap)],
  });
  const ids: Array<string | null> = intakes.map(() => null);
  for (const row of rows) ids[Number(row.n) - 1] = row.id;
  return ids;
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
 * this user whose release lists the event under `events:`. One statement: all or none, except that
 * a tenant whose backlog is full gets no trigger (its `trigger_id` is null: the caller decides).
 */
export async function insertEventTriggers(
  q: Queryable,
  accountId: string,
  user: string,
  event: string,
  body: Buffer,
  headers: Record<string, string>,
  pendingCap: number,
): Promise<{ tenant_id: string; trigger_id: string | null }[]> {
  const { rows } = await q.query<{ tenant_id: string; id: string | null }>(
    insertTriggersSql(
      `SELECT t.account_id, t.id, 'api', 'normal', $3, $4::bytea, $5::jsonb, NULL::timestamptz
         FROM tenants t JOIN releases r ON r.id = ${tenantReleaseIdSql('t')}
        WHERE t.account_id = $1 AND t.user_sub = $2 AND t.archived_at IS NULL AND NOT t.paused
          AND jsonb_typeof(r.spec->'events') = 'array' AND r.spec->'events' ? $3`,
      { notify: false, capParam: '$6::bigint' },
    ),
    [accountId, user, event, body, JSON.stringify(headers), capValue(pendingCap)],
  );
  return rows.map((r) => ({ tenant_id: r.tenant_id, trigger_id: r.id }));
}

/**
 * A replay of a failed run: a copy (source, mode, event, payload and its headers) of each trigger
 * that ended in `runId` (not those given back to the queue, which ran again anyway), in their
 * order, each with `replay_of` = `runId`, queued like any trigger. None when the run has no such
 * trigger; one row with a null id when the payloads would put the tenant's backlog over `pendingCap`
 * (then nothing is stored).
 */
export async function insertReplayTriggers(q: Queryable, accountId: string, runId: string, pendingCap: number): Promise<(string | null)[]> {
  const { rows } = await q.query<{ id: string | null }>(
    insertTriggersSql(
      `SELECT account_id, tenant_id, source, mode, event, payload, payload_headers, NULL::timestamptz
         FROM triggers WHERE run_id = $1 AND account_id = $2 ORDER BY created_at, id`,
      { notify: false, capParam: '$3::bigint', replayOf: '$1::uuid' },
    ),
    [runId, accountId, capValue(pendingCap)],
  );
  return rows.map((r) => r.id);
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
): Promise<(TriggerStatus & { run_num_id: number | null }) | null> {
  const { rows } = await q.query<{ id: string; run_id: string | null; run_num_id: number | null; status: RunStatus | null; attempts: number; dead: boolean }>(
    // to_json: the run's public integer id as a JSON number (node-postgres reads bigint as a string).
    `SELECT tr.id, tr.run_id, to_json(r.num_id) AS run_num_id, r.status, tr.attempts, tr.dead_lettered_at IS NOT NULL AS dead
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
    state: row.dead ? 'dead_letter' : !row.run_id ? 'pending' : row.status === 'Running' ? 'running' : 'finished',
    attempts: row.attempts,
    run_id: row.run_id,
    run_status: row.status,
    run_num_id: row.run_num_id,
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

/** How many triggers and how many bytes of `PAN_CTX_RUN_TRIGGERS` one run takes at most. */
export interface BundleBounds {
  maxTriggers: number;
  maxBytes: number;
}

/**
 * What a trigger adds to `PAN_CTX_RUN_TRIGGERS` (runner/environment.ts `triggerRecords`), an upper
 * bound: the record's fixed fields, ids, date and the payload file's path (TRIGGER_RECORD_BYTES, for
 * a runs directory of up to about 250 characters), its headers (jsonb's text, with its spaces, is
 * never shorter than JSON.stringify's) and its event. A multipart/form-data body adds one
 * `payload.parts[]` record per part, each longer than the part's own bytes in the body but not by
 * more than MULTIPART_FACTOR times. The body itself goes to a file, not into the variable.
 */
const TRIGGER_RECORD_BYTES = 512;
const MULTIPART_FACTOR = 8;
const recordBytesSql = (t: string) =>
  `${TRIGGER_RECORD_BYTES} + coalesce(octet_length(${t}.payload_headers::text), 0) + coalesce(octet_length(to_jsonb(${t}.event)::text), 0)
   + CASE WHEN ${t}.payload IS NOT NULL AND EXISTS (
            SELECT 1 FROM jsonb_each_text(${t}.payload_headers) h WHERE lower(h.key) = 'content-type' AND h.value ~* '^multipart/form-data')
          THEN ${MULTIPART_FACTOR} * octet_length(${t}.payload) ELSE 0 END`;

/**
 * A tenant's waiting triggers of one queue, oldest first, locked for the claiming transaction: at
 * most `maxTriggers`, and no more than fit in `maxBytes` of the triggers variable (the oldest always
 * goes, whatever its size: a run too large to start gives it back and it is dead-lettered in the
 * end). The rest waits for the tenant's next run, in order. The tenant's row is locked by the claim,
 * so no other claim reads these rows meanwhile.
 */
export async function lockWaitingTriggers(
  client: pg.PoolClient,
  tenantId: string,
  queue: 'cron' | 'other',
  bounds: BundleBounds,
): Promise<WaitingTriggerRow[]> {
  const { rows } = await client.query<WaitingTriggerRow>(
    `SELECT id, source, mode, event, payload, payload_headers, created_at
       FROM triggers
      WHERE run_id IS NULL AND id IN (
        SELECT id FROM (
          SELECT id, row_number() OVER w AS n, sum(${recordBytesSql('o')}) OVER w AS bytes
            FROM (SELECT id, created_at, event, payload, payload_headers FROM triggers WHERE tenant_id = $1 AND queue = $2 AND run_id IS NULL ORDER BY created_at, id LIMIT $3) o
          WINDOW w AS (ORDER BY created_at, id)
        ) b WHERE n = 1 OR bytes <= $4)
      ORDER BY created_at, id FOR UPDATE`,
    [tenantId, queue, bounds.maxTriggers, bounds.maxBytes],
  );
  return rows;
}

/** Puts waiting triggers into a run; their payload bytes leave their tenant's backlog. */
export async function attachTriggersToRun(client: pg.PoolClient, runId: string, triggerIds: readonly string[]): Promise<void> {
  await client.query(
    `WITH a AS (
       UPDATE triggers SET run_id = $1 WHERE id = ANY($2::uuid[]) AND run_id IS NULL
       RETURNING tenant_id, ${payloadBytesSql('triggers')} AS bytes
     )
     UPDATE trigger_backlogs b SET pending_bytes = greatest(0, b.pending_bytes - s.bytes)
       FROM (SELECT tenant_id, sum(bytes) AS bytes FROM a GROUP BY tenant_id) s
      WHERE b.tenant_id = s.tenant_id AND s.bytes > 0`,
    [runId, triggerIds],
  );
}

/** Gives the triggers of lost runs back to the queue: they run again, and count in the backlog again (over the cap or not). */
export async function returnTriggersOfRuns(client: pg.PoolClient, runIds: readonly string[]): Promise<void> {
  await client.query(
    `WITH a AS (
       UPDATE triggers SET run_id = NULL WHERE run_id = ANY($1::uuid[])
       RETURNING tenant_id, ${payloadBytesSql('triggers')} AS bytes
     )
     INSERT INTO trigger_backlogs AS b (tenant_id, pending_bytes)
     SELECT tenant_id, sum(bytes) FROM a GROUP BY tenant_id HAVING sum(bytes) > 0 ORDER BY tenant_id
     ON CONFLICT (tenant_id) DO UPDATE SET pending_bytes = b.pending_bytes + excluded.pending_bytes`,
    [runIds],
  );
}


/** How long a trigger given back waits before its tenant's triggers are claimed again (PAN_TRIGGER_RETRY_*). */
export interface RetryBackoff {
  /** The wait after the first failed start; it doubles with each further one... */
  baseMs: number;
  /** ...up to this. */
  maxMs: number;
}

/**
 * Gives back the triggers of runs that could not start, or that were lost with their worker (a
 * script that kills its server must not be retried forever): each counts one attempt more and
 * waits again in its old place (the queue is ordered by arrival), counted in its tenant's backlog
 * again, not before `retry_at` (`backoff.baseMs` doubled per earlier attempt, at most
 * `backoff.maxMs`); one that reaches `maxAttempts` is dead-lettered instead and keeps the run,
 * which says why.
 */
export async function giveBackTriggersOfRuns(
  client: pg.PoolClient,
  runIds: readonly string[],
  maxAttempts: number,
  backoff: RetryBackoff,
): Promise<{ returned: number; deadLettered: number }> {
  const { rows } = await client.query<{ returned: number; dead_lettered: number }>(
    `WITH a AS (
       UPDATE triggers SET attempts = attempts + 1,
              run_id = CASE WHEN attempts + 1 >= $2 THEN run_id END,
              dead_lettered_at = CASE WHEN attempts + 1 >= $2 THEN clock_timestamp() END,
              retry_at = CASE WHEN attempts + 1 < $2 THEN clock_timestamp()
                + make_interval(secs => least($3::float8 * power(2, least(attempts, 30)), $4::float8) / 1000) END
        WHERE run_id = ANY($1::uuid[])
       RETURNING tenant_id, run_id IS NULL AS returned, ${payloadBytesSql('triggers')} AS bytes
     ), counted AS (
       INSERT INTO trigger_backlogs AS b (tenant_id, pending_bytes)
       SELECT tenant_id, sum(bytes) FROM a WHERE returned GROUP BY tenant_id HAVING sum(bytes) > 0 ORDER BY tenant_id
       ON CONFLICT (tenant_id) DO UPDATE SET pending_bytes = b.pending_bytes + excluded.pending_bytes
     )
     SELECT count(*) FILTER (WHERE returned)::int AS returned, count(*) FILTER (WHERE NOT returned)::int AS dead_lettered FROM a`,
    [runIds, maxAttempts, backoff.baseMs, backoff.maxMs],
  );
  return { returned: rows[0]!.returned, deadLettered: rows[0]!.dead_lettered };
}

// ---- Retention (runs/retention.ts): one small batch per statement --------------------------------

/**
 * Clears the payload (body and headers) of at most `limit` of an account's triggers created more than
 * `days` days ago and taken by a run that has ended; how many. Pending triggers are never touched,
 * so the backlog counts (`trigger_backlogs`) stay true.
 */
export async function clearExpiredPayloads(q: Queryable, accountId: string, days: number, limit: number): Promise<number> {
  const { rowCount } = await q.query(
    `UPDATE triggers SET payload = NULL, payload_headers = NULL
      WHERE id = ANY(ARRAY(
              SELECT tr.id FROM triggers tr JOIN runs r ON r.id = tr.run_id
               WHERE tr.account_id = $1 AND tr.run_id IS NOT NULL
                 AND (tr.payload IS NOT NULL OR tr.payload_headers IS NOT NULL)
                 AND tr.created_at < now() - $2 * interval '1 day' AND r.status <> 'Running'
               LIMIT $3))
        AND run_id IS NOT NULL`,
    [accountId, days, limit],
  );
  return rowCount ?? 0;
}

/** Deletes at most `limit` triggers taken by these (ended) runs; how many. */
export async function deleteTriggersOfRuns(q: Queryable, runIds: readonly string[], limit: number): Promise<number> {
  const { rowCount } = await q.query(
    `DELETE FROM triggers
      WHERE ctid = ANY(ARRAY(SELECT ctid FROM triggers WHERE run_id = ANY($1::uuid[]) LIMIT $2))
        AND run_id IS NOT NULL`,
    [runIds, limit],
  );
  return rowCount ?? 0;
}

/**
 * A webhook-id received longer ago than this can no longer be replayed: its signed timestamp is
 * refused past 5 minutes either way (standardwebhooks), so a receipt matters for 10 minutes at most.
 */
export const WEBHOOK_RECEIPT_KEEP_MS = 60 * 60_000;

/** Deletes at most `limit` webhook receipts older than `olderThanMs`; how many. */
export async function deleteOldWebhookReceipts(q: Queryable, olderThanMs: number, limit: number): Promise<number> {
  const { rowCount } = await q.query(
    `DELETE FROM webhook_receipts
      WHERE ctid = ANY(ARRAY(SELECT ctid FROM webhook_receipts WHERE received_at < now() - $1 * interval '1 millisecond' LIMIT $2))`,
    [olderThanMs, limit],
  );
  return rowCount ?? 0;
}
