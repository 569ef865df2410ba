import type { TypedApp } from '../../platform/type-provider.ts';
import { ERRORS, notFound, panError } from '../../platform/errors.ts';
import { archiveTenant, listHostTenants, mergeTenantMetadata, readHostTenantRow, readTenantMetadata, setPaused, TENANT_SORT } from './store.ts';
import { installForUser } from './service.ts';
import { readPaging } from '../../platform/paging.ts';
import type { TenantRouteOptions } from './service.ts';
import { hostInstallBodySchema, type HostInstallRequest, hostTenantSchema, idParamsSchema, listOf, pagingQuerySchema } from '@pan/contract';


/** Tenants for the host's backend (`X-API-KEY`): list, read, install, pause, archive, metadata. */
export async function hostTenantRoutes(app: TypedApp, options: TenantRouteOptions): Promise<void> {
  app.get(
    '/tenants',
    {
      schema: {
        querystring: pagingQuerySchema(TENANT_SORT, {
          user_name: { type: 'string', description: "Only this user's tenants" },
          integration_id: { type: 'string', description: 'Only tenants of this integration (id or slug)' },
          include_archived: { type: 'string', enum: ['true', 'false'], description: 'Also archived tenants (default false)' },
        }),
        response: { 200: listOf(hostTenantSchema) },
      },
    },
    async (request) => {
      const { accountId } = request.hostAccount;
      const paging = readPaging(request.query, TENANT_SORT, 'created_date__DESC');
      const { user_name: user, integration_id: integration, include_archived: archived } = request.query;
      return listHostTenants(app.db, accountId, { user, integration, includeArchived: archived === 'true' }, paging);
    },
  );

  const readHostTenant = async (accountId: string, id: string) => {
    const tenant = await readHostTenantRow(app.db, accountId, id);
    if (!tenant) throw notFound('Tenant');
    return tenant;
  };

  app.get('/tenants/:id', { schema: { params: idParamsSchema, response: { 200: hostTenantSchema } } }, async (request) =>
    readHostTenant(request.hostAccount.accountId, request.params.id),
  );

  /** Installs an integration for one of the host's users; it starts paused until the host (or the user) resumes it. */
  // Typed by hand: the schema cannot say that `release_id` comes with a pinned channel only.
  app.post<{ Body: HostInstallRequest }>(
    '/tenants',
    { schema: { body: hostInstallBodySchema, response: { 201: hostTenantSchema } } },
    async (request, reply) => {
      const { user_name: userName, integration, integration_id: integrationId, ...install } = request.body;
      if (integration && integrationId && integration !== integrationId) {
        throw panError(ERRORS.REQUEST_INVALID, 'integration_id: names another integration than integration; send one of them', {
          errors: [{ field: 'integration_id', message: 'differs from integration' }],
        });
      }
      const id = await installForUser(app.db, request.hostAccount.accountId, userName, { ...install, integration: (integration ?? integrationId)! }, options.queueInitRun);
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

  app.get('/tenants/:id/metadata', { schema: { params: idParamsSchema } }, async (request) => {
    const metadata = await readTenantMetadata(app.db, request.hostAccount.accountId, request.params.id);
    if (!metadata) throw notFound('Tenant');
    return metadata;
  });

  /** Shallow-merges the body into the tenant's metadata (a key set to null is removed). */
  app.patch(
    '/tenants/:id/metadata',
    { schema: { params: idParamsSchema, body: { type: 'object', maxProperties: 200 } } },
    async (request) => {
      const merged = await mergeTenantMetadata(app.db, request.hostAccount.accountId, request.params.id, request.body);
      if (!merged) throw notFound('Tenant');
      return merged;
    },
  );
}
