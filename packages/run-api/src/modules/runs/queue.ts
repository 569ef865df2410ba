/**
 * The run queue, all in PostgreSQL so that any number of worker processes can share it:
 * claiming a tenant's waiting triggers into one run, leases, the end of a run, and the sweeper.
 */
import type pg from 'pg';
import type { PandiumSpec } from '@pan/pandium-yaml';
import type { RunMode, RunStatus, RunTriggerSummary, TriggerSource } from '@pan/contract';
import { withTransaction, type Db } from '../../platform/db/pool.ts';
import type { PreviousRun, RunTrigger } from '../runner/types.ts';
import { NOTIFICATIONS_CHANNEL, queueRunEventSql } from '../notifications/sql.ts';
import { TRIGGERS_CHANNEL } from '../triggers/store.ts';
import { tenantReleaseIdSql } from '../catalog/sql.ts';

/** Workers LISTEN here too: a run ended (its log stream can close). Payload: the run id. */
export const RUN_END_CHANNEL = 'pan_run_end';

/** A run a worker has claimed, with everything the runner needs. */
export interface ClaimedRun {
  id: string;
  accountId: string;
  tenantId: string;
  /** The end user the tenant belongs to (whose connections the run uses). */
  userSub: string;
  queue: 'cron' | 'other';
  mode: RunMode;
  integration: { id: string; name: string };
  release: { id: string; version: string; spec: PandiumSpec };
  configs: Record<string, unknown>;
  metadata: Record<string, unknown>;
  webhookToken: string;
  lastRun: PreviousRun | null;
  lastSuccessfulRun: (PreviousRun & { stdout: string | null }) | null;
  triggers: RunTrigger[];
}

/** The mode of a bundle: init if any trigger asks for it, else normal, else (webhooks only) webhook. */
export function bundleMode(modes: readonly RunMode[]): RunMode {
  if (modes.includes('init')) return 'init';
  if (modes.includes('normal')) return 'normal';
  return 'webhook';
}

export function iso(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

interface TriggerRow {
  id: string;
  source: TriggerSource;
  mode: RunMode;
  event: string | null;
  payload: Buffer | null;
  payload_headers: Record<string, string> | null;
  created_at: Date;
}

/**
 * Claims the next run, or returns null when no tenant is both waiting and free. One tenant per
 * call: the one with waiting cron triggers first (cron has priority), then the longest waiting.
 * Every waiting trigger of that tenant's queue goes into the run. The partial unique index on
 * runs is what guarantees one active run per tenant; losing that race just means trying again.
 */
export async function claimNextRun(db: Db, workerId: string, leaseMs: number): Promise<ClaimedRun | null> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await withTransaction(db, (client) => claimIn(client, workerId, leaseMs));
    } catch (error) {
      if ((error as { code?: string }).code === '23505' && attempt < 10) continue;
      throw error;
    }
  }
}

async function claimIn(client: pg.PoolClient, workerId: string, leaseMs: number): Promise<ClaimedRun | null> {
  const picked = await client.query<{ id: string; has_cron: boolean }>(
    `SELECT t.id, q.has_cron
       FROM (SELECT tenant_id, bool_or(queue = 'cron') AS has_cron, min(created_at) AS oldest
               FROM triggers WHERE run_id IS NULL GROUP BY tenant_id) q
       JOIN tenants t ON t.id = q.tenant_id
      WHERE t.archived_at IS NULL AND NOT t.paused
        AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.tenant_id = t.id AND r.status = 'Running')
      ORDER BY q.has_cron DESC, q.oldest
      LIMIT 1
      FOR UPDATE OF t SKIP LOCKED`,
  );
  const tenant = picked.rows[0];
  if (!tenant) return null;
  const queue = tenant.has_cron ? 'cron' : 'other';
  const { rows: triggers } = await client.query<TriggerRow>(
    `SELECT id, source, mode, event, payload, payload_headers, created_at
       FROM triggers WHERE tenant_id = $1 AND queue = $2 AND run_id IS NULL
      ORDER BY created_at, id FOR UPDATE`,
    [tenant.id, queue],
  );
  if (triggers.length === 0) return null;
  const mode = queue === 'cron' ? 'normal' : bundleMode(triggers.map((t) => t.mode));
  const summaries: RunTriggerSummary[] = triggers.map((t) => ({
    id: t.id,
    source: t.source,
    mode: t.mode,
    created_date: iso(t.created_at),
    ...(t.event ? { event: t.event } : {}),
  }));
  const { rows } = await client.query<{
    run_id: string;
    account_id: string;
    integration_id: string;
    integration_name: string;
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
       SELECT t.*, i.name AS integration_name,
              ${tenantReleaseIdSql('t')} AS release_id
         FROM tenants t JOIN integrations i ON i.id = t.integration_id
        WHERE t.id = $1
     ), run AS (
       INSERT INTO runs (account_id, tenant_id, release_id, queue, mode, triggers, worker_id, lease_expires_at)
       SELECT account_id, id, release_id, $2, $3, $4, $5, clock_timestamp() + make_interval(secs => $6::float8 / 1000)
         FROM tenant
       RETURNING id
     )
     SELECT run.id AS run_id, tenant.account_id, tenant.integration_id, tenant.integration_name,
            r.id AS release_id, r.version AS release_version, r.spec, tenant.configs, tenant.metadata,
            tenant.webhook_token, tenant.last_successful_stdout, tenant.user_sub
       FROM run, tenant JOIN releases r ON r.id = tenant.release_id`,
    [tenant.id, queue, mode, JSON.stringify(summaries), workerId, leaseMs],
  );
  const row = rows[0]!;
  await client.query('UPDATE triggers SET run_id = $1 WHERE id = ANY($2::uuid[])', [row.run_id, triggers.map((t) => t.id)]);
  const previous = await client.query<{ started_at: Date; ended_at: Date | null; status: RunStatus; last: boolean }>(
    `(SELECT started_at, ended_at, status, true AS last FROM runs
       WHERE tenant_id = $1 AND id <> $2 AND status <> 'Lost' ORDER BY started_at DESC LIMIT 1)
     UNION ALL
     (SELECT started_at, ended_at, status, false FROM runs
       WHERE tenant_id = $1 AND status = 'Succeeded' ORDER BY started_at DESC LIMIT 1)`,
    [tenant.id, row.run_id],
  );
  const last = previous.rows.find((p) => p.last);
  const lastOk = previous.rows.find((p) => !p.last);
  return {
    id: row.run_id,
    accountId: row.account_id,
    tenantId: tenant.id,
    userSub: row.user_sub,
    queue,
    mode,
    integration: { id: row.integration_id, name: row.integration_name },
    release: { id: row.release_id, version: row.release_version, spec: row.spec },
    configs: row.configs,
    metadata: row.metadata,
    webhookToken: row.webhook_token,
    lastRun: last ? { startedAt: last.started_at, endedAt: last.ended_at, status: last.status } : null,
    lastSuccessfulRun: lastOk
      ? { startedAt: lastOk.started_at, endedAt: lastOk.ended_at, status: lastOk.status, stdout: row.last_successful_stdout }
      : null,
    triggers: triggers.map((t) => ({
      id: t.id,
      source: t.source,
      mode: t.mode,
      createdAt: t.created_at,
      ...(t.event ? { event: t.event } : {}),
      ...(t.payload ? { payload: { body: t.payload, headers: t.payload_headers ?? {} } } : {}),
    })),
  };
}

/** Extends the lease; false when the run is no longer this worker's (the sweeper declared it lost). */
export async function renewLease(db: Db, runId: string, workerId: string, leaseMs: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE runs SET lease_expires_at = clock_timestamp() + make_interval(secs => $3::float8 / 1000)
      WHERE id = $1 AND worker_id = $2 AND status = 'Running'`,
    [runId, workerId, leaseMs],
  );
  return rowCount === 1;
}

export interface RunResult {
  status: Exclude<RunStatus, 'Running' | 'Lost'>;
  exitCode: number | null;
  stdoutJson: string | undefined;
  outputNote: string | undefined;
  logTruncated: boolean;
  /** What the run changes on its tenant (only on success). */
  tenant?: {
    lastSuccessfulStdout?: string;
    dynamicConfigs?: Record<string, unknown>;
    metadataPatch?: Record<string, unknown>;
  };
}

/**
 * Ends a run and applies its effects on the tenant, in one transaction. False when the run was
 * no longer this worker's: then nothing is written (its triggers already went back to the queue).
 */
export async function finishRun(db: Db, runId: string, workerId: string, result: RunResult): Promise<boolean> {
  return withTransaction(db, async (client) => {
    // The run's end and its `run.finished` / `run.failed` notification (when the account wants one) together.
    const ended = await client.query<{ tenant_id: string; queued: number }>(
      `WITH ended AS (
         UPDATE runs SET status = $3, ended_at = clock_timestamp(), exit_code = $4, stdout_json = $5,
                output_note = $6, log_truncated = $7
          WHERE id = $1 AND worker_id = $2 AND status = 'Running'
          RETURNING id, account_id, tenant_id, status, mode, started_at, ended_at, exit_code
       ), queued AS (${queueRunEventSql('ended')})
       SELECT tenant_id, (SELECT count(*) FROM queued)::int AS queued FROM ended`,
      [runId, workerId, result.status, result.exitCode, result.stdoutJson ?? null, result.outputNote ?? null, result.logTruncated],
    );
    const tenantId = ended.rows[0]?.tenant_id;
    if (!tenantId) return false;
    const effects = result.tenant;
    if (effects) {
      await client.query(
        `UPDATE tenants SET
           last_successful_stdout = CASE WHEN $2::boolean THEN $3 ELSE last_successful_stdout END,
           dynamic_configs = CASE WHEN $4::jsonb IS NULL THEN dynamic_configs
                                  ELSE coalesce(dynamic_configs, '{}'::jsonb) || $4::jsonb END,
           metadata = metadata || coalesce($5::jsonb, '{}'::jsonb)
         WHERE id = $1`,
        [
          tenantId,
          effects.lastSuccessfulStdout !== undefined,
          effects.lastSuccessfulStdout ?? null,
          effects.dynamicConfigs ? JSON.stringify(effects.dynamicConfigs) : null,
          effects.metadataPatch ? JSON.stringify(effects.metadataPatch) : null,
        ],
      );
    }
    // This transaction NOTIFYs anyway: waking the deliverers here costs nothing more.
    const wakeDeliverers = ended.rows[0]!.queued > 0 ? `, pg_notify('${NOTIFICATIONS_CHANNEL}', '')` : '';
    await client.query(`SELECT pg_notify('${RUN_END_CHANNEL}', $1), pg_notify('${TRIGGERS_CHANNEL}', '')${wakeDeliverers}`, [runId]);
    return true;
  });
}

/**
 * Marks runs whose lease expired as Lost and gives their triggers back to the queue (they run
 * again). `workerId` limits it to one worker's runs (a worker stopping gives its own back at once).
 */
export async function sweepLostRuns(db: Db, workerId?: string): Promise<string[]> {
  return withTransaction(db, async (client) => {
    const { rows } = await client.query<{ id: string }>(
      `UPDATE runs SET status = 'Lost', ended_at = clock_timestamp(),
              output_note = 'The worker running it stopped answering; its triggers went back to the queue.'
        WHERE status = 'Running' AND (($1::text IS NULL AND lease_expires_at < clock_timestamp()) OR worker_id = $1)
        RETURNING id`,
      [workerId ?? null],
    );
    const ids = rows.map((r) => r.id);
    if (ids.length > 0) {
      await client.query('UPDATE triggers SET run_id = NULL WHERE run_id = ANY($1::uuid[])', [ids]);
      for (const id of ids) await client.query(`SELECT pg_notify('${RUN_END_CHANNEL}', $1)`, [id]);
      await client.query(`SELECT pg_notify('${TRIGGERS_CHANNEL}', '')`);
    }
    return ids;
  });
}
