/**
 * The time the scheduler goes by. The system clock in production; `PAN_SCHEDULER_CLOCK=file:<path>`
 * is a testing aid: every process that names the same file shares one clock that a test moves
 * (it writes an ISO time into the file, atomically by rename), so several real processes can live
 * through a simulated day in seconds. Nothing else in the server reads this clock.
 */
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';

export interface Clock {
  now(): Date;
  /**
   * Resolves when this clock reaches `until` (null: no due time known), after `maxMs` of real
   * time at most, at once when `signal` aborts, and (a file clock) when the time was moved since
   * the last `now()`.
   */
  wait(until: Date | null, maxMs: number, signal: AbortSignal): Promise<void>;
  close(): void;
}

function sleep(ms: number, signal: AbortSignal, also?: (wake: () => void) => () => void): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    let unsubscribe = () => {};
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      unsubscribe();
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal.addEventListener('abort', done, { once: true });
    if (also) unsubscribe = also(done);
  });
}

export const systemClock: Clock = {
  now: () => new Date(),
  wait: (until, maxMs, signal) => sleep(until ? Math.min(maxMs, until.getTime() - Date.now()) : maxMs, signal),
  close: () => {},
};

/** A clock read from a file holding an ISO time; moves only when the file is rewritten. */
export function fileClock(file: string): Clock {
  const resolved = path.resolve(file);
  let version = 0;
  let seen = -1;
  const listeners = new Set<() => void>();
  // The directory, not the file: an atomic rename replaces the file's inode.
  const watcher: FSWatcher = watch(path.dirname(resolved), (_event, name) => {
    if (name && name !== path.basename(resolved)) return;
    version++;
    for (const listener of listeners) listener();
  });
  return {
    now() {
      seen = version;
      const at = new Date(readFileSync(resolved, 'utf8').trim());
      if (Number.isNaN(at.getTime())) throw new Error(`the scheduler clock file ${resolved} holds no ISO time`);
      return at;
    },
    wait(_until, maxMs, signal) {
      if (version !== seen) return Promise.resolve();
      return sleep(maxMs, signal, (wake) => {
        listeners.add(wake);
        return () => listeners.delete(wake);
      });
    },
    close: () => watcher.close(),
  };
}

/** The clock `PAN_SCHEDULER_CLOCK` names: unset or `system`, or `file:<path>`. */
export function clockFrom(option: string | undefined): Clock {
  if (!option || option === 'system') return systemClock;
  if (option.startsWith('file:')) return fileClock(option.slice('file:'.length));
  throw new Error(`PAN_SCHEDULER_CLOCK must be "system" or "file:<path>", not "${option}"`);
}
