/**
 * Webhooks of the fast path stored many to a statement: while a statement is under way, the
 * webhooks that arrive wait for the next one, which takes all of them (up to a bound). Each
 * statement is one commit, so a flood costs PostgreSQL one WAL flush per batch instead of one per
 * webhook, while a lone webhook goes at once (no timer, no added latency when the API is quiet).
 * Every webhook is answered only once the statement that stored it has committed.
 *
 * A pool has a few lanes, each running one statement at a time; a tenant's webhooks (by their
 * token) always take the same lane, so statements running at once touch different tenants (no
 * waiting on each other's backlog rows) and a tenant's webhooks are stored in the order they came.
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

interface Lane {
  queue: Waiting[];
  busy: boolean;
}

class WebhookBatches {
  readonly #lanes: Lane[] = Array.from({ length: LANES }, () => ({ queue: [], busy: false }));

  constructor(
    private readonly db: Db,
    private readonly pendingCap: number,
  ) {}

  add(intake: WebhookIntake): Promise<string | null> {
    return new Promise((resolve, reject) => {
      const lane = this.#lanes[laneOf(intake.token)]!;
      lane.queue.push({ intake, bytes: intake.body.length, resolve, reject });
      if (!lane.busy) void this.#run(lane);
    });
  }

  /** Stores the lane's webhooks, a batch at a time, until none is waiting. */
  async #run(lane: Lane): Promise<void> {
    lane.busy = true;
    while (lane.queue.length > 0) {
      let bytes = 0;
      let count = 0;
      while (count < lane.queue.length && count < MAX_BATCH && (count === 0 || bytes + lane.queue[count]!.bytes <= MAX_BATCH_BYTES)) {
        bytes += lane.queue[count]!.bytes;
        count += 1;
      }
      await this.#store(lane.queue.splice(0, count));
    }
    lane.busy = false;
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

/** The lane of a token (FNV-1a): the same for all of a tenant's webhooks. */
function laneOf(token: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < token.length; i++) hash = Math.imul(hash ^ token.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % LANES;
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
