/**
 * The tenants module's SQL: the `tenants` table is read and written here only (other modules join
 * it read-only for scoping). A tenant's `tenant.*` notifications are queued in the same statement
 * as its change, through the notifications module's outbox fragments.
 */
import type pg from 'pg';
import type { HostTenant, MissedFires, ReleaseChannel, Schedule } from '@pan/contract';
import type { ReleaseWithSpec } from '../catalog/store.ts';
import { withTransaction, type Db, type Queryable, type Scope } from '../../platform/db/pool.ts';
import type { Paging } from '../../platform/paging.ts';
import { queueTenantEventSql, wakeDeliverersSql } from '../notifications/sql.ts';
import { channelReleaseSql } from '../catalog/sql.ts';

/** Who owns a tenant: an end user of an account (a `Scope` with its `sub`). */
export type TenantOwner = Required<Scope>;

/** One tenant with its integration and the release its channel resolves to. */
export interface TenantRow {
  id: string;
  integration_id: string;
  integration_slug: string;
  integration_name: string;
  integration_logo_url: string | null;
  integration_default_schedule: Schedule | null;
  configs: Record<string, unknown>;
  paused: boolean;
  schedule_is_default: boolean;
  schedule: Schedule | null;
  schedule_time_zone: string;
  schedule_missed: MissedFires;
  release_channel: ReleaseChannel['type'];
  pinned_release_id: string | null;
  dynamic_configs: Record<string, unknown> | null;
  created_at: Date;
  updated_at: Date;
  /** Null only if the integration lost every release, which the schema does not allow for a tenant's. */
  release: ReleaseWithSpec | null;
}

const TENANT_SELECT = `
  SELECT t.id, t.integration_id, i.slug AS integration_slug, i.name AS integration_name,
         i.logo_url AS integration_logo_url, i.default_schedule AS integration_default_schedule,
         t.configs, t.paused, t.schedule_is_default, t.schedule, t.schedule_time_zone, t.schedule_missed,
         t.release_channel, t.pinned_release_id, t.dynamic_configs, t.created_at, t.updated_at, r.release
    FROM tenants t
    JOIN integrations i ON i.id = t.integration_id
    LEFT JOIN LATERAL (${channelReleaseSql('t.integration_id', 't.release_channel', 't.pinned_release_id')}) r ON true
   WHERE t.account_id = $1 AND t.user_sub = $2 AND t.archived_at IS NULL`;

/** This user's active tenants, by integration name. */
export async function listTenants(q: Queryable, owner: TenantOwner): Promise<TenantRow[]> {
  const { rows } = await q.query<TenantRow>(`${TENANT_SELECT} ORDER BY lower(i.name), t.created_at`, [owner.accountId, owner.sub]);
  return rows;
}

/** One active tenant of this user; null for anyone else's, an archived one, or an unknown id. */
export async function readTenant(q: Queryable, owner: TenantOwner, id: string): Promise<TenantRow | null> {
  const { rows } = await q.query<TenantRow>(`${TENANT_SELECT} AND t.id = $3`, [owner.accountId, owner.sub, id]);
  return rows[0] ?? null;
}

/**
 * Serialises every install of one user (account + sub) until the transaction ends, so that
 * "already installed" and the install limit are checked against a count nobody else is changing.
 */
export async function lockUserTenants(client: pg.PoolClient, owner: TenantOwner): Promise<void> {
  await client.query("SELECT pg_advisory_xact_lock(hashtext('pan-tenants:' || $1 || ':' || $2))", [owner.accountId, owner.sub]);
}

/**
 * Queues the first init run of a tenant inside the transaction that creates it. The triggers
 * module provides it (it owns every trigger insert); the tenant routes receive it when registered.
 */
export type QueueInitRun = (q: Queryable, tenant: { accountId: string; tenantId: string }) => Promise<unknown>;

export interface NewTenant {
  integrationId: string;
  configs: Record<string, unknown>;
  /** `undefined`: follow the integration's default; `null`: no schedule. */
  schedule: Schedule | null | undefined;
  /** The IANA zone the schedule is read in (checked). */
  timeZone: string;
  missedFires: MissedFires;
  channel: ReleaseChannel;
  /** `xti.allowed_installs`; undefined: no limit. */
  allowedInstalls?: number;
  /** The release has dynamic selectors: queue its init run with the tenant, in its transaction (SPEC: Install). */
  queueInitRun?: QueueInitRun;
  /** Tenants created by the host API start paused (SPEC). */
  paused?: boolean;
}

export type InsertTenantResult =
  | { ok: true; id: string }
  | { ok: false; reason: 'already-installed' }
  | { ok: false; reason: 'limit'; limit: number };

/** Creates a tenant unless this user already has this integration or is at the install limit. */
export async function insertTenant(db: Db, owner: TenantOwner, tenant: NewTenant): Promise<InsertTenantResult> {
  try {
    return await withTransaction(db, async (client): Promise<InsertTenantResult> => {
      await lockUserTenants(client, owner);
      const { rows } = await client.query<{ active: number; this_integration: boolean }>(
        `SELECT count(*)::int AS active, coalesce(bool_or(integration_id = $3), false) AS this_integration
           FROM tenants WHERE account_id = $1 AND user_sub = $2 AND archived_at IS NULL`,
        [owner.accountId, owner.sub, tenant.integrationId],
      );
      const { active, this_integration } = rows[0]!;
      if (this_integration) return { ok: false, reason: 'already-installed' };
      if (tenant.allowedInstalls !== undefined && active >= tenant.allowedInstalls) {
        return { ok: false, reason: 'limit', limit: tenant.allowedInstalls };
      }
      // The tenant and its `tenant.installed` notification (when the account wants one) together.
      const inserted = await client.query<{ id: string }>(
        `WITH inserted AS (
           INSERT INTO tenants (account_id, integration_id, user_sub, configs, schedule_is_default, schedule,
                                release_channel, pinned_release_id, paused, schedule_time_zone, schedule_missed)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
           RETURNING id, account_id, integration_id, user_sub, paused, archived_at
         ), queued AS (${queueTenantEventSql('inserted', "'tenant.installed'")})
         SELECT id, ${wakeDeliverersSql('queued')} AS queued FROM inserted`,
        [
          owner.accountId,
          tenant.integrationId,
          owner.sub,
          tenant.configs,
          tenant.schedule === undefined,
          tenant.schedule === undefined ? null : tenant.schedule,
          tenant.channel.type,
          tenant.channel.type === 'pinned' ? tenant.channel.release_id : null,
          tenant.paused ?? false,
          tenant.timeZone,
          tenant.missedFires,
        ],
      );
      const id = inserted.rows[0]!.id;
      if (tenant.queueInitRun) await tenant.queueInitRun(client, { accountId: owner.accountId, tenantId: id });
      return { ok: true, id };
    });
  } catch (error) {
    // Another path (e.g. the host API) installed it in between: the partial unique index says so.
    if ((error as { code?: string }).code === '23505') return { ok: false, reason: 'already-installed' };
    throw error;
  }
}

export interface TenantChanges {
  configs?: Record<string, unknown>;
  /** `'default'`: follow the integration's default again. */
  schedule?: Schedule | null | 'default';
  timeZone?: string;
  missedFires?: MissedFires;
  channel?: ReleaseChannel;
}

/**
 * Reads one active tenant of this user with a row lock, lets `decide` validate and compute the
 * changes (throwing refuses the whole update: nothing is written), then writes them at once.
 * Returns false when there is no such tenant.
 */
export async function updateTenant(
  db: Db,
  owner: TenantOwner,
  id: string,
  decide: (client: pg.PoolClient, current: TenantRow) => Promise<TenantChanges>,
): Promise<boolean> {
  return withTransaction(db, async (client) => {
    const locked = await client.query(
      'SELECT 1 FROM tenants WHERE account_id = $1 AND user_sub = $2 AND id = $3 AND archived_at IS NULL FOR UPDATE',
      [owner.accountId, owner.sub, id],
    );
    if (locked.rowCount === 0) return false;
    const current = (await readTenant(client, owner, id))!;
    const changes = await decide(client, current);
    const schedule = changes.schedule;
    await client.query(
      `UPDATE tenants SET
         configs = coalesce($2::jsonb, configs),
         schedule_is_default = CASE WHEN $3::boolean THEN $4::boolean ELSE schedule_is_default END,
         schedule = CASE WHEN $3::boolean THEN $5::jsonb ELSE schedule END,
         release_channel = coalesce($6, release_channel),
         pinned_release_id = CASE WHEN $6::text IS NULL THEN pinned_release_id ELSE $7::uuid END,
         schedule_time_zone = coalesce($8, schedule_time_zone),
         schedule_missed = coalesce($9, schedule_missed),
         updated_at = now()
       WHERE id = $1`,
      [
        id,
        changes.configs ?? null,
        schedule !== undefined,
        schedule === 'default',
        schedule === undefined || schedule === 'default' ? null : schedule,
        changes.channel?.type ?? null,
        changes.channel?.type === 'pinned' ? changes.channel.release_id : null,
        changes.timeZone ?? null,
        changes.missedFires ?? null,
      ],
    );
    return true;
  });
}

/**
 * Pauses or resumes; idempotent (`updated_at` moves only on a change). False when there is no such
 * tenant. One statement: an actual change queues `tenant.paused` / `tenant.resumed` with it.
 */
export async function setPaused(q: Queryable, scope: Scope, id: string, paused: boolean): Promise<boolean> {
  // `found` reads the statement's snapshot; the UPDATE re-checks `paused <> $4` on the latest row
  // version, so of two concurrent identical calls only one changes it (and notifies).
  const { rows } = await q.query<{ found: number }>(
    `WITH found AS (
       SELECT id FROM tenants
        WHERE account_id = $1 AND ($2::text IS NULL OR user_sub = $2) AND id = $3 AND archived_at IS NULL
     ), changed AS (
       UPDATE tenants SET paused = $4, updated_at = now()
        WHERE id IN (SELECT id FROM found) AND paused <> $4 AND archived_at IS NULL
        RETURNING id, account_id, integration_id, user_sub, paused, archived_at
     ), queued AS (${queueTenantEventSql('changed', "CASE WHEN $4::boolean THEN 'tenant.paused' ELSE 'tenant.resumed' END")})
     SELECT (SELECT count(*) FROM found)::int AS found, ${wakeDeliverersSql('queued')} AS queued`,
    [scope.accountId, scope.sub ?? null, id, paused],
  );
  return rows[0]!.found === 1;
}

/**
 * Archives (uninstalls): the row and its history stay; the user may install the integration again.
 * One statement, with its `tenant.uninstalled` notification.
 */
export async function archiveTenant(q: Queryable, scope: Scope, id: string): Promise<boolean> {
  const { rows } = await q.query<{ archived: number }>(
    `WITH changed AS (
       UPDATE tenants SET archived_at = now(), updated_at = now()
        WHERE account_id = $1 AND ($2::text IS NULL OR user_sub = $2) AND id = $3 AND archived_at IS NULL
        RETURNING id, account_id, integration_id, user_sub, paused, archived_at
     ), queued AS (${queueTenantEventSql('changed', "'tenant.uninstalled'")})
     SELECT (SELECT count(*) FROM changed)::int AS archived, ${wakeDeliverersSql('queued')} AS queued`,
    [scope.accountId, scope.sub ?? null, id],
  );
  return rows[0]!.archived === 1;
}

/** The tenant of this scope (active or archived: history stays readable), or null. */
export async function findTenantInScope(q: Queryable, scope: Scope, tenantId: string) {
  const { rows } = await q.query<{ id: string; account_id: string; paused: boolean; archived: boolean }>(
    `SELECT id, account_id, paused, archived_at IS NOT NULL AS archived FROM tenants
      WHERE id = $1 AND account_id = $2 AND ($3::text IS NULL OR user_sub = $3)`,
    [tenantId, scope.accountId, scope.sub ?? null],
  );
  return rows[0] ?? null;
}

/** The active tenant of `scope.sub` for an integration named by slug or id, or null. */
export async function findUserTenantOf(q: Queryable, owner: TenantOwner, integration: string): Promise<string | null> {
  const { rows } = await q.query<{ id: string }>(
    `SELECT t.id FROM tenants t JOIN integrations i ON i.id = t.integration_id
      WHERE t.account_id = $1 AND t.user_sub = $2 AND t.archived_at IS NULL AND (i.slug = $3 OR i.id::text = $3)`,
    [owner.accountId, owner.sub, integration],
  );
  return rows[0]?.id ?? null;
}

/** This user's active tenant of an integration (by id), or null. */
export async function findActiveTenantOf(q: Queryable, owner: TenantOwner, integrationId: string): Promise<{ id: string; paused: boolean } | null> {
  const { rows } = await q.query<{ id: string; paused: boolean }>(
    `SELECT t.id, t.paused FROM tenants t WHERE t.account_id = $1 AND t.user_sub = $2 AND t.integration_id = $3 AND t.archived_at IS NULL`,
    [owner.accountId, owner.sub, integrationId],
  );
  return rows[0] ?? null;
}

/** Where an active tenant of this user receives webhooks, and whether they must be signed. */
export async function readWebhookAddress(q: Queryable, owner: TenantOwner, id: string): Promise<{ webhookToken: string; signed: boolean } | null> {
  const { rows } = await q.query<{ webhook_token: string; signed: boolean }>(
    `SELECT webhook_token, webhook_secret_sealed IS NOT NULL AS signed FROM tenants
      WHERE id = $1 AND account_id = $2 AND user_sub = $3 AND archived_at IS NULL`,
    [id, owner.accountId, owner.sub],
  );
  return rows[0] ? { webhookToken: rows[0].webhook_token, signed: rows[0].signed } : null;
}

/** Sets (or replaces) the sealed Standard Webhooks secret of an active tenant; false when there is none. */
export async function setWebhookSecret(q: Queryable, accountId: string, id: string, sealed: Buffer): Promise<boolean> {
  const { rowCount } = await q.query('UPDATE tenants SET webhook_secret_sealed = $3 WHERE id = $1 AND account_id = $2 AND archived_at IS NULL', [
    id,
    accountId,
    sealed,
  ]);
  return Boolean(rowCount);
}

// ---- The host API's view of tenants --------------------------------------------------------------

export const TENANT_SORT = { created_date: 't.created_at', modified_date: 't.updated_at', name: 't.user_sub', user_name: 't.user_sub', id: 't.num_id' };

/** Pandium's phase of a run's detailed status. */
const RUN_PHASE = (run: string) =>
  `CASE ${run}.status WHEN 'Running' THEN 'Running' WHEN 'Succeeded' THEN 'Succeeded' WHEN 'Failed (Timeout)' THEN 'Timeout' ELSE 'Failed' END`;

/** A run as TenantStatus shows it, `{}` when there is none. */
const RUN_SUMMARY = (condition: string) => `COALESCE((
    SELECT json_build_object('id', r.num_id, 'mode', r.mode, 'phase', ${RUN_PHASE('r')},
                             'startTime', r.started_at, 'completionTime', r.ended_at)
      FROM runs r WHERE r.tenant_id = t.id AND ${condition}
     ORDER BY r.started_at DESC, r.id DESC LIMIT 1), '{}'::json)`;

/** Pandium's Tenant (public integer ids, TenantStatus) and our extensions (contract: hostTenantSchema). */
const HOST_TENANT_SELECT = `
  SELECT t.num_id AS id, t.user_sub AS name, t.archived_at IS NOT NULL AS archived, i.num_id AS integration_id,
         t.configs, t.created_at AS created_date, t.updated_at AS modified_date, t.paused,
         to_json(pr.num_id) AS integration_release_id, -- a JSON number or null (bigint would come as a string)
         CASE t.release_channel WHEN 'latest' THEN 'Latest' WHEN 'default' THEN 'Default' END AS integration_release_channel,
         json_build_object(
           'last_run', ${RUN_SUMMARY("r.status <> 'Running'")},
           'current_run', ${RUN_SUMMARY("r.status = 'Running'")},
           'last_successful_run', ${RUN_SUMMARY("r.status = 'Succeeded'")},
           'dynamic_configs', COALESCE(t.dynamic_configs, '{}'::jsonb),
           'auth', (SELECT json_build_object('connected', COALESCE(bool_and(cn.status IS NOT DISTINCT FROM 'connected'), true),
                                             'connectors', COALESCE(json_agg(json_build_object(
                                               'name', wanted.name, 'status', COALESCE(cn.status, 'not_connected'),
                                               'last_change', cn.updated_at) ORDER BY wanted.name), '[]'::json))
                      FROM unnest(i.connectors) AS wanted (name)
                      LEFT JOIN connectors c ON c.account_id = t.account_id AND c.name = wanted.name
                      LEFT JOIN connections cn ON cn.connector_id = c.id AND cn.account_id = t.account_id AND cn.user_sub = t.user_sub)
         ) AS status,
         t.id AS uuid, i.slug AS integration_slug, t.user_sub AS user_name, t.metadata, t.archived_at AS archived_date,
         t.schedule_time_zone AS time_zone, t.schedule_missed AS missed_fires
    FROM tenants t JOIN integrations i ON i.id = t.integration_id
    LEFT JOIN releases pr ON pr.id = t.pinned_release_id
   WHERE t.account_id = $1`;

export async function listHostTenants(
  q: Queryable,
  accountId: string,
  filter: { user?: string; integration?: string; integrationSlug?: string; archived: boolean },
  paging: Paging,
): Promise<HostTenant[]> {
  const { rows } = await q.query<HostTenant>(
    `${HOST_TENANT_SELECT}
       AND ($2::text IS NULL OR t.user_sub = $2)
       AND ($3::uuid IS NULL OR i.id = $3)
       AND ((t.archived_at IS NOT NULL) = $4)
       AND ($7::text IS NULL OR i.slug = $7)
     ORDER BY ${paging.orderBy}, t.id LIMIT $5 OFFSET $6`,
    [accountId, filter.user ?? null, filter.integration ?? null, filter.archived, paging.limit, paging.skip, filter.integrationSlug ?? null],
  );
  return rows;
}

export async function readHostTenantRow(q: Queryable, accountId: string, id: string): Promise<HostTenant | null> {
  const { rows } = await q.query<HostTenant>(`${HOST_TENANT_SELECT} AND t.id = $2`, [accountId, id]);
  return rows[0] ?? null;
}

export async function readTenantMetadata(q: Queryable, accountId: string, id: string): Promise<Record<string, unknown> | null> {
  const { rows } = await q.query<{ metadata: Record<string, unknown> }>('SELECT metadata FROM tenants WHERE id = $1 AND account_id = $2', [id, accountId]);
  return rows[0]?.metadata ?? null;
}

/** Shallow-merges `patch` into the tenant's metadata (a key set to null is removed); null when there is no such tenant. */
export async function mergeTenantMetadata(db: Db, accountId: string, id: string, patch: Record<string, unknown>): Promise<Record<string, unknown> | null> {
  return withTransaction(db, async (client) => {
    const { rows } = await client.query<{ metadata: Record<string, unknown> }>('SELECT metadata FROM tenants WHERE id = $1 AND account_id = $2 FOR UPDATE', [
      id,
      accountId,
    ]);
    if (!rows[0]) return null;
    const merged: Record<string, unknown> = { ...rows[0].metadata };
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete merged[key];
      else merged[key] = value;
    }
    await client.query('UPDATE tenants SET metadata = $2, updated_at = now() WHERE id = $1', [id, merged]);
    return merged;
  });
}

// ---- Runs: what they change on a tenant ----------------------------------------------------------

/** What a successful run changes on its tenant (see runs/queue.ts `RunResult`). */
export interface RunEffects {
  lastSuccessfulStdout?: string;
  dynamicConfigs?: Record<string, unknown>;
  metadataPatch?: Record<string, unknown>;
}

export async function applyRunEffects(q: Queryable, tenantId: string, effects: RunEffects): Promise<void> {
  await q.query(
    `UPDATE tenants SET
       last_successful_stdout = CASE WHEN $2::boolean THEN $3 ELSE last_successful_stdout END,
       dynamic_configs = CASE WHEN $4::jsonb IS NULL THEN dynamic_configs
                              ELSE coalesce(dynamic_configs, '{}'::jsonb) || $4::jsonb END,
       metadata = metadata || coalesce($5::jsonb, '{}'::jsonb)
     WHERE id = $1`,
    [
      tenantId,
      effects.lastSuccessfulStdout !== undefined,
      effects.lastSuccessfulStdout ?? null,
      effects.dynamicConfigs ? JSON.stringify(effects.dynamicConfigs) : null,
      effects.metadataPatch ? JSON.stringify(effects.metadataPatch) : null,
    ],
  );
}

/**
 * The UUID of this account's tenant with public integer id `numId`, or null (missing, or another
 * account's: the same single probe of the `num_id` unique index either way).
 */
export async function tenantIdByNumId(q: Queryable, accountId: string, numId: number): Promise<string | null> {
  const { rows } = await q.query<{ id: string }>('SELECT id FROM tenants WHERE num_id = $1 AND account_id = $2', [numId, accountId]);
  return rows[0]?.id ?? null;
}
