import type { FastifyInstance } from 'fastify';
import { ERRORS, notFound, panError } from '../../platform/errors.ts';
import { archiveTenant, listHostTenants, mergeTenantMetadata, readHostTenantRow, readTenantMetadata, setPaused, TENANT_SORT } from './store.ts';
import { installForUser } from './service.ts';
import type { InstallRequest } from '@pan/contract';
import { pagingQuerySchema, readPaging } from '../../platform/paging.ts';
import { idParamsSchema } from '../runs/schemas.ts';
import { hostTenantSchema, listOf } from './host-schemas.ts';
import type { TenantRouteOptions } from './service.ts';

const scheduleSchema = { type: ['object', 'null'], maxProperties: 10 } as const;

const createTenantBodySchema = {
  type: 'object',
  required: ['user_name'],
  // Pandium's clients name it integration_id; either is the integration's slug or id.
  anyOf: [{ required: ['integration'] }, { required: ['integration_id'] }],
  additionalProperties: false,
  properties: {
    integration: { type: 'string', minLength: 1, maxLength: 100, description: 'The integration slug or id' },
    integration_id: { type: 'string', minLength: 1, maxLength: 100, description: 'Same as integration (Pandium’s name for it)' },
    user_name: { type: 'string', minLength: 1, maxLength: 255, description: "The end user's identity (the JWT's sub)" },
    configs: { type: 'object', maxProperties: 200 },
    schedule: scheduleSchema,
    release_channel: {
      type: 'object',
      required: ['type'],
      properties: { type: { type: 'string', enum: ['default', 'latest', 'pinned'] }, release_id: { type: 'string', format: 'uuid' } },
    },
  },
} as const;

/** Tenants for the host's backend (`X-API-KEY`): list, read, install, pause, archive, metadata. */
export async function hostTenantRoutes(app: FastifyInstance, options: TenantRouteOptions): Promise<void> {
  app.get<{ Querystring: Record<string, string> }>(
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

  app.get<{ Params: { id: string } }>('/tenants/:id', { schema: { params: idParamsSchema, response: { 200: hostTenantSchema } } }, async (request) =>
    readHostTenant(request.hostAccount.accountId, request.params.id),
  );

  /** Installs an integration for one of the host's users; it starts paused until the host (or the user) resumes it. */
  app.post<{ Body: Omit<InstallRequest, 'integration'> & { integration?: string; integration_id?: string; user_name: string } }>(
    '/tenants',
    { schema: { body: createTenantBodySchema, response: { 201: hostTenantSchema } } },
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
  app.patch<{ Params: { id: string }; Body: { paused: boolean } }>(
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
  app.delete<{ Params: { id: string } }>('/tenants/:id', { schema: { params: idParamsSchema } }, async (request, reply) => {
    if (!(await archiveTenant(app.db, { accountId: request.hostAccount.accountId }, request.params.id))) throw notFound('Tenant');
    return reply.status(204).send();
  });

  app.get<{ Params: { id: string } }>('/tenants/:id/metadata', { schema: { params: idParamsSchema } }, async (request) => {
    const metadata = await readTenantMetadata(app.db, request.hostAccount.accountId, request.params.id);
    if (!metadata) throw notFound('Tenant');
    return metadata;
  });

  /** Shallow-merges the body into the tenant's metadata (a key set to null is removed). */
  app.patch<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/tenants/:id/metadata',
    { schema: { params: idParamsSchema, body: { type: 'object', maxProperties: 200 } } },
    async (request) => {
      const merged = await mergeTenantMetadata(app.db, request.hostAccount.accountId, request.params.id, request.body);
      if (!merged) throw notFound('Tenant');
      return merged;
    },
  );
}
