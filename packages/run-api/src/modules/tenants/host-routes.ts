import type { TypedApp } from '../../http/type-provider.ts';
import { withTransaction } from '../../platform/db/pool.ts';
import { badRequest, notFound } from '../../platform/errors.ts';
import { listRuns, readRun } from '../runs/history.ts';
import { sendLogText, streamLog, wantsEventStream } from '../runs/log-responses.ts';
import { archiveTenant, setPaused } from './store.ts';
import { installForUser } from './service.ts';
import {
  hostInstallBodySchema as createTenantBodySchema,
  hostTenantSchema,
  idParamsSchema,
  listOf,
  pagingQuerySchema,
  runPageSchema,
  type HostInstallRequest,
} from '@pan/contract';
import { readPaging } from '../../http/paging.ts';

const RUN_FIELDS = { started_date: 'r.started_at', ended_date: 'r.ended_at', status: 'r.status', mode: 'r.mode' };

const TENANT_FIELDS = { created_date: 't.created_at', modified_date: 't.updated_at', user_name: 't.user_sub', id: 't.id' };

const TENANT_SELECT = `
  SELECT t.id, t.integration_id, i.slug AS integration_slug, t.user_sub AS user_name,
         CASE WHEN t.archived_at IS NOT NULL THEN 'archived' WHEN t.paused THEN 'paused' ELSE 'active' END AS status,
         t.configs, t.release_channel, t.metadata, t.created_at AS created_date, t.updated_at AS modified_date,
         t.archived_at AS archived_date
    FROM tenants t JOIN integrations i ON i.id = t.integration_id
   WHERE t.account_id = $1`;

/** Tenants for the host's backend (`X-API-KEY`): list, read, archive, runs and metadata. */
export async function hostTenantRoutes(app: TypedApp): Promise<void> {
  app.get(
    '/tenants',
    {
      schema: {
        querystring: pagingQuerySchema(TENANT_FIELDS, {
          user_name: { type: 'string', description: "Only this user's tenants" },
          integration_id: { type: 'string', description: 'Only tenants of this integration (id or slug)' },
          include_archived: { type: 'string', enum: ['true', 'false'], description: 'Also archived tenants (default false)' },
        }),
        response: { 200: listOf(hostTenantSchema) },
      },
    },
    async (request) => {
      const { accountId } = request.hostAccount;
      const paging = readPaging(request.query, TENANT_FIELDS, 'created_date__DESC');
      const { user_name: user, integration_id: integration, include_archived: archived } = request.query;
      const { rows } = await app.db.query(
        `${TENANT_SELECT}
           AND ($2::text IS NULL OR t.user_sub = $2)
           AND ($3::text IS NULL OR i.slug = $3 OR i.id::text = $3)
           AND ($4::boolean OR t.archived_at IS NULL)
         ORDER BY ${paging.orderBy}, t.id LIMIT $5 OFFSET $6`,
        [accountId, user ?? null, integration ?? null, archived === 'true', paging.limit, paging.skip],
      );
      return rows;
    },
  );

  const readHostTenant = async (accountId: string, id: string) => {
    const { rows } = await app.db.query(`${TENANT_SELECT} AND t.id = $2`, [accountId, id]);
    if (!rows[0]) throw notFound('Tenant');
    return rows[0];
  };

  app.get('/tenants/:id', { schema: { params: idParamsSchema, response: { 200: hostTenantSchema } } }, async (request) =>
    readHostTenant(request.hostAccount.accountId, request.params.id),
  );

  /** Installs an integration for one of the host's users; it starts paused until the host (or the user) resumes it. */
  app.post<{ Body: HostInstallRequest }>(
    '/tenants',
    { schema: { body: createTenantBodySchema, response: { 201: hostTenantSchema } } },
    async (request, reply) => {
      const { user_name: userName, integration, integration_id: integrationId, ...install } = request.body;
      if (integration && integrationId && integration !== integrationId) {
        throw badRequest('PAN_ERR_REQUEST_INVALID', 'integration_id: names another integration than integration; send one of them', {
          errors: [{ field: 'integration_id', message: 'differs from integration' }],
        });
      }
      const id = await installForUser(app.db, request.hostAccount.accountId, userName, { ...install, integration: (integration ?? integrationId)! });
      reply.status(201);
      return readHostTenant(request.hostAccount.accountId, id);
    },
  );

  /** Pauses or resumes a tenant (`{"paused": false}` starts one the API created). */
  app.patch(
    '/tenants/:id',
    {
      schema: {
        params: idParamsSchema,
        body: { type: 'object', required: ['paused'], additionalProperties: false, properties: { paused: { type: 'boolean' } } },
        response: { 200: hostTenantSchema },
      },
    },
    async (request) => {
      const { accountId } = request.hostAccount;
      if (!(await setPaused(app.db, { accountId }, request.params.id, request.body.paused))) throw notFound('Tenant');
      return readHostTenant(accountId, request.params.id);
    },
  );

  /** Archives (uninstalls) a tenant: its history stays readable. */
  app.delete('/tenants/:id', { schema: { params: idParamsSchema } }, async (request, reply) => {
    if (!(await archiveTenant(app.db, { accountId: request.hostAccount.accountId }, request.params.id))) throw notFound('Tenant');
    return reply.status(204).send();
  });

  /** A tenant's runs, newest first: `limit`/`skip`/`sort_by` as every list, or the `before` cursor (`next_before`). */
  app.get(
    '/tenants/:id/runs',
    {
      schema: {
        params: idParamsSchema,
        querystring: pagingQuerySchema(RUN_FIELDS, {
          before: { type: 'string', format: 'uuid', description: 'Runs older than this one (the previous page’s `next_before`)' },
        }),
        response: { 200: runPageSchema },
      },
    },
    async (request) => {
      const scope = { accountId: request.hostAccount.accountId };
      const paging = readPaging(request.query, RUN_FIELDS, 'started_date__DESC');
      if (request.query.before && (request.query.sort_by || request.query.skip)) {
        throw badRequest('PAN_ERR_REQUEST_INVALID', 'before: a cursor in the default order; not with sort_by or skip', {
          errors: [{ field: 'before', message: 'not with sort_by or skip' }],
        });
      }
      const { rowCount } = await app.db.query('SELECT 1 FROM tenants WHERE id = $1 AND account_id = $2', [request.params.id, scope.accountId]);
      if (!rowCount) throw notFound('Tenant');
      return listRuns(app.db, scope, request.params.id, {
        limit: paging.limit,
        skip: paging.skip,
        orderBy: paging.orderBy,
        ...(request.query.before ? { before: request.query.before } : {}),
      });
    },
  );

  app.get('/runs/:id', { schema: { params: idParamsSchema } }, async (request) => {
    const run = await readRun(app.db, { accountId: request.hostAccount.accountId }, request.params.id);
    if (!run) throw notFound('Run');
    return run;
  });

  /** A run's log: plain text, or Server-Sent Events with `Accept: text/event-stream` (live, resumable). */
  app.get('/runs/:id/log', { schema: { params: idParamsSchema } }, async (request, reply) => {
    const run = await readRun(app.db, { accountId: request.hostAccount.accountId }, request.params.id);
    if (!run) throw notFound('Run');
    if (wantsEventStream(request)) return streamLog(request, reply, app.logHub, run.id);
    return sendLogText(request, reply, run);
  });

  app.get('/tenants/:id/metadata', { schema: { params: idParamsSchema } }, async (request) => {
    const { rows } = await app.db.query<{ metadata: Record<string, unknown> }>('SELECT metadata FROM tenants WHERE id = $1 AND account_id = $2', [
      request.params.id,
      request.hostAccount.accountId,
    ]);
    if (!rows[0]) throw notFound('Tenant');
    return rows[0].metadata;
  });

  /** Shallow-merges the body into the tenant's metadata (a key set to null is removed). */
  app.patch(
    '/tenants/:id/metadata',
    { schema: { params: idParamsSchema, body: { type: 'object', maxProperties: 200 } } },
    async (request) =>
      withTransaction(app.db, async (client) => {
        const { rows } = await client.query<{ metadata: Record<string, unknown> }>(
          'SELECT metadata FROM tenants WHERE id = $1 AND account_id = $2 FOR UPDATE',
          [request.params.id, request.hostAccount.accountId],
        );
        if (!rows[0]) throw notFound('Tenant');
        const merged: Record<string, unknown> = { ...rows[0].metadata };
        for (const [key, value] of Object.entries(request.body)) {
          if (value === null) delete merged[key];
          else merged[key] = value;
        }
        await client.query('UPDATE tenants SET metadata = $2, updated_at = now() WHERE id = $1', [request.params.id, merged]);
        return merged;
      }),
  );
}
