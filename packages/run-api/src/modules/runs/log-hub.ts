/**
 * Live run logs for Server-Sent Events. One LISTEN connection per API process; for each run that
 * has viewers, new lines are read once per notification and fanned out to every viewer (so 50
 * viewers cost one query, not 50). A viewer that missed lines (it joined late, or resumed with
 * Last-Event-ID) reads its own gap first, so each viewer gets every line once, in order.
 */
import type { RunLogLine, RunStatus } from '@pan/contract';
import type { Db } from '../../platform/db/pool.ts';
import { ListenConnection } from '../../platform/db/listen.ts';
import { readLogLines, readRunProgress, RUN_END_CHANNEL, RUN_LOG_CHANNEL } from './store.ts';

export interface LogViewer {
  /** Lines after the viewer's last one, in order. */
  lines(lines: RunLogLine[]): void;
  /** The run ended (every line has been delivered before). */
  end(status: RunStatus): void;
  /** The server is stopping: end the stream (the client resumes elsewhere with Last-Event-ID). */
  close(): void;
}

interface Feed {
  lastSeq: number;
  viewers: Map<LogViewer, ViewerState>;
  pulling: Promise<void>;
}

interface ViewerState {
  lastSent: number;
  queue: Promise<void>;
  ended: boolean;
}

export class RunLogHub {
  readonly #db: Db;
  readonly #feeds = new Map<string, Feed>();
  #listener: Promise<ListenConnection> | undefined;
  #closed = false;

  constructor(db: Db) {
    this.#db = db;
  }

  /**
   * Follows a run from `afterSeq`: its lines so far, then live ones, then `end` once it has ended
   * (at once for a finished run). Returns the unsubscribe function.
   */
  async follow(runId: string, afterSeq: number, viewer: LogViewer): Promise<() => void> {
    await this.#listen();
    let feed = this.#feeds.get(runId);
    if (!feed) {
      feed = { lastSeq: afterSeq, viewers: new Map(), pulling: Promise.resolve() };
      this.#feeds.set(runId, feed);
    }
    const state: ViewerState = { lastSent: afterSeq, queue: Promise.resolve(), ended: false };
    feed.viewers.set(viewer, state);
    // Subscribed before reading: a line or an end that happens meanwhile is not missed.
    this.#enqueue(runId, viewer, state, async () => {
      await this.#catchUp(runId, viewer, state, Infinity);
      await this.#endIfFinished(runId, viewer, state);
    });
    return () => {
      const current = this.#feeds.get(runId);
      current?.viewers.delete(viewer);
      if (current && current.viewers.size === 0) this.#feeds.delete(runId);
    };
  }

  /** Ends every stream (before the HTTP server closes: open streams would keep it waiting). */
  endStreams(): void {
    for (const feed of this.#feeds.values()) for (const viewer of feed.viewers.keys()) viewer.close();
    this.#feeds.clear();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.endStreams();
    const listener = await this.#listener?.catch(() => undefined);
    await listener?.close();
  }

  /**
   * One dedicated LISTEN connection, opened by the first viewer. It reconnects after a database
   * restart; the notifications missed meanwhile are made up by re-reading every watched run, so
   * a viewer whose reads did not fail during the outage just goes on (one whose read failed had
   * its stream ended and resumes with Last-Event-ID).
   */
  #listen(): Promise<ListenConnection> {
    this.#listener ??= (async () => {
      const connection = new ListenConnection({
        database: this.#db,
        channels: [RUN_LOG_CHANNEL, RUN_END_CHANNEL],
        onNotification: (message) => {
          if (!message.payload) return;
          if (message.channel === RUN_LOG_CHANNEL) this.#pull(message.payload);
          else if (message.channel === RUN_END_CHANNEL) this.#ended(message.payload);
        },
        onReconnect: () => {
          for (const runId of this.#feeds.keys()) {
            this.#pull(runId);
            this.#ended(runId);
          }
        },
      });
      await connection.start();
      return connection;
    })();
    const listening = this.#listener;
    // A first connection that failed is tried again by the next viewer.
    listening.catch(() => {
      if (this.#listener === listening) this.#listener = undefined;
    });
    return listening;
  }

  /** New lines of a watched run: read once, fan out. */
  #pull(runId: string): void {
    const feed = this.#feeds.get(runId);
    if (!feed || this.#closed) return;
    feed.pulling = feed.pulling.then(async () => {
      const lines = await readLogLines(this.#db, runId, feed.lastSeq).catch(() => []);
      if (lines.length === 0) return;
      feed.lastSeq = lines[lines.length - 1]!.seq;
      for (const [viewer, state] of feed.viewers) {
        this.#enqueue(runId, viewer, state, async () => {
          const fresh = lines.filter((l) => l.seq > state.lastSent);
          if (fresh.length === 0) return;
          // A gap (the viewer is behind the feed): read it first.
          if (fresh[0]!.seq > state.lastSent + 1) await this.#catchUp(runId, viewer, state, fresh[0]!.seq - 1);
          const rest = fresh.filter((l) => l.seq > state.lastSent);
          if (rest.length === 0) return;
          viewer.lines(rest);
          state.lastSent = rest[rest.length - 1]!.seq;
        });
      }
    });
  }

  #ended(runId: string): void {
    const feed = this.#feeds.get(runId);
    if (!feed) return;
    for (const [viewer, state] of feed.viewers) {
      this.#enqueue(runId, viewer, state, async () => {
        await this.#catchUp(runId, viewer, state, Infinity);
        await this.#endIfFinished(runId, viewer, state);
      });
    }
  }

  #enqueue(runId: string, viewer: LogViewer, state: ViewerState, task: () => Promise<void>): void {
    state.queue = state.queue.then(() => (state.ended || this.#closed ? undefined : task())).catch(() => {
      // A failed read: the viewer's stream ends (the client reconnects with Last-Event-ID).
      this.#feeds.get(runId)?.viewers.delete(viewer);
      viewer.close();
    });
  }

  async #catchUp(runId: string, viewer: LogViewer, state: ViewerState, upTo: number): Promise<void> {
    for (;;) {
      const lines = (await readLogLines(this.#db, runId, state.lastSent, 2000)).filter((l) => l.seq <= upTo);
      if (lines.length === 0) return;
      viewer.lines(lines);
      state.lastSent = lines[lines.length - 1]!.seq;
      if (lines.length < 2000) return;
    }
  }

  async #endIfFinished(runId: string, viewer: LogViewer, state: ViewerState): Promise<void> {
    const run = await readRunProgress(this.#db, runId);
    if (!run || run.status === 'Running') return;
    // Lines written just before the end: deliver them first.
    if (run.log_lines > state.lastSent) await this.#catchUp(runId, viewer, state, Infinity);
    state.ended = true;
    viewer.end(run.status);
  }
}
