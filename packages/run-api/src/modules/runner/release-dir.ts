/**
 * Release directories: `<root>/<release-id>/` holds a release's archive unpacked and built, shared
 * by every run of that release (it is their working directory). A release is built once: its
 * `build` command runs after unpacking, and `.pan-built` is written only when it succeeded, so a
 * failed build is tried again (from a clean unpack) by the next run. Concurrent prepares of one
 * release build once: in this process through a map of promises, across processes through
 * `withLock` (e.g. a PostgreSQL advisory lock held by the caller). With a sandbox, the unpacked
 * release belongs to the sandbox's uid and the build runs in the sandbox like a run, with its
 * release directory and its HOME writable (a run sees the release read-only).
 */
import { spawn } from 'node:child_process';
import { access, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { dyingWithServer } from './parent-death.ts';
import { shellInvocation } from './shell.ts';
import { Unpack } from 'tar';
import { baseVariables } from './environment.ts';
import { LineSplitter } from './lines.ts';
import { stopGroup } from './process-group.ts';
import { limitDescription, limitFromExit, limitFromLine, type LimitName, type Sandbox } from './sandbox.ts';

export const BUILT_MARKER = '.pan-built';

export interface ReleaseDirectoriesOptions {
  /** Where release directories live (created when missing). */
  root: string;
  /** The release's tar.gz as stored (see `releases/archive.ts`). */
  loadArchive(releaseId: string): Promise<Buffer>;
  /**
   * Runs `fn` while holding a lock on the release shared by every process using the same `root`.
   * Default: no lock beyond this process (fine for one worker process per `root`).
   */
  withLock?<T>(releaseId: string, fn: () => Promise<T>): Promise<T>;
  /** Over it the build's process group is killed and the build fails. Default 10 minutes. */
  buildTimeoutMs?: number;
  /** Bytes of build output kept as log lines; beyond, one marker line. Default 1 MiB. */
  buildLogCapBytes?: number;
  /** SIGTERM -> SIGKILL delay. Default 5 s. */
  killGraceMs?: number;
  /** Build in this sandbox; undefined: directly, as this process's user (PAN_RUN_SANDBOX=off). */
  sandbox?: Sandbox | undefined;
}

/** The release's `build` command failed: the integration's fault (its output went to the log). */
export class BuildError extends Error {
  constructor(
    message: string,
    readonly exitCode: number | null,
    /** The build hit this sandbox resource limit. */
    readonly limit?: LimitName,
  ) {
    super(message);
    this.name = 'BuildError';
  }
}

interface Preparation {
  promise: Promise<string>;
  /** Every line so far, replayed to a prepare that joins late. */
  lines: string[];
  listeners: Set<(line: string) => void>;
}

export class ReleaseDirectories {
  readonly root: string;
  private readonly options: ReleaseDirectoriesOptions;
  private readonly preparing = new Map<string, Preparation>();

  constructor(options: ReleaseDirectoriesOptions) {
    this.root = path.resolve(options.root);
    this.options = options;
  }

  /** `<root>/<release-id>` (the id must be a plain name: letters, digits, `.`, `_`, `-`). */
  directoryOf(releaseId: string): string {
    if (!/^[A-Za-z0-9._-]+$/.test(releaseId) || /^\.+$/.test(releaseId)) throw new Error(`Unusable release id for a directory: ${releaseId}`);
    return path.join(this.root, releaseId);
  }

  /**
   * The release's directory, unpacked and built. The build's output (stdout and stderr, one line
   * each) goes to `onLog`, framed by `[pan]` lines; throws `BuildError` when the build failed, any
   * other error when the platform failed (archive missing, disk full).
   */
  async prepare(release: { id: string; build?: string }, onLog: (line: string) => void): Promise<string> {
    const dir = this.directoryOf(release.id);
    if (await exists(path.join(dir, BUILT_MARKER))) return dir;

    let preparation = this.preparing.get(release.id);
    if (preparation) {
      for (const line of preparation.lines) onLog(line);
    } else {
      const lines: string[] = [];
      const listeners = new Set<(line: string) => void>();
      const emit = (line: string) => {
        lines.push(line);
        for (const listener of listeners) listener(line);
      };
      const promise = this.withLock(release.id, () => this.unpackAndBuild(dir, release, emit));
      preparation = { promise, lines, listeners };
      this.preparing.set(release.id, preparation);
      const forget = () => this.preparing.delete(release.id);
      promise.then(forget, forget);
    }
    preparation.listeners.add(onLog);
    try {
      return await preparation.promise;
    } finally {
      preparation.listeners.delete(onLog);
    }
  }

  private withLock<T>(releaseId: string, fn: () => Promise<T>): Promise<T> {
    return this.options.withLock ? this.options.withLock(releaseId, fn) : fn();
  }

  private async unpackAndBuild(dir: string, release: { id: string; build?: string }, emit: (line: string) => void): Promise<string> {
    // Another process may have finished while this one waited for the lock.
    if (await exists(path.join(dir, BUILT_MARKER))) return dir;
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await unpack(await this.options.loadArchive(release.id), dir);
    const sandbox = this.options.sandbox;
    if (sandbox) {
      await sandbox.makeReachable(path.dirname(this.root));
      await sandbox.makeReachable(this.root);
      await sandbox.handOver(dir);
    }
    const build = release.build?.trim();
    if (build) await this.build(dir, release.id, build, emit);
    // The build may have left anything at the marker's name (a symlink to a file of ours): replace it.
    const marker = path.join(dir, BUILT_MARKER);
    await rm(marker, { recursive: true, force: true });
    await writeFile(marker, `${new Date().toISOString()}\n`, { flag: 'wx' });
    return dir;
  }

  private async build(dir: string, releaseId: string, command: string, emit: (line: string) => void): Promise<void> {
    // The build's HOME (npm/pip caches) sits beside the release, outside the directory runs see.
    const home = path.join(this.root, '.home', releaseId);
    await rm(home, { recursive: true, force: true });
    await mkdir(home, { recursive: true });
    const sandbox = this.options.sandbox;
    if (sandbox) {
      await sandbox.makeReachable(path.dirname(home));
      await sandbox.handOver(home);
    }
    const timeoutMs = this.options.buildTimeoutMs ?? 10 * 60_000;
    const capBytes = this.options.buildLogCapBytes ?? 1024 * 1024;
    const graceMs = this.options.killGraceMs ?? 5000;

    emit(`[pan] building the release: ${command}`);
    const [shell, shellArgs] = shellInvocation(command);
    const sandboxed = sandbox?.command(shell, shellArgs, { cwd: dir, writable: [dir, home] });
    const [file, args] = sandboxed ? [sandboxed.file, sandboxed.args] : dyingWithServer(shell, shellArgs);
    const child = spawn(file, args, {
      cwd: sandboxed ? '/' : dir,
      env: baseVariables(home),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(sandboxed?.uid === undefined ? {} : { uid: sandboxed.uid, gid: sandboxed.gid! }),
    });
    let limitSaid: LimitName | undefined;
    const splitter = new LineSplitter((line) => {
      if (sandbox && limitSaid === undefined) limitSaid = limitFromLine(line);
      emit(line);
    });
    let kept = 0;
    let dropped = 0;
    const take = (chunk: Buffer) => {
      const room = Math.max(capBytes - kept, 0);
      if (room > 0) splitter.push(room >= chunk.length ? chunk : chunk.subarray(0, room));
      kept += Math.min(room, chunk.length);
      dropped += chunk.length - Math.min(room, chunk.length);
    };
    const streamsClosed = Promise.all(
      [child.stdout, child.stderr].map((stream) => {
        stream.on('data', take);
        return new Promise<void>((resolve) => stream.once('close', () => resolve()));
      }),
    );

    let timedOut = false;
    const result = await new Promise<{ code: number | null; signal: NodeJS.Signals | null } | Error>((resolve) => {
      const timer = setTimeout(() => {
        timedOut = true;
        if (child.pid !== undefined) void stopGroup(child.pid, graceMs);
      }, timeoutMs);
      child.once('error', (error) => {
        clearTimeout(timer);
        resolve(error);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal });
      });
    });
    if (child.pid !== undefined) await stopGroup(child.pid, graceMs); // leftovers of the build
    await Promise.race([streamsClosed, new Promise((resolve) => setTimeout(resolve, 1000))]);
    child.stdout.destroy();
    child.stderr.destroy();
    splitter.end();
    if (dropped > 0) emit(`[pan] build log truncated: ${dropped} more bytes of build output were not kept`);

    if (result instanceof Error) throw result; // could not start the shell: ours
    if (timedOut) {
      emit(`[pan] the build took longer than ${formatDuration(timeoutMs)} and was stopped`);
      throw new BuildError(`The build took longer than ${formatDuration(timeoutMs)}`, null);
    }
    const limit = sandbox && result.code !== 0 ? (limitFromExit(result.code, result.signal) ?? limitSaid) : undefined;
    if (limit && sandbox) {
      emit(`[pan] the build hit ${limitDescription(limit, sandbox.limits)}`);
      throw new BuildError(`The build hit ${limitDescription(limit, sandbox.limits)}`, result.code, limit);
    }
    if (result.code !== 0) {
      const how = result.code === null ? `was killed by ${result.signal}` : `failed with exit code ${result.code}`;
      emit(`[pan] the build ${how}`);
      throw new BuildError(`The build ${how}`, result.code);
    }
    emit('[pan] build finished');
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

/** Unpacks a release tar.gz into `dir`: plain files and directories only, no owners kept. */
export function unpack(archive: Buffer, dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const unpacker = new Unpack({
      cwd: dir,
      strict: true,
      preserveOwner: false,
      filter: (_path, entry) => {
        const type = 'type' in entry ? entry.type : undefined;
        return type === 'File' || type === 'OldFile' || type === 'Directory';
      },
    });
    unpacker.on('error', reject);
    unpacker.on('close', () => resolve());
    unpacker.end(archive);
  });
}

/** `10 min`, `30 s`, `300 ms`. */
export function formatDuration(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms >= 1000 && ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}
