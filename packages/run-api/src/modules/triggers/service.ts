import type { EndUser } from '../accounts/end-user-token.ts';
import type { RunMode, TriggerSource } from '@pan/contract';
import type { Db } from '../../platform/db/pool.ts';
import { ERRORS, notFound, panError } from '../../platform/errors.ts';
import { findTenantInScope, type RunScope } from '../runs/history.ts';
import { insertTrigger, wakeWorkers } from './store.ts';

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

export interface TriggerRequest {
  source: Exclude<TriggerSource, 'cron'>;
  mode: RunMode;
  event?: string;
  payload?: { body: Buffer; headers: Record<string, string> };
}

/** Queues a trigger for a tenant of this scope; answers once it is committed. */
export async function queueTrigger(db: Db, scope: RunScope, tenantId: string, request: TriggerRequest): Promise<string> {
  const tenant = await findTenantInScope(db, scope, tenantId);
  if (!tenant || tenant.archived) throw notFound('Tenant');
  if (tenant.paused) throw panError(ERRORS.TENANT_PAUSED, 'This integration is paused: resume it to run it');
  const id = await insertTrigger(db, { accountId: tenant.account_id, tenantId, ...request }, { notify: false });
  wakeWorkers(db);
  return id;
}
