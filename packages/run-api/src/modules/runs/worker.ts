/**
 * A worker loop: claims runs from PostgreSQL (woken by NOTIFY, with a poll as a safety net), hands
 * them to an Executor, streams their log into run_log_lines, renews its lease while they run, and
 * records how they ended. Any number of workers in any number of processes share one database.
 */
import { randomUUID } from 'node:crypto';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { runConnectors, runSecrets, type RunSecrets } from '../connections/run-secrets.ts';
import type { SecretBox } from '../../platform/crypto/secret-box.ts';
import type { EgressPolicy } from '../../platform/egress.ts';
import type { Db } from '../../platform/db/pool.ts';
import { ListenConnection } from '../../platform/db/listen.ts';
import type { Executor, LogLine, RunLimits, RunOutcome } from '../runner/types.ts';
import { CoalescedPass } from '../../platform/coalesced-pass.ts';
import { claimLatency, logLinesStored, runDuration } from '../../platform/metrics.ts';
import { SecretMasker } from './log-mask.ts';
import { NOT_JSON } from '../runner/last-json.ts';
import { claimNextRun, finishRun, handBackRuns, sweepLostRuns, type ClaimedRun, type GiveBackPolicy, type RunResult } from './queue.ts';
import { appendLogLines, renewLease } from './store.ts';
import { LogWriter } from './log-writer.ts';
import { TRIGGERS_CHANNEL, type BundleBounds, type RetryBackoff } from '../triggers/store.ts';

export interface RunWorkerOptions {
  db: Db;
  /** A connection string for the LISTEN connection (the pool's clients are not kept). */
  databaseUrl: string;
  executor: Executor;
  /** Opens the runs' credentials. */
  box: SecretBox;
  /** Token refreshes go through it. */
  egress: EgressPolicy;
  limits: RunLimits;
  concurrency: number;
  leaseMs: number;
  /** The tenant's webhook URL is `${webhookBase}/<token>`. */
  webhookBase: string;
  /** Safety-net poll when no NOTIFY arrives (default 2 s). */
  pollMs?: number;
  /** How long `stop()` lets running runs finish before it kills them (default 10 s). */
  stopGraceMs?: number;
  log?: (message: string, fields?: Record<string, unknown>) => void;
  /** How many triggers (and bytes of PAN_CTX_RUN_TRIGGERS) one run takes at most (default DEFAULT_BUNDLE_BOUNDS). */
  bundle?: BundleBounds;
  /** Failed starts (or lost runs) after which a trigger is dead-lettered (default DEFAULT_TRIGGER_MAX_ATTEMPTS). */
  maxTriggerAttempts?: number;
  /** The wait before triggers given back are claimed again (default DEFAULT_RETRY_BACKOFF). */
  retryBackoff?: RetryBackoff;
  /** Observes each run's start (benchmarks and tests). */
  onRunStart?: (run: ClaimedRun) => void;
  /** Observes each run's log writer (its `stats`: tests). */
  onLogWriter?: (run: ClaimedRun, writer: LogWriter) => void;
}

export class RunWorker {
  readonly id = `worker-${randomUUID()}`;
  readonly #options: RunWorkerOptions;
  readonly #active = new Map<string, AbortController>();
  readonly #finished = new Set<Promise<void>>();
  #listener: ListenConnection | undefined;
  #timers: NodeJS.Timeout[] = [];
  readonly #claims = new CoalescedPass(() => this.#claimLoop());
  #stopping = false;

  constructor(options: RunWorkerOptions) {
    this.#options = options;
  }

  async start(): Promise<void> {
    // Wake-ups come back after a database restart; a reconnect wakes too (NOTIFYs meanwhile were missed).
    const listener = new ListenConnection({
      database: this.#options.databaseUrl,
      channels: [TRIGGERS_CHANNEL],
      onNotification: () => this.wake(),
      onReconnect: () => this.wake(),
      log: (message, fields) => this.#log(`worker ${message}`, fields),
    });
    await listener.start();
    this.#listener = listener;
    const poll = this.#options.pollMs ?? 2000;
    this.#timers.push(setInterval(() => this.wake(), poll));
    this.#timers.push(
      setInterval(() => {
        sweepLostRuns(this.#options.db, undefined, this.#finishOptions()).catch((error) => this.#log('sweeper failed', { error: String(error) }));
      }, Math.max(250, Math.floor(this.#options.leaseMs / 2))),
    );
    this.wake();
  }

  /** Claims as many runs as there are free slots. Re-entrant calls coalesce into one more pass. */
  wake(): void {
    if (!this.#stopping) this.#claims.wake();
  }

  async #claimLoop(): Promise<void> {
    while (!this.#stopping && this.#active.size < this.#options.concurrency) {
      let run: ClaimedRun | null;
      try {
        run = await claimNextRun(this.#options.db, this.id, this.#options.leaseMs, this.#options.bundle);
      } catch (error) {
        this.#log('claiming a run failed', { error: String(error) });
        return;
      }
      if (!run) return;
      // How long its oldest trigger waited (both clocks are the database's and this host's: one machine, or NTP).
      const oldest = run.triggers.reduce((min, t) => Math.min(min, t.createdAt.getTime()), Infinity);
      if (Number.isFinite(oldest)) claimLatency.observe({ queue: run.queue }, Math.max(0, Date.now() - oldest) / 1000);
      const abort = new AbortController();
      this.#active.set(run.id, abort);
      const done = this.#execute(run, abort).finally(() => {
        this.#active.delete(run.id);
        this.#finished.delete(done);
        this.wake();
      });
      this.#finished.add(done);
    }
  }

  async #execute(run: ClaimedRun, abort: AbortController): Promise<void> {
    const { db, leaseMs } = this.#options;
    this.#options.onRunStart?.(run);
    const claimedAt = performance.now();
    // Log batches are written in order, one insert at a time (bounded: see LogWriter).
    const writer = new LogWriter(
      (lines) => appendLogLines(db, run.id, lines).then(() => logLinesStored.inc(lines.length)),
      (error) => this.#log('writing log lines failed', { run: run.id, error: String(error) }),
    );
    this.#options.onLogWriter?.(run, writer);
    const onLog = (lines: LogLine[]) => writer.push(lines);
    const heartbeat = setInterval(() => {
      renewLease(db, run.id, this.id, leaseMs).then(
        (mine) => {
          if (!mine) abort.abort(new Error('lease lost'));
        },
        (error) => this.#log('renewing a lease failed', { run: run.id, error: String(error) }),
      );
    }, Math.max(100, Math.floor(leaseMs / 3)));
    let credentials: RunSecrets;
    try {
      credentials = await runSecrets(db, this.#options.box, this.#options.egress, run.accountId, run.userSub, runConnectors(run.integration.connectors, run.release.spec.connectors));
    } catch (error) {
      this.#log('loading a run\'s credentials failed', { run: run.id, error: String(error) });
      credentials = { ok: false, reason: 'The credentials could not be read' };
    }
    if (!credentials.ok) {
      clearInterval(heartbeat);
      await appendLogLines(db, run.id, [{ seq: 1, at: new Date(), line: `[pan] ${credentials.reason}` }]).catch(() => {});
      // Unreadable credentials are the platform's failure: the triggers go back. A refused refresh is the connection's.
      const platform = credentials.reason === 'The credentials could not be read';
      const result: RunResult = platform
        ? { status: 'Failed (Platform Issue)', exitCode: null, stdoutJson: undefined, outputNote: `${credentials.reason}. ${GIVEN_BACK}`, logTruncated: false, giveBack: true }
        : { status: 'Failed (Refresh)', exitCode: null, stdoutJson: undefined, outputNote: credentials.reason, logTruncated: false };
      const finished = await finishRun(db, run.id, this.id, result, this.#finishOptions()).catch(
        (error) => this.#log('recording the end of a run failed', { run: run.id, error: String(error) }),
      );
      if (finished) runDuration.observe({ status: result.status }, (performance.now() - claimedAt) / 1000);
      return;
    }
    const masker = SecretMasker.for(credentials.masked);
    const log = maskedLog(masker, onLog);
    let outcome: RunOutcome | undefined;
    try {
      outcome = await this.#options.executor.execute({
        context: {
          runId: run.id,
          mode: run.mode,
          integration: { id: run.integration.id, name: run.integration.name },
          tenantId: run.tenantId,
          release: run.release,
          configs: run.configs,
          secrets: credentials.secrets,
          lastRun: run.lastRun,
          lastSuccessfulRun: run.lastSuccessfulRun,
          webhookUrl: `${this.#options.webhookBase}/${run.webhookToken}`,
          triggers: run.triggers,
          metadata: run.release.spec.metadata_schema ? run.metadata : null,
        },
        limits: this.#options.limits,
        onLog: withNotes(credentials.notes, log.onLog),
        signal: abort.signal,
      });
    } catch (error) {
      this.#log('the executor failed', { run: run.id, error: String(error) });
    } finally {
      log.flush();
    }
    // The lease is renewed until the log is stored and the outcome recorded: a long flush must not
    // let the sweeper call a finished run Lost (and run it again).
    try {
      await writer.flushed();
      // Stopped (or lease lost) mid-run: the run is given back, not recorded as failed.
      if (abort.signal.aborted) return;
      await this.#record(run, outcome, masker, writer.failed, claimedAt);
    } finally {
      clearInterval(heartbeat);
    }
  }

  async #record(run: ClaimedRun, outcome: RunOutcome | undefined, masker: SecretMasker | undefined, logFailed: boolean, claimedAt: number): Promise<void> {
    const { db } = this.#options;
    const result: RunResult = outcome
      ? resultOf(run, outcome)
      : { status: 'Failed (Platform Issue)', exitCode: null, stdoutJson: undefined, outputNote: 'The runner failed.', logTruncated: false };
    if (masker) maskResult(result, masker);
    if (logFailed) result.outputNote = [result.outputNote, 'Some log lines could not be stored.'].filter(Boolean).join(' ');
    try {
      if (await finishRun(db, run.id, this.id, result, this.#finishOptions())) runDuration.observe({ status: result.status }, (performance.now() - claimedAt) / 1000);
    } catch (error) {
      // The lease will expire and the sweeper gives the triggers back: nothing acknowledged is lost.
      this.#log('recording the end of a run failed', { run: run.id, error: String(error) });
    }
  }

  /** Stops claiming; lets running runs finish for the grace period, then kills them and gives them back. */
  async stop(): Promise<void> {
    this.#stopping = true;
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers = [];
    // A claim under way may still start a run: wait for it, so that run is waited for too.
    await this.#claims.stop();
    const grace = this.#options.stopGraceMs ?? 10_000;
    const all = Promise.all([...this.#finished]);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      all.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), grace);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      for (const abort of this.#active.values()) abort.abort(new Error('worker stopping'));
      await all;
      // Handed back at once, not after the lease: the next start (or another process) runs them again.
      await handBackRuns(this.#options.db, this.id).then(
        (ids) => ids.length > 0 && this.#log('runs handed back', { runs: ids }),
        (error) => this.#log('handing runs back failed; they are given back when their lease expires', { error: String(error) }),
      );
    }
    await this.#listener?.close();
  }

  #finishOptions(): GiveBackPolicy {
    const { maxTriggerAttempts, retryBackoff } = this.#options;
    return { ...(maxTriggerAttempts === undefined ? {} : { maxTriggerAttempts }), ...(retryBackoff ? { retryBackoff } : {}) };
  }

  #log(message: string, fields?: Record<string, unknown>): void {
    this.#options.log?.(message, fields);
  }
}

const ajv = new Ajv2019({ allErrors: true, strict: false });

/** The output note of a run that could not start and gave its triggers back. */
const GIVEN_BACK = 'The run could not start: its triggers went back to the queue (a trigger that fails to start too often is dead-lettered).';

/** The largest output passed on as PAN_CTX_LAST_SUCCESSFUL_RUN_STD_OUT (Linux caps one variable at 128 KiB). */
export const MAX_CONTEXT_BYTES = 120 * 1024;

/** What a finished process means for the run and its tenant (SPEC: stdout, init, metadata). */
export function resultOf(run: Pick<ClaimedRun, 'mode' | 'release'>, outcome: RunOutcome): RunResult {
  const result: RunResult = {
    status: outcome.status,
    exitCode: outcome.exitCode,
    stdoutJson: outcome.stdoutJson,
    outputNote: outcome.stdoutNote,
    logTruncated: outcome.stderrTruncated,
  };
  if (outcome.notStarted && outcome.status === 'Failed (Platform Issue)') return { ...result, outputNote: GIVEN_BACK, giveBack: true };
  if (outcome.status !== 'Succeeded') return result;
  if (outcome.stdoutJson === undefined) {
    // Not JSON: the run still succeeds, and the context stays as it was.
    return result;
  }
  const bytes = Buffer.byteLength(outcome.stdoutJson);
  if (bytes > MAX_CONTEXT_BYTES) {
    // An environment variable cannot hold it: the next run could not start.
    return { ...result, outputNote: `The output is ${bytes} bytes, over the ${MAX_CONTEXT_BYTES} that pass to the next run: the context is unchanged.` };
  }
  const value: unknown = JSON.parse(outcome.stdoutJson);
  const effects: NonNullable<RunResult['tenant']> = { lastSuccessfulStdout: outcome.stdoutJson };
  const metadataSchema = run.release.spec.metadata_schema?.schema;
  if (metadataSchema) {
    let valid: boolean;
    let errors = '';
    try {
      const validate = ajv.compile(metadataSchema);
      valid = validate(value);
      errors = ajv.errorsText(validate.errors, { dataVar: 'output' });
    } catch (error) {
      valid = false;
      errors = `the metadata_schema cannot be used: ${(error as Error).message}`;
    }
    if (!valid || !isPlainObject(value)) {
      return {
        ...result,
        status: 'Failed (Metadata Validation)',
        outputNote: `The run's output does not match metadata_schema: ${valid ? 'it is not an object' : errors}`,
      };
    }
    effects.metadataPatch = value;
  }
  if (run.mode === 'init' && isPlainObject(value)) {
    const definitions = run.release.spec.configs?.schema?.definitions ?? {};
    const options = Object.fromEntries(Object.entries(value).filter(([key]) => key in definitions));
    if (Object.keys(options).length > 0) effects.dynamicConfigs = options;
  }
  result.tenant = effects;
  return result;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The run's secrets never reach its stored (and streamed) log. `flush()` at the end of the run
 * gives back a last line held to see whether a secret went on on the next one.
 */
function maskedLog(masker: SecretMasker | undefined, onLog: (lines: LogLine[]) => void): { onLog: (lines: LogLine[]) => void; flush(): void } {
  if (!masker) return { onLog, flush() {} };
  const lines = masker.lines();
  const noteLine = `[pan] ${NOT_JSON}: `;
  return {
    onLog(batch) {
      // The runner's note quotes the start of stdout's last line, maybe cut inside a secret.
      const noted = batch.map((l) => (l.line.startsWith(noteLine) ? { ...l, line: masker.note(l.line) } : l));
      const masked = lines.push(noted);
      if (masked.length > 0) onLog(masked);
    },
    flush() {
      const held = lines.flush();
      if (held.length > 0) onLog(held);
    },
  };
}

/**
 * What the platform shows of the run's output is masked too: the output note (end users and hosts
 * read it) and the JSON a `pan-synchronous` call answers with. The next run's context keeps the
 * output as printed: the secrets are that run's own.
 */
function maskResult(result: RunResult, masker: SecretMasker): void {
  if (result.outputNote) result.outputNote = masker.note(result.outputNote);
  if (result.stdoutJson !== undefined) result.stdoutJson = masker.json(result.stdoutJson);
}

/** The run's log begins with the engine's notes (e.g. a connector not connected); the script's lines follow. */

function withNotes(notes: string[], onLog: (lines: LogLine[]) => void): (lines: LogLine[]) => void {
  if (notes.length === 0) return onLog;
  const at = new Date();
  onLog(notes.map((line, i) => ({ seq: i + 1, at, line })));
  return (lines) => onLog(lines.map((l) => ({ ...l, seq: l.seq + notes.length })));
}
