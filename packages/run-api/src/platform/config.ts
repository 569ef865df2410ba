import path from 'node:path';
import { parseEgressAllow } from './egress.ts';

/** Everything the run API reads from its environment, read once at start. */
export interface RunApiConfig {
  /** Where the embedded PostgreSQL and the secret key file live. */
  dataDir: string;
  /** An external PostgreSQL; when unset, an embedded one is started in `dataDir`. */
  databaseUrl: string | undefined;
  host: string;
  port: number;
  /** Origins allowed to call the API from a browser (the host app's pages). */
  corsOrigins: string[];
  /** Base64 of 32 bytes; when unset a key file is created in `dataDir`. */
  secretKey: string | undefined;
  /** Largest JSON request body, in bytes. */
  bodyLimit: number;
  /** Largest release archive, in bytes. */
  releaseBodyLimit: number;
  /** Deepest nesting of objects/arrays accepted in a body, query or token (400 deeper). */
  jsonMaxDepth: number;
  logLevel: string;
  /** The address end users' systems reach this API at (webhook URLs are built from it). */
  publicUrl: string;
  /** Largest webhook body kept, in bytes (default 10 MiB); larger ones get 413 before more is read. */
  webhookBodyLimit: number;
  /** A run's time limit (default 10 minutes): then its whole process group is killed. */
  runTimeoutMs: number;
  /** A worker's lease on a run; it renews it at a third of this. An expired lease makes the run Lost. */
  runLeaseMs: number;
  /** How long a SIGINT/SIGTERM stop lets running runs finish before it stops them and hands them back. */
  shutdownGraceMs: number;
  /** Runs one worker process executes at once; 0 starts no worker in this process. */
  workerConcurrency: number;
  /** One run takes at most this many of a tenant's waiting triggers (oldest first; the rest wait for its next run). */
  runBundleMaxTriggers: number;
  /** ...and no more than fit in this many bytes of PAN_CTX_RUN_TRIGGERS, as estimated (Linux caps one variable at 128 KiB). */
  runBundleMaxBytes: number;
  /** Runs that could not start (or were lost with their worker) a trigger goes into before it is dead-lettered. */
  triggerMaxAttempts: number;
  /** The wait before a trigger given back is claimed again, doubled per failed start up to triggerRetryMaxMs. */
  triggerRetryBaseMs: number;
  triggerRetryMaxMs: number;
  /** Bytes of a run's stdout and stderr kept. */
  runStdoutCap: number;
  runStderrCap: number;
  /** Lines of output a run's log keeps (stderr and build output; empty lines count). */
  runLogMaxLines: number;
  /** How often the scheduler looks for due cron schedules. */
  schedulerIntervalMs: number;
  /** PAN_SCHEDULER_CLOCK: `system` (default) or `file:<path>`, a clock shared by test processes (platform/clock.ts). */
  schedulerClock: string;
  /** How long a `pan-synchronous: true` webhook or API call waits for its run (default 29 s). */
  syncWaitMs?: number;
  /** Outbound notifications: the first retry's delay (default 5 s); each next one doubles, with jitter. */
  notifyRetryBaseMs: number;
  /** Attempts before a notification is marked failed (default 8: about 10 minutes of retries at the default base). */
  notifyMaxAttempts: number;
  /** The longest retry delay (default 1 hour). */
  notifyRetryMaxMs: number;
  /** One attempt's time limit, connecting and reading the answer included (default 10 s). */
  notifyTimeoutMs: number;
  /** The connector proxy: the time limit of one call, connecting and reading the answer included (default 30 s). */
  proxyTimeoutMs: number;
  /** The connector proxy: the largest answer it reads from a target (default 5 MiB; larger: 502). */
  proxyMaxResponseBytes: number;
  /** How often a deliverer looks for due retries it was not told about (default 2 s). */
  notifyPollMs: number;
  /** Notifications one process sends at once; 0 runs no deliverer in this process (default 4). */
  notifyConcurrency: number;
  /** Allow plain http:// notification URLs to any host (default false: https, or http only to loopback). */
  notifyAllowHttp: boolean;
  /**
   * What the egress policy admits besides public addresses (PAN_EGRESS_ALLOW, comma-separated CIDRs,
   * addresses or host names; default none): e.g. a loopback OAuth provider or notification receiver.
   */
  egressAllow: string[];
  /** Request budgets per window, kept in memory per process (http/rate-limits.ts); 0 turns one off. */
  rateLimits: RateLimitConfig;
  /**
   * Payload bytes (body and headers) of a tenant's triggers not yet claimed by a run: intake that would
   * go over it is refused with 429 before anything is stored (default 100 MiB; 0: no cap).
   */
  tenantPendingTriggerBytes: number;
  /** Fastify's `trustProxy`: whose X-Forwarded-For gives the client IP (default false: the socket's address). */
  trustProxy: boolean | string[];
  /** Releases built from git (modules/sourcecontrol): `file://` repositories allowed (PAN_SOURCECONTROL_ALLOW_FILE, default off), fetch limits. */
  sourceControl: {
    allowFile: boolean;
    fetchTimeoutMs: number;
    fetchMaxBytes: number;
    /** Builds at once per worker process (PAN_SOURCECONTROL_BUILD_CONCURRENCY, default 2; 0: this process builds nothing). */
    buildConcurrency?: number;
    /** How long a build's claim holds unrenewed: after a crash, its build is claimed again this long after (PAN_SOURCECONTROL_BUILD_LEASE_MS, default 30 s). */
    buildLeaseMs?: number;
  };
  /** Run integration scripts and builds in the bubblewrap sandbox (default true; PAN_RUN_SANDBOX=off: false). */
  runSandbox: boolean;
  /** The uid and gid sandboxed runs execute as when the server runs as root (default 65534). */
  runUid: number;
  runGid: number;
  /** Each sandboxed run's (and build's) resource limits; 0: none. */
  runLimits: RunResourceLimits;
  /** Strict-Transport-Security on every answer, from `PAN_HSTS` (unset: none, since the demo is plain http). */
  hsts: HstsConfig | undefined;
  /** What this process does (PAN_ROLES, comma-separated; default all): see docs/scaling.md. */
  roles: ReadonlySet<Role>;
  /** PAN_METRICS_TOKEN: `/metrics` answers only with `Authorization: Bearer <it>`; unset, there is no `/metrics`. */
  metricsToken: string | undefined;
  /** PAN_METRICS_QUEUE_DEPTH_MS: `/metrics` is rendered (its queue-depth gauge read from the database) at most this often (default 1000; 0: every scrape). */
  metricsQueueDepthMs: number;
  /** What is deleted when (modules/runs/retention.ts); per account overrides in `accounts`. */
  retention: RetentionConfig;
}

export interface RetentionConfig {
  /** PAN_RETENTION_RUNS_DAYS: ended runs and their log lines and triggers (default 90; 0: keep forever). */
  runsDays: number;
  /** PAN_RETENTION_PAYLOADS_DAYS: the body and headers of triggers a run has taken (default 30; 0: keep). */
  payloadsDays: number;
  /** PAN_RETENTION_DELIVERIES_DAYS: finished notification deliveries and their attempts (default 30; 0: keep). */
  deliveriesDays: number;
  /** PAN_RETENTION_INTERVAL_MS: between pruning passes (default 10 minutes; 0: this process never prunes). */
  intervalMs: number;
  /** PAN_RETENTION_BATCH: rows per statement at most (default 1,000). */
  batchSize: number;
}

/** `api` serves the HTTP API; `worker` executes runs; `scheduler` queues cron triggers; `deliverer` sends notifications. */
export const ROLES = ['api', 'worker', 'scheduler', 'deliverer'] as const;
export type Role = (typeof ROLES)[number];

export interface RateLimitConfig {
  /** The window every budget below is counted over (default 60 s). */
  windowMs: number;
  /** Requests per client IP to the routes without a key or token of ours: webhooks, the OAuth callback. */
  perIp: number;
  /** Requests per webhook URL (its token). */
  perWebhookToken: number;
  /** Requests per host API key (`/v2`). */
  perApiKey: number;
  /** Requests per end user (the token's subject within its account, `/marketplace`). */
  perEndUser: number;
  /** Failed authentications per client IP (bad key or token, unknown webhook, bad signature); then every authenticated route refuses that IP. */
  authFailuresPerIp: number;
}

export interface RunResourceLimits {
  /** PAN_RUN_ADDRESS_SPACE_BYTES (default 32 GiB: V8 reserves 1 GiB, and 10 GiB per WebAssembly memory). */
  addressSpaceBytes: number;
  /** PAN_RUN_CPU_SECONDS (default 600). */
  cpuSeconds: number;
  /** PAN_RUN_MAX_PROCESSES (default 256, threads included). */
  maxProcesses: number;
  /** PAN_RUN_MAX_OPEN_FILES (default 1024). */
  maxOpenFiles: number;
  /** PAN_RUN_MAX_FILE_BYTES (default 1 GiB). */
  maxFileBytes: number;
}

export interface HstsConfig {
  maxAge: number;
  includeSubDomains: boolean;
  preload: boolean;
}

const MiB = 1024 * 1024;

export function readConfig(env: NodeJS.ProcessEnv = process.env): RunApiConfig {
  return {
    dataDir: path.resolve(env.PAN_DATA_DIR ?? '.pan-data'),
    databaseUrl: env.DATABASE_URL || undefined,
    host: env.PAN_HOST ?? '127.0.0.1',
    port: readInteger(env, 'PAN_PORT', 3100),
    corsOrigins: (env.PAN_CORS_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    secretKey: env.PAN_SECRET_KEY || undefined,
    bodyLimit: readInteger(env, 'PAN_BODY_LIMIT', 1 * MiB),
    releaseBodyLimit: readInteger(env, 'PAN_RELEASE_BODY_LIMIT', 50 * MiB),
    jsonMaxDepth: Math.max(1, readInteger(env, 'PAN_JSON_MAX_DEPTH', 64)),
    logLevel: env.PAN_LOG_LEVEL ?? 'info',
    publicUrl: (env.PAN_PUBLIC_URL ?? `http://${env.PAN_HOST ?? '127.0.0.1'}:${readInteger(env, 'PAN_PORT', 3100)}`).replace(/\/+$/, ''),
    webhookBodyLimit: readInteger(env, 'PAN_WEBHOOK_BODY_LIMIT', 10 * MiB),
    runTimeoutMs: readInteger(env, 'PAN_RUN_TIMEOUT_MS', 10 * 60_000),
    runLeaseMs: readInteger(env, 'PAN_RUN_LEASE_MS', 30_000),
    shutdownGraceMs: readInteger(env, 'PAN_SHUTDOWN_GRACE_MS', 10_000),
    workerConcurrency: readInteger(env, 'PAN_WORKER_CONCURRENCY', 2),
    runBundleMaxTriggers: Math.max(1, readInteger(env, 'PAN_RUN_BUNDLE_MAX_TRIGGERS', 200)),
    runBundleMaxBytes: readInteger(env, 'PAN_RUN_BUNDLE_MAX_BYTES', 96 * 1024),
    triggerMaxAttempts: Math.max(1, readInteger(env, 'PAN_TRIGGER_MAX_ATTEMPTS', 5)),
    triggerRetryBaseMs: readInteger(env, 'PAN_TRIGGER_RETRY_BASE_MS', 1000),
    triggerRetryMaxMs: readInteger(env, 'PAN_TRIGGER_RETRY_MAX_MS', 5 * 60_000),
    runStdoutCap: readInteger(env, 'PAN_RUN_STDOUT_CAP', 1 * MiB),
    runStderrCap: readInteger(env, 'PAN_RUN_STDERR_CAP', 5 * MiB),
    runLogMaxLines: readInteger(env, 'PAN_RUN_LOG_MAX_LINES', 100_000),
    schedulerIntervalMs: readInteger(env, 'PAN_SCHEDULER_INTERVAL_MS', 15_000),
    schedulerClock: readSchedulerClock(env.PAN_SCHEDULER_CLOCK),
    syncWaitMs: readInteger(env, 'PAN_SYNC_WAIT_MS', 29_000),
    notifyRetryBaseMs: readInteger(env, 'PAN_NOTIFY_RETRY_BASE_MS', 5_000),
    notifyMaxAttempts: Math.max(1, readInteger(env, 'PAN_NOTIFY_MAX_ATTEMPTS', 15)),
    notifyRetryMaxMs: readInteger(env, 'PAN_NOTIFY_RETRY_MAX_MS', 60 * 60_000),
    notifyTimeoutMs: Math.max(1, readInteger(env, 'PAN_NOTIFY_TIMEOUT_MS', 10_000)),
    proxyTimeoutMs: Math.max(1, readInteger(env, 'PAN_PROXY_TIMEOUT_MS', 30_000)),
    proxyMaxResponseBytes: Math.max(1, readInteger(env, 'PAN_PROXY_MAX_RESPONSE_BYTES', 5 * MiB)),
    notifyPollMs: Math.max(10, readInteger(env, 'PAN_NOTIFY_POLL_MS', 2_000)),
    notifyConcurrency: readInteger(env, 'PAN_NOTIFY_CONCURRENCY', 4),
    notifyAllowHttp: readBoolean(env, 'PAN_NOTIFY_ALLOW_HTTP', false),
    egressAllow: readEgressAllow(env),
    rateLimits: {
      windowMs: Math.max(1, readInteger(env, 'PAN_RATE_LIMIT_WINDOW_MS', 60_000)),
      perIp: readInteger(env, 'PAN_RATE_LIMIT_PER_IP', 6_000),
      perWebhookToken: readInteger(env, 'PAN_RATE_LIMIT_PER_WEBHOOK', 3_000),
      perApiKey: readInteger(env, 'PAN_RATE_LIMIT_PER_API_KEY', 6_000),
      perEndUser: readInteger(env, 'PAN_RATE_LIMIT_PER_END_USER', 600),
      authFailuresPerIp: readInteger(env, 'PAN_RATE_LIMIT_AUTH_FAILURES', 100),
    },
    tenantPendingTriggerBytes: readInteger(env, 'PAN_TENANT_PENDING_TRIGGER_BYTES', 100 * MiB),
    trustProxy: readTrustProxy(env.PAN_TRUST_PROXY),
    sourceControl: {
      allowFile: readBoolean(env, 'PAN_SOURCECONTROL_ALLOW_FILE', false),
      fetchTimeoutMs: Math.max(1_000, readInteger(env, 'PAN_SOURCECONTROL_FETCH_TIMEOUT_MS', 120_000)),
      fetchMaxBytes: Math.max(1 * MiB, readInteger(env, 'PAN_SOURCECONTROL_FETCH_MAX_BYTES', 512 * MiB)),
      buildConcurrency: Math.max(0, readInteger(env, 'PAN_SOURCECONTROL_BUILD_CONCURRENCY', 2)),
      buildLeaseMs: Math.max(1_000, readInteger(env, 'PAN_SOURCECONTROL_BUILD_LEASE_MS', 30_000)),
    },
    runSandbox: readSwitch(env, 'PAN_RUN_SANDBOX', true),
    runUid: readInteger(env, 'PAN_RUN_UID', 65534),
    runGid: readInteger(env, 'PAN_RUN_GID', 65534),
    runLimits: {
      addressSpaceBytes: readInteger(env, 'PAN_RUN_ADDRESS_SPACE_BYTES', 32 * 1024 * MiB),
      cpuSeconds: readInteger(env, 'PAN_RUN_CPU_SECONDS', 600),
      maxProcesses: readInteger(env, 'PAN_RUN_MAX_PROCESSES', 256),
      maxOpenFiles: readInteger(env, 'PAN_RUN_MAX_OPEN_FILES', 1024),
      maxFileBytes: readInteger(env, 'PAN_RUN_MAX_FILE_BYTES', 1024 * MiB),
    },
    hsts: readHsts(env),
    roles: readRoles(env.PAN_ROLES),
    metricsToken: env.PAN_METRICS_TOKEN || undefined,
    metricsQueueDepthMs: readInteger(env, 'PAN_METRICS_QUEUE_DEPTH_MS', 1_000),
    retention: {
      runsDays: readInteger(env, 'PAN_RETENTION_RUNS_DAYS', 90),
      payloadsDays: readInteger(env, 'PAN_RETENTION_PAYLOADS_DAYS', 30),
      deliveriesDays: readInteger(env, 'PAN_RETENTION_DELIVERIES_DAYS', 30),
      intervalMs: readInteger(env, 'PAN_RETENTION_INTERVAL_MS', 10 * 60_000),
      batchSize: Math.max(1, readInteger(env, 'PAN_RETENTION_BATCH', 1000)),
    },
  };
}

function readRoles(raw: string | undefined): ReadonlySet<Role> {
  const names = (raw ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (names.length === 0) return new Set(ROLES);
  for (const name of names) {
    if (!(ROLES as readonly string[]).includes(name)) throw new Error(`PAN_ROLES must list some of ${ROLES.join(', ')}, got "${raw}"`);
  }
  return new Set(names as Role[]);
}

function readEgressAllow(env: NodeJS.ProcessEnv): string[] {
  const entries = (env.PAN_EGRESS_ALLOW ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  parseEgressAllow(entries); // throws, naming the variable, on an entry that is not valid
  return entries;
}

/** `on` or `off` (an explicit choice: nothing else is accepted). */
function readSwitch(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'on') return true;
  if (raw === 'off') return false;
  throw new Error(`${name} must be on or off, got "${env[name]}"`);
}

/** `PAN_HSTS` is the header's value: `max-age=<seconds>`, optionally `; includeSubDomains` and `; preload`. */
function readHsts(env: NodeJS.ProcessEnv): HstsConfig | undefined {
  const raw = env.PAN_HSTS?.trim();
  if (!raw) return undefined;
  const invalid = () => new Error(`PAN_HSTS must be "max-age=<seconds>[; includeSubDomains][; preload]", got "${raw}"`);
  const [first, ...flags] = raw.split(';').map((part) => part.trim().toLowerCase()).filter(Boolean);
  const maxAge = /^max-age=(\d+)$/.exec(first ?? '')?.[1];
  if (maxAge === undefined || flags.some((flag) => flag !== 'includesubdomains' && flag !== 'preload')) throw invalid();
  return { maxAge: Number(maxAge), includeSubDomains: flags.includes('includesubdomains'), preload: flags.includes('preload') };
}

function readInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

/** `true`/`false`, or a comma-separated list of the proxies' addresses or CIDRs. */
function readTrustProxy(raw: string | undefined): boolean | string[] {
  const value = raw?.trim() ?? '';
  if (value === '' || value.toLowerCase() === 'false') return false;
  if (value.toLowerCase() === 'true') return true;
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

function readBoolean(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new Error(`${name} must be true or false, got "${env[name]}"`);
}

function readSchedulerClock(value: string | undefined): string {
  if (!value || value === 'system') return 'system';
  if (/^file:.+/.test(value)) return value;
  throw new Error(`PAN_SCHEDULER_CLOCK must be "system" or "file:<path>", not "${value}"`);
}
