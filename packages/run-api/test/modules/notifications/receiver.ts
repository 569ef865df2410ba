/**
 * A real HTTP receiver for notification tests (node:http on 127.0.0.1, port 0). It answers each
 * request as `answer` says (a status, a status and body, or `'hang'`: no answer until it closes)
 * and lets a test await the requests it expects instead of sleeping.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  /** Order of arrival, from 0. */
  index: number;
  headers: Record<string, string>;
  body: string;
  json: { type: string; timestamp: string; data: Record<string, unknown> };
  /** `performance.now()` when the request's body had arrived. */
  at: number;
}

export type Answer = number | { status: number; body?: string; headers?: Record<string, string> } | 'hang';

export interface Receiver {
  url: string;
  requests: Received[];
  /** Resolves with the first `count` requests that match, once they have all arrived. */
  waitFor(match: (request: Received) => boolean, count?: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(answer: (request: Received) => Answer = () => 200): Promise<Receiver> {
  const requests: Received[] = [];
  const waiters = new Set<() => void>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[name] = value;
      let json: Received['json'];
      try {
        json = JSON.parse(body) as Received['json'];
      } catch {
        json = { type: '', timestamp: '', data: {} };
      }
      const received: Received = { index: requests.length, headers, body, json, at: performance.now() };
      requests.push(received);
      const reply = answer(received);
      if (reply !== 'hang') {
        const { status, body: text = '', headers: extra = {} } = typeof reply === 'number' ? { status: reply } : reply;
        res.writeHead(status, { 'content-type': 'text/plain', ...extra }).end(text);
      }
      for (const wake of [...waiters]) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/pan`,
    requests,
    waitFor(match, count = 1, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = requests.filter(match);
          if (found.length < count) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found.slice(0, count));
        };
        // A deadline for a clear failure, not a pause: the promise settles as soon as the requests arrive.
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`the receiver got ${requests.filter(match).length} of ${count} expected requests (${requests.length} in all)`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
