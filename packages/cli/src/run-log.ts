import type { RunLogLine, RunStatus } from '@pan/contract';
import { hostRunLog } from '@pan/contract/paths';
import { followRunLog as followStream, RunLogStreamError } from '@pan/contract/run-log-stream';
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

/**
 * Follows a run's log through `GET /v2/runs/:id/log` (see `@pan/contract/run-log-stream`), with the
 * API key in the X-API-KEY header. Resolves with the run's final status; rejects with the server's
 * `HostApiError` on a refusal (4xx), with a `RunLogStreamError` when the server answered with no
 * event stream or the stream kept dropping.
 */
export async function followRunLog(api: HostApiOptions, runId: string, handlers: FollowHandlers, options: FollowOptions = {}): Promise<RunStatus> {
  const url = new URL(hostRunLog(runId), api.apiBase);
  try {
    return await followStream(
      {
        lines(lines) {
          for (const line of lines) handlers.line(line);
        },
        reconnecting: (afterSeq, wait, error) => handlers.reconnecting?.(afterSeq, reasonOf(error), wait),
      },
      {
        ...options,
        async open(headers, signal) {
          const response = await fetch(url, { headers: { ...headers, 'x-api-key': api.apiKey }, ...(signal ? { signal } : {}) });
          if (!response.ok) throw errorOf(response, await response.text());
          const type = response.headers.get('content-type');
          if (!/\btext\/event-stream\b/.test(type ?? '')) {
            await response.body?.cancel();
            throw new RunLogStreamError(`${url.origin} did not answer with an event stream (content-type ${type ?? 'none'})`);
          }
          return response;
        },
      },
    );
  } catch (error) {
    // Why it gave up, in the terms of the last failure.
    if (error instanceof RunLogStreamError && error.failures > 0) {
      throw new RunLogStreamError(`${error.message} (${reasonOf(error.cause)})`, error.failures);
    }
    throw error;
  }
}

function reasonOf(error: unknown): string {
  if (error === undefined) return 'the stream ended before the run did';
  if (error instanceof HostApiError) return `${error.status} ${error.code}`;
  return networkErrorText(error);
}
