/**
 * App events *(ours, SPEC "Triggers")*: one event from the host backend fans out to every active,
 * unpaused tenant of that user whose release lists the event under `events:`, as one `api`
 * trigger each (mode normal) carrying the event name and the payload. One statement: all or none.
 */
import type { AppEvent, AppEventAccepted } from '@pan/contract';
import type { Db } from '../../platform/db/pool.ts';
import { insertEventTriggers, wakeWorkers } from './store.ts';

export type EventTrigger = AppEventAccepted['triggers'][number];

export async function fanOutEvent(db: Db, accountId: string, event: AppEvent): Promise<EventTrigger[]> {
  const body = Buffer.from(JSON.stringify(event.payload === undefined ? {} : event.payload), 'utf8');
  const rows = await insertEventTriggers(db, accountId, event.user, event.name, body, { 'content-type': 'application/json' });
  if (rows.length > 0) wakeWorkers(db);
  return rows.sort((a, b) => a.tenant_id.localeCompare(b.tenant_id));
}
