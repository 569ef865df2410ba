import type { FastifyInstance } from 'fastify';
import { requireApiKey } from './hooks.ts';
import { notificationRoutes } from '../modules/notifications/host-routes.ts';
import { connectorRoutes } from '../modules/connections/host-routes.ts';
import { eventRoutes } from '../modules/triggers/event-routes.ts';
import { integrationRoutes } from '../modules/catalog/host-routes.ts';
import { marketplaceSettingsRoutes } from '../modules/catalog/marketplace-settings-routes.ts';
import { hostRunRoutes } from '../modules/runs/host-routes.ts';
import { hostTenantRoutes } from '../modules/tenants/host-routes.ts';

/** The host-facing API (server to server, `X-API-KEY`). */
export async function hostRoutes(app: FastifyInstance): Promise<void> {
  app.addHook('onRequest', requireApiKey);
  await app.register(marketplaceSettingsRoutes);
  await app.register(integrationRoutes);
  await app.register(hostRunRoutes);
  await app.register(connectorRoutes);
  await app.register(eventRoutes);
  await app.register(hostTenantRoutes);
  await app.register(notificationRoutes);
}
