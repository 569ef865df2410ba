import type { TypedApp } from '../platform/type-provider.ts';
import { requireEndUser } from './hooks.ts';
import { catalogRoutes } from '../modules/catalog/marketplace-routes.ts';
import { connectionRoutes } from '../modules/connections/marketplace-routes.ts';
import { runRoutes } from '../modules/runs/marketplace-routes.ts';
import { authOnlyRoutes } from '../modules/tenants/auth-only-routes.ts';
import { tenantRoutes } from '../modules/tenants/marketplace-routes.ts';
import { findTenantInScope } from '../modules/tenants/store.ts';
import { marketplaceTriggerRoutes } from '../modules/triggers/marketplace-routes.ts';
import { queueInitRun } from '../modules/triggers/store.ts';

/** The end-user marketplace (`/marketplace`), called by the elements with the host-signed token. */
export async function marketplaceRoutes(app: TypedApp): Promise<void> {
  app.addHook('onRequest', app.limits.apiAuthFailures);
  app.addHook('onRequest', requireEndUser);
  app.addHook('onRequest', app.limits.perEndUser);
  app.addHook('onError', app.limits.countApiAuthFailure);
  await app.register(catalogRoutes);
  await app.register(tenantRoutes, { queueInitRun });
  await app.register(marketplaceTriggerRoutes);
  await app.register(runRoutes);
  await app.register(connectionRoutes, {
    ownsTenant: async (owner, tenantId) => (await findTenantInScope(app.db, owner, tenantId)) !== null,
  });
  await app.register(authOnlyRoutes, { queueInitRun });
}
