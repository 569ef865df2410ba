import { existsSync } from 'node:fs';

/**
 * The shell for `run:` and `build:` commands that need one. bash passes variables whose names are
 * not shell identifiers on to its children; Debian's /bin/sh (dash) silently drops them, and
 * `PAN_SEC_<CONNECTOR>_<FIELD>` keeps the connector's hyphens (`PAN_SEC_ACME-CRM_ACCESS_TOKEN`).
 * /bin/sh only where there is no bash (then such names are lost behind shell syntax).
 */
export const COMMAND_SHELL = ['/bin/bash', '/usr/bin/bash'].find((candidate) => existsSync(candidate)) ?? '/bin/sh';

/** `[file, args]` to spawn `command` through the shell. */
export function shellInvocation(command: string): [string, string[]] {
  return [COMMAND_SHELL, ['-c', command]];
}
