/**
 * Following a run's log, as the run API streams it: Server-Sent Events, `line` events whose id is
 * the line's `seq`, then one `end` event with the run's final status. Used by the CLI (`pan runs
 * tail`) and the elements (`<pan-run-log>`), so browser-safe: `fetch` and streams only.
 */
import { createParser } from 'eventsource-parser';
import type { RunLogLine, RunStatus } from './index.ts';

export interface RunLogStreamHandlers {
  /** New lines, in order, each once (also across reconnections). */
  lines(lines: RunLogLine[]): void;
  /** A connection was answered: lines flow. */
  connected?(): void;
  /**
   * The stream dropped before `end`: the next connection, in `wait` ms, resumes after line
   * `afterSeq`. `error` says why when it failed (undefined when it merely ended early).
   */
  reconnecting?(afterSeq: number, wait: number, error: unknown): void;
}

export interface RunLogStreamOptions {
  /**
   * Sends one `GET` of the run's log with `headers` added to the caller's own (its credentials,
   * always in a header, never in the URL). Resolves with a 2xx answer; otherwise rejects, with an
   * error whose `status` is the HTTP status of an error answer (any other error counts as no
   * answer), or with a `RunLogStreamError` to stop following.
   */
  open(headers: Record<string, string>, signal: AbortSignal | undefined): Promise<Response>;
  /** Resume after this line (`seq`). Default 0: from the start. */
  after?: number;
  /** Connections in a row that bring nothing (no line, no keepalive) before giving up. Default 5. */
  maxFailures?: number;
  signal?: AbortSignal;
  /**
   * When a request with `Last-Event-ID` gets no answer at all, replay the log from its start
   * instead (lines already delivered are skipped by their `seq`): a browser's request to an API
   * whose CORS rules do not allow that header fails that way.
   */
  replayIfResumeBlocked?: boolean;
}

/** The log could not be followed: it kept dropping (`cause`: the last failure), or `open` gave up. */
export class RunLogStreamError extends Error {
  override readonly name = 'RunLogStreamError';

  constructor(
    message: string,
    /** The fruitless connections in a row that made it give up; 0 when `open` gave up. */
    readonly failures = 0,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The longest wait between two connections. */
const MAX_WAIT_MS = 30_000;

/**
 * Follows a run's log until its `end` event and resolves with the run's final status. When the
 * stream drops before `end`, it connects again with `Last-Event-ID`: at once after a connection
 * that brought something, else after a backoff starting at the server's `retry`. Rejects with
 * `open`'s error on a refusal (4xx but 429), with a `RunLogStreamError` after `maxFailures`
 * fruitless connections in a row, or when the signal aborts.
 */
export async function followRunLog(handlers: RunLogStreamHandlers, options: RunLogStreamOptions): Promise<RunStatus> {
  const { open, signal, maxFailures = 5 } = options;
  let lastSeq = options.after ?? 0;
  let retryMs = 2000;
  let failures = 0;
  let sendResume = true;
  for (;;) {
    let progressed = false;
    let sentResume = false;
    let ended: RunStatus | undefined;
    let batch: RunLogLine[] = [];
    let failure: unknown;
    const parser = createParser({
      onEvent(message) {
        progressed = true;
        try {
          if (message.event === 'line') {
            const line = JSON.parse(message.data) as RunLogLine;
            // Each line once (a replay from the start repeats them).
            if (line.seq > lastSeq) {
              lastSeq = line.seq;
              batch.push(line);
            }
          } else if (message.event === 'end') {
            ended = (JSON.parse(message.data) as { status: RunStatus }).status;
          }
        } catch {
          // Not JSON: not an event of ours.
        }
      },
      onComment() {
        progressed = true; // a keepalive: the connection works
      },
      onRetry(ms) {
        retryMs = ms;
      },
    });
    const flush = () => {
      if (batch.length === 0) return;
      const lines = batch;
      batch = [];
      handlers.lines(lines);
    };
    try {
      // `Accept` as the elements' API client spells its default: another casing would be sent alongside it.
      const headers: Record<string, string> = { Accept: 'text/event-stream' };
      if (lastSeq > 0 && sendResume) {
        headers['Last-Event-ID'] = String(lastSeq);
        sentResume = true;
      }
      const { body } = await open(headers, signal);
      handlers.connected?.();
      const reader = body?.pipeThrough(new TextDecoderStream()).getReader();
      try {
        while (reader) {
          const { value, done } = await reader.read();
          if (done) break;
          parser.feed(value);
          flush();
          if (ended !== undefined) return ended;
        }
      } finally {
        void reader?.cancel().catch(() => {});
      }
    } catch (error) {
      flush();
      signal?.throwIfAborted();
      if (error instanceof RunLogStreamError) throw error;
      const status = statusOf(error);
      // Refused (bad id, unknown run, no permission): asking again will not help.
      if (status >= 400 && status < 500 && status !== 429) throw error;
      if (status === 0 && sentResume && !progressed && options.replayIfResumeBlocked) {
        sendResume = false;
        handlers.reconnecting?.(lastSeq, 0, error);
        continue;
      }
      failure = error;
    }
    failures = progressed ? 0 : failures + 1;
    if (failures >= maxFailures) {
      const message = `lost the log stream after ${failures} attempt${failures === 1 ? '' : 's'} in a row`;
      throw new RunLogStreamError(message, failures, { cause: failure });
    }
    const wait = failures === 0 ? 0 : Math.min(retryMs * 2 ** (failures - 1), MAX_WAIT_MS);
    handlers.reconnecting?.(lastSeq, wait, failure);
    if (wait > 0) await sleep(wait, signal);
  }
}

/** The HTTP status of an error answer; 0 when there was no answer. */
function statusOf(error: unknown): number {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : 0;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
