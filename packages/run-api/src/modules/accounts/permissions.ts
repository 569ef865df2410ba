import type { EndUser } from './end-user-token.ts';
import { ERRORS, panError } from '../../platform/errors.ts';

/**
 * What an end user may do, from `xti.permissions`: `run` (run now), `run:init` (run now in init
 * mode, and "Load options"), `logs` (read run logs), `release` (choose a tenant's release channel:
 * default, latest or a pinned release). Without `permissions`, all of them.
 */
export type RunPermission = 'run' | 'run:init' | 'logs' | 'release';

export function userMay(user: EndUser, permission: RunPermission): boolean {
  const granted = user.xti.permissions;
  return granted === undefined || granted.includes(permission);
}

export function requirePermission(user: EndUser, permission: RunPermission, what: string): void {
  if (!userMay(user, permission)) {
    throw panError(ERRORS.PERMISSION_DENIED, `Your account does not allow you to ${what} (permission "${permission}")`);
  }
}
