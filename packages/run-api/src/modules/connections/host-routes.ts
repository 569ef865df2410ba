import type { FastifyInstance } from 'fastify';
import type { ConnectorDefinition } from '@pan/contract';
import { connectorView, listConnectors, upsertConnector } from './store.ts';

const fieldSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'label'],
  properties: {
    name: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_]{0,62}$' },
    label: { type: 'string', minLength: 1, maxLength: 200 },
    help: { type: 'string', maxLength: 1000 },
    secret: { type: 'boolean' },
  },
} as const;

const url = { type: 'string', format: 'uri', pattern: '^https?://', maxLength: 2000 } as const;

export const connectorBodySchema = {
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'display_name', 'client_id'],
      properties: {
        type: { const: 'oauth2' },
        display_name: { type: 'string', minLength: 1, maxLength: 200 },
        issuer: url,
        authorization_endpoint: url,
        token_endpoint: url,
        client_id: { type: 'string', minLength: 1, maxLength: 500 },
        client_secret: { type: 'string', minLength: 1, maxLength: 2000 },
        scopes: { type: 'array', maxItems: 50, items: { type: 'string', pattern: '^[\\x21\\x23-\\x5B\\x5D-\\x7E]+$' } },
        extra_params: { type: 'object', maxProperties: 20, additionalProperties: { type: 'string', maxLength: 500 } },
      },
      anyOf: [{ required: ['issuer'] }, { required: ['authorization_endpoint', 'token_endpoint'] }],
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'display_name', 'fields'],
      properties: {
        type: { const: 'api_key' },
        display_name: { type: 'string', minLength: 1, maxLength: 200 },
        fields: { type: 'array', minItems: 1, maxItems: 20, items: fieldSchema },
      },
    },
  ],
} as const;

/** Connectors of the account (`X-API-KEY`): define, list. Client secrets are write-only. */
export async function connectorRoutes(app: FastifyInstance): Promise<void> {
  app.put<{ Params: { name: string }; Body: ConnectorDefinition }>(
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
