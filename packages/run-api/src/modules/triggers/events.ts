/**
 * App events *(ours, SPEC "Triggers")*: one event from the host backend fans out to every active,
 * unpaused tenant of that user whose release lists the event under `events:`, as one `api`
 * trigger each (mode normal) carrying the event name and the payload. One statement: all or none.
 */
import type { AppEvent, AppEventAccepted } from '@pan/contract';
import type { Db } from '../../platform/db/pool.ts';
import { wakeWorkers } from './store.ts';
import { tenantReleaseIdSql } from './webhook-schema.ts';

export type EventTrigger = AppEventAccepted['triggers'][number];

export async function fanOutEvent(db: Db, accountId: string, event: AppEvent): Promise<EventTrigger[]> {
  const body = Buffer.from(JSON.stringify(event.payload === undefined ? {} : event.payload), 'utf8');
  const { rows } = await db.query<EventTrigger>(
    `INSERT INTO triggers (account_id, tenant_id, source, mode, event, payload, payload_headers)
     SELECT t.account_id, t.id, 'api', 'normal', $3, $4, $5
       FROM tenants t JOIN releases r ON r.id = ${tenantReleaseIdSql('t')}
      WHERE t.account_id = $1 AND t.user_sub = $2 AND t.archived_at IS NULL AND NOT t.paused
        AND jsonb_typeof(r.spec->'events') = 'array' AND r.spec->'events' ? $3
     RETURNING tenant_id, id AS trigger_id`,
    [accountId, event.user, event.name, body, JSON.stringify({ 'content-type': 'application/json' })],
  );
  if (rows.length > 0) wakeWorkers(db);
  return rows.sort((a, b) => a.tenant_id.localeCompare(b.tenant_id));
}
