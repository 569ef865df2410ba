/**
 * Synchronous invocation *(SPEC "Triggers")*: a webhook or API call with `pan-synchronous: true`
 * is held open until its trigger's run ends (bounded wait). One LISTEN connection per process on
 * `pan_run_end`; each notification is matched against the waiting triggers with one query.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { RunStatus } from '@pan/contract';
import type { Db } from '../../platform/db/pool.ts';
import { ListenConnection } from '../../platform/db/listen.ts';
import { ERRORS } from '../../platform/errors.ts';
import { readEndedRunOfTrigger, readEndedRunsOfTriggers, RUN_END_CHANNEL } from './store.ts';

export const DEFAULT_SYNC_WAIT_MS = 29_000;
/** A safety net: a lost notification (the listener reconnecting) delays an answer by at most this. */
const POLL_MS = 5_000;

export interface EndedRun {
  runId: string;
  status: RunStatus;
  stdoutJson: string | null;
}

type Resolver = (run: EndedRun | null) => void;

export class RunEndWaiter {
  readonly #db: Db;
  readonly #waiting = new Map<string, Set<Resolver>>();
  #listener: Promise<ListenConnection> | undefined;
  #closed = false;

  constructor(db: Db) {
    this.#db = db;
  }

  /** The trigger's run once it has ended; null when `timeoutMs` passes first (or the server stops). */
  async waitForTrigger(triggerId: string, timeoutMs: number): Promise<EndedRun | null> {
    if (this.#closed) return null;
    await this.#listen().catch(() => undefined); // without LISTEN, the poll still answers
    return new Promise<EndedRun | null>((resolve) => {
      let done = false;
      const finish: Resolver = (run) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        clearInterval(poll);
        const set = this.#waiting.get(triggerId);
        set?.delete(finish);
        if (set && set.size === 0) this.#waiting.delete(triggerId);
        resolve(run);
      };
      const timer = setTimeout(() => finish(null), timeoutMs);
      const poll = setInterval(() => void this.#check(triggerId, finish), POLL_MS);
      let set = this.#waiting.get(triggerId);
      if (!set) this.#waiting.set(triggerId, (set = new Set()));
      set.add(finish);
      // Subscribed first, then read: a run that ended meanwhile is not missed.
      void this.#check(triggerId, finish);
    });
  }

  /** Answers every waiting call (504: the runs go on) and drops the LISTEN connection. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const set of [...this.#waiting.values()]) for (const finish of [...set]) finish(null);
    const listener = await this.#listener?.catch(() => undefined);
    this.#listener = undefined;
    await listener?.close();
  }

  async #check(triggerId: string, finish: Resolver): Promise<void> {
    const row = await readEndedRunOfTrigger(this.#db, triggerId).catch(() => null);
    if (row) finish({ runId: row.run_id, status: row.status, stdoutJson: row.stdout_json });
  }

  async #ended(runId: string): Promise<void> {
    if (this.#waiting.size === 0) return;
    const rows = await readEndedRunsOfTriggers(this.#db, runId, [...this.#waiting.keys()]).catch(() => []);
    for (const row of rows) {
      for (const finish of [...(this.#waiting.get(row.trigger_id) ?? [])]) finish({ runId, status: row.status, stdoutJson: row.stdout_json });
    }
  }

  #listen(): Promise<ListenConnection> {
    // A dedicated connection that reconnects on its own (the old pooled one was released twice when
    // its connection broke); what ended meanwhile is re-checked for every waiting trigger.
    this.#listener ??= (async () => {
      const connection = new ListenConnection({
        database: this.#db,
        channels: [RUN_END_CHANNEL],
        onNotification: (message) => {
          if (message.channel === RUN_END_CHANNEL && message.payload) void this.#ended(message.payload);
        },
        onReconnect: () => {
          for (const [triggerId, set] of this.#waiting) for (const finish of [...set]) void this.#check(triggerId, finish);
        },
      });
      await connection.start();
      return connection;
    })();
    const listening = this.#listener;
    listening.catch(() => {
      if (this.#listener === listening) this.#listener = undefined;
    });
    return listening;
  }
}

const waiters = new WeakMap<Db, RunEndWaiter>();

/**
 * The process's waiter for this app's database; call it when a plugin registers (it adds the
 * hook that answers waiting calls before the server closes).
 */
export function useRunEndWaiter(app: FastifyInstance): RunEndWaiter {
  let waiter = waiters.get(app.db);
  if (!waiter) {
    waiter = new RunEndWaiter(app.db);
    waiters.set(app.db, waiter);
  }
  const mine = waiter;
  app.addHook('preClose', async () => {
    if (waiters.get(app.db) === mine) waiters.delete(app.db);
    await mine.close();
  });
  return mine;
}

/**
 * Holds the call until the trigger's run ends, then answers: 200 (or the output's `http_status`)
 * with the run's last stdout JSON, 502 when the run failed, 504 when the wait ran out.
 */
export async function answerSynchronously(app: FastifyInstance, waiter: RunEndWaiter, reply: FastifyReply, triggerId: string): Promise<FastifyReply> {
  const run = await waiter.waitForTrigger(triggerId, app.config.syncWaitMs ?? DEFAULT_SYNC_WAIT_MS);
  reply.header('cache-control', 'no-store');
  if (!run) {
    return reply.status(ERRORS.SYNC_TIMEOUT.status).send({
      statusCode: ERRORS.SYNC_TIMEOUT.status,
      code: ERRORS.SYNC_TIMEOUT.code,
      error: 'Gateway Timeout',
      message: 'The run did not end within the synchronous wait; it goes on (follow the trigger)',
      trigger_id: triggerId,
    });
  }
  if (run.status !== 'Succeeded') {
    return reply.status(ERRORS.RUN_FAILED.status).send({
      statusCode: ERRORS.RUN_FAILED.status,
      code: ERRORS.RUN_FAILED.code,
      error: 'Bad Gateway',
      message: `The run ended with ${run.status}`,
      status: run.status,
      run_id: run.runId,
      trigger_id: triggerId,
    });
  }
  const body = run.stdoutJson ?? '{}';
  let status = 200;
  try {
    const parsed: unknown = JSON.parse(body);
    const asked = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as { http_status?: unknown }).http_status : undefined;
    if (typeof asked === 'number' && Number.isInteger(asked) && asked >= 200 && asked <= 599) status = asked;
  } catch {
    return reply.status(200).type('application/json; charset=utf-8').send('{}');
  }
  return reply.status(status).type('application/json; charset=utf-8').header('pan-run-id', run.runId).send(body);
}

/** What intake routes call to hold a `pan-synchronous` call until its run ends (see triggers/service.ts). */
export function answerWhenRunEnds(app: FastifyInstance): (reply: FastifyReply, triggerId: string) => Promise<FastifyReply> {
  const waiter = useRunEndWaiter(app);
  return (reply, triggerId) => answerSynchronously(app, waiter, reply, triggerId);
}
