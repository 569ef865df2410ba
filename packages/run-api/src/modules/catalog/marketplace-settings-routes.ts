import type { FastifyInstance } from 'fastify';
import { setCategories } from './store.ts';
import { slugPattern } from './schemas.ts';

export async function marketplaceSettingsRoutes(app: FastifyInstance): Promise<void> {
  /** Replaces the account's categories; their order here is their order in the marketplace. */
  app.put<{ Body: { categories: { slug: string; name: string }[] } }>(
    '/marketplace/categories',
    {
      schema: {
        body: {
          type: 'object',
          required: ['categories'],
          additionalProperties: false,
          properties: {
            categories: {
              type: 'array',
              maxItems: 200,
              items: {
                type: 'object',
                required: ['slug', 'name'],
                additionalProperties: false,
                properties: { slug: { type: 'string', pattern: slugPattern }, name: { type: 'string', minLength: 1, maxLength: 100 } },
              },
            },
          },
        },
      },
    },
    async (request) => {
      await setCategories(app.db, request.hostAccount.accountId, request.body.categories);
      return { categories: request.body.categories };
    },
  );
}
