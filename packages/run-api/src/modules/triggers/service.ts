import type { RunMode, TriggerSource } from '@pan/contract';
import type { Db } from '../../platform/db/pool.ts';
import { conflict, notFound } from '../../platform/errors.ts';
import { findTenantInScope, type RunScope } from '../runs/history.ts';
import { insertTrigger, wakeWorkers } from './store.ts';

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
  if (tenant.paused) throw conflict('PAN_ERR_TENANT_PAUSED', 'This integration is paused: resume it to run it');
  const id = await insertTrigger(db, { accountId: tenant.account_id, tenantId, ...request }, { notify: false });
  wakeWorkers(db);
  return id;
}
