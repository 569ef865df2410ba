import type { TypedApp } from '../../platform/type-provider.ts';
import { type AuthOnlyView, slugParamsSchema } from '@pan/contract';
import { listUserConnections } from '../connections/store.ts';
import { ERRORS, notFound, panError } from '../../platform/errors.ts';
import { readIntegration } from '../catalog/store.ts';
import { install } from './service.ts';
import type { TenantRouteOptions } from './service.ts';
import { findActiveTenantOf } from './store.ts';

/**
 * Auth-only mode: the host names integrations and their preset settings in the token
 * (`xti.auth_only`); the user only connects. Settings never travel through the browser: the
 * install takes them from the verified token.
 */
export async function authOnlyRoutes(app: TypedApp, options: TenantRouteOptions): Promise<void> {
  app.get('/auth-only', async (request, reply): Promise<AuthOnlyView> => {
    const user = request.endUser;
    reply.header('cache-control', 'private, no-store');
    const entries = user.xti.auth_only?.integrations ?? [];
    const integrations: AuthOnlyView['integrations'] = [];
    for (const entry of entries) {
      const detail = await readIntegration(app.db, user, entry.slug);
      if (!detail || detail.type !== 'internal') continue;
      const connectors = detail.connectors;
      const tenant = await findActiveTenantOf(app.db, user, detail.id);
      integrations.push({
        integration: { id: detail.id, slug: detail.slug, name: detail.name, logo_url: detail.logo_url },
        connections: connectors.length ? await listUserConnections(app.db, user.accountId, user.sub, connectors) : [],
        tenant: tenant ? { id: tenant.id, status: tenant.paused ? 'paused' : 'active' } : null,
      });
    }
    return { integrations };
  });

  app.post('/auth-only/:slug/install', { schema: { params: slugParamsSchema } }, async (request, reply) => {
    const user = request.endUser;
    const entry = user.xti.auth_only?.integrations.find((e) => e.slug === request.params.slug);
    if (!entry) throw notFound('Auth-only integration');
    const detail = await readIntegration(app.db, user, entry.slug);
    if (!detail) throw notFound('Integration');
    const connections = detail.connectors.length ? await listUserConnections(app.db, user.accountId, user.sub, detail.connectors) : [];
    const missing = connections.filter((c) => c.status !== 'connected').map((c) => c.display_name);
    if (missing.length > 0) {
      throw panError(ERRORS.CONNECTION_MISSING, `Connect ${missing.join(' and ')} first`, {
        errors: missing.map((name) => ({ field: 'connections', message: `${name} is not connected` })),
      });
    }
    const tenant = await install(app.db, user, { integration: entry.slug, configs: entry.configs }, options.queueInitRun);
    return reply.status(201).send(tenant);
  });
}
