/**
 * The notification deliverer of one process: claims due deliveries from the outbox (woken by
 * NOTIFY, a timer for its own retries, and a poll for the rest), POSTs each to its account's URL
 * signed with Standard Webhooks, records every attempt, and schedules retries with exponential
 * backoff and jitter. Any number of deliverers in any number of processes share one database:
 * rows are claimed with FOR UPDATE SKIP LOCKED under a lease.
 */
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { SecretBox } from '../../platform/crypto/secret-box.ts';
import type { Db } from '../../platform/db/pool.ts';
import { ListenConnection } from '../../platform/db/listen.ts';
import { egressRefusal, type EgressPolicy } from '../../platform/egress.ts';
import { CoalescedPass } from '../../platform/coalesced-pass.ts';
import { notificationDeliveries } from '../../platform/metrics.ts';
import { NOTIFICATIONS_CHANNEL } from './sql.ts';
import { claimDueDeliveries, recordAttempt, type AttemptOutcome, type ClaimedDelivery } from './store.ts';

export interface DelivererOptions {
  db: Db;
  /** A connection string for the LISTEN connection. */
  databaseUrl: string;
  box: SecretBox;
  /** Every POST goes through it: a URL whose host is not public (and not allow-listed) is refused before connecting. */
  egress: EgressPolicy;
  /** Deliveries in flight at once. */
  concurrency: number;
  /** The first retry's delay; attempt n waits base * 2^(n-1) (capped at `retryMaxMs`), plus up to 25 % jitter. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Attempts per round before the delivery is marked failed. */
  maxAttempts: number;
  /** One attempt's limit (connect, send, read the answer). */
  timeoutMs: number;
  /** Looks for due deliveries this often even without a NOTIFY. */
  pollMs: number;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

/** The most of a response body kept with an attempt, in bytes. */
export const RESPONSE_EXCERPT_BYTES = 1024;

/** The delay before the retry that follows round attempt `n` (1-based), with jitter in [1, 1.25). */
export function retryDelayMs(n: number, baseMs: number, maxMs: number, random = Math.random): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.min(n - 1, 40));
  return Math.round(Math.min(maxMs, exponential * (1 + 0.25 * random())));
}

export class NotificationDeliverer {
  readonly id = `notify-${randomUUID()}`;
  readonly #options: DelivererOptions;
  readonly #inFlight = new Map<string, { abort: AbortController; done: Promise<void> }>();
  #listener: ListenConnection | undefined;
  #poll: NodeJS.Timeout | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #retryAt = Infinity;
  readonly #claims = new CoalescedPass(() => this.#claimLoop());
  #stopping = false;

  constructor(options: DelivererOptions) {
    this.#options = options;
  }

  /** A lease outlives an attempt (its time limit) and the write that records it. */
  get leaseMs(): number {
    return this.#options.timeoutMs * 2 + 5_000;
  }

  async start(): Promise<void> {
    // Wake-ups come back after a database restart; a reconnect wakes too (NOTIFYs meanwhile were missed).
    const listener = new ListenConnection({
      database: this.#options.databaseUrl,
      channels: [NOTIFICATIONS_CHANNEL],
      onNotification: () => this.wake(),
      onReconnect: () => this.wake(),
      log: (message, fields) => this.#log(`notification ${message}`, fields),
    });
    await listener.start();
    this.#listener = listener;
    this.#poll = setInterval(() => this.wake(), this.#options.pollMs);
    this.wake();
  }

  /** Claims due deliveries into the free slots. Re-entrant calls coalesce into one more pass. */
  wake(): void {
    if (!this.#stopping) this.#claims.wake();
  }

  async #claimLoop(): Promise<void> {
    while (!this.#stopping && this.#inFlight.size < this.#options.concurrency) {
      let claimed: ClaimedDelivery[];
      try {
        claimed = await claimDueDeliveries(this.#options.db, this.id, this.#options.concurrency - this.#inFlight.size, this.leaseMs);
      } catch (error) {
        this.#log('claiming notifications failed', { error: String(error) });
        return;
      }
      if (claimed.length === 0) return;
      for (const delivery of claimed) {
        const abort = new AbortController();
        const done = this.#deliver(delivery, abort.signal)
          .catch((error) => this.#log('delivering a notification failed', { delivery: delivery.id, error: String(error) }))
          .finally(() => {
            this.#inFlight.delete(delivery.id);
            this.wake();
          });
        this.#inFlight.set(delivery.id, { abort, done });
      }
    }
  }

  async #deliver(delivery: ClaimedDelivery, stopSignal: AbortSignal): Promise<void> {
    const { maxAttempts, retryBaseMs, retryMaxMs } = this.#options;
    const outcome = delivery.url && delivery.secretSealed ? await this.#attempt(delivery, stopSignal) : notConfigured();
    const final = outcome.delivered || !delivery.url || delivery.roundAttempt >= maxAttempts;
    const retryInMs = final ? 0 : retryDelayMs(delivery.roundAttempt, retryBaseMs, retryMaxMs);
    // If this write fails, the lease runs out and another pass (here or elsewhere) tries again.
    const status = await recordAttempt(this.#options.db, this.id, delivery, outcome, { final, retryInMs });
    if (status) notificationDeliveries.inc({ outcome: status === 'pending' ? 'retry' : status });
    if (status === 'pending') this.#wakeIn(retryInMs);
    if (status === 'failed') {
      this.#log('a notification failed for good', { delivery: delivery.id, attempts: delivery.attempt, error: outcome.error });
    }
  }

  /** One signed POST. Never throws: a failure is an outcome with its reason. */
  async #attempt(delivery: ClaimedDelivery, stopSignal: AbortSignal): Promise<AttemptOutcome> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const { type, timestamp, data } = delivery.payload;
    const body = JSON.stringify({ type, timestamp, data });
    const sentAt = new Date();
    let signature: string;
    try {
      // Several signatures, space-separated, while a rotated-out secret still signs.
      signature = [delivery.secretSealed!, delivery.previousSecretSealed]
        .filter((sealed): sealed is Buffer => sealed !== null)
        .map((sealed) => new Webhook(this.#options.box.open(sealed).toString('utf8')).sign(delivery.messageId, sentAt, body))
        .join(' ');
    } catch {
      return { durationMs: elapsed(), responseStatus: null, error: 'the signing secret could not be opened', responseBody: null, delivered: false };
    }
    const timeout = AbortSignal.timeout(this.#options.timeoutMs);
    const signal = AbortSignal.any([timeout, stopSignal]);
    try {
      const response = await this.#options.egress.fetch(delivery.url!, {
        method: 'POST',
        signal,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'pan-marketplace-notifications/1',
          'webhook-id': delivery.messageId,
          'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
          'webhook-signature': signature,
        },
        body,
      });
      const responseBody = await readExcerpt(response);
      const delivered = response.status >= 200 && response.status < 300;
      return {
        durationMs: elapsed(),
        responseStatus: response.status,
        error: delivered
          ? null
          : response.status >= 300 && response.status < 400
            ? `redirect (HTTP ${response.status}) not followed: set the final URL`
            : `HTTP ${response.status}`,
        responseBody,
        delivered,
      };
    } catch (error) {
      const why = stopSignal.aborted
        ? 'interrupted: the server stopped'
        : timeout.aborted
          ? `timed out after ${this.#options.timeoutMs} ms`
          : (egressRefusal(error) ?? describeFetchError(error));
      return { durationMs: elapsed(), responseStatus: null, error: why, responseBody: null, delivered: false };
    }
  }

  /** Wakes this deliverer when its own retry is due (other processes' retries are found by the poll). */
  #wakeIn(ms: number): void {
    const at = Date.now() + ms;
    if (this.#stopping || at >= this.#retryAt) return;
    clearTimeout(this.#retryTimer);
    this.#retryAt = at;
    this.#retryTimer = setTimeout(() => {
      this.#retryAt = Infinity;
      this.wake();
    }, ms);
  }

  /**
   * Stops claiming; lets attempts in flight finish (each is bounded by its time limit, and by
   * `graceMs`), then interrupts the rest: they are recorded and retried later. Nothing queued is lost.
   */
  async stop(graceMs = this.#options.timeoutMs): Promise<void> {
    this.#stopping = true;
    clearInterval(this.#poll);
    clearTimeout(this.#retryTimer);
    // A claim under way finishes first: what it claimed is delivered (or interrupted) like the rest.
    await this.#claims.stop();
    const all = Promise.all([...this.#inFlight.values()].map((f) => f.done));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([all.then(() => false), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), graceMs)))]);
    clearTimeout(timer);
    if (timedOut) {
      for (const { abort } of this.#inFlight.values()) abort.abort(new Error('deliverer stopping'));
      await all;
    }
    await this.#listener?.close();
  }

  #log(message: string, fields?: Record<string, unknown>): void {
    this.#options.log?.(message, fields);
  }
}

function notConfigured(): AttemptOutcome {
  return { durationMs: 0, responseStatus: null, error: 'No notification URL is configured', responseBody: null, delivered: false };
}

/** At most RESPONSE_EXCERPT_BYTES of the body as text (NULs dropped: PostgreSQL text cannot hold them). */
async function readExcerpt(response: Response): Promise<string | null> {
  if (!response.body) return null;
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < RESPONSE_EXCERPT_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  if (size === 0) return null;
  let text = Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8').replace(/\u0000/g, '');
  // A character cut in half decodes as U+FFFD (3 bytes): trim back under the limit.
  while (Buffer.byteLength(text) > RESPONSE_EXCERPT_BYTES) text = text.slice(0, -1);
  return text;
}

/** "connection refused (ECONNREFUSED)" and the like: the cause's code, never request headers. */
function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `request failed: ${cause.code}`;
  if (cause?.message) return `request failed: ${cause.message.slice(0, 200)}`;
  return `request failed: ${String((error as Error)?.message ?? error).slice(0, 200)}`;
}
