/**
 * Retention: deletes what has been kept long enough, in small batches (each statement touches at
 * most `batchSize` rows and commits on its own, so intake and claims never wait long on it), in one
 * process at a time (a try-lock: the others skip their pass). It calls the stores of the modules
 * that own each table; it lives here because `runs` is the highest module it needs.
 *
 * - runs (ended: never a Running one) and their log lines, after `runsDays`; the triggers a run took
 *   go with it, before it (so no trigger is ever set back to pending by the run's deletion);
 * - trigger payloads (body and headers) of triggers taken by an ended run, after `payloadsDays`: the
 *   row stays (its status and the run's history still answer) until its run goes;
 * - finished notification deliveries and their attempts, after `deliveriesDays`;
 * - webhook receipts, once no replay of theirs could pass the signature's timestamp check.
 *
 * Periods are in days, per account when the account sets its own; 0 keeps forever.
 */
import { withTryAdvisoryLock, type Db } from '../../platform/db/pool.ts';
import { listAccountRetention } from '../accounts/store.ts';
import { deleteDeliveryAttempts, deleteFinishedDeliveries, selectExpiredDeliveries } from '../notifications/store.ts';
import { clearExpiredPayloads, deleteOldWebhookReceipts, deleteTriggersOfRuns, WEBHOOK_RECEIPT_KEEP_MS } from '../triggers/store.ts';
import { deleteEndedRuns, deleteRunLogLines, selectExpiredRuns } from './store.ts';

export interface RetentionPolicy {
  runsDays: number;
  payloadsDays: number;
  deliveriesDays: number;
}

export interface RetentionOptions {
  db: Db;
  policy: RetentionPolicy;
  /** Rows per statement at most (default 1,000). */
  batchSize?: number;
  /** Between passes (default 10 minutes). */
  intervalMs?: number;
  /** How long a webhook receipt is kept (default WEBHOOK_RECEIPT_KEEP_MS). */
  receiptKeepMs?: number;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

/** What one pass removed, and how many statements it took. */
export interface PruneCounts {
  runs: number;
  logLines: number;
  triggers: number;
  payloadsCleared: number;
  receipts: number;
  deliveries: number;
  attempts: number;
  /** Every statement the pass ran (selects and deletes), each of at most `batchSize` rows. */
  statements: number;
}

const LOCK_KEY = 'pan-retention';

export const emptyCounts = (): PruneCounts => ({ runs: 0, logLines: 0, triggers: 0, payloadsCleared: 0, receipts: 0, deliveries: 0, attempts: 0, statements: 0 });

export class RetentionPruner {
  readonly #db: Db;
  readonly #policy: RetentionPolicy;
  readonly #batch: number;
  readonly #intervalMs: number;
  readonly #receiptKeepMs: number;
  readonly #log: NonNullable<RetentionOptions['log']>;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #stopping = false;
  /** Totals since start, over the passes this process ran. */
  readonly totals: PruneCounts = emptyCounts();
  passes = 0;

  constructor(options: RetentionOptions) {
    this.#db = options.db;
    this.#policy = options.policy;
    this.#batch = Math.max(1, options.batchSize ?? 1000);
    this.#intervalMs = options.intervalMs ?? 10 * 60_000;
    this.#receiptKeepMs = options.receiptKeepMs ?? WEBHOOK_RECEIPT_KEEP_MS;
    this.#log = options.log ?? (() => {});
  }

  /** Passes every `intervalMs`, the first at once. */
  start(): void {
    const tick = () => {
      this.#running = this.pass()
        .catch((error: unknown) => this.#log('retention pass failed', { error: error instanceof Error ? error.message : String(error) }))
        .finally(() => {
          this.#running = undefined;
          if (!this.#stopping) this.#timer = setTimeout(tick, this.#intervalMs);
        });
    };
    tick();
  }

  /** Resolves when no pass is in progress (e.g. the first one, which `start()` begins at once). */
  async idle(): Promise<void> {
    await this.#running;
  }

  /** Stops passing; a pass in progress ends after its current statement. */
  async stop(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  /** One pass; null when another process holds the retention lock (it is pruning: this one skips). */
  async pass(): Promise<PruneCounts | null> {
    const result = await withTryAdvisoryLock(this.#db, LOCK_KEY, () => this.#prune());
    if (!result.locked) return null;
    const counts = result.value;
    this.passes += 1;
    for (const key of Object.keys(counts) as (keyof PruneCounts)[]) this.totals[key] += counts[key];
    if (counts.statements > 0 && (counts.runs || counts.logLines || counts.triggers || counts.payloadsCleared || counts.receipts || counts.deliveries || counts.attempts)) {
      this.#log('retention pass', { ...counts });
    }
    return counts;
  }

  async #prune(): Promise<PruneCounts> {
    const db = this.#db;
    const n = this.#batch;
    const counts = emptyCounts();
    /** Runs `statement` until it removes fewer than a batch (or the pruner stops). */
    const drain = async (statement: () => Promise<number>, key: keyof PruneCounts) => {
      for (;;) {
        if (this.#stopping) return;
        const removed = await statement();
        counts.statements += 1;
        counts[key] += removed;
        if (removed < n) return;
      }
    };

    await drain(() => deleteOldWebhookReceipts(db, this.#receiptKeepMs, n), 'receipts');

    const accounts = await listAccountRetention(db);
    counts.statements += 1;
    for (const account of accounts) {
      const runsDays = account.retention_runs_days ?? this.#policy.runsDays;
      const payloadsDays = account.retention_payloads_days ?? this.#policy.payloadsDays;
      const deliveriesDays = account.retention_deliveries_days ?? this.#policy.deliveriesDays;

      if (runsDays > 0) {
        for (;;) {
          if (this.#stopping) return counts;
          const runIds = await selectExpiredRuns(db, account.id, runsDays, n);
          counts.statements += 1;
          if (runIds.length === 0) break;
          await drain(() => deleteTriggersOfRuns(db, runIds, n), 'triggers');
          await drain(() => deleteRunLogLines(db, runIds, n), 'logLines');
          if (this.#stopping) return counts;
          const deleted = await deleteEndedRuns(db, runIds);
          counts.runs += deleted;
          counts.statements += 1;
          // None deleted: the same runs would be picked again (never loop on them).
          if (runIds.length < n || deleted === 0) break;
        }
      }

      // After the runs: a trigger that goes with its run needs no clearing first.
      if (payloadsDays > 0) await drain(() => clearExpiredPayloads(db, account.id, payloadsDays, n), 'payloadsCleared');

      if (deliveriesDays > 0) {
        for (;;) {
          if (this.#stopping) return counts;
          const deliveryIds = await selectExpiredDeliveries(db, account.id, deliveriesDays, n);
          counts.statements += 1;
          if (deliveryIds.length === 0) break;
          await drain(() => deleteDeliveryAttempts(db, deliveryIds, n), 'attempts');
          if (this.#stopping) return counts;
          const deleted = await deleteFinishedDeliveries(db, deliveryIds);
          counts.deliveries += deleted;
          counts.statements += 1;
          if (deliveryIds.length < n || deleted === 0) break;
        }
      }
    }
    return counts;
  }
}
