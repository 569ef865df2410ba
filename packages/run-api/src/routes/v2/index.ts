import type { FastifyInstance } from 'fastify';
import { requireApiKey } from '../../auth/hooks.ts';
import { notificationRoutes } from '../../notifications/routes.ts';
import { connectorRoutes } from './connectors.ts';
import { eventRoutes } from './events.ts';
import { integrationRoutes } from './integrations.ts';
import { marketplaceSettingsRoutes } from './marketplace-settings.ts';
import { hostRunRoutes } from './runs.ts';
import { hostTenantRoutes } from './tenants.ts';

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
