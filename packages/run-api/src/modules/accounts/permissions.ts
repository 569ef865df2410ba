import type { EndUser } from './end-user-token.ts';
import { ERRORS, panError } from '../../platform/errors.ts';

/**
 * What an end user may do with runs, from `xti.permissions`: `run` (run now), `run:init` (run now
 * in init mode, and "Load options"), `logs` (read run logs). Without `permissions`, all three.
 */
export type RunPermission = 'run' | 'run:init' | 'logs';

export function userMay(user: EndUser, permission: RunPermission): boolean {
  const granted = user.xti.permissions;
  return granted === undefined || granted.includes(permission);
}

export function requirePermission(user: EndUser, permission: RunPermission, what: string): void {
  if (!userMay(user, permission)) {
    throw panError(ERRORS.PERMISSION_DENIED, `Your account does not allow you to ${what} (permission "${permission}")`);
  }
}
