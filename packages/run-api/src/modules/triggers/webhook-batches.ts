/**
 * Webhooks of the fast path stored many to a statement: while a statement is under way, the
 * webhooks that arrive wait for the next one, which takes all of them (up to a bound). Each
 * statement is one commit, so a flood costs PostgreSQL one WAL flush per batch instead of one per
 * webhook, while a lone webhook goes at once (no timer, no added latency when the API is quiet).
 * Every webhook is answered only once the statement that stored it has committed.
 */
import type { Db } from '../../platform/db/pool.ts';
import { insertWebhookTriggersIfOpen, type WebhookIntake } from './store.ts';

/** Statements under way at once, per pool: room is left for everything else the API does. */
const LANES = 4;
/** The most webhooks, and payload bytes, one statement takes (a larger webhook goes alone). */
const MAX_BATCH = 200;
const MAX_BATCH_BYTES = 4 * 1024 * 1024;

interface Waiting {
  intake: WebhookIntake;
  bytes: number;
  resolve: (id: string | null) => void;
  reject: (error: unknown) => void;
}

class WebhookBatches {
  readonly #queue: Waiting[] = [];
  #inFlight = 0;

  constructor(
    private readonly db: Db,
    private readonly pendingCap: number,
  ) {}

  add(intake: WebhookIntake): Promise<string | null> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ intake, bytes: intake.body.length, resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#inFlight < LANES && this.#queue.length > 0) {
      let bytes = 0;
      let count = 0;
      while (count < this.#queue.length && count < MAX_BATCH && (count === 0 || bytes + this.#queue[count]!.bytes <= MAX_BATCH_BYTES)) {
        bytes += this.#queue[count]!.bytes;
        count += 1;
      }
      const batch = this.#queue.splice(0, count);
      this.#inFlight += 1;
      void this.#store(batch).finally(() => {
        this.#inFlight -= 1;
        this.#pump();
      });
    }
  }

  async #store(batch: Waiting[]): Promise<void> {
    try {
      const ids = await insertWebhookTriggersIfOpen(this.db, batch.map((w) => w.intake), this.pendingCap);
      batch.forEach((w, k) => w.resolve(ids[k] ?? null));
    } catch (error) {
      // A value PostgreSQL refused (class 22, data exception) fails only its own webhook: the others
      // are stored one by one. Anything else (the database away, say) is every webhook's answer.
      if (batch.length > 1 && /^22/.test(String((error as { code?: unknown }).code ?? ''))) {
        for (const w of batch) await this.#store([w]);
        return;
      }
      for (const w of batch) w.reject(error);
    }
  }
}

const batchesByPool = new WeakMap<Db, Map<number, WebhookBatches>>();

/**
 * Stores a webhook on the fast path (`insertWebhookTriggersIfOpen`), batched with the others of
 * this pool: its trigger id once committed, or null when it needs the slow path.
 */
export function storeWebhookIfOpen(db: Db, intake: WebhookIntake, pendingCap: number): Promise<string | null> {
  let byCap = batchesByPool.get(db);
  if (!byCap) batchesByPool.set(db, (byCap = new Map()));
  let batches = byCap.get(pendingCap);
  if (!batches) byCap.set(pendingCap, (batches = new WebhookBatches(db, pendingCap)));
  return batches.add(intake);
}
