import { describe, expect, it } from 'vitest';
import type { RunLogLine } from '../src/index.ts';
import { followRunLog, RunLogStreamError, type RunLogStreamOptions } from '../src/run-log-stream.ts';

const line = (seq: number): RunLogLine => ({ seq, at: '2025-01-01T00:00:00.000Z', line: `line ${seq}` });
const lineEvent = (seq: number) => `id: ${seq}\nevent: line\ndata: ${JSON.stringify(line(seq))}\n\n`;
const endEvent = (status: string) => `event: end\ndata: ${JSON.stringify({ status })}\n\n`;

/** An event-stream answer sending `chunks` in order, then ending (or failing, with `fail`). */
function answer(chunks: string[], { fail = false } = {}): Response {
  const encoder = new TextEncoder();
  const queue = [...chunks];
  // One chunk per read: an error discards whatever is still queued.
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const chunk = queue.shift();
        if (chunk !== undefined) controller.enqueue(encoder.encode(chunk));
        else if (fail) controller.error(new TypeError('network error'));
        else controller.close();
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
}

/** An `open` that plays `connections` in order and records the headers of each request. */
function server(connections: Array<(headers: Record<string, string>) => Response | Promise<Response>>) {
  const requests: Array<Record<string, string>> = [];
  const open: RunLogStreamOptions['open'] = async (headers) => {
    requests.push(headers);
    const next = connections[requests.length - 1];
    if (!next) throw new Error('no more connections');
    return next(headers);
  };
  return { open, requests };
}

class HttpError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

describe('followRunLog', () => {
  it('resumes after a dropped stream with Last-Event-ID, each line once, and resolves with the final status', async () => {
    const { open, requests } = server([
      () => answer([lineEvent(1), lineEvent(2)], { fail: true }),
      // A server that replays a line already delivered: skipped by its seq.
      () => answer([lineEvent(2), lineEvent(3), endEvent('Succeeded')]),
    ]);
    const lines: number[] = [];
    const reconnects: Array<[number, number, unknown]> = [];
    const status = await followRunLog(
      {
        lines: (batch) => lines.push(...batch.map((l) => l.seq)),
        reconnecting: (afterSeq, wait, error) => reconnects.push([afterSeq, wait, error]),
      },
      { open },
    );
    expect(status).toBe('Succeeded');
    expect(lines).toEqual([1, 2, 3]);
    expect(requests).toEqual([{ Accept: 'text/event-stream' }, { Accept: 'text/event-stream', 'Last-Event-ID': '2' }]);
    expect(reconnects).toEqual([[2, 0, expect.any(TypeError)]]);
  });

  it('rejects with the error of a refusal (4xx) at once', async () => {
    const refusal = new HttpError(404);
    const { open, requests } = server([() => Promise.reject(refusal)]);
    await expect(followRunLog({ lines() {} }, { open })).rejects.toBe(refusal);
    expect(requests).toHaveLength(1);
  });

  it('gives up after maxFailures fruitless connections in a row, backing off from the server\'s retry', async () => {
    const unavailable = new HttpError(503);
    const { open, requests } = server([
      () => answer(['retry: 1\n\n']),
      () => Promise.reject(unavailable),
      () => Promise.reject(unavailable),
    ]);
    const waits: number[] = [];
    const error = await followRunLog({ lines() {}, reconnecting: (_, wait) => waits.push(wait) }, { open, maxFailures: 3 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RunLogStreamError);
    expect(error).toMatchObject({ message: 'lost the log stream after 3 attempts in a row', failures: 3, cause: unavailable });
    expect(waits).toEqual([1, 2]);
    expect(requests).toHaveLength(3);
  });

  it('replays from the start when a request with Last-Event-ID gets no answer, if asked to (CORS)', async () => {
    const { open, requests } = server([
      () => answer([lineEvent(1)], { fail: true }),
      () => Promise.reject(new TypeError('Failed to fetch')),
      () => answer([lineEvent(1), lineEvent(2), endEvent('Failed (Integration Issue)')]),
    ]);
    const lines: number[] = [];
    const status = await followRunLog({ lines: (batch) => lines.push(...batch.map((l) => l.seq)) }, { open, replayIfResumeBlocked: true });
    expect(status).toBe('Failed (Integration Issue)');
    expect(lines).toEqual([1, 2]);
    expect(requests.map((h) => h['Last-Event-ID'])).toEqual([undefined, '1', undefined]);
  });

  it('stops when its signal aborts', async () => {
    const abort = new AbortController();
    const { open } = server([
      () => {
        abort.abort(new Error('stopped'));
        return answer([lineEvent(1)], { fail: true });
      },
    ]);
    await expect(followRunLog({ lines() {} }, { open, signal: abort.signal })).rejects.toThrow('stopped');
  });
});
