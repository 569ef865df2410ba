/**
 * Replay: a failed run's triggers queued again, as copies with their payloads, through the normal
 * trigger queue (so a replay bundles with whatever else waits and never runs beside another run).
 */
import type { Run } from '@pan/contract';
import type { Db, Scope } from '../../platform/db/pool.ts';
import { ERRORS, notFound, panError } from '../../platform/errors.ts';
import { triggersAccepted } from '../../platform/metrics.ts';
import { findTenantInScope } from '../tenants/store.ts';
import { backlogFull } from '../triggers/service.ts';
import { insertReplayTriggers, wakeWorkers } from '../triggers/store.ts';
import { readRun } from './store.ts';

/**
 * Lost and Handed Back runs are not failures to replay: their triggers already went back to the
 * queue and ran again. Every `Failed (...)` status is.
 */
export function isReplayable(run: Pick<Run, 'status'>): boolean {
  return run.status.startsWith('Failed');
}

/**
 * The run of this scope, checked by `check` (a permission, say) once it is known to be theirs,
 * replayed: the new trigger ids, in the original order. 404 when the run (or its tenant) is not
 * theirs, or its tenant is archived, 409 when it did not fail or its tenant is paused, 429 when the payloads
 * would overfill the tenant's backlog.
 */
export async function replayRun(db: Db, scope: Scope, runId: string, pendingCap: number, check: (run: Run) => void = () => {}): Promise<string[]> {
  const run = await readRun(db, scope, runId);
  if (!run) throw notFound('Run');
  const tenant = await findTenantInScope(db, scope, run.tenant_id);
  if (!tenant || tenant.archived) throw notFound('Tenant');
  check(run);
  if (!isReplayable(run)) {
    throw panError(ERRORS.RUN_NOT_REPLAYABLE, `Run ${run.id} did not fail (${run.status}): only a failed run can be replayed`, { status: run.status });
  }
  if (tenant.paused) throw panError(ERRORS.TENANT_PAUSED, 'This integration is paused: resume it to replay its runs');
  const ids = await insertReplayTriggers(db, scope.accountId, run.id, pendingCap);
  if (ids.length === 0) {
    throw panError(ERRORS.RUN_NOT_REPLAYABLE, `Run ${run.id} has no triggers of its own left to replay (they were given back and ran again)`, {
      status: run.status,
    });
  }
  if (ids.some((id) => id === null)) throw backlogFull(pendingCap);
  triggersAccepted.inc({ source: 'replay' }, ids.length);
  wakeWorkers(db);
  return ids as string[];
}
