/**
 * Observes the end of runs the way a client that does not hold its call open would (as
 * test/runs/run-support.ts runOfTrigger does): LISTEN on the run-end channel and, on each
 * notification, read the runs of the triggers waited on. One connection, kept open for the whole
 * bench (not one per wait), and one query per notification for every trigger waited on.
 */
import pg from 'pg';
import type { RunStatus } from '@pan/contract';
import { RUN_END_CHANNEL } from '../../packages/run-api/src/modules/runs/store.ts';
import { wallNow, withTimeout } from './run-stack.ts';

export interface ObservedEnd {
  runId: string;
  status: RunStatus;
  stdoutJson: string | null;
  /** wallNow() when the end was read back (the end observed). */
  at: number;
}

type Waiter = { resolve: (end: ObservedEnd) => void; reject: (error: unknown) => void };

export class RunEndObserver {
  /** wallNow() when each run's end NOTIFY arrived here (the commit of finishRun seen from outside), by run id. */
  readonly notifiedAt = new Map<string, number>();
  readonly #client: pg.Client;
  readonly #waiting = new Map<string, Waiter>();
  #checking = false;
  #again = false;

  private constructor(client: pg.Client) {
    this.#client = client;
  }

  static async start(databaseUrl: string): Promise<RunEndObserver> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const observer = new RunEndObserver(client);
    client.on('notification', (message) => {
      if (message.channel !== RUN_END_CHANNEL || !message.payload) return;
      observer.notifiedAt.set(message.payload, wallNow());
      void observer.#check();
    });
    await client.query(`LISTEN ${RUN_END_CHANNEL}`);
    return observer;
  }

  /** The trigger's run once it has ended (Succeeded or Failed ...). */
  waitForTrigger(triggerId: string, timeoutMs = 15_000): Promise<ObservedEnd> {
    const ended = new Promise<ObservedEnd>((resolve, reject) => this.#waiting.set(triggerId, { resolve, reject }));
    // Subscribed first, then read: a run that ended meanwhile is not missed.
    void this.#check();
    return withTimeout(ended, `end of the run of trigger ${triggerId}`, timeoutMs).finally(() => this.#waiting.delete(triggerId));
  }

  /** One read at a time on the connection; notifications during a read coalesce into one more. */
  async #check(): Promise<void> {
    if (this.#checking) {
      this.#again = true;
      return;
    }
    this.#checking = true;
    try {
      do {
        this.#again = false;
        await this.#read();
      } while (this.#again);
    } finally {
      this.#checking = false;
    }
  }

  async #read(): Promise<void> {
    if (this.#waiting.size === 0) return;
    try {
      const { rows } = await this.#client.query<{ trigger_id: string; run_id: string; status: RunStatus; stdout_json: string | null }>(
        `SELECT tr.id AS trigger_id, r.id AS run_id, r.status, r.stdout_json FROM triggers tr JOIN runs r ON r.id = tr.run_id
          WHERE tr.id = ANY($1::uuid[]) AND r.status NOT IN ('Running', 'Lost', 'Handed Back')`,
        [[...this.#waiting.keys()]],
      );
      const at = wallNow();
      for (const row of rows) {
        const waiter = this.#waiting.get(row.trigger_id);
        this.#waiting.delete(row.trigger_id);
        waiter?.resolve({ runId: row.run_id, status: row.status, stdoutJson: row.stdout_json, at });
      }
    } catch (error) {
      for (const waiter of this.#waiting.values()) waiter.reject(error);
      this.#waiting.clear();
    }
  }

  async close(): Promise<void> {
    await this.#client.end().catch(() => {});
  }
}
