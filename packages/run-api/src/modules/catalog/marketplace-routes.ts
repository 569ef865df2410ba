import type { TypedApp } from '../../platform/type-provider.ts';
import { notFound } from '../../platform/errors.ts';
import { readCatalog, readIntegration } from './store.ts';
import { catalogQuerySchema, catalogResponseSchema, integrationDetailSchema, slugParamsSchema } from '@pan/contract';

/** The catalog as the calling end user may see it, and one integration's page. */
export async function catalogRoutes(app: TypedApp): Promise<void> {
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
}
