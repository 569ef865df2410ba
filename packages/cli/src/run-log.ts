import { setTimeout as delay } from 'node:timers/promises';
import { createParser } from 'eventsource-parser';
import type { RunLogEnd, RunLogLine, RunStatus } from '@pan/contract';
import { hostRunLog } from '@pan/contract/paths';
import { errorOf, HostApiError, networkErrorText, type HostApiOptions } from './host-api.ts';

export interface FollowHandlers {
  /** One log line, in order, each once (also across reconnections). */
  line(line: RunLogLine): void;
  /** The stream dropped before `end`; the next connection resumes after line `afterSeq`. */
  reconnecting?(afterSeq: number, reason: string, wait: number): void;
}

export interface FollowOptions {
  /** Connections in a row that bring nothing (no line, no keepalive) before giving up. Default 5. */
  maxFailures?: number;
  signal?: AbortSignal;
}

/** The longest wait between two connections. */
const MAX_WAIT_MS = 30_000;

/** The stream could not be followed: the server refused it, or it kept dropping. */
export class LogStreamError extends Error {}

/**
 * Follows a run's log through `GET /v2/runs/:id/log` as Server-Sent Events (`line` events whose id
 * is the line's `seq`, then one `end` event with the final status), with the API key in the
 * X-API-KEY header. When the stream drops before `end`, it connects again with `Last-Event-ID`: at
 * once after a connection that brought something, else after a backoff starting at the server's
 * `retry`. Resolves with the run's final status; rejects with the server's `HostApiError` on a
 * refusal (4xx), with a `LogStreamError` after `maxFailures` fruitless connections in a row.
 */
export async function followRunLog(api: HostApiOptions, runId: string, handlers: FollowHandlers, options: FollowOptions = {}): Promise<RunStatus> {
  const maxFailures = options.maxFailures ?? 5;
  const url = new URL(hostRunLog(runId), api.apiBase);
  let lastSeq = 0;
  let retryMs = 2000;
  let failures = 0;
  for (;;) {
    let progressed = false;
    let ended: RunStatus | undefined;
    let reason = 'the stream ended before the run did';
    const parser = createParser({
      onEvent(message) {
        progressed = true;
        if (message.event === 'line') {
          const line = JSON.parse(message.data) as RunLogLine;
          // Each line once, should a server replay some.
          if (line.seq > lastSeq) {
            lastSeq = line.seq;
            handlers.line(line);
          }
        } else if (message.event === 'end') {
          ended = (JSON.parse(message.data) as RunLogEnd).status;
        }
      },
      onComment() {
        progressed = true; // a keepalive: the connection works
      },
      onRetry(ms) {
        retryMs = ms;
      },
    });
    try {
      const headers: Record<string, string> = { 'x-api-key': api.apiKey, accept: 'text/event-stream' };
      if (lastSeq > 0) headers['last-event-id'] = String(lastSeq);
      const response = await fetch(url, { headers, ...(options.signal ? { signal: options.signal } : {}) });
      if (!response.ok) {
        const error = errorOf(response, await response.text());
        // Refused (bad id, unknown run, wrong key): asking again will not help.
        if (response.status < 500 && response.status !== 429) throw error;
        reason = `${error.status} ${error.code}`;
      } else if (!/\btext\/event-stream\b/.test(response.headers.get('content-type') ?? '')) {
        await response.body?.cancel();
        throw new LogStreamError(`${url.origin} did not answer with an event stream (content-type ${response.headers.get('content-type') ?? 'none'})`);
      } else if (response.body) {
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        try {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            parser.feed(value);
            if (ended !== undefined) return ended;
          }
        } finally {
          void reader.cancel().catch(() => {});
        }
      }
    } catch (error) {
      if (error instanceof HostApiError || error instanceof LogStreamError) throw error;
      options.signal?.throwIfAborted();
      reason = networkErrorText(error);
    }
    failures = progressed ? 0 : failures + 1;
    if (failures >= maxFailures) {
      throw new LogStreamError(`lost the log stream after ${failures} attempt${failures === 1 ? '' : 's'} in a row (${reason})`);
    }
    const wait = failures === 0 ? 0 : Math.min(retryMs * 2 ** (failures - 1), MAX_WAIT_MS);
    handlers.reconnecting?.(lastSeq, reason, wait);
    if (wait > 0) await delay(wait, undefined, options.signal ? { signal: options.signal } : {});
  }
}
