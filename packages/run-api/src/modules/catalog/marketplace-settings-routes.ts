import type { TypedApp } from '../../platform/type-provider.ts';
import { setCategories } from './store.ts';
import { categoriesBodySchema } from '@pan/contract';

export async function marketplaceSettingsRoutes(app: TypedApp): Promise<void> {
  /** Replaces the account's categories; their order here is their order in the marketplace. */
  app.put(
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
