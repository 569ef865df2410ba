import type { TypedApp } from '../../platform/type-provider.ts';
import { proxyCallBodySchema, proxyCallResponseSchema, tenantConnectorParamsSchema } from '@pan/contract';
import { ERRORS, notFound, panError } from '../../platform/errors.ts';
import { callConnector } from './proxy.ts';
import { deleteConnection, findConnector } from './store.ts';

export interface ConnectorProxyRouteOptions {
  /**
   * The end user (`sub`) of the account's tenant, or null when the account has no such tenant: the
   * tenants module answers (it sits above this one), given when the routes are registered.
   */
  tenantUser: (accountId: string, tenantId: string) => Promise<string | null>;
}

/**
 * A tenant's connections seen from the host (`X-API-KEY`): the connector proxy and disconnect.
 * A connection belongs to the tenant's user: every tenant of that user shares it.
 */
export async function connectorProxyRoutes(app: TypedApp, options: ConnectorProxyRouteOptions): Promise<void> {
  /** The tenant's user and the connector, or the 404 a tenant or connector of another account also gets. */
  const resolve = async (accountId: string, tenantId: string, name: string) => {
    const sub = await options.tenantUser(accountId, tenantId);
    if (sub === null) throw notFound('Tenant');
    const connector = await findConnector(app.db, accountId, name);
    if (!connector) throw notFound('Connector');
    return { sub, connector };
  };

  app.post(
    '/tenants/:id/connectors/:name/call',
    {
      schema: { params: tenantConnectorParamsSchema, body: proxyCallBodySchema, response: { 200: proxyCallResponseSchema } },
      config: { publicIds: { params: { id: 'tenant' } } },
    },
    async (request) => {
      const { accountId } = request.hostAccount;
      const { sub, connector } = await resolve(accountId, request.internalIds.id!, request.params.name);
      const limits = { timeoutMs: app.config.proxyTimeoutMs, maxResponseBytes: app.config.proxyMaxResponseBytes };
      return callConnector({ db: app.db, box: app.box, egress: app.egress, limits }, accountId, sub, connector, request.body);
    },
  );

  /** Removes the user's stored credentials for the connector: 204; 404 when there are none (so a repeat is 404, and changes nothing). */
  const disconnect = { schema: { params: tenantConnectorParamsSchema }, config: { publicIds: { params: { id: 'tenant' } } } } as const;
  app.patch('/tenants/:id/connectors/:name/disconnect', disconnect, async (request, reply) => {
    const { accountId } = request.hostAccount;
    const { sub, connector } = await resolve(accountId, request.internalIds.id!, request.params.name);
    if (!(await deleteConnection(app.db, accountId, sub, connector.id))) {
      throw panError(ERRORS.NOT_FOUND, `The tenant's user has no connection to ${connector.display_name}`);
    }
    return reply.status(204).send();
  });
}
