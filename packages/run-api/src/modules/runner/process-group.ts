/**
 * Stopping a whole process group (a run or build spawned with `detached: true` leads its own group,
 * whose id is its pid): every child the script left behind (`sleep 100 &`) goes with it.
 */
import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * Sends `signal` to every process of group `pgid`; false when the group has no process left.
 * Never throws: EPERM (a member we may not signal) still means the group exists.
 */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Whether group `pgid` still has a LIVE process. A zombie counts as gone: when PID 1 does not reap
 * orphans (some container inits), a dead child of a dead shell stays a zombie forever, and
 * `kill(-pgid, 0)` alone would say the group is alive. On Linux this reads /proc.
 */
export async function groupAlive(pgid: number): Promise<boolean> {
  if (!signalGroup(pgid, 0)) return false;
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return true; // no /proc (not Linux): trust kill(0)
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = await readFile(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses: split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') return true;
  }
  return false;
}

/**
 * SIGTERM to the group, then SIGKILL after `graceMs` if a process is still alive; resolves when no
 * live process is left (or, should one survive SIGKILL — uninterruptible I/O — after 2 s more).
 */
export async function stopGroup(pgid: number, graceMs: number): Promise<'none' | 'terminated' | 'killed'> {
  if (!signalGroup(pgid, 'SIGTERM')) return 'none';
  if (await waitGone(pgid, graceMs)) return 'terminated';
  signalGroup(pgid, 'SIGKILL');
  await waitGone(pgid, 2000);
  return 'killed';
}

async function waitGone(pgid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  let pause = 10;
  for (;;) {
    if (!(await groupAlive(pgid))) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    await delay(Math.min(pause, left));
    pause = Math.min(pause * 2, 100);
  }
}
