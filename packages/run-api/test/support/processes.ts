/**
 * What the process tests (server, shutdown, crash tests, `pan serve`, the demo's start) ask of
 * the machine's processes: spawning and following them line by line, and looking at /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { SOURCE_CONDITION } from '../../../../vite.conditions.ts';
import { readdir, readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The postmaster's pid while the data directory's cluster runs (first line of postmaster.pid). */
export async function postmasterPid(dataDir: string): Promise<number> {
  return Number((await readFile(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8')).split('\n')[0]);
}

/** Whether `pid` is a live process: a zombie (an orphan PID 1 has not reaped yet) has exited. */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Processes whose command line names this data directory (a postgres left behind would). */
export async function processesUsing(dataDir: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).replace(/\0/g, ' ');
      if (cmdline.includes(dataDir)) found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/** The repository's root: processes of the tests run from there, as `npm start` does. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

export type Exit = { code: number | null; signal: NodeJS.Signals | null };

/** A child process followed line by line while it runs. */
export interface FollowedProcess {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  /** Both streams in arrival order, stderr's lines prefixed `stderr: ` (for failure messages). */
  output: string[];
  /** Resolves with the first line of `stream` that matches (already seen or to come); rejects if the process exits first. */
  waitForLine(stream: 'stdout' | 'stderr', pattern: RegExp): Promise<string>;
  /** Resolves when the process has exited and its output is read. */
  exited: Promise<Exit>;
  /** SIGKILLs the process if it still runs and waits for its exit (for cleanups after a failure). */
  kill(): Promise<void>;
}

/** Follows a spawned child's stdout and stderr (both piped) line by line. */
export function followProcess(child: ChildProcess, name = 'the process'): FollowedProcess {
  const lines = { stdout: [] as string[], stderr: [] as string[] };
  const output: string[] = [];
  const waiters: Array<{ stream: 'stdout' | 'stderr'; pattern: RegExp; resolve(line: string): void; reject(error: Error): void }> = [];
  const closed = (['stdout', 'stderr'] as const).map(
    (stream) =>
      new Promise<void>((resolve) => {
        const reader = createInterface({ input: child[stream]! });
        reader.on('line', (line) => {
          lines[stream].push(line);
          output.push(stream === 'stderr' ? `stderr: ${line}` : line);
          for (const waiter of [...waiters]) {
            if (waiter.stream === stream && waiter.pattern.test(line)) {
              waiters.splice(waiters.indexOf(waiter), 1);
              waiter.resolve(line);
            }
          }
        });
        reader.on('close', resolve);
      }),
  );
  let finished = false;
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      void Promise.all(closed).then(() => {
        finished = true;
        for (const waiter of waiters.splice(0)) {
          waiter.reject(new Error(`${name} exited (${code ?? signal}) before printing ${waiter.pattern} on ${waiter.stream}:\n${output.join('\n')}`));
        }
        resolve({ code, signal });
      });
    });
  });
  return {
    child,
    ...lines,
    output,
    exited,
    waitForLine(stream, pattern) {
      const seen = lines[stream].find((line) => pattern.test(line));
      if (seen !== undefined) return Promise.resolve(seen);
      if (finished) return Promise.reject(new Error(`${name} has exited; no ${pattern} on ${stream}:\n${output.join('\n')}`));
      return new Promise((resolve, reject) => waiters.push({ stream, pattern, resolve, reject }));
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * An entry point of the repository run by node: built JavaScript (`packages/run-api/dist/server.js`)
 * as is, TypeScript (`demo/src/start.ts`) with tsx.
 */
export function spawnScript(script: string, env: NodeJS.ProcessEnv, options: { detached?: boolean } = {}): FollowedProcess {
  const typescript = script.endsWith('.ts');
  // Built JavaScript loads the packages' dist/, as an installed package does: not their sources.
  const nodeOptions = typescript ? process.env.NODE_OPTIONS : process.env.NODE_OPTIONS?.replaceAll(`--conditions=${SOURCE_CONDITION}`, '').trim();
  const child = spawn(process.execPath, [...(typescript ? ['--import', 'tsx'] : []), script], {
    cwd: repoRoot,
    env: { ...process.env, NODE_OPTIONS: nodeOptions ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  return followProcess(child, script);
}

/** A run API server process, listening. */
export interface ServerProcess extends FollowedProcess {
  url: string;
}

/**
 * Starts the built server (`packages/run-api/dist/server.js`, as `pan serve` runs it; the test
 * setup rebuilds a stale dist, and it starts in half the time of the sources through tsx) with `env` (over this process's environment and quiet
 * logs) and resolves once it listens; rejects with its output if it exits first.
 */
export async function startServerProcess(env: NodeJS.ProcessEnv, options: { detached?: boolean } = {}): Promise<ServerProcess> {
  const server = spawnScript('packages/run-api/dist/server.js', { PAN_LOG_LEVEL: 'warn', ...env }, options);
  try {
    const line = await server.waitForLine('stdout', /listening on http:\/\/\S+/);
    return Object.assign(server, { url: /listening on (http:\/\/\S+)/.exec(line)![1]! });
  } catch (error) {
    await server.kill();
    throw error;
  }
}

/**
 * Polls `read` until `done` holds (a state of the database, of a file...); the deadline only
 * bounds a failure, it is never waited for when the state comes.
 */
export async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, deadlineMs = 60_000, pauseMs = 50): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}
