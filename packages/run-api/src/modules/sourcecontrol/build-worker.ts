/**
 * The build worker of one process (the worker role): claims queued builds from `release_builds`
 * (woken by NOTIFY, with a poll as a safety net), at most `concurrency` at once, and builds each
 * with `buildFromRepository` under a lease it renews. A build whose process died keeps its lease
 * only until it runs out; then any worker claims it again.
 */
import { randomUUID } from 'node:crypto';
import { ListenConnection } from '../../platform/db/listen.ts';
import { CoalescedPass } from '../../platform/coalesced-pass.ts';
import { PanError } from '../../platform/errors.ts';
import { readIntegrationRepository } from '../catalog/store.ts';
import { buildFromRepository, pushVersion, type BuildContext } from './service.ts';
import { BUILDS_CHANNEL, claimBuild, finishBuild, handBackBuild, renewBuildLease, type BuildOutcome, type ClaimedBuild } from './store.ts';

export interface BuildWorkerOptions {
  context: BuildContext;
  /** A connection string for the LISTEN connection. */
  databaseUrl: string;
  /** Builds at once in this process. */
  concurrency: number;
  /** How long a claim holds without renewal; renewed every third of it. */
  leaseMs: number;
  /** Claims after which a build whose process keeps dying fails (default 3). */
  maxAttempts?: number;
  /** Safety-net poll (default 2 s): also how soon a dead process's build is noticed after its lease. */
  pollMs?: number;
  log?: (message: string, fields?: Record<string, unknown>) => void;
  /** Observes each build's start (tests). */
  onBuildStart?: (build: ClaimedBuild) => void;
}

export class BuildWorker {
  readonly id = `build-${randomUUID()}`;
  readonly #options: BuildWorkerOptions;
  readonly #inFlight = new Map<Promise<void>, AbortController>();
  readonly #claims = new CoalescedPass(() => this.#claimLoop());
  #listener: ListenConnection | undefined;
  #poll: NodeJS.Timeout | undefined;
  #stopping = false;

  constructor(options: BuildWorkerOptions) {
    this.#options = options;
  }

  async start(): Promise<void> {
    const listener = new ListenConnection({
      database: this.#options.databaseUrl,
      channels: [BUILDS_CHANNEL],
      onNotification: () => this.wake(),
      onReconnect: () => this.wake(),
      log: (message, fields) => this.#log(`build ${message}`, fields),
    });
    await listener.start();
    this.#listener = listener;
    this.#poll = setInterval(() => this.wake(), this.#options.pollMs ?? 2_000);
    this.wake();
  }

  wake(): void {
    if (!this.#stopping) this.#claims.wake();
  }

  async #claimLoop(): Promise<void> {
    const { context, concurrency, leaseMs } = this.#options;
    while (!this.#stopping && this.#inFlight.size < concurrency) {
      let claimed: ClaimedBuild | null;
      try {
        claimed = await claimBuild(context.db, this.id, leaseMs, this.#options.maxAttempts ?? 3);
      } catch (error) {
        this.#log('claiming a build failed', { error: String(error) });
        return;
      }
      if (!claimed) return;
      const build = claimed;
      const abort = new AbortController();
      const done = this.#build(build, abort.signal)
        .catch((error) => this.#log('recording a build failed', { build: build.id, error: String(error) }))
        .finally(() => {
          this.#inFlight.delete(done);
          this.wake();
        });
      this.#inFlight.set(done, abort);
    }
  }

  async #build(build: ClaimedBuild, signal: AbortSignal): Promise<void> {
    const { context, leaseMs } = this.#options;
    this.#options.onBuildStart?.(build);
    const renewal = setInterval(() => {
      renewBuildLease(context.db, build.id, this.id, leaseMs).catch((error) => this.#log('renewing a build lease failed', { build: build.id, error: String(error) }));
    }, Math.max(100, Math.floor(leaseMs / 3)));
    let outcome: BuildOutcome;
    try {
      const integration = await readIntegrationRepository(context.db, build.account_id, build.integration_id);
      if (!integration) {
        outcome = { ok: false, error: { message: 'The integration no longer exists' } };
      } else {
        const release = await buildFromRepository(context, build.account_id, integration, build.ref, {
          version: (commit) => build.version ?? pushVersion(build.ref, commit),
          makeDefault: build.make_default,
          branchPush: build.branch_push,
          signal,
        });
        outcome = { ok: true, releaseId: release.uuid!, created: release.created, commit: release.commit, warnings: release.warnings };
      }
    } catch (error) {
      if (signal.aborted) {
        // Stopped, not failed: the next worker (here after a restart, or elsewhere) builds it.
        clearInterval(renewal);
        await handBackBuild(context.db, build.id, this.id);
        return;
      }
      if (error instanceof PanError) {
        const errors = (error.details as { errors?: unknown } | undefined)?.errors;
        outcome = { ok: false, error: { code: error.code, message: error.message, ...(errors === undefined ? {} : { errors }) } };
      } else {
        // Our own fault: said in the log, not in the answer.
        this.#log('a build failed', { build: build.id, error: String(error) });
        outcome = { ok: false, error: { message: 'The build failed on the server (see its log)' } };
      }
    } finally {
      clearInterval(renewal);
    }
    await finishBuild(context.db, build.id, this.id, outcome);
  }

  /**
   * Stops claiming; lets the builds under way finish for `graceMs`, then stops their git and gives
   * them back to the queue (claimed again at once by another process, or by this one's next start).
   */
  async stop(graceMs = 10_000): Promise<void> {
    this.#stopping = true;
    clearInterval(this.#poll);
    await this.#claims.stop();
    const all = Promise.all([...this.#inFlight.keys()]);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([all.then(() => false), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), graceMs)))]);
    clearTimeout(timer);
    if (timedOut) {
      for (const abort of this.#inFlight.values()) abort.abort(new Error('build worker stopping'));
      await all;
    }
    await this.#listener?.close();
  }

  #log(message: string, fields?: Record<string, unknown>): void {
    this.#options.log?.(message, fields);
  }
}
