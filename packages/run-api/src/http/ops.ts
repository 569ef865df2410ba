/**
 * What operators and load balancers call: `/health/live`, `/health/ready`, `/metrics` (Prometheus),
 * plus the HTTP series and the X-Request-Id header of every answer. Every role serves these
 * (server.ts), so a worker-only process can be probed and scraped too.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { countWaitingTriggers } from '../modules/runs/store.ts';
import { migrationsApplied } from '../platform/db/migrate.ts';
import { ERRORS, panError } from '../platform/errors.ts';
import { httpRequestDuration, httpRequests, poolConnections, queueDepth, registry } from '../platform/metrics.ts';

/** How long `/health/ready` waits for the database before saying it is not ready. */
export const READY_TIMEOUT_MS = 2_000;

/** The queues triggers wait in (runs/queue.ts): reported even when empty, so a series does not vanish. */
const QUEUES = ['cron', 'other'];


export function installOps(app: FastifyInstance): void {
  // The id Fastify gave the request (genReqId in app.ts) is in its log lines; the client gets it too.
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    // The route's pattern, never the URL: a webhook token must not become a label (nor a new series per URL).
    const labels = { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: reply.statusCode };
    httpRequests.inc(labels);
    httpRequestDuration.observe(labels, reply.elapsedTime / 1000);
  });

  const live = async () => ({ ok: true });
  app.get('/health', live);
  app.get('/health/live', live);
  app.get('/health/ready', async () => {
    let applied: boolean;
    try {
      applied = await withTimeout(migrationsApplied(app.db), READY_TIMEOUT_MS);
    } catch {
      throw panError(ERRORS.HEALTH_NOT_READY, 'The database is not reachable', { reason: 'database_unreachable' });
    }
    if (!applied) throw panError(ERRORS.HEALTH_NOT_READY, "The database's migrations are not all applied", { reason: 'migrations_pending' });
    return { ok: true };
  });

  // Off unless PAN_METRICS_TOKEN is set: the series tell a stranger too much (traffic, backlog, errors).
  const token = app.config.metricsToken;
  if (!token) return;
  const expected = digest(`Bearer ${token}`);
  // What /metrics answers is rendered at most every PAN_METRICS_QUEUE_DEPTH_MS however often it is
  // scraped (concurrent and close scrapes share one rendering): the queue-depth count takes one of
  // the pool's connections and a rendering about a millisecond of CPU, which a tight scrape loop
  // must not take from intake. Prometheus scrapes every 15 s or so; a second's staleness is nothing.
  let rendered: { at: number; text: Promise<string> } | undefined;
  const render = async () => {
    collectPool(app);
    await collectQueueDepth(app);
    return registry.metrics();
  };
  // Not logged per scrape (a scraper would fill the log); failures still are, at warn and above.
  app.get('/metrics', { onRequest: authorize, logLevel: 'warn' }, async (_request, reply) => {
    if (!rendered || performance.now() - rendered.at >= app.config.metricsQueueDepthMs) {
      const text = render();
      rendered = { at: performance.now(), text };
      text.catch(() => {
        if (rendered?.text === text) rendered = undefined;
      });
    }
    return reply.type(registry.contentType).send(await rendered.text);
  });

  async function authorize(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const given = request.headers.authorization;
    if (typeof given !== 'string' || !timingSafeEqual(digest(given), expected)) {
      throw panError(ERRORS.METRICS_UNAUTHORIZED, 'GET /metrics needs Authorization: Bearer <PAN_METRICS_TOKEN>');
    }
  }
}

function collectPool(app: FastifyInstance): void {
  poolConnections.set({ state: 'total' }, app.db.totalCount);
  poolConnections.set({ state: 'idle' }, app.db.idleCount);
  poolConnections.set({ state: 'waiting' }, app.db.waitingCount);
}

/** One query (on the partial index of waiting triggers) per read. */
async function collectQueueDepth(app: FastifyInstance): Promise<void> {
  try {
    const rows = await withTimeout(countWaitingTriggers(app.db), READY_TIMEOUT_MS);
    queueDepth.reset();
    for (const queue of QUEUES) queueDepth.set({ queue }, 0);
    for (const row of rows) queueDepth.set({ queue: row.queue }, row.waiting);
  } catch {
    // The database is away: the other series are still worth scraping; queue depth goes missing.
    queueDepth.reset();
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
