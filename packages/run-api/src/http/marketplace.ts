import type { TypedApp } from './type-provider.ts';
import { requireEndUser } from './hooks.ts';
import { notFound } from '../platform/errors.ts';
import { readCatalog, readIntegration } from '../modules/catalog/store.ts';
import { catalogQuerySchema, catalogResponseSchema, integrationDetailSchema, slugParamsSchema } from '@pan/contract';
import { authOnlyRoutes } from '../modules/tenants/auth-only-routes.ts';
import { connectionRoutes } from '../modules/connections/marketplace-routes.ts';
import { runRoutes } from '../modules/runs/marketplace-routes.ts';
import { tenantRoutes } from '../modules/tenants/marketplace-routes.ts';

/** The end-user marketplace, called by the elements with the host-signed token. */
export async function marketplaceRoutes(app: TypedApp): Promise<void> {
  app.addHook('onRequest', requireEndUser);

  app.get(
    '/catalog',
    { schema: { querystring: catalogQuerySchema, response: { 200: catalogResponseSchema } } },
    async (request, reply) => {
      const { q, category, tag } = request.query;
      reply.header('cache-control', 'private, no-store');
      return readCatalog(app.db, request.endUser, {
        q,
        category,
        tag: tag === undefined ? undefined : [tag].flat(),
      });
    },
  );

  app.get(
    '/integrations/:slug',
    { schema: { params: slugParamsSchema, response: { 200: integrationDetailSchema } } },
    async (request, reply) => {
      const detail = await readIntegration(app.db, request.endUser, request.params.slug);
      if (!detail) throw notFound('Integration');
      reply.header('cache-control', 'private, no-store');
      return detail;
    },
  );

  await app.register(tenantRoutes);
  await app.register(runRoutes);
  await app.register(connectionRoutes);
  await app.register(authOnlyRoutes);
}
