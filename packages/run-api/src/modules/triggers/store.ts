import type pg from 'pg';
import type { RunMode, RunStatus, TriggerSource, TriggerStatus } from '@pan/contract';
import type { Queryable } from '../../platform/db/pool.ts';


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
 * Stores a trigger. When this resolves outside a transaction, the row (and its payload) is
 * committed: only then may the caller answer 202. With `notify` (the default) the workers' NOTIFY
 * goes with the commit; busy intake paths pass `notify: false` and call `wakeWorkers` instead.
 */
export async function insertTrigger(q: Queryable, trigger: NewTrigger, { notify = true }: { notify?: boolean } = {}): Promise<string> {
  const { rows } = await q.query<{ id: string }>(
    `WITH t AS (
       INSERT INTO triggers (account_id, tenant_id, source, mode, event, payload, payload_headers)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id
     )
     SELECT id${notify ? `, pg_notify('${TRIGGERS_CHANNEL}', '')` : ''} FROM t`,
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
    db.query(`SELECT pg_notify('${TRIGGERS_CHANNEL}', '')`).then(next, next);
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
