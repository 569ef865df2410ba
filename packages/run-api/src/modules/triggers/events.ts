/**
 * App events *(ours, SPEC "Triggers")*: one event from the host backend fans out to every active,
 * unpaused tenant of that user whose release lists the event under `events:`, as one `api`
 * trigger each (mode normal) carrying the event name and the payload. One statement: all or none.
 */
import type { AppEvent, AppEventAccepted } from '@pan/contract';
import { withTransaction, type Db } from '../../platform/db/pool.ts';
import { backlogFull } from './service.ts';
import { insertEventTriggers, wakeWorkers } from './store.ts';

export type EventTrigger = AppEventAccepted['triggers'][number];

/** All or none: when one listening tenant's backlog is full (over `pendingCap` bytes), nothing is stored and the answer is 429. */
export async function fanOutEvent(db: Db, accountId: string, event: AppEvent, pendingCap = 0): Promise<EventTrigger[]> {
  const body = Buffer.from(JSON.stringify(event.payload === undefined ? {} : event.payload), 'utf8');
  const rows = await withTransaction(db, async (client) => {
    const inserted = await insertEventTriggers(client, accountId, event.user, event.name, body, { 'content-type': 'application/json' }, pendingCap);
    if (inserted.some((row) => row.trigger_id === null)) throw backlogFull(pendingCap);
    return inserted as EventTrigger[];
  });
  if (rows.length > 0) wakeWorkers(db);
  return rows.sort((a, b) => a.tenant_id.localeCompare(b.tenant_id));
}
