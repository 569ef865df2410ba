import type { TypedApp } from '../../platform/type-provider.ts';
import { getTenant, install, listTenantReleases, listUserTenants, pause, readInstallPlan, uninstall, update, type TenantRouteOptions } from './service.ts';
import { installBodySchema, installPlanSchema, slugParamsSchema, tenantListSchema, tenantParamsSchema, tenantReleasesSchema, tenantSchema, updateBodySchema } from '@pan/contract';

/**
 * One installation of one integration for the calling user. Registered inside the marketplace
 * plugin, so `requireEndUser` has run; every query is scoped by the token's account and `sub`,
 * and another user's tenant is 404, never 403.
 */
export async function tenantRoutes(app: TypedApp, options: TenantRouteOptions): Promise<void> {
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'private, no-store');
  });

  app.get(
    '/integrations/:slug/install',
    { schema: { params: slugParamsSchema, response: { 200: installPlanSchema } } },
    async (request) => readInstallPlan(app.db, request.endUser, request.params.slug),
  );

  app.get('/tenants', { schema: { response: { 200: tenantListSchema } } }, async (request) => ({
    tenants: await listUserTenants(app.db, request.endUser),
  }));

  app.post(
    '/tenants',
    { schema: { body: installBodySchema, response: { 201: tenantSchema } } },
    async (request, reply) => {
      const tenant = await install(app.db, request.endUser, request.body, options.queueInitRun);
      reply.status(201);
      return tenant;
    },
  );

  app.get(
    '/tenants/:id',
    { schema: { params: tenantParamsSchema, response: { 200: tenantSchema } } },
    async (request) => getTenant(app.db, request.endUser, request.params.id),
  );

  app.patch(
    '/tenants/:id',
    { schema: { params: tenantParamsSchema, body: updateBodySchema, response: { 200: tenantSchema } } },
    async (request) => update(app.db, request.endUser, request.params.id, request.body),
  );

  app.get(
    '/tenants/:id/releases',
    { schema: { params: tenantParamsSchema, response: { 200: tenantReleasesSchema } } },
    async (request) => listTenantReleases(app.db, request.endUser, request.params.id),
  );

  app.post(
    '/tenants/:id/pause',
    { schema: { params: tenantParamsSchema, response: { 200: tenantSchema } } },
    async (request) => pause(app.db, request.endUser, request.params.id, true),
  );

  app.post(
    '/tenants/:id/resume',
    { schema: { params: tenantParamsSchema, response: { 200: tenantSchema } } },
    async (request) => pause(app.db, request.endUser, request.params.id, false),
  );

  app.delete(
    '/tenants/:id',
    { schema: { params: tenantParamsSchema } },
    async (request, reply) => {
      await uninstall(app.db, request.endUser, request.params.id);
      return reply.status(204).send();
    },
  );
}
