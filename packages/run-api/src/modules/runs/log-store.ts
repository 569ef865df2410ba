import type pg from 'pg';
import type { RunLogLine } from '@pan/contract';
import type { LogLine } from '../runner/types.ts';
import type { Queryable } from '../../platform/db/pool.ts';


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
