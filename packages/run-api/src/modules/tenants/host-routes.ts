import type { TypedApp } from '../../platform/type-provider.ts';
import { ERRORS, notFound, panError } from '../../platform/errors.ts';
import { archiveTenant, listHostTenants, mergeTenantMetadata, readHostTenantRow, readTenantMetadata, setPaused, TENANT_SORT } from './store.ts';
import { installForUser } from './service.ts';
import { readPaging } from '../../platform/paging.ts';
import type { TenantRouteOptions } from './service.ts';
import { hostIdParamsSchema as idParamsSchema, hostInstallBodySchema, type HostInstallRequest, hostTenantSchema, listOf, pagingQuerySchema, publicIdSchema } from '@pan/contract';

/** The path's `:id` is a public integer id or a UUID; `request.internalIds.id` is the UUID (http/host-ids.ts). */
const tenantId = { params: { id: 'tenant' } } as const;


/** Tenants for the host's backend (`X-API-KEY`): list, read, install, pause, archive, metadata. */
export async function hostTenantRoutes(app: TypedApp, options: TenantRouteOptions): Promise<void> {
  app.get(
    '/tenants',
    {
      schema: {
        querystring: pagingQuerySchema(TENANT_SORT, {
          user_name: { type: 'string', description: "(ours) Only this user's tenants" },
          integration: { type: 'string', description: '(ours) Only tenants of this integration, by slug' },
          integration_id: { ...publicIdSchema, description: 'Only tenants of this integration' },
          archived: { type: 'boolean', description: 'Archived tenants instead of the others (default false)' },
        }),
        response: { 200: listOf(hostTenantSchema) },
      },
      config: { publicIds: { querystring: { integration_id: 'integration' } } },
    },
    async (request) => {
      const { accountId } = request.hostAccount;
      const paging = readPaging(request.query, TENANT_SORT, 'created_date__DESC');
      const { user_name: user, integration: integrationSlug, archived } = request.query;
      const filter = { user, integration: request.internalIds.integration_id, integrationSlug, archived: archived ?? false };
      return listHostTenants(app.db, accountId, filter, paging);
    },
  );

  const readHostTenant = async (accountId: string, id: string) => {
    const tenant = await readHostTenantRow(app.db, accountId, id);
    if (!tenant) throw notFound('Tenant');
    return tenant;
  };

  app.get('/tenants/:id', { schema: { params: idParamsSchema, response: { 200: hostTenantSchema } }, config: { publicIds: tenantId } }, async (request) =>
    readHostTenant(request.hostAccount.accountId, request.internalIds.id!),
  );

  /** Installs an integration for one of the host's users; it starts paused until the host (or the user) resumes it. */
  // Typed by hand: the schema cannot say that `release_id` comes with a pinned channel only.
  app.post<{ Body: HostInstallRequest }>(
    '/tenants',
    {
      schema: { body: hostInstallBodySchema, response: { 201: hostTenantSchema } },
      config: { publicIds: { body: { integration_id: 'integration', integration_release_id: 'release' } } },
    },
    async (request, reply) => {
      const body = request.body;
      const both = (ours: keyof HostInstallRequest, theirs: keyof HostInstallRequest) => {
        if (body[ours] !== undefined && body[theirs] !== undefined) {
          throw panError(ERRORS.REQUEST_INVALID, `${ours}: send ${theirs} or ${ours}, not both`, { errors: [{ field: ours, message: `not with ${theirs}` }] });
        }
      };
      both('user_name', 'name');
      both('integration', 'integration_id');
      both('schedule', 'user_schedule');
      both('release_channel', 'integration_release_id');
      both('release_channel', 'integration_release_channel');
      both('integration_release_channel', 'integration_release_id');
      const { internalIds } = request;
      const releaseChannel = internalIds.integration_release_id
        ? { type: 'pinned' as const, release_id: internalIds.integration_release_id }
        : body.integration_release_channel
          ? { type: body.integration_release_channel === 'Latest' ? ('latest' as const) : ('default' as const) }
          : body.release_channel;
      const schedule = body.user_schedule !== undefined ? { type: 'cron' as const, expression: body.user_schedule } : body.schedule;
      const install = {
        integration: (internalIds.integration_id ?? body.integration)!,
        ...(body.configs !== undefined ? { configs: body.configs } : {}),
        ...(schedule !== undefined ? { schedule } : {}),
        ...(body.time_zone !== undefined ? { time_zone: body.time_zone } : {}),
        ...(body.missed_fires !== undefined ? { missed_fires: body.missed_fires } : {}),
        ...(releaseChannel !== undefined ? { release_channel: releaseChannel } : {}),
      };
      const id = await installForUser(app.db, request.hostAccount.accountId, (body.name ?? body.user_name)!, install, options.queueInitRun);
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
      config: { publicIds: tenantId },
    },
    async (request) => {
      const { accountId } = request.hostAccount;
      if (!(await setPaused(app.db, { accountId }, request.internalIds.id!, request.body.paused))) throw notFound('Tenant');
      return readHostTenant(accountId, request.internalIds.id!);
    },
  );

  /** Archives (uninstalls) a tenant: its history stays readable. */
  app.delete('/tenants/:id', { schema: { params: idParamsSchema }, config: { publicIds: tenantId } }, async (request, reply) => {
    if (!(await archiveTenant(app.db, { accountId: request.hostAccount.accountId }, request.internalIds.id!))) throw notFound('Tenant');
    return reply.status(204).send();
  });

  app.get('/tenants/:id/metadata', { schema: { params: idParamsSchema }, config: { publicIds: tenantId } }, async (request) => {
    const metadata = await readTenantMetadata(app.db, request.hostAccount.accountId, request.internalIds.id!);
    if (!metadata) throw notFound('Tenant');
    return metadata;
  });

  /** Shallow-merges the body into the tenant's metadata (a key set to null is removed). */
  app.patch(
    '/tenants/:id/metadata',
    { schema: { params: idParamsSchema, body: { type: 'object', maxProperties: 200 } }, config: { publicIds: tenantId } },
    async (request) => {
      const merged = await mergeTenantMetadata(app.db, request.hostAccount.accountId, request.internalIds.id!, request.body);
      if (!merged) throw notFound('Tenant');
      return merged;
    },
  );
}
