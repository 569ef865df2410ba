/**
 * The run engine of one process: a worker (claims and executes runs), the cron scheduler and the
 * notification deliverer, over the process executor. `startServer` starts it next to the API; it
 * can also run alone.
 */
import path from 'node:path';
import type { RunApiConfig } from '../../platform/config.ts';
import type { SecretBox } from '../../platform/crypto/secret-box.ts';
import { withAdvisoryLock, type Db } from '../../platform/db/pool.ts';
import { EgressPolicy } from '../../platform/egress.ts';
import { clockFrom } from '../../platform/clock.ts';
import { readReleaseArchive } from '../catalog/store.ts';
import { NotificationDeliverer } from '../notifications/deliverer.ts';
import { BuildWorker, type BuildWorkerOptions } from '../sourcecontrol/build-worker.ts';
import { ProcessExecutor } from '../runner/process-executor.ts';
import { ReleaseDirectories } from '../runner/release-dir.ts';
import { Sandbox } from '../runner/sandbox.ts';
import type { Executor } from '../runner/types.ts';
import type { ClaimedRun } from './queue.ts';
import { RetentionPruner } from './retention.ts';
import { startScheduler } from './scheduler.ts';
import { RunWorker, type RunWorkerOptions } from './worker.ts';

export interface RunEngineOptions {
  db: Db;
  box: SecretBox;
  databaseUrl: string;
  config: RunApiConfig;
  log?: (message: string, fields?: Record<string, unknown>) => void;
  /** Replaces the process executor (another executor, or a test's). */
  executor?: Executor;
  /** Start the worker, which claims and executes runs (default true; PAN_ROLES without `worker`: false). */
  worker?: boolean;
  /** Start the cron scheduler too (default true). */
  scheduler?: boolean;
  /** Start the retention pruner too (default: when PAN_ROLES has `worker` and `config.retention.intervalMs` > 0). */
  retention?: boolean;
  /** Start the notification deliverer too (default: when `config.notifyConcurrency` > 0). */
  notifications?: boolean;
  pollMs?: number;
  onRunStart?: (run: ClaimedRun) => void;
  /** Observes each run's log writer (tests). */
  onLogWriter?: RunWorkerOptions['onLogWriter'];
  /** The egress policy of token refreshes and notifications (default: one from `config.egressAllow`). */
  egress?: EgressPolicy;
  /** Start the build worker (releases from git) too (default: with the worker, when `config.sourceControl.buildConcurrency` > 0). */
  builds?: boolean;
  /** Observes each build's start (tests). */
  onBuildStart?: BuildWorkerOptions['onBuildStart'];
}

export interface RunEngine {
  /** Undefined when turned off (`worker: false`). */
  worker: RunWorker | undefined;
  /** Outbound notifications; undefined when turned off. */
  notifications: NotificationDeliverer | undefined;
  /** The retention pruner; undefined when turned off. */
  retention: RetentionPruner | undefined;
  /** Builds releases from git; undefined when turned off. */
  builds: BuildWorker | undefined;
  stop(): Promise<void>;
}

/** The sandbox the configuration asks for; undefined when PAN_RUN_SANDBOX=off. */
export function sandboxFor(config: Pick<RunApiConfig, 'runSandbox' | 'runUid' | 'runGid' | 'runLimits'>): Sandbox | undefined {
  return config.runSandbox ? new Sandbox({ uid: config.runUid, gid: config.runGid, limits: config.runLimits }) : undefined;
}

/**
 * The process executor over `<dataDir>/releases` and `<dataDir>/runs`, builds locked across
 * processes, runs and builds in `sandbox` (none: unsandboxed).
 */
export function createProcessExecutor(db: Db, dataDir: string, sandbox: Sandbox | undefined): ProcessExecutor {
  const releases = new ReleaseDirectories({
    sandbox,
    root: path.join(dataDir, 'releases'),
    async loadArchive(releaseId) {
      const archive = await readReleaseArchive(db, releaseId);
      if (!archive) throw new Error(`release ${releaseId} not found`);
      return archive;
    },
    withLock: (releaseId, fn) => withAdvisoryLock(db, `pan-release:${releaseId}`, fn),
  });
  return new ProcessExecutor({ runsRoot: path.join(dataDir, 'runs'), releases, sandbox });
}

export async function startRunEngine(options: RunEngineOptions): Promise<RunEngine> {
  const { db, config } = options;
  const egress = options.egress ?? new EgressPolicy({ allow: config.egressAllow });
  const closeEgress = async () => {
    if (!options.egress) await egress.close();
  };
  const worker = options.worker === false ? undefined : new RunWorker({
    db,
    databaseUrl: options.databaseUrl,
    executor: options.executor ?? createProcessExecutor(db, config.dataDir, sandboxFor(config)),
    box: options.box,
    egress,
    limits: { timeoutMs: config.runTimeoutMs, stdoutCapBytes: config.runStdoutCap, stderrCapBytes: config.runStderrCap, logMaxLines: config.runLogMaxLines },
    concurrency: config.workerConcurrency,
    leaseMs: config.runLeaseMs,
    bundle: { maxTriggers: config.runBundleMaxTriggers, maxBytes: config.runBundleMaxBytes },
    maxTriggerAttempts: config.triggerMaxAttempts,
    retryBackoff: { baseMs: config.triggerRetryBaseMs, maxMs: config.triggerRetryMaxMs },
    stopGraceMs: config.shutdownGraceMs,
    webhookBase: `${config.publicUrl}/webhooks`,
    ...(options.pollMs ? { pollMs: options.pollMs } : {}),
    ...(options.log ? { log: options.log } : {}),
    ...(options.onRunStart ? { onRunStart: options.onRunStart } : {}),
    ...(options.onLogWriter ? { onLogWriter: options.onLogWriter } : {}),
  });
  await worker?.start();
  const scheduler =
    options.scheduler === false ? undefined : startScheduler(db, config.schedulerIntervalMs, options.log, { clock: clockFrom(config.schedulerClock) });
  const notifications =
    options.notifications === false || config.notifyConcurrency <= 0
      ? undefined
      : new NotificationDeliverer({
          db,
          databaseUrl: options.databaseUrl,
          box: options.box,
          egress,
          concurrency: config.notifyConcurrency,
          retryBaseMs: config.notifyRetryBaseMs,
          retryMaxMs: config.notifyRetryMaxMs,
          maxAttempts: config.notifyMaxAttempts,
          timeoutMs: config.notifyTimeoutMs,
          pollMs: config.notifyPollMs,
          ...(options.log ? { log: options.log } : {}),
        });
  try {
    await notifications?.start();
  } catch (error) {
    await scheduler?.stop();
    await worker?.stop();
    await closeEgress();
    throw error;
  }
  // Every worker process runs one (a process of the worker role is the one meant to take database
  // work off the API's); the advisory lock elects which one prunes at each pass.
  const retention =
    !(options.retention ?? config.roles.has('worker')) || config.retention.intervalMs <= 0
      ? undefined
      : new RetentionPruner({
          db,
          policy: config.retention,
          batchSize: config.retention.batchSize,
          intervalMs: config.retention.intervalMs,
          ...(options.log ? { log: options.log } : {}),
        });
  retention?.start();
  const buildConcurrency = config.sourceControl.buildConcurrency ?? 2;
  const builds =
    !(options.builds ?? options.worker !== false) || buildConcurrency <= 0
      ? undefined
      : new BuildWorker({
          context: { db, box: options.box, egress, config },
          databaseUrl: options.databaseUrl,
          concurrency: buildConcurrency,
          leaseMs: config.sourceControl.buildLeaseMs ?? 30_000,
          ...(options.pollMs ? { pollMs: options.pollMs } : {}),
          ...(options.log ? { log: options.log } : {}),
          ...(options.onBuildStart ? { onBuildStart: options.onBuildStart } : {}),
        });
  try {
    await builds?.start();
  } catch (error) {
    await Promise.all([scheduler?.stop(), retention?.stop()]);
    await Promise.all([worker?.stop(), notifications?.stop()]);
    await closeEgress();
    throw error;
  }
  return {
    worker,
    notifications,
    retention,
    builds,
    async stop() {
      await Promise.all([scheduler?.stop(), retention?.stop()]);
      await Promise.all([worker?.stop(), notifications?.stop(), builds?.stop(config.shutdownGraceMs)]);
      await closeEgress();
    },
  };
}
