/**
 * The process's Prometheus metrics (prom-client), served at `/metrics` (http/metrics.ts). One
 * module-level registry: the points that count (intake, the worker, the deliverer, the HTTP hooks)
 * import the series they update, as they would a logger. Gauges that read the database (queue
 * depth) are set by the scrape, so nothing runs between scrapes.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'pan_' });

export const httpRequests = new Counter({
  name: 'pan_http_requests_total',
  help: 'HTTP requests answered, by method, route pattern and status code',
  labelNames: ['method', 'route', 'status_code'] as const,
  registers: [registry],
});

export const httpRequestDuration = new Histogram({
  name: 'pan_http_request_duration_seconds',
  help: 'Time to answer an HTTP request, by method, route pattern and status code',
  labelNames: ['method', 'route', 'status_code'] as const,
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [registry],
});

export const triggersAccepted = new Counter({
  name: 'pan_triggers_accepted_total',
  help: 'Triggers stored for a run, by source (webhook, api, cron, ...)',
  labelNames: ['source'] as const,
  registers: [registry],
});

export const queueDepth = new Gauge({
  name: 'pan_queue_depth',
  help: 'Triggers waiting for a run, by queue (read from the database at each scrape)',
  labelNames: ['queue'] as const,
  registers: [registry],
});

export const runDuration = new Histogram({
  name: 'pan_run_duration_seconds',
  help: 'Runs finished by this process: time from claim to end, by final status',
  labelNames: ['status'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
  registers: [registry],
});

export const claimLatency = new Histogram({
  name: 'pan_run_claim_latency_seconds',
  help: "Time from a run's oldest trigger being stored to a worker claiming it, by queue",
  labelNames: ['queue'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  registers: [registry],
});

export const logLinesStored = new Counter({
  name: 'pan_run_log_lines_stored_total',
  help: 'Run log lines written to the database by this process',
  registers: [registry],
});

export const notificationDeliveries = new Counter({
  name: 'pan_notification_attempts_total',
  help: 'Notification delivery attempts, by outcome (delivered, retry, failed)',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

export const poolConnections = new Gauge({
  name: 'pan_db_pool_connections',
  help: "The database pool's connections, by state (total, idle, waiting: requests queued for one)",
  labelNames: ['state'] as const,
  registers: [registry],
});
