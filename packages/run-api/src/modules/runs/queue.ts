/**
 * The run queue, all in PostgreSQL so that any number of worker processes can share it:
 * claiming a tenant's waiting triggers into one run, leases, the end of a run, and the sweeper.
 */
import type pg from 'pg';
import type { PandiumSpec } from '@pan/pandium-yaml';
import type { RunMode, RunStatus, RunTriggerSummary } from '@pan/contract';
import { withTransaction, type Db } from '../../platform/db/pool.ts';
import type { PreviousRun, RunTrigger } from '../runner/types.ts';
import { applyRunEffects, type RunEffects } from '../tenants/store.ts';
import { attachTriggersToRun, giveBackTriggersOfRuns, lockWaitingTriggers, returnTriggersOfRuns, type BundleBounds, type RetryBackoff } from '../triggers/store.ts';
import { endRun, insertRun, markHandedBackRuns, markLostRuns, notifyRunEnded, notifyRunsLost, pickWaitingTenant, readPreviousRuns } from './store.ts';

/** A run a worker has claimed, with everything the runner needs. */
export interface ClaimedRun {
  id: string;
  accountId: string;
  tenantId: string;
  /** The end user the tenant belongs to (whose connections the run uses). */
  userSub: string;
  queue: 'cron' | 'other';
  mode: RunMode;
  /** `id`: the integer id a run sees (`integrations.num_id`); `connectors`: those attached to it. */
  integration: { id: number; name: string; connectors: string[] };
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

/**
 * A bundle's default bounds (PAN_RUN_BUNDLE_MAX_TRIGGERS, PAN_RUN_BUNDLE_MAX_BYTES): 96 KiB of
 * estimated `PAN_CTX_RUN_TRIGGERS` leaves a quarter of Linux's 128 KiB per variable as a margin.
 */
export const DEFAULT_BUNDLE_BOUNDS: BundleBounds = { maxTriggers: 200, maxBytes: 96 * 1024 };

/** Failed starts after which a trigger is dead-lettered (PAN_TRIGGER_MAX_ATTEMPTS). */
export const DEFAULT_TRIGGER_MAX_ATTEMPTS = 5;

/** The wait before a trigger given back is claimed again: 1 s, doubled per failed start, at most 5 min (PAN_TRIGGER_RETRY_BASE_MS, PAN_TRIGGER_RETRY_MAX_MS). */
export const DEFAULT_RETRY_BACKOFF: RetryBackoff = { baseMs: 1000, maxMs: 5 * 60_000 };

/** What a failed start (or a lost run) does to its triggers: how many attempts, how long a wait. */
export interface GiveBackPolicy {
  maxTriggerAttempts?: number;
  retryBackoff?: RetryBackoff;
}

export function iso(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Claims the next run, or returns null when no tenant is both waiting and free. One tenant per
 * call: the one with waiting cron triggers first (cron has priority), then the longest waiting.
 * Its waiting triggers of that queue go into the run, oldest first, within `bounds`; the rest wait
 * for its next run, claimable as soon as this one ends (its end wakes the workers). The partial unique index on
 * runs is what guarantees one active run per tenant; losing that race just means trying again.
 */
export async function claimNextRun(db: Db, workerId: string, leaseMs: number, bounds: BundleBounds = DEFAULT_BUNDLE_BOUNDS): Promise<ClaimedRun | null> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await withTransaction(db, (client) => claimIn(client, workerId, leaseMs, bounds));
    } catch (error) {
      if ((error as { code?: string }).code === '23505' && attempt < 10) continue;
      throw error;
    }
  }
}

async function claimIn(client: pg.PoolClient, workerId: string, leaseMs: number, bounds: BundleBounds): Promise<ClaimedRun | null> {
  const tenant = await pickWaitingTenant(client);
  if (!tenant) return null;
  const queue = tenant.has_cron ? 'cron' : 'other';
  const triggers = await lockWaitingTriggers(client, tenant.id, queue, bounds);
  if (triggers.length === 0) return null;
  const mode = queue === 'cron' ? 'normal' : bundleMode(triggers.map((t) => t.mode));
  const summaries: RunTriggerSummary[] = triggers.map((t) => ({
    id: t.id,
    source: t.source,
    mode: t.mode,
    created_date: iso(t.created_at),
    ...(t.event ? { event: t.event } : {}),
  }));
  const row = await insertRun(client, { tenantId: tenant.id, queue, mode, triggers: summaries, workerId, leaseMs });
  await attachTriggersToRun(client, row.run_id, triggers.map((t) => t.id));
  const previous = await readPreviousRuns(client, tenant.id, row.run_id);
  const last = previous.find((p) => p.last);
  const lastOk = previous.find((p) => !p.last);
  return {
    id: row.run_id,
    accountId: row.account_id,
    tenantId: tenant.id,
    userSub: row.user_sub,
    queue,
    mode,
    integration: { id: Number(row.integration_num_id), name: row.integration_name, connectors: row.integration_connectors },
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
export interface RunResult {
  status: Exclude<RunStatus, 'Running' | 'Lost' | 'Handed Back'>;
  exitCode: number | null;
  stdoutJson: string | undefined;
  outputNote: string | undefined;
  logTruncated: boolean;
  /** What the run changes on its tenant (only on success). */
  tenant?: RunEffects;
  /**
   * The run could not start for the platform's reasons (its credentials could not be read, its run
   * directory or release could not be prepared, its environment is too large): its triggers go
   * back to the queue instead of ending with it. A build that fails is the integration's: not this.
   */
  giveBack?: boolean;
}

/**
 * Ends a run and applies its effects on the tenant, in one transaction. False when the run was
 * no longer this worker's: then nothing is written (its triggers already went back to the queue).
 */
export async function finishRun(
  db: Db,
  runId: string,
  workerId: string,
  result: RunResult,
  { maxTriggerAttempts = DEFAULT_TRIGGER_MAX_ATTEMPTS, retryBackoff = DEFAULT_RETRY_BACKOFF }: GiveBackPolicy = {},
): Promise<boolean> {
  return withTransaction(db, async (client) => {
    // The run's end and its `run.finished` / `run.failed` notification (when the account wants one) together.
    const ended = await endRun(client, runId, workerId, result);
    if (!ended) return false;
    // Its end NOTIFYs the workers (below): triggers given back are claimed again at once.
    if (result.giveBack) await giveBackTriggersOfRuns(client, [runId], maxTriggerAttempts, retryBackoff);
    const tenantId = ended.tenantId;
    const effects = result.tenant;
    if (effects) await applyRunEffects(client, tenantId, effects);
    await notifyRunEnded(client, runId, { wakeDeliverers: ended.queued > 0 });
    return true;
  });
}

/**
 * Marks runs whose lease expired as Lost and gives their triggers back to the queue (they run
 * again). `workerId` limits it to one worker's runs. A lost run counts as a failed start of its
 * triggers: a trigger whose script kills its server every time is dead-lettered after
 * `maxTriggerAttempts`, and waits longer before each new try, instead of being retried in a loop.
 */
export async function sweepLostRuns(
  db: Db,
  workerId?: string,
  { maxTriggerAttempts = DEFAULT_TRIGGER_MAX_ATTEMPTS, retryBackoff = DEFAULT_RETRY_BACKOFF }: GiveBackPolicy = {},
): Promise<string[]> {
  return withTransaction(db, async (client) => {
    const ids = await markLostRuns(client, workerId);
    if (ids.length > 0) {
      await giveBackTriggersOfRuns(client, ids, maxTriggerAttempts, retryBackoff);
      await notifyRunsLost(client, ids);
    }
    return ids;
  });
}

/**
 * Ends the runs a stopping worker stopped as Handed Back and gives their triggers back to the queue
 * at once (not after a lease): the next worker, here or in another process, runs them again.
 */
export async function handBackRuns(db: Db, workerId: string): Promise<string[]> {
  return withTransaction(db, async (client) => {
    const ids = await markHandedBackRuns(client, workerId);
    if (ids.length > 0) {
      await returnTriggersOfRuns(client, ids);
      await notifyRunsLost(client, ids);
    }
    return ids;
  });
}
