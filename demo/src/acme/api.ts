import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { billingAccounts, findAcmeUser, invoicesByAccount, seedContacts, type AcmeUser, type Contact } from './data.ts';

/**
 * The Acme API the demo's integrations call:
 * - Acme CRM (OAuth2): `GET /me`, `GET /contacts` (`contacts:read`), `POST /contacts` (`contacts:write`)
 *   with `Authorization: Bearer <access token>`; the token is checked at the provider's
 *   introspection endpoint on every call (so a revoked or expired token is refused at once).
 * - Acme Billing (API key): `GET /v1/invoices?account_id=...` with `X-Acme-Key`.
 * Errors are JSON `{error, message}`; 401s carry `WWW-Authenticate`.
 */
export interface AcmeApiOptions {
  host?: string;
  /** 0: any free port. */
  port: number;
  /** The provider's introspection endpoint and the API's credentials there. */
  introspectionEndpoint: string;
  clientId: string;
  clientSecret: string;
  /** The audience the tokens must be for (the API's resource indicator). */
  audience: string;
  /** The secret the billing API keys are derived from. */
  billingSecret: string;
}

export interface AcmeApi {
  url: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

interface Introspection {
  active: boolean;
  sub?: string;
  scope?: string;
  aud?: string | string[];
  client_id?: string;
  token_type?: string;
  exp?: number;
}

export function buildAcmeApi(options: AcmeApiOptions): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  const contacts = seedContacts();
  const accounts = billingAccounts(options.billingSecret);
  /** Who a request's token is for, once checked. */
  const callers = new WeakMap<FastifyRequest, { user: AcmeUser; scopes: Set<string> }>();
  const caller = (request: FastifyRequest) => callers.get(request)!;
  const basic = `Basic ${Buffer.from(`${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`).toString('base64')}`;

  app.setErrorHandler((error: { statusCode?: number; validation?: unknown; message: string }, _request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    void reply.status(status).send({
      error: error.validation ? 'invalid_request' : status === 500 ? 'server_error' : 'bad_request',
      message: status === 500 ? 'The Acme API failed' : error.message,
    });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ error: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}` });
  });

  const refuse = (reply: FastifyReply, error: string, message: string) =>
    reply
      .status(401)
      .header('www-authenticate', `Bearer realm="acme-api", error="${error}"`)
      .send({ error, message });

  /** Checks the bearer token at the provider; sets the user and the token's scopes. */
  const requireToken = (scope?: string) => async (request: FastifyRequest, reply: FastifyReply) => {
    const match = /^Bearer ([\x21-\x7e]+)$/i.exec(request.headers.authorization ?? '');
    if (!match) return refuse(reply, 'invalid_request', 'Send the Acme CRM access token: Authorization: Bearer <token>');
    let result: Introspection;
    try {
      const response = await fetch(options.introspectionEndpoint, {
        method: 'POST',
        headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ token: match[1]!, token_type_hint: 'access_token' }),
      });
      if (!response.ok) throw new Error(`introspection answered ${response.status}`);
      result = (await response.json()) as Introspection;
    } catch (error) {
      return reply.status(503).send({ error: 'temporarily_unavailable', message: `Acme CRM could not check the token: ${(error as Error).message}` });
    }
    const audiences = Array.isArray(result.aud) ? result.aud : result.aud ? [result.aud] : [];
    const user = result.sub ? findAcmeUser(result.sub) : undefined;
    if (!result.active || !audiences.includes(options.audience) || result.token_type === 'refresh_token' || !user) {
      return refuse(reply, 'invalid_token', 'The access token is not valid for the Acme API (expired, revoked, or not an Acme CRM token)');
    }
    const scopes = new Set((result.scope ?? '').split(' ').filter(Boolean));
    if (scope && !scopes.has(scope)) {
      return reply
        .status(403)
        .header('www-authenticate', `Bearer realm="acme-api", error="insufficient_scope", scope="${scope}"`)
        .send({ error: 'insufficient_scope', message: `This needs the "${scope}" scope; the token has: ${[...scopes].join(' ') || 'none'}` });
    }
    callers.set(request, { user, scopes });
  };

  app.get('/', async () => ({
    name: 'Acme API (demo)',
    endpoints: ['GET /me', 'GET /contacts', 'POST /contacts', 'GET /v1/invoices?account_id=<id> (X-Acme-Key)'],
  }));

  app.get('/me', { preHandler: requireToken() }, async (request) => {
    const { user, scopes } = caller(request);
    return { id: user.id, name: user.name, email: user.email, scopes: [...scopes] };
  });

  app.get('/contacts', { preHandler: requireToken('contacts:read') }, async (request) => {
    const list = contacts.get(caller(request).user.id) ?? [];
    return { contacts: list, total: list.length };
  });

  app.post<{ Body: { name: string; email: string; company?: string } }>(
    '/contacts',
    {
      preHandler: requireToken('contacts:write'),
      schema: {
        body: {
          type: 'object',
          required: ['name', 'email'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200 },
            email: { type: 'string', minLength: 3, maxLength: 320, pattern: '^[^@\\s]+@[^@\\s]+$' },
            company: { type: 'string', maxLength: 200 },
          },
        },
      },
    },
    async (request, reply) => {
      const list = contacts.get(caller(request).user.id) ?? [];
      if (list.length >= 500) return reply.status(409).send({ error: 'limit_reached', message: 'This demo keeps at most 500 contacts per user' });
      const contact: Contact = {
        id: `c-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`,
        name: request.body.name,
        email: request.body.email,
        company: request.body.company ?? '',
        created_at: new Date().toISOString(),
      };
      list.push(contact);
      contacts.set(caller(request).user.id, list);
      return reply.status(201).send(contact);
    },
  );

  app.get<{ Querystring: { account_id?: string; status?: string } }>('/v1/invoices', async (request, reply) => {
    const key = request.headers['x-acme-key'];
    const account = typeof key === 'string' ? accounts.find((a) => a.api_key === key) : undefined;
    if (!account) {
      return reply
        .status(401)
        .header('www-authenticate', 'ApiKey realm="acme-billing", header="X-Acme-Key"')
        .send({ error: 'invalid_api_key', message: 'Send a valid Acme Billing API key in the X-Acme-Key header' });
    }
    const accountId = request.query.account_id;
    if (accountId !== undefined && accountId !== account.account_id) {
      return reply.status(403).send({ error: 'account_mismatch', message: `This API key belongs to another account than ${accountId}` });
    }
    const status = request.query.status;
    const invoices = (invoicesByAccount[account.account_id] ?? []).filter((i) => !status || status === 'all' || i.status === status);
    return { account_id: account.account_id, invoices, total: invoices.length };
  });

  return app;
}

export async function startAcmeApi(options: AcmeApiOptions): Promise<AcmeApi> {
  const app = buildAcmeApi(options);
  const url = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port });
  return { url, app, close: () => app.close() };
}
