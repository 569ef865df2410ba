import { createParser } from 'eventsource-parser';
import type { RunLogEnd, RunLogLine, RunStatus } from '@pan/contract';
import * as paths from '@pan/contract/paths';
import { PanApiError, type RunApiClient } from '../../internal/api-client.ts';
import { delay } from '../../internal/trigger.ts';

export interface LogStreamHandlers {
  /** New lines, in order, each once (also across reconnections). */
  lines(lines: RunLogLine[]): void;
  /** The run ended: every line was delivered before. */
  end(status: RunStatus): void;
  /** The connection dropped before `end`: resuming (after a wait when it keeps failing). */
  reconnecting?(): void;
  /** Connected (again): lines flow. */
  live?(): void;
}

export interface LogStreamOptions {
  signal: AbortSignal;
  /** Resume after this line (`seq`), e.g. when the element is connected again. */
  after?: number;
  /** Connections in a row that fail without receiving anything before giving up. Default 6. */
  maxFailures?: number;
}

/** The longest wait between two connections. */
const MAX_WAIT_MS = 30_000;

/**
 * Follows a run's log (`GET /marketplace/runs/:id/log`, Server-Sent Events read with `fetch` so
 * that the token goes in the Authorization header) until its `end` event. When the stream drops
 * before `end`, it connects again with `Last-Event-ID` at once (after a backoff, starting at the
 * server's `retry`, when connections keep failing; without the header, replaying the log from its
 * start, when the API's CORS rules refuse it). Resolves after `end`; rejects on a refusal
 * (403, 404), after `maxFailures` fruitless connections in a row, or when the signal aborts.
 */
export async function followRunLog(
  api: RunApiClient,
  runId: string,
  handlers: LogStreamHandlers,
  { signal, after = 0, maxFailures = 6 }: LogStreamOptions,
): Promise<void> {
  let lastSeq = after;
  let retryMs = 2000;
  let failures = 0;
  // Cleared when a request with Last-Event-ID could not be sent at all (a cross-origin API whose
  // CORS rules do not allow that header): from then on, each connection replays the log from its
  // start and the lines already shown are skipped by their `seq`.
  let resumeHeader = true;
  for (let attempt = 0; ; attempt++) {
    let progressed = false;
    let sentResume = false;
    let ended: RunStatus | undefined;
    let batch: RunLogLine[] = [];
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
            ended = (JSON.parse(message.data) as RunLogEnd).status;
          }
        } catch {
          // Not JSON: not an event of ours.
        }
      },
      onComment() {
        progressed = true; // a keepalive: the connection was fine
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
      if (attempt > 0) handlers.reconnecting?.();
      const headers: Record<string, string> = { Accept: 'text/event-stream' };
      if (lastSeq > 0 && resumeHeader) {
        headers['Last-Event-ID'] = String(lastSeq);
        sentResume = true;
      }
      const response = await api.send('GET', paths.runLog(runId), { headers, signal });
      if (!response.body) throw new PanApiError(0, 'PAN_ERR_NETWORK', 'The log could not be read.');
      handlers.live?.();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parser.feed(value);
          flush();
          if (ended !== undefined) {
            handlers.end(ended);
            return;
          }
        }
      } finally {
        void reader.cancel().catch(() => {});
      }
    } catch (error) {
      flush();
      signal.throwIfAborted();
      const refused = error instanceof PanApiError && error.status >= 400 && error.status < 500 && error.status !== 429;
      if (refused) throw error;
      if (sentResume && !progressed && error instanceof PanApiError && error.status === 0) {
        resumeHeader = false;
        continue;
      }
    }
    // The stream ended (or failed) before `end`: resume after the last line.
    failures = progressed ? 0 : failures + 1;
    if (failures >= maxFailures) throw new PanApiError(0, 'PAN_ERR_NETWORK', 'The log stream could not be reached.');
    if (failures > 0) await delay(Math.min(retryMs * 2 ** (failures - 1), MAX_WAIT_MS), signal);
  }
}
