import type pg from 'pg';
import type { Run, RunPage, RunStatus, RunMode, RunTriggerSummary } from '@pan/contract';
import type { Queryable, Scope } from '../../platform/db/pool.ts';

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
}

const RUN_SELECT = `
  SELECT r.id, r.tenant_id, r.mode, r.status, r.started_at, r.ended_at, r.exit_code, r.release_id,
         rel.version AS release_version, r.triggers, r.log_lines, r.log_truncated, r.output_note
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
