import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The real `pan` launcher (the compiled CLI, built by build-setup.ts), run the way a user's shell would run it. */
export const panBin = fileURLToPath(new URL('../bin/pan.js', import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `pan` to its end. Only `PATH` of this process's environment is passed, plus `env`. */
export function pan(env: Record<string, string>, ...args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [panBin, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

/** A `pan` process followed line by line while it runs. */
export interface LivePan {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  /** Resolves with the first line of `stream` that matches (already seen or to come); rejects if pan exits first. */
  waitForLine(stream: 'stdout' | 'stderr', pattern: RegExp): Promise<string>;
  /** Resolves when pan has exited and its output is read. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnPan(env: Record<string, string>, ...args: string[]): LivePan {
  const child = spawn(process.execPath, [panBin, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = { stdout: [] as string[], stderr: [] as string[] };
  const waiters: Array<{ stream: 'stdout' | 'stderr'; pattern: RegExp; resolve(line: string): void; reject(error: Error): void }> = [];
  const closed = (['stdout', 'stderr'] as const).map(
    (stream) =>
      new Promise<void>((resolve) => {
        const reader = createInterface({ input: child[stream]! });
        reader.on('line', (line) => {
          lines[stream].push(line);
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
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      void Promise.all(closed).then(() => {
        finished = true;
        for (const waiter of waiters.splice(0)) {
          waiter.reject(new Error(`pan exited (${code ?? signal}) before printing ${waiter.pattern} on ${waiter.stream}:\n${lines.stderr.join('\n')}`));
        }
        resolve({ code, signal });
      });
    });
  });
  return {
    child,
    ...lines,
    exited,
    waitForLine(stream, pattern) {
      const seen = lines[stream].find((line) => pattern.test(line));
      if (seen !== undefined) return Promise.resolve(seen);
      if (finished) return Promise.reject(new Error(`pan has exited; no ${pattern} on ${stream}`));
      return new Promise((resolve, reject) => waiters.push({ stream, pattern, resolve, reject }));
    },
  };
}
