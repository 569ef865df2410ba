/**
 * The runs module's SQL: `runs`, `run_log_lines` and the scheduler's `tenant_schedules` are written
 * here only (the database keeps `tenant_schedules` in step with tenant changes). Claims read
 * the triggers and tenants they pick from; what they change there goes through those modules.
 */
import type pg from 'pg';
import type { PandiumSpec } from '@pan/pandium-yaml';
import type { HostRun, Run, RunMode, RunPage, RunStatus, RunLogLine, RunTriggerSummary, Schedule, MissedFires } from '@pan/contract';
import type { Queryable, Scope } from '../../platform/db/pool.ts';
import type { LogLine } from '../runner/types.ts';
import { tenantReleaseIdSql } from '../catalog/sql.ts';
import { NOTIFICATIONS_CHANNEL, queueRunEventSql } from '../notifications/sql.ts';
import { insertCronTriggersSql, TRIGGERS_CHANNEL } from '../triggers/store.ts';
import type { RunResult } from './queue.ts';

/** Workers LISTEN here too: a run ended (its log stream can close). Payload: the run id. */
export const RUN_END_CHANNEL = 'pan_run_end';

// ---- Claims, leases, the end of a run -------------------------------------------------------------

/**
 * The tenant to run next, locked: one with waiting triggers, active, unpaused and not running;
 * waiting cron triggers first, then the longest waiting. Null when none is both waiting and free.
 * A tenant with a trigger given back and still backing off (`retry_at`) waits whole, so that its
 * triggers keep their order.
 */
export async function pickWaitingTenant(client: pg.PoolClient): Promise<{ id: string; has_cron: boolean } | null> {
  const { rows } = await client.query<{ id: string; has_cron: boolean }>(
    `SELECT t.id, q.has_cron
       FROM (SELECT tenant_id, bool_or(queue = 'cron') AS has_cron, min(created_at) AS oldest, max(retry_at) AS retry_at
               FROM triggers WHERE run_id IS NULL GROUP BY tenant_id) q
       JOIN tenants t ON t.id = q.tenant_id
      WHERE t.archived_at IS NULL AND NOT t.paused
        AND (q.retry_at IS NULL OR q.retry_at <= clock_timestamp())
        AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.tenant_id = t.id AND r.status = 'Running')
      ORDER BY q.has_cron DESC, q.oldest
      LIMIT 1
      FOR UPDATE OF t SKIP LOCKED`,
  );
  return rows[0] ?? null;
}

/** Inserts the Running run of a tenant (its release by the channel rule) and reads what the runner needs. */
export async function insertRun(
  client: pg.PoolClient,
  run: { tenantId: string; queue: 'cron' | 'other'; mode: RunMode; triggers: RunTriggerSummary[]; workerId: string; leaseMs: number },
) {
  const { rows } = await client.query<{
    run_id: string;
    account_id: string;
    integration_id: string;
    integration_num_id: string;
    integration_name: string;
    integration_connectors: string[];
    release_id: string;
    release_version: string;
    spec: PandiumSpec;
    configs: Record<string, unknown>;
    metadata: Record<string, unknown>;
    webhook_token: string;
    last_successful_stdout: string | null;
    user_sub: string;
  }>(
    `WITH tenant AS (
       SELECT t.*, i.name AS integration_name, i.num_id AS integration_num_id, i.connectors AS integration_connectors,
              ${tenantReleaseIdSql('t')} AS release_id
         FROM tenants t JOIN integrations i ON i.id = t.integration_id
        WHERE t.id = $1
     ), run AS (
       INSERT INTO runs (account_id, tenant_id, release_id, queue, mode, triggers, worker_id, lease_expires_at)
       SELECT account_id, id, release_id, $2, $3, $4, $5, clock_timestamp() + make_interval(secs => $6::float8 / 1000)
         FROM tenant
       RETURNING id
     )
     SELECT run.id AS run_id, tenant.account_id, tenant.integration_id, tenant.integration_num_id, tenant.integration_name,
            tenant.integration_connectors,
            r.id AS release_id, r.version AS release_version, r.spec, tenant.configs, tenant.metadata,
            tenant.webhook_token, tenant.last_successful_stdout, tenant.user_sub
       FROM run, tenant JOIN releases r ON r.id = tenant.release_id`,
    [run.tenantId, run.queue, run.mode, JSON.stringify(run.triggers), run.workerId, run.leaseMs],
  );
  return rows[0]!;
}

/** The tenant's last run (`last`) and its last successful one, before `runId`. */
export async function readPreviousRuns(client: pg.PoolClient, tenantId: string, runId: string) {
  const { rows } = await client.query<{ started_at: Date; ended_at: Date | null; status: RunStatus; last: boolean }>(
    `(SELECT started_at, ended_at, status, true AS last FROM runs
       WHERE tenant_id = $1 AND id <> $2 AND status NOT IN ('Lost', 'Handed Back') ORDER BY started_at DESC LIMIT 1)
     UNION ALL
     (SELECT started_at, ended_at, status, false FROM runs
       WHERE tenant_id = $1 AND status = 'Succeeded' ORDER BY started_at DESC LIMIT 1)`,
    [tenantId, runId],
  );
  return rows;
}

export async function renewLease(db: Queryable, runId: string, workerId: string, leaseMs: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE runs SET lease_expires_at = clock_timestamp() + make_interval(secs => $3::float8 / 1000)
      WHERE id = $1 AND worker_id = $2 AND status = 'Running'`,
    [runId, workerId, leaseMs],
  );
  return rowCount === 1;
}

/**
 * Ends a Running run of this worker, with its `run.finished` / `run.failed` notification (when
 * the account wants one) in the same statement. Null when the run was no longer this worker's.
 */
export async function endRun(client: pg.PoolClient, runId: string, workerId: string, result: RunResult): Promise<{ tenantId: string; queued: number } | null> {
  const { rows } = await client.query<{ tenant_id: string; queued: number }>(
    `WITH ended AS (
         UPDATE runs SET status = $3, ended_at = clock_timestamp(), exit_code = $4, stdout_json = $5,
                output_note = $6, log_truncated = $7
          WHERE id = $1 AND worker_id = $2 AND status = 'Running'
          RETURNING id, account_id, tenant_id, status, mode, started_at, ended_at, exit_code
       ), queued AS (${queueRunEventSql('ended')})
       SELECT tenant_id, (SELECT count(*) FROM queued)::int AS queued FROM ended`,
    [runId, workerId, result.status, result.exitCode, result.stdoutJson ?? null, result.outputNote ?? null, result.logTruncated],
  );
  return rows[0] ? { tenantId: rows[0].tenant_id, queued: rows[0].queued } : null;
}

/** Tells log streams and workers that the run ended (and the deliverers, when it queued a notification). */
export async function notifyRunEnded(client: pg.PoolClient, runId: string, { wakeDeliverers }: { wakeDeliverers: boolean }): Promise<void> {
  const deliverers = wakeDeliverers ? `, pg_notify('${NOTIFICATIONS_CHANNEL}', '')` : '';
  await client.query(`SELECT pg_notify('${RUN_END_CHANNEL}', $1), pg_notify('${TRIGGERS_CHANNEL}', '')${deliverers}`, [runId]);
}

/**
 * Marks Running runs whose lease expired as Lost (or every Running run of `workerId`, a worker
 * that stops giving its own back); returns their ids.
 */
export async function markLostRuns(client: pg.PoolClient, workerId: string | undefined): Promise<string[]> {
  const { rows } = await client.query<{ id: string }>(
    `UPDATE runs SET status = 'Lost', ended_at = clock_timestamp(),
            output_note = 'The worker running it stopped answering; its triggers went back to the queue.'
      WHERE status = 'Running' AND (($1::text IS NULL AND lease_expires_at < clock_timestamp()) OR worker_id = $1)
      RETURNING id`,
    [workerId ?? null],
  );
  return rows.map((r) => r.id);
}

/**
 * Marks the Running runs of `workerId` (a stopping worker that stopped them) as Handed Back; their
 * triggers go back to the queue with them.
 */
export async function markHandedBackRuns(client: pg.PoolClient, workerId: string): Promise<string[]> {
  const { rows } = await client.query<{ id: string }>(
    `UPDATE runs SET status = 'Handed Back', ended_at = clock_timestamp(),
            output_note = 'The server stopped before the run ended; its triggers went back to the queue and run again.'
      WHERE status = 'Running' AND worker_id = $1
      RETURNING id`,
    [workerId],
  );
  return rows.map((r) => r.id);
}

export async function notifyRunsLost(client: pg.PoolClient, runIds: readonly string[]): Promise<void> {
  for (const id of runIds) await client.query(`SELECT pg_notify('${RUN_END_CHANNEL}', $1)`, [id]);
  await client.query(`SELECT pg_notify('${TRIGGERS_CHANNEL}', '')`);
}

// ---- Synchronous calls: the run a trigger ended in -----------------------------------------------

export interface EndedRunRow {
  run_id: string;
  trigger_id: string;
  status: RunStatus;
  stdout_json: string | null;
}

/** The ended (not Running, Lost or Handed Back) run a trigger went into, or null. */
export async function readEndedRunOfTrigger(q: Queryable, triggerId: string): Promise<EndedRunRow | null> {
  const { rows } = await q.query<EndedRunRow>(
    `SELECT r.id AS run_id, tr.id AS trigger_id, r.status, r.stdout_json FROM triggers tr JOIN runs r ON r.id = tr.run_id
      WHERE tr.id = $1 AND r.status NOT IN ('Running', 'Lost', 'Handed Back')`,
    [triggerId],
  );
  return rows[0] ?? null;
}

/** Of `triggerIds`, those that went into `runId`, once it has ended. */
export async function readEndedRunsOfTriggers(q: Queryable, runId: string, triggerIds: string[]): Promise<EndedRunRow[]> {
  const { rows } = await q.query<EndedRunRow>(
    `SELECT r.id AS run_id, tr.id AS trigger_id, r.status, r.stdout_json FROM triggers tr JOIN runs r ON r.id = tr.run_id
      WHERE tr.run_id = $1 AND tr.id = ANY($2::uuid[]) AND r.status NOT IN ('Running', 'Lost', 'Handed Back')`,
    [runId, triggerIds],
  );
  return rows;
}

// ---- History ---------------------------------------------------------------------------------------

/** The host API's sortable run fields and their columns. */
export const RUN_SORT = { started_date: 'r.started_at', ended_date: 'r.ended_at', status: 'r.status', mode: 'r.mode' };

interface RunRow {
  id: string;
  tenant_id: string;
  mode: RunMode;
  status: RunStatus;
  started_at: Date;
  ended_at: Date | null;
  exit_code: number | null;
  release_id: string;
  release_version: string;
  triggers: RunTriggerSummary[];
  log_lines: number;
  log_truncated: boolean;
  output_note: string | null;
  replay_of: string | null;
}

const RUN_SELECT = `
  SELECT r.id, r.tenant_id, r.mode, r.status, r.started_at, r.ended_at, r.exit_code, r.release_id,
         rel.version AS release_version, r.triggers, r.log_lines, r.log_truncated, r.output_note,
         -- A replay's triggers say which run they replay (by the run's own list: a lost run's went elsewhere).
         (SELECT tr.replay_of FROM triggers tr
           WHERE tr.id IN (SELECT (e->>'id')::uuid FROM jsonb_array_elements(r.triggers) e) AND tr.replay_of IS NOT NULL
           ORDER BY tr.created_at LIMIT 1) AS replay_of
    FROM runs r
    JOIN tenants t ON t.id = r.tenant_id
    JOIN releases rel ON rel.id = r.release_id
   WHERE r.account_id = $1 AND ($2::text IS NULL OR t.user_sub = $2)`;

function toRun(row: RunRow): Run {
  return {
    id: row.id,
    tenant_id: row.tenant_id,
    mode: row.mode,
    status: row.status,
    started_at: row.started_at.toISOString(),
    ended_at: row.ended_at?.toISOString() ?? null,
    duration_ms: row.ended_at ? row.ended_at.getTime() - row.started_at.getTime() : null,
    exit_code: row.exit_code,
    release: { id: row.release_id, version: row.release_version },
    triggers: row.triggers,
    log_lines: row.log_lines,
    log_truncated: row.log_truncated,
    output_note: row.output_note,
    replay_of: row.replay_of,
  };
}

export async function readRun(q: Queryable, scope: Scope, runId: string): Promise<Run | null> {
  const { rows } = await q.query<RunRow>(`${RUN_SELECT} AND r.id = $3`, [scope.accountId, scope.sub ?? null, runId]);
  return rows[0] ? toRun(rows[0]) : null;
}

/** A tenant's runs, newest first; `before` is a run id from the previous page. */
export async function listRuns(
  q: Queryable,
  scope: Scope,
  tenantId: string,
  page: { limit: number; before?: string; skip?: number; orderBy?: string },
): Promise<RunPage> {
  // `before` is a cursor in the default order (newest first); `orderBy` is an allow-listed column
  // and direction from the host API's `sort_by`, paged with `skip`.
  const { rows } = await q.query<RunRow>(
    `${RUN_SELECT} AND r.tenant_id = $3
       AND ($4::uuid IS NULL OR (r.started_at, r.id) < (SELECT started_at, id FROM runs WHERE id = $4))
     ORDER BY ${page.orderBy ?? 'r.started_at DESC'}, r.id DESC LIMIT $5 OFFSET $6`,
    [scope.accountId, scope.sub ?? null, tenantId, page.before ?? null, page.limit + 1, page.skip ?? 0],
  );
  const more = rows.length > page.limit;
  const runs = rows.slice(0, page.limit).map(toRun);
  return { runs, next_before: more ? runs[runs.length - 1]!.id : null };
}

// ---- The host API's view of runs (Pandium's Run) ---------------------------------------------------

/** Pandium's Run, public integer ids, and our extensions (contract: hostRunSchema). */
const HOST_RUN_SELECT = `
  SELECT r.num_id AS id, r.mode,
         json_build_object('phase', CASE r.status WHEN 'Running' THEN 'Running' WHEN 'Succeeded' THEN 'Succeeded'
                                      WHEN 'Failed (Timeout)' THEN 'Timeout' ELSE 'Failed' END,
                           'startTime', r.started_at, 'completionTime', r.ended_at) AS status,
         -- Pandium's RunTrigger: a trigger with a body has a payload (its headers as sent, its size);
         -- manual and cron have none. A trigger row already pruned leaves the summary as it was.
         (SELECT coalesce(jsonb_agg(CASE WHEN tr.payload IS NULL THEN e
                                         ELSE e || jsonb_build_object('payload', jsonb_build_object(
                                                'headers', coalesce(tr.payload_headers, '{}'::jsonb), 'bytes', octet_length(tr.payload))) END
                                    ORDER BY n), '[]'::jsonb)
            FROM jsonb_array_elements(r.triggers) WITH ORDINALITY AS x(e, n)
            LEFT JOIN triggers tr ON tr.id = (e->>'id')::uuid AND tr.tenant_id = r.tenant_id) AS triggers,
         r.started_at AS started_date, r.ended_at AS completed_date,
         t.num_id AS tenant_id, i.num_id AS integration_id,
         r.id AS uuid, r.status AS detailed_status, rel.num_id AS release_id, rel.version AS release_version,
         r.exit_code, r.log_lines, r.log_truncated, r.output_note,
         -- to_json: a JSON number or null (node-postgres reads bigint as a string, which a nullable schema refuses).
         to_json((SELECT rr.num_id FROM triggers tr JOIN runs rr ON rr.id = tr.replay_of
           WHERE tr.id IN (SELECT (e->>'id')::uuid FROM jsonb_array_elements(r.triggers) e) AND tr.replay_of IS NOT NULL
           ORDER BY tr.created_at LIMIT 1)) AS replay_of
    FROM runs r
    JOIN tenants t ON t.id = r.tenant_id
    JOIN integrations i ON i.id = t.integration_id
    JOIN releases rel ON rel.id = r.release_id
   WHERE r.account_id = $1`;

/**
 * A tenant's runs as the host API shows them, newest first by default; `before` (ours) is the
 * integer id of the previous page's last run.
 */
export async function listHostRuns(
  q: Queryable,
  accountId: string,
  tenantId: string,
  page: { limit: number; before?: number; skip?: number; orderBy?: string },
): Promise<HostRun[]> {
  const { rows } = await q.query<HostRun>(
    `${HOST_RUN_SELECT} AND r.tenant_id = $2
       AND ($3::bigint IS NULL OR (r.started_at, r.id) < (SELECT started_at, id FROM runs WHERE num_id = $3 AND tenant_id = $2))
     ORDER BY ${page.orderBy ?? 'r.started_at DESC'}, r.id DESC LIMIT $4 OFFSET $5`,
    [accountId, tenantId, page.before ?? null, page.limit, page.skip ?? 0],
  );
  return rows;
}

export async function readHostRun(q: Queryable, accountId: string, runId: string): Promise<HostRun | null> {
  const { rows } = await q.query<HostRun>(`${HOST_RUN_SELECT} AND r.id = $2`, [accountId, runId]);
  return rows[0] ?? null;
}

// ---- Logs ------------------------------------------------------------------------------------------

/** API processes LISTEN here for new log lines. Payload: the run id. */
export const RUN_LOG_CHANNEL = 'pan_run_log';

/** Stores a batch of a run's stderr lines and tells the log streams, in one round trip. */
export async function appendLogLines(q: Queryable, runId: string, lines: readonly LogLine[]): Promise<void> {
  if (lines.length === 0) return;
  await q.query(
    `WITH ins AS (
       INSERT INTO run_log_lines (run_id, seq, at, line)
       SELECT $1, * FROM unnest($2::int[], $3::timestamptz[], $4::text[])
       ON CONFLICT DO NOTHING
       RETURNING seq
     )
     UPDATE runs SET log_lines = greatest(log_lines, (SELECT max(seq) FROM ins))
      WHERE id = $1
     RETURNING pg_notify('${RUN_LOG_CHANNEL}', $1::text)`,
    [runId, lines.map((l) => l.seq), lines.map((l) => l.at), lines.map((l) => l.line.replaceAll('\u0000', ''))],
  );
}

/** Lines after `afterSeq`, in order, at most `limit`. */
export async function readLogLines(q: Queryable, runId: string, afterSeq: number, limit = 5000): Promise<RunLogLine[]> {
  const { rows } = await q.query<{ seq: number; at: Date; line: string }>(
    'SELECT seq, at, line FROM run_log_lines WHERE run_id = $1 AND seq > $2 ORDER BY seq LIMIT $3',
    [runId, afterSeq, limit],
  );
  return rows.map((r) => ({ seq: r.seq, at: r.at.toISOString(), line: r.line }));
}

/** A run's status and how many log lines it has stored. */
export async function readRunProgress(q: Queryable, runId: string): Promise<{ status: RunStatus; log_lines: number } | null> {
  const { rows } = await q.query<{ status: RunStatus; log_lines: number }>('SELECT status, log_lines FROM runs WHERE id = $1', [runId]);
  return rows[0] ?? null;
}

/** Triggers waiting for a run, per queue (the partial index `triggers_pending` covers it): the queue-depth gauge. */
export async function countWaitingTriggers(q: Queryable): Promise<{ queue: string; waiting: number }[]> {
  const { rows } = await q.query<{ queue: string; waiting: number }>(
    `SELECT queue, count(*)::int AS waiting FROM triggers WHERE run_id IS NULL GROUP BY queue`,
  );
  return rows;
}

// ---- Retention (retention.ts): one small batch per statement -----------------------------------

/** Up to `limit` of an account's ended runs that ended more than `days` days ago, oldest first. */
export async function selectExpiredRuns(q: Queryable, accountId: string, days: number, limit: number): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    `SELECT id FROM runs
      WHERE account_id = $1 AND status <> 'Running' AND ended_at < now() - $2 * interval '1 day'
      ORDER BY ended_at LIMIT $3`,
    [accountId, days, limit],
  );
  return rows.map((row) => row.id);
}

/** Deletes at most `limit` log lines of these runs; how many it deleted. */
export async function deleteRunLogLines(q: Queryable, runIds: readonly string[], limit: number): Promise<number> {
  const { rowCount } = await q.query(
    'DELETE FROM run_log_lines WHERE ctid = ANY(ARRAY(SELECT ctid FROM run_log_lines WHERE run_id = ANY($1::uuid[]) LIMIT $2))',
    [runIds, limit],
  );
  return rowCount ?? 0;
}

/**
 * Deletes these runs if they have ended and no trigger still points at them (deleting a run would
 * set its triggers' `run_id` to NULL: pending again).
 */
export async function deleteEndedRuns(q: Queryable, runIds: readonly string[]): Promise<number> {
  const { rowCount } = await q.query(
    `DELETE FROM runs r
      WHERE r.id = ANY($1::uuid[]) AND r.status <> 'Running'
        AND NOT EXISTS (SELECT 1 FROM triggers t WHERE t.run_id = r.id)`,
    [runIds],
  );
  return rowCount ?? 0;
}

// ---- The scheduler's index of due schedules -------------------------------------------------------

/** A claimed `tenant_schedules` row with what the scheduler needs to fire it and move it on. */
export interface DueSchedule {
  tenant_id: string;
  account_id: string;
  /** The schedule changed (or is new): its next fire time is to be computed, not fired. */
  stale: boolean;
  next_fire_at: Date;
  last_fire_at: Date | null;
  created_at: Date;
  /** The tenant's effective schedule; null when none, paused or archived. */
  schedule: Schedule | null;
  /** The IANA zone its cron expression is read in. */
  time_zone: string;
  /** What a fire missed during downtime becomes: one catch-up ('once') or none ('skip'). */
  missed: MissedFires;
}

const DUE_SCHEDULE_COLUMNS = `s.tenant_id, t.account_id, s.next_fire_at = '-infinity' AS stale, s.next_fire_at, s.last_fire_at, t.created_at,
            t.schedule_time_zone AS time_zone, t.schedule_missed AS missed,
            CASE WHEN t.archived_at IS NULL AND NOT t.paused
                 THEN CASE WHEN t.schedule_is_default THEN i.default_schedule ELSE t.schedule END END AS schedule`;

/**
 * Up to `limit` schedules due by `now`, earliest first, locked for this transaction. Rows another
 * scheduler holds are skipped, and so are tenants a claim or an update holds right now (they are
 * due again at the next pass): the scheduler never waits on a tenant lock while holding others.
 */
export async function claimDueSchedules(client: pg.PoolClient, now: Date, limit: number): Promise<DueSchedule[]> {
  const { rows } = await client.query<DueSchedule>(
    `SELECT ${DUE_SCHEDULE_COLUMNS}
       FROM tenant_schedules s
       JOIN tenants t ON t.id = s.tenant_id
       JOIN integrations i ON i.id = t.integration_id
      WHERE s.next_fire_at <= $1
      ORDER BY s.next_fire_at
      LIMIT $2
        FOR UPDATE OF s SKIP LOCKED
        FOR KEY SHARE OF t SKIP LOCKED`,
    [now, limit],
  );
  return rows;
}

/**
 * Moves claimed schedules on, and queues a cron trigger for each that fired, in one statement:
 * `next` is the next fire time (null: none), `following` the one after it (null: none or not
 * known), `fired` the fire time handled now (null: none). With any trigger queued, the workers are
 * woken with the commit. Returns the triggers queued.
 */
export async function fireSchedules(
  q: Queryable,
  rows: { tenantId: string; accountId: string; next: Date | null; following: Date | null; fired: Date | null }[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const { rows: result } = await q.query<{ queued: number }>(
    `WITH f (tenant_id, account_id, next, following, fired) AS (
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::timestamptz[], $5::timestamptz[])
     ), moved AS (
       UPDATE tenant_schedules s SET next_fire_at = f.next, following = f.following, last_fire_at = coalesce(f.fired, s.last_fire_at)
         FROM f WHERE s.tenant_id = f.tenant_id
     ), queued AS (${insertCronTriggersSql('f')})
     SELECT count(*)::int AS queued,
            CASE WHEN count(*) > 0 THEN pg_notify('${TRIGGERS_CHANNEL}', '') END AS woken
       FROM queued`,
    [rows.map((r) => r.tenantId), rows.map((r) => r.accountId), rows.map((r) => r.next), rows.map((r) => r.following), rows.map((r) => r.fired)],
  );
  return result[0]!.queued;
}

/**
 * The fast path of a pass, first its list: the tenants whose schedule is due by `now` (and not
 * before `notBefore`, so that a late fire takes the slow path, which applies the missed-fire
 * policy) and whose next fire time after this one is known already (`following`, later than
 * `now`), earliest first. One read per pass; `fireDueSchedules` fires them in batches. (The
 * batches go by these ids, not by `ORDER BY next_fire_at LIMIT n`: a due time moves every pass,
 * so the statistics never know how many rows a time range holds, and a misestimate made each
 * batch sort every due row.)
 */
export async function readySchedules(q: Queryable, now: Date, notBefore: Date): Promise<string[]> {
  const { rows } = await q.query<{ tenant_id: string }>(
    `SELECT tenant_id FROM tenant_schedules
      WHERE next_fire_at <= $1 AND next_fire_at >= $2 AND following > $1
      ORDER BY next_fire_at`,
    [now, notBefore],
  );
  return rows.map((r) => r.tenant_id);
}

/**
 * Of `tenantIds` (from `readySchedules`), those still due and ready (checked again under the row
 * lock: another scheduler may have fired them meanwhile) fire `next_fire_at` and move on to
 * `following`, in this one statement (autocommitted: one round trip, no code between claim and
 * fire); `following` is left to be computed again (`prepareSchedules`). Rows others hold are
 * skipped, as in `claimDueSchedules`. Returns the tenants fired.
 */
export async function fireDueSchedules(q: Queryable, tenantIds: readonly string[], now: Date, notBefore: Date): Promise<string[]> {
  const { rows } = await q.query<{ fired: string[] | null }>(
    `WITH due AS (
       SELECT s.tenant_id, t.account_id, s.next_fire_at AS fired, s.following
         FROM tenant_schedules s
         JOIN tenants t ON t.id = s.tenant_id
        WHERE s.tenant_id = ANY($1::uuid[]) AND s.next_fire_at <= $2 AND s.next_fire_at >= $3 AND s.following > $2
          FOR UPDATE OF s SKIP LOCKED
          FOR KEY SHARE OF t SKIP LOCKED
     ), moved AS (
       UPDATE tenant_schedules s SET next_fire_at = due.following, following = NULL, last_fire_at = due.fired
         FROM due WHERE s.tenant_id = due.tenant_id
     ), queued AS (${insertCronTriggersSql('due')})
     SELECT array_agg(tenant_id) AS fired,
            CASE WHEN count(*) > 0 THEN pg_notify('${TRIGGERS_CHANNEL}', '') END AS woken
       FROM queued`,
    [tenantIds, now, notBefore],
  );
  return rows[0]!.fired ?? [];
}

/**
 * Of `tenantIds`, the schedules whose fire time after the next is still to be computed, locked for
 * this transaction (so that a schedule change, whose database trigger writes the same row, waits
 * and is not overwritten); rows others hold are skipped. Same columns as `claimDueSchedules`.
 */
export async function claimUnpreparedSchedules(client: pg.PoolClient, tenantIds: string[]): Promise<DueSchedule[]> {
  const { rows } = await client.query<DueSchedule>(
    `SELECT ${DUE_SCHEDULE_COLUMNS}
       FROM tenant_schedules s
       JOIN tenants t ON t.id = s.tenant_id
       JOIN integrations i ON i.id = t.integration_id
      WHERE s.tenant_id = ANY($1::uuid[]) AND s.following IS NULL AND s.next_fire_at > '-infinity'
        FOR UPDATE OF s SKIP LOCKED`,
    [tenantIds],
  );
  return rows;
}

/** Stores the fire times after the next of claimed schedules (`following`, null: none). */
export async function setFollowingFireTimes(q: Queryable, rows: { tenantId: string; following: Date | null }[]): Promise<void> {
  if (rows.length === 0) return;
  await q.query(
    `UPDATE tenant_schedules s SET following = f.following
       FROM unnest($1::uuid[], $2::timestamptz[]) f (tenant_id, following)
      WHERE s.tenant_id = f.tenant_id`,
    [rows.map((r) => r.tenantId), rows.map((r) => r.following)],
  );
}

/** The earliest next fire time of any schedule (-Infinity: one is waiting to be computed), or null. */
export async function earliestFireTime(q: Queryable): Promise<number | null> {
  const { rows } = await q.query<{ at: string | null }>(
    'SELECT extract(epoch FROM min(next_fire_at)) * 1000 AS at FROM tenant_schedules WHERE next_fire_at IS NOT NULL',
  );
  return rows[0]!.at === null ? null : Number(rows[0]!.at);
}

/** The UUID of this account's run with public integer id `numId`, or null (one probe of the `num_id` index). */
export async function runIdByNumId(q: Queryable, accountId: string, numId: number): Promise<string | null> {
  const { rows } = await q.query<{ id: string }>('SELECT id FROM runs WHERE num_id = $1 AND account_id = $2', [numId, accountId]);
  return rows[0]?.id ?? null;
}
