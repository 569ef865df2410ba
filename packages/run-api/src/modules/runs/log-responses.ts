/**
 * A run's log over HTTP: Server-Sent Events (`Accept: text/event-stream`), which resume after
 * `Last-Event-ID` and end with an `end` event carrying the final status; or plain text.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Run } from '@pan/contract';
import { readLogLines } from './store.ts';
import type { RunLogHub } from './log-hub.ts';

const KEEPALIVE_MS = 15_000;

export function wantsEventStream(request: FastifyRequest): boolean {
  return /\btext\/event-stream\b/.test(request.headers.accept ?? '');
}

export async function sendLogText(request: FastifyRequest, reply: FastifyReply, run: Run): Promise<FastifyReply> {
  const chunks: string[] = [];
  for (let after = 0; ; ) {
    const lines = await readLogLines(request.server.db, run.id, after, 5000);
    for (const l of lines) chunks.push(`${l.at} ${l.line}\n`);
    if (lines.length < 5000) break;
    after = lines[lines.length - 1]!.seq;
  }
  if (run.status !== 'Running') chunks.push(`[pan] ${run.status}\n`);
  return reply
    .header('content-type', 'text/plain; charset=utf-8')
    .header('content-disposition', `attachment; filename="run-${run.id}.log"`)
    .header('cache-control', 'private, no-store')
    .send(chunks.join(''));
}

const MAX_SEQ = 2 ** 31 - 1;

export async function streamLog(request: FastifyRequest, reply: FastifyReply, hub: RunLogHub, runId: string): Promise<void> {
  const lastEventId = Number.parseInt(String(request.headers['last-event-id'] ?? '0'), 10);
  // A line's seq is a PostgreSQL integer: an id past its range (only a forged one) means "after every line".
  const after = Number.isInteger(lastEventId) && lastEventId > 0 ? Math.min(lastEventId, MAX_SEQ) : 0;
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    ...(reply.getHeaders() as Record<string, string>),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'private, no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write('retry: 2000\n\n');
  let closed = false;
  let unsubscribe = () => {};
  const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
  const finish = () => {
    if (closed) return;
    closed = true;
    clearInterval(keepalive);
    unsubscribe();
    res.end();
  };
  request.raw.on('close', finish);
  unsubscribe = await hub.follow(runId, after, {
    lines(lines) {
      if (closed) return;
      res.write(lines.map((l) => `id: ${l.seq}\nevent: line\ndata: ${JSON.stringify(l)}\n\n`).join(''));
    },
    end(status) {
      if (closed) return;
      res.write(`event: end\ndata: ${JSON.stringify({ status })}\n\n`);
      finish();
    },
    close: finish,
  });
  if (closed) unsubscribe();
}
