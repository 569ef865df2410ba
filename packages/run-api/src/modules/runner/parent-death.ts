/**
 * Unsandboxed runs and builds (PAN_RUN_SANDBOX=off) die with the server: their command is started
 * through util-linux's `setpriv --pdeathsig SIGKILL`, which sets the kernel's parent-death signal
 * (PR_SET_PDEATHSIG) and then executes the command, so a server killed with SIGKILL (which no
 * handler of ours sees) takes the run's process with it, and a run re-queued after its lease
 * cannot overlap a living first copy. The signal reaches that one process: what the script left
 * running apart from it is not covered (the sandbox's PID namespace with --die-with-parent is).
 * Without setpriv on PATH the command runs as it is, and the server says so at its start.
 */
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

let found: string | null | undefined;

/** The path of `setpriv` on this process's PATH (looked up once), or null. */
export function setprivPath(): string | null {
  if (found !== undefined) return found;
  found = null;
  for (const dir of (process.env.PATH ?? '').split(':').filter(Boolean)) {
    const candidate = path.join(dir, 'setpriv');
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) {
        found = candidate;
        break;
      }
    } catch {
      // not here
    }
  }
  return found;
}

/** The command to spawn so that `file args` gets SIGKILL when this process dies (as it is without setpriv). */
export function dyingWithServer(file: string, args: readonly string[]): [string, string[]] {
  const setpriv = setprivPath();
  return setpriv ? [setpriv, ['--pdeathsig', 'SIGKILL', '--', file, ...args]] : [file, [...args]];
}
