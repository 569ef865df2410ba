import type { TypedApp } from '../../platform/type-provider.ts';
import { connectionFieldsBodySchema, connectorParamsSchema as connectorParams, oauthStartBodySchema, type Connection } from '@pan/contract';
import { startAuthorization } from './oauth.ts';
import { deleteConnection, findConnector, listUserConnections, saveConnection } from './store.ts';
import { ERRORS, notFound, panError } from '../../platform/errors.ts';

const MAX_FIELD_LENGTH = 4096;

/** The end user's connections: status (never a secret), API-key forms, OAuth2 sign-in, disconnect. */
export interface ConnectionRouteOptions {
  /**
   * Whether this user has the (active or archived) tenant a sign-in returns to: the tenants
   * module answers (it sits above this one), given when the routes are registered.
   */
  ownsTenant: (owner: { accountId: string; sub: string }, tenantId: string) => Promise<boolean>;
}

export async function connectionRoutes(app: TypedApp, options: ConnectionRouteOptions): Promise<void> {
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'private, no-store');
  });

  app.get('/connections', async (request) => ({
    connections: await listUserConnections(app.db, request.endUser.accountId, request.endUser.sub),
  }));

  const one = async (accountId: string, sub: string, name: string): Promise<Connection> => {
    const [connection] = await listUserConnections(app.db, accountId, sub, [name]);
    if (!connection) throw notFound('Connector');
    return connection;
  };

  app.get('/connections/:connector', { schema: { params: connectorParams } }, async (request) =>
    one(request.endUser.accountId, request.endUser.sub, request.params.connector),
  );

  app.put(
    '/connections/:connector',
    {
      schema: {
        params: connectorParams,
        body: connectionFieldsBodySchema,
      },
    },
    async (request) => {
      const { accountId, sub } = request.endUser;
      const connector = await findConnector(app.db, accountId, request.params.connector);
      if (!connector) throw notFound('Connector');
      if (connector.type !== 'api_key') {
        throw panError(ERRORS.CONNECTOR_OAUTH, `${connector.display_name} is connected by signing in, not with a form`);
      }
      const sent = request.body.fields;
      const errors: { field: string; message: string }[] = [];
      const secrets: Record<string, string> = {};
      for (const field of connector.fields) {
        const value = sent[field.name];
        if (typeof value !== 'string' || value.trim() === '') errors.push({ field: field.name, message: `${field.label} is required` });
        else if (value.length > MAX_FIELD_LENGTH) errors.push({ field: field.name, message: `${field.label} is longer than ${MAX_FIELD_LENGTH} characters` });
        else secrets[field.name] = value.trim();
      }
      for (const name of Object.keys(sent)) {
        if (!connector.fields.some((f) => f.name === name)) errors.push({ field: name, message: `${connector.display_name} has no field "${name}"` });
      }
      if (errors.length > 0) {
        throw panError(ERRORS.CONNECTION_INVALID, errors.map((e) => e.message).join('; '), { errors });
      }
      await saveConnection(app.db, app.box, { accountId, sub, connectorId: connector.id, secrets, expiresAt: null });
      return one(accountId, sub, connector.name);
    },
  );

  app.delete('/connections/:connector', { schema: { params: connectorParams } }, async (request, reply) => {
    const { accountId, sub } = request.endUser;
    const connector = await findConnector(app.db, accountId, request.params.connector);
    if (!connector) throw notFound('Connector');
    await deleteConnection(app.db, accountId, sub, connector.id);
    return reply.status(204).send();
  });

  app.post(
    '/connections/:connector/oauth',
    {
      schema: {
        params: connectorParams,
        body: oauthStartBodySchema,
      },
    },
    async (request) => {
      const { accountId, sub } = request.endUser;
      const connector = await findConnector(app.db, accountId, request.params.connector);
      if (!connector) throw notFound('Connector');
      if (connector.type !== 'oauth2') throw panError(ERRORS.CONNECTOR_NOT_OAUTH, `${connector.display_name} is connected with a form`);
      const { return_origin: origin, return_url: returnUrl, tenant_id: tenantId } = request.body;
      checkReturn(app.config.corsOrigins, origin, returnUrl);
      if (tenantId) {
        if (!(await options.ownsTenant({ accountId, sub }, tenantId))) throw notFound('Tenant');
      }
      const authorizationUrl = await startAuthorization(app.db, app.box, app.egress, connector, {
        accountId,
        sub,
        redirectUri: `${app.config.publicUrl}/oauth/callback`,
        returnOrigin: origin,
        ...(returnUrl ? { returnUrl } : {}),
        ...(tenantId ? { tenantId } : {}),
      });
      return { authorization_url: authorizationUrl };
    },
  );
}

/**
 * The sign-in result is posted to exactly this origin (never `*`): it must be an http(s) origin,
 * one of the API's allowed host origins when those are listed; a return URL must be on it.
 */
function checkReturn(allowed: string[], origin: string, returnUrl: string | undefined): void {
  const refuse = (message: string) => panError(ERRORS.OAUTH_RETURN_ORIGIN, message, { errors: [{ field: 'return_origin', message }] });
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    throw refuse(`"${origin}" is not an origin`);
  }
  if (!/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) throw refuse(`"${origin}" is not an http(s) origin such as https://app.example.com`);
  if (!allowed.includes('*') && !allowed.includes(origin)) throw refuse(`"${origin}" is not one of this marketplace's host origins`);
  if (returnUrl !== undefined) {
    let back: URL;
    try {
      back = new URL(returnUrl);
    } catch {
      throw refuse('The return URL is not a URL');
    }
    if (back.origin !== origin) throw refuse('The return URL must be on the return origin');
  }
}
