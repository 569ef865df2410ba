import type pg from 'pg';
import type { RunMode, RunStatus, TriggerSource, TriggerStatus } from '../contract/marketplace.ts';

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

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
 * Stores a trigger. When this resolves, the row (and its payload) is committed: only then may the
 * caller answer 202. The NOTIFY is delivered with the commit.
 */
export async function insertTrigger(q: Queryable, trigger: NewTrigger): Promise<string> {
  const { rows } = await q.query<{ id: string }>(
    `WITH t AS (
       INSERT INTO triggers (account_id, tenant_id, source, mode, event, payload, payload_headers)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id
     )
     SELECT id, pg_notify('${TRIGGERS_CHANNEL}', '') FROM t`,
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
