import type { FastifyInstance } from 'fastify';
import { requireApiKey } from './hooks.ts';
import { resolvePublicIds } from './host-ids.ts';
import { retentionRoutes } from '../modules/accounts/host-routes.ts';
import { integrationRoutes } from '../modules/catalog/host-routes.ts';
import { marketplaceSettingsRoutes } from '../modules/catalog/marketplace-settings-routes.ts';
import { connectorRoutes } from '../modules/connections/host-routes.ts';
import { connectorProxyRoutes } from '../modules/connections/proxy-routes.ts';
import { notificationRoutes } from '../modules/notifications/host-routes.ts';
import { hostRunRoutes } from '../modules/runs/host-routes.ts';
import { answerWhenRunEnds } from '../modules/runs/sync-invocation.ts';
import { hostTenantRoutes } from '../modules/tenants/host-routes.ts';
import { readHostTenantRow } from '../modules/tenants/store.ts';
import { hostTriggerRoutes } from '../modules/triggers/host-routes.ts';
import { queueInitRun } from '../modules/triggers/store.ts';
import { sourceControlRoutes } from '../modules/sourcecontrol/host-routes.ts';

/** The host-facing API (`/v2`, server to server, `X-API-KEY`). */
export async function hostRoutes(app: FastifyInstance): Promise<void> {
  app.addHook('onRequest', app.limits.apiAuthFailures);
  app.addHook('onRequest', requireApiKey);
  app.addHook('onRequest', app.limits.perApiKey);
  app.addHook('onError', app.limits.countApiAuthFailure);
  // Public integer ids become internal UUIDs here, once for every host route (host-ids.ts).
  app.addHook('preHandler', resolvePublicIds);
  await app.register(marketplaceSettingsRoutes);
  await app.register(integrationRoutes);
  await app.register(hostTriggerRoutes, { answerWhenRunEnds });
  await app.register(connectorRoutes);
  await app.register(hostTenantRoutes, { queueInitRun });
  await app.register(connectorProxyRoutes, {
    tenantUser: async (accountId, tenantId) => (await readHostTenantRow(app.db, accountId, tenantId))?.user_name ?? null,
  });
  await app.register(hostRunRoutes);
  await app.register(notificationRoutes);
  await app.register(retentionRoutes);
  await app.register(sourceControlRoutes);
}
