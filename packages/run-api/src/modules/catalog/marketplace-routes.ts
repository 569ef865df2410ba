import type { FastifyInstance } from 'fastify';
import { notFound } from '../../platform/errors.ts';
import { readCatalog, readIntegration } from './store.ts';
import { catalogQuerySchema, catalogResponseSchema, integrationDetailSchema, slugParamsSchema } from './schemas.ts';

/** The catalog as the calling end user may see it, and one integration's page. */
export async function catalogRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: { q?: string; category?: string; tag?: string | string[] } }>(
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

  app.get<{ Params: { slug: string } }>(
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
