import type { FastifyInstance } from 'fastify';
import { setCategories } from './store.ts';
import { categoriesBodySchema } from '@pan/contract';

export async function marketplaceSettingsRoutes(app: FastifyInstance): Promise<void> {
  /** Replaces the account's categories; their order here is their order in the marketplace. */
  app.put<{ Body: { categories: { slug: string; name: string }[] } }>(
    '/marketplace/categories',
    {
      schema: {
        body: categoriesBodySchema,
      },
    },
    async (request) => {
      await setCategories(app.db, request.hostAccount.accountId, request.body.categories);
      return { categories: request.body.categories };
    },
  );
}
