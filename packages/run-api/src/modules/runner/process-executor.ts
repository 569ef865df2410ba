/**
 * The process executor: runs a release's `run` command as a child process on this machine.
 *
 * - A fresh run directory (`run-directory.ts`) holds the payload files, `metadata.json` and HOME.
 * - The command runs in the RELEASE directory (where `build` ran and where `run: node index.js`
 *   expects to be), as the leader of its own process group, with a clean environment: PATH, HOME,
 *   LANG, TZ and `PAN_*` only (`environment.ts`). A plain command (words only, no shell syntax,
 *   whose program is found on PATH) is executed directly, saving a shell; any other goes through
 *   bash (`shell.ts`), which, unlike dash, passes on the hyphenated `PAN_SEC_ACME-CRM_*` names.
 * - stderr becomes log lines (batched, capped in bytes and in lines: see `LogBatcher`), stdout is
 *   kept up to a cap and its last JSON value is the outcome's `stdoutJson`.
 * - When the shell exits, when the time limit is reached or when the caller aborts, the whole group
 *   gets SIGTERM, then SIGKILL after a grace period: nothing the script started outlives the run.
 * - With a `sandbox` (`sandbox.ts`), the command runs inside bubblewrap, its release read-only and
 *   its run directory writable, under resource limits; a run that hits one is
 *   `Failed (Resource Limit)`, with a `[pan]` line naming the limit. Without one, it gets a
 *   parent-death signal (`parent-death.ts`): either way it does not outlive a killed server.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { oversizedVariables, runEnvironment } from './environment.ts';
import { lastJsonValue, NOTHING_PRINTED } from './last-json.ts';
import { LineSplitter } from './lines.ts';
import { shellInvocation } from './shell.ts';
import { dyingWithServer } from './parent-death.ts';
import { stopGroup } from './process-group.ts';
import { BuildError, formatDuration, type ReleaseDirectories } from './release-dir.ts';
import { createRunDirectory, type RunDirectory } from './run-directory.ts';
import { limitDescription, limitFromExit, limitFromLine, type LimitName, type Sandbox } from './sandbox.ts';
import type { ExecuteOptions, Executor, LogLine, RunOutcome } from './types.ts';

export interface ProcessExecutorOptions {
  /** Run directories are made here, one per run (`<runsRoot>/<run-id>/`). */
  runsRoot: string;
  releases: ReleaseDirectories;
  /** Keep each run directory after the run (debugging, tests). Default false: removed. */
  keepRunDirectories?: boolean;
  /** SIGTERM -> SIGKILL delay when a run is stopped. Default 5 s. */
  killGraceMs?: number;
  /** Run commands in this sandbox; undefined: directly, as this process's user (PAN_RUN_SANDBOX=off). */
  sandbox?: Sandbox | undefined;
}

/** Log lines are handed to `onLog` at most every this many ms... */
const BATCH_MS = 25;
/** ...or as soon as this many are waiting. */
const BATCH_LINES = 200;
/** Lines of output a run's log keeps when its limits say nothing (PAN_RUN_LOG_MAX_LINES). */
export const DEFAULT_LOG_MAX_LINES = 100_000;

type Status = RunOutcome['status'];

export class ProcessExecutor implements Executor {
  private readonly runsRoot: string;
  private readonly releases: ReleaseDirectories;
  private readonly keepRunDirectories: boolean;
  private readonly killGraceMs: number;
  private readonly sandbox: Sandbox | undefined;

  constructor(options: ProcessExecutorOptions) {
    this.runsRoot = path.resolve(options.runsRoot);
    this.releases = options.releases;
    this.keepRunDirectories = options.keepRunDirectories ?? false;
    this.killGraceMs = options.killGraceMs ?? 5000;
    this.sandbox = options.sandbox;
  }

  async execute({ context, limits, onLog, signal }: ExecuteOptions): Promise<RunOutcome> {
    const startedAt = new Date();
    const log = new LogBatcher(onLog, limits.logMaxLines ?? DEFAULT_LOG_MAX_LINES);
    const finish = (status: Status, extra: Partial<RunOutcome> = {}): RunOutcome => {
      log.close();
      return {
        status,
        exitCode: null,
        signal: null,
        startedAt,
        endedAt: new Date(),
        stdoutJson: undefined,
        stdoutNote: undefined,
        stdoutTruncated: false,
        ...extra,
        // Over the line cap (build output included), the log is truncated even when stderr's bytes were not.
        stderrTruncated: log.truncated,
        logLines: log.count,
      };
    };

    let runDir: RunDirectory | undefined;
    try {
      if (signal?.aborted) {
        log.push('[pan] the run was stopped by the platform before it started');
        return finish('Failed (Platform Issue)');
      }
      await mkdir(this.runsRoot, { recursive: true });
      try {
        runDir = await createRunDirectory(this.runsRoot, context);
        if (this.sandbox) {
          await this.sandbox.makeReachable(path.dirname(this.runsRoot));
          await this.sandbox.makeReachable(this.runsRoot);
          await this.sandbox.handOver(runDir.dir);
        }
      } catch (error) {
        log.push(`[pan] could not prepare the run directory: ${(error as Error).message}`);
        return finish('Failed (Platform Issue)', { notStarted: true });
      }
      for (const note of runDir.notes) log.push(`[pan] ${note}`);

      let releaseDir: string;
      try {
        releaseDir = await this.releases.prepare({ id: context.release.id, build: context.release.spec.build }, (line) => log.output(line));
      } catch (error) {
        // The build's exit code is in the log; the run itself never started (exitCode null).
        if (error instanceof BuildError) return finish(error.limit ? 'Failed (Resource Limit)' : 'Failed (Integration Issue)');
        log.push(`[pan] could not prepare release ${context.release.version}: ${(error as Error).message}`);
        return finish('Failed (Platform Issue)', { notStarted: true });
      }
      if (signal?.aborted) {
        log.push('[pan] the run was stopped by the platform before it started');
        return finish('Failed (Platform Issue)');
      }

      const env = runEnvironment(context, runDir, runDir.home);
      const oversized = oversizedVariables(env);
      if (oversized.length > 0) {
        for (const { name, bytes } of oversized) {
          log.push(`[pan] ${name} is ${bytes} bytes: one environment variable cannot exceed 128 KiB, the run cannot start`);
        }
        return finish('Failed (Platform Issue)', { notStarted: true });
      }
      return await this.spawnRun(context.release.spec.run, releaseDir, runDir.dir, env, limits, log, signal, finish);
    } catch (error) {
      // Never reject: whatever went wrong on our side is the platform's failure, said in the log.
      log.push(`[pan] the runner failed: ${(error as Error).message}`);
      return finish('Failed (Platform Issue)');
    } finally {
      log.close();
      if (runDir && !this.keepRunDirectories) await rm(runDir.dir, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  private async spawnRun(
    command: string,
    cwd: string,
    runDir: string,
    env: Record<string, string>,
    limits: ExecuteOptions['limits'],
    log: LogBatcher,
    signal: AbortSignal | undefined,
    finish: (status: Status, extra?: Partial<RunOutcome>) => RunOutcome,
  ): Promise<RunOutcome> {
    const direct = await directCommand(command, cwd, env.PATH ?? '');
    const [program, programArgs] = direct ? [direct.file, direct.args] : shellInvocation(command);
    const sandboxed = this.sandbox?.command(program, programArgs, { cwd, readOnly: [cwd], writable: [runDir] });
    // Unsandboxed, the command gets a parent-death signal instead of the sandbox's --die-with-parent.
    const [file, args] = sandboxed ? [sandboxed.file, sandboxed.args] : dyingWithServer(program, programArgs);
    const ids = sandboxed?.uid === undefined ? {} : { uid: sandboxed.uid, gid: sandboxed.gid! };
    // bwrap enters `cwd` itself, inside the sandbox.
    const child = spawn(file, args, { cwd: sandboxed ? '/' : cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'], ...ids });

    // stdout: kept up to the cap. stderr: the first bytes up to its cap become lines, until the log
    // is full. The rest of either is counted, for the truncation markers. Both pipes are read to
    // the end whatever is dropped, so a script flooding them is never blocked on a write.
    const stdoutChunks: Buffer[] = [];
    const stdout = cappedStream(child.stdout, limits.stdoutCapBytes, (chunk) => stdoutChunks.push(chunk));
    // The first stderr line that says a resource limit was hit (a failed run's status then says so).
    let limitSaid: LimitName | undefined;
    const splitter = new LineSplitter((line) => {
      if (this.sandbox && limitSaid === undefined) limitSaid = limitFromLine(line);
      log.output(line);
    });
    let stderrKept = 0;
    child.stderr.on('data', (chunk: Buffer) => {
      // Once the log is full nothing more is split into lines (a flood of newlines costs a byte scan).
      const size = log.full ? 0 : Math.min(Math.max(limits.stderrCapBytes - stderrKept, 0), chunk.length);
      // The line under way when the log filled up is dropped whole: its newline is counted below.
      if (log.full) log.drop(splitter.discard(), 0);
      if (size > 0) splitter.push(size === chunk.length ? chunk : chunk.subarray(0, size));
      stderrKept += size;
      if (size < chunk.length) log.drop(chunk.length - size, countNewlines(chunk, size));
    });
    const streamsClosed = Promise.all(
      [child.stdout, child.stderr].map((stream) => new Promise<void>((resolve) => stream.once('close', () => resolve()))),
    );

    let stopping: Promise<unknown> | undefined;
    const stop = () => {
      if (stopping === undefined && child.pid !== undefined) stopping = stopGroup(child.pid, this.killGraceMs);
      return stopping ?? Promise.resolve();
    };
    let timedOut = false;
    let aborted = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void stop();
    }, limits.timeoutMs);
    const onAbort = () => {
      aborted = true;
      void stop();
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null } | Error>((resolve) => {
      child.once('error', resolve);
      child.once('exit', (code, sig) => resolve({ code, signal: sig }));
    });
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    // The shell is gone: whatever it left behind goes too (a no-op when nothing is left).
    await stop();
    // A process that left the group (setsid) could still hold the pipes: do not wait for it.
    await Promise.race([streamsClosed, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    child.stdout.destroy();
    child.stderr.destroy();
    splitter.end();
    log.markTruncation();

    const stdoutText = Buffer.concat(stdoutChunks, stdout.kept).toString('utf8');
    const last = lastJsonValue(stdoutText);
    const stdoutJson = 'json' in last ? last.json : undefined;
    let stdoutNote = 'note' in last ? last.note : undefined;
    if (stdout.dropped > 0) {
      log.push(`[pan] stdout truncated: ${stdout.dropped} more bytes of stdout were not kept`);
      if (stdoutNote) stdoutNote = `${stdoutNote} (stdout was cut after ${limits.stdoutCapBytes} bytes)`;
    }
    const outputs = { stdoutJson, stdoutNote, stdoutTruncated: stdout.dropped > 0 };

    if (ended instanceof Error) {
      log.push(`[pan] the run could not be started: ${ended.message}`);
      return finish('Failed (Platform Issue)', outputs);
    }
    const exit = { exitCode: ended.code, signal: ended.signal };
    if (aborted) {
      log.push('[pan] the run was stopped by the platform');
      return finish('Failed (Platform Issue)', { ...outputs, ...exit });
    }
    if (timedOut) {
      log.push(`[pan] the run took longer than its time limit of ${formatDuration(limits.timeoutMs)} and was stopped`);
      return finish('Failed (Timeout)', { ...outputs, ...exit });
    }
    if (ended.code === 0) {
      if (stdoutNote && !stdoutNote.startsWith(NOTHING_PRINTED)) log.push(`[pan] ${stdoutNote}`);
      return finish('Succeeded', { ...outputs, ...exit });
    }
    const limit = this.sandbox ? (limitFromExit(ended.code, ended.signal) ?? limitSaid) : undefined;
    if (limit && this.sandbox) {
      log.push(`[pan] the run hit ${limitDescription(limit, this.sandbox.limits)}`);
      return finish('Failed (Resource Limit)', { ...outputs, ...exit });
    }
    if (ended.code === null) log.push(`[pan] the run was killed by ${ended.signal}`);
    return finish('Failed (Integration Issue)', { ...outputs, ...exit });
  }
}

/** A word with no character a shell would treat specially (quotes, `$`, globs, operators, `~`...). */
const PLAIN_WORD = /^[A-Za-z0-9_@%+,.:/-]+$/;
/** An argument may also hold `=` (`--since=2024-01-01`); only before the program is it an assignment. */
const PLAIN_ARGUMENT = /^[A-Za-z0-9_@%+,.:/=-]+$/;

/**
 * The program and arguments of a plain command (`node index.js`, `python3 -u main.py`,
 * `./run.sh --full`), or null when it needs a shell: any shell syntax, or a first word that is not
 * an executable file (a builtin such as `cd` or `exit`, or a missing program, whose error the
 * shell reports as usual).
 */
export async function directCommand(command: string, cwd: string, searchPath: string): Promise<{ file: string; args: string[] } | null> {
  const words = command.trim().split(/[ \t]+/);
  const [program, ...args] = words as [string, ...string[]];
  if (!PLAIN_WORD.test(program) || !args.every((word) => PLAIN_ARGUMENT.test(word))) return null;
  const candidates = program.includes('/')
    ? [path.resolve(cwd, program)]
    : searchPath
        .split(':')
        .filter((dir) => dir !== '')
        .map((dir) => path.resolve(cwd, dir, program));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      if ((await stat(candidate)).isFile()) return { file: candidate, args };
    } catch {
      // not there, or not executable: try the next
    }
  }
  return null;
}

/**
 * Numbers lines from 1 and hands them to `onLog` in batches (every 25 ms or 200 lines).
 *
 * `output` lines (the script's stderr, the build's output) are capped at `maxLines`: beyond it
 * they are only counted, and `markTruncation` (or `close`) adds ONE `[pan] log truncated` line
 * saying how many lines and bytes were dropped (stderr's byte cap reports through `drop`). Counting
 * lines, not only bytes, is what bounds a flood of bare newlines: each is a row to store. The
 * platform's own `[pan]` notes (`push`) are few and always kept, so a run's log holds at most
 * `maxLines` lines of output plus a handful of notes, and what the worker holds is bounded too.
 */
class LogBatcher {
  count = 0;
  private outputLines = 0;
  private droppedLines = 0;
  private droppedBytes = 0;
  private marked = false;
  private pending: LogLine[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly onLog: (lines: LogLine[]) => void,
    private readonly maxLines: number,
  ) {}

  /** No more output lines are kept. */
  get full(): boolean {
    return this.outputLines >= this.maxLines;
  }

  get truncated(): boolean {
    return this.droppedLines > 0 || this.droppedBytes > 0;
  }

  /** A line of output: kept while under the line cap, else counted (with its newline). */
  output(line: string): void {
    if (this.full) {
      this.drop(Buffer.byteLength(line) + 1, 1);
      return;
    }
    this.outputLines += 1;
    this.push(line);
  }

  /** Output dropped before it became lines (over stderr's byte cap, or once the log was full). */
  drop(bytes: number, lines: number): void {
    this.droppedBytes += bytes;
    this.droppedLines += lines;
  }

  /** The one truncation marker, once, when anything was dropped. */
  markTruncation(): void {
    if (this.marked || !this.truncated) return;
    this.marked = true;
    this.push(`[pan] log truncated: ${this.droppedLines} more lines (${this.droppedBytes} bytes) of output were not kept`);
  }

  /** A platform note: always kept. */
  push(line: string): void {
    if (this.closed) return;
    this.count += 1;
    this.pending.push({ seq: this.count, at: new Date(), line });
    if (this.pending.length >= BATCH_LINES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), BATCH_MS);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const lines = this.pending;
    this.pending = [];
    try {
      this.onLog(lines);
    } catch {
      // The caller's failure to store a batch must not take the run (or the process) down.
    }
  }

  /** Hands over what is left (with the truncation marker, when the run ended before saying it); later lines are ignored. */
  close(): void {
    this.markTruncation();
    this.flush();
    this.closed = true;
  }
}

/** `\n` bytes in `chunk` from `start` (a flood of newlines dropped unsplit is still counted in lines). */
function countNewlines(chunk: Buffer, start: number): number {
  let count = 0;
  for (let i = start; i < chunk.length; i += 1) if (chunk[i] === 0x0a) count += 1;
  return count;
}

/** Passes a stream's first `capBytes` bytes to `take`, and counts the rest. */
function cappedStream(stream: NodeJS.ReadableStream, capBytes: number, take: (chunk: Buffer) => void): { kept: number; dropped: number } {
  const counts = { kept: 0, dropped: 0 };
  stream.on('data', (chunk: Buffer) => {
    const size = Math.min(Math.max(capBytes - counts.kept, 0), chunk.length);
    if (size > 0) take(size === chunk.length ? chunk : chunk.subarray(0, size));
    counts.kept += size;
    counts.dropped += chunk.length - size;
  });
  return counts;
}
