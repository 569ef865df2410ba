/**
 * The runner's contract: what the worker hands it for one run and what it hands back. The worker
 * (storage, queue, leases) knows nothing of processes; the runner knows nothing of PostgreSQL.
 * Another executor (a container, a Kubernetes Job) implements `Executor` the same way.
 */
import type { PandiumSpec } from '@pan/pandium-yaml';
import type { RunMode, RunStatus, TriggerSource } from '@pan/contract';

/** A trigger as the run sees it; the payload body is materialised as a file in the run directory. */
export interface RunTrigger {
  id: string;
  source: TriggerSource;
  mode: RunMode;
  createdAt: Date;
  /** App events (issue 7): the event's name. */
  event?: string;
  /** manual and cron have none. */
  payload?: {
    body: Buffer;
    /** The request's headers with the sender's names (`User-Agent`), minus hop-by-hop and credential ones. */
    headers: Record<string, string>;
  };
}

export interface PreviousRun {
  startedAt: Date;
  endedAt: Date | null;
  status: RunStatus;
}

export interface RunContext {
  runId: string;
  mode: RunMode;
  /** `id`: the integration's integer id (`integrations.num_id`), as Pandium's `PAN_CTX_INTEGRATION_ID`. */
  integration: { id: number; name: string };
  tenantId: string;
  release: { id: string; version: string; spec: PandiumSpec };
  /** The tenant's saved settings: each becomes `PAN_CFG_<NAME>`. */
  configs: Record<string, unknown>;
  /** connector name -> field -> value: each becomes `PAN_SEC_<CONNECTOR>_<FIELD>`. */
  secrets: Record<string, Record<string, string>>;
  lastRun: PreviousRun | null;
  lastSuccessfulRun: (PreviousRun & { stdout: string | null }) | null;
  webhookUrl: string;
  triggers: RunTrigger[];
  /** The tenant's metadata; null when the release has no `metadata_schema` (no file, no variable). */
  metadata: Record<string, unknown> | null;
}

export interface LogLine {
  seq: number;
  at: Date;
  line: string;
}

export interface RunLimits {
  /** Default 10 minutes. Over it the whole process group is killed: `Failed (Timeout)`. */
  timeoutMs: number;
  /** Bytes of stdout kept; beyond, dropped (the last JSON is then what was kept). */
  stdoutCapBytes: number;
  /** Bytes of stderr kept as log lines; beyond, one marker line says how much was dropped. */
  stderrCapBytes: number;
  /**
   * Lines of output (stderr and the build's) kept as log lines, empty ones included; beyond, the
   * same one marker line. Default 100,000 (PAN_RUN_LOG_MAX_LINES).
   */
  logMaxLines?: number;
}

export interface RunOutcome {
  status: Extract<RunStatus, 'Succeeded' | 'Failed (Integration Issue)' | 'Failed (Timeout)' | 'Failed (Resource Limit)' | 'Failed (Platform Issue)'>;
  exitCode: number | null;
  signal: string | null;
  startedAt: Date;
  endedAt: Date;
  /** The last JSON value printed on stdout, as text (re-serialised); undefined when there was none. */
  stdoutJson: string | undefined;
  /** Why there is no stdoutJson, in words for the log ("the last output on stdout is not JSON"). */
  stdoutNote: string | undefined;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
  /** Lines emitted through onLog, including the runner's own notes (prefixed `[pan]`). */
  logLines: number;
  /**
   * The platform failed before the command started (run directory, release, environment): nothing
   * of the integration ran, so the run's triggers can be given back to run again.
   */
  notStarted?: boolean;
}

export interface ExecuteOptions {
  context: RunContext;
  limits: RunLimits;
  /** Called with stderr lines as they come (batched; seq from 1, strictly increasing). */
  onLog(lines: LogLine[]): void;
  /** Aborting kills the process group; the outcome is then `Failed (Platform Issue)`. */
  signal?: AbortSignal;
}

export interface Executor {
  execute(options: ExecuteOptions): Promise<RunOutcome>;
}
