/**
 * The notification outbox: the SQL that queues an event in the same statement (so the same
 * transaction) as the change that causes it. Nothing is queued unless the account has a URL
 * configured that subscribes to that event type.
 */

export { NOTIFICATION_EVENTS, type NotificationEvent } from '@pan/contract';

/** Deliverers LISTEN here: a notification was queued (or re-queued). */
export const NOTIFICATIONS_CHANNEL = 'pan_notifications';

/** Now, as the payload's `timestamp` (ISO 8601, UTC, milliseconds). */
const NOW_ISO = `to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * `INSERT INTO notification_deliveries ... RETURNING id` for tenant events, to use as a CTE.
 * `source` names a CTE (or table) of changed tenant rows (id, account_id, integration_id,
 * user_sub, paused, archived_at); `type` is a SQL expression of the event type (a literal or a
 * CASE over parameters, never user text).
 */
export function queueTenantEventSql(source: string, type: string): string {
  return `INSERT INTO notification_deliveries (account_id, event_type, payload)
    SELECT s.account_id, ev.type, jsonb_build_object(
             'type', ev.type,
             'timestamp', ${NOW_ISO},
             'data', jsonb_build_object(
               'tenant_id', s.id,
               'integration_id', s.integration_id,
               'integration_slug', i.slug,
               'user_name', s.user_sub,
               'status', CASE WHEN s.archived_at IS NOT NULL THEN 'archived' WHEN s.paused THEN 'paused' ELSE 'active' END))
      FROM ${source} s
      CROSS JOIN LATERAL (SELECT (${type})::text AS type) ev
      JOIN notification_endpoints ne ON ne.account_id = s.account_id AND ev.type = ANY (ne.events)
      JOIN integrations i ON i.id = s.integration_id
    RETURNING id`;
}

/**
 * The same for a run that ended: `source` names a CTE of ended run rows (id, account_id,
 * tenant_id, status, mode, started_at, ended_at, exit_code). Succeeded is `run.finished`, any
 * Failed (...) status `run.failed`; nothing else (a Lost run is given back to the queue, not ended).
 */
export function queueRunEventSql(source: string): string {
  return `INSERT INTO notification_deliveries (account_id, event_type, payload)
    SELECT s.account_id, ev.type, jsonb_build_object(
             'type', ev.type,
             'timestamp', ${NOW_ISO},
             'data', jsonb_build_object(
               'run_id', s.id,
               'tenant_id', s.tenant_id,
               'integration_id', t.integration_id,
               'integration_slug', i.slug,
               'user_name', t.user_sub,
               'status', s.status,
               'mode', s.mode,
               'exit_code', s.exit_code,
               'started_date', to_char(s.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
               'ended_date', to_char(s.ended_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))
      FROM ${source} s
      CROSS JOIN LATERAL (SELECT CASE WHEN s.status = 'Succeeded' THEN 'run.finished'
                                      WHEN s.status LIKE 'Failed%' THEN 'run.failed' END AS type) ev
      JOIN notification_endpoints ne ON ne.account_id = s.account_id AND ev.type = ANY (ne.events)
      JOIN tenants t ON t.id = s.tenant_id
      JOIN integrations i ON i.id = t.integration_id
    RETURNING id`;
}

/**
 * A select-list expression that wakes the deliverers when `queued` (a CTE of queued rows) is not
 * empty: 1 then, else 0. The NOTIFY goes out with the commit; a statement that queued nothing
 * sends none (and so takes no NOTIFY lock at commit).
 */
export function wakeDeliverersSql(queued: string): string {
  return `(SELECT count(*) FROM (SELECT pg_notify('${NOTIFICATIONS_CHANNEL}', '') FROM ${queued} LIMIT 1) n)::int`;
}
