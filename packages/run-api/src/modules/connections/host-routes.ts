import type { TypedApp } from '../../platform/type-provider.ts';
import { connectorBodySchema } from '@pan/contract';
import { connectorView, listConnectors, upsertConnector } from './store.ts';

/** Connectors of the account (`X-API-KEY`): define, list. Client secrets are write-only. */
export async function connectorRoutes(app: TypedApp): Promise<void> {
  app.put(
    '/connectors/:name',
    {
      schema: {
        params: { type: 'object', required: ['name'], properties: { name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$' } } },
        body: connectorBodySchema,
      },
    },
    async (request) => connectorView(await upsertConnector(app.db, app.box, request.hostAccount.accountId, request.params.name, request.body)),
  );

  app.get('/connectors', async (request) => ({
    connectors: (await listConnectors(app.db, request.hostAccount.accountId)).map(connectorView),
  }));
}
