import { randomBytes, type JsonWebKey } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClientMetadata, InteractionDetails, KoaContextWithOIDC, Provider } from 'oidc-provider';
import { ACME_PASSWORD, acmeUsers, checkAcmeLogin, findAcmeUser } from './data.ts';
import { createMemoryAdapterFactory } from './memory-adapter.ts';
import { generateAcmeSigningKey } from './signing-key.ts';
import { consentPage, errorPage, homePage, loggedOutPage, loginPage, logoutPage, stylesheet, STYLESHEET_PATH } from './pages.ts';

/**
 * "Acme CRM", the demo's OAuth 2.0 / OpenID Connect provider (oidc-provider), with its own login
 * and consent pages. One confidential client, the marketplace's run API: authorization code with
 * PKCE (S256, required), refresh tokens when `offline_access` is granted, opaque access tokens for
 * the Acme API (a resource indicator) that the API checks at the introspection endpoint.
 *
 * Storage is in memory: restarting forgets sessions, grants and tokens (a connection made before
 * then fails its next refresh, and the user connects again).
 */

// oidc-provider 9 prints "Unsupported runtime" on any Node.js before 22; it works on the 20.19+
// this project supports (the tests prove the flows the demo uses), so that one line is dropped.
const oidc = await (async () => {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].includes('oidc-provider WARNING: Unsupported runtime')) return;
    warn(...args);
  };
  try {
    return await import('oidc-provider');
  } finally {
    console.warn = warn;
  }
})();

/** The marketplace's client at Acme CRM. */
export const ACME_CLIENT_ID = 'pan-marketplace-demo';
/** The Acme API's own client: it may only introspect tokens. */
export const ACME_API_CLIENT_ID = 'acme-api';
/** The resource indicator (and token audience) of the Acme API; the default resource of every request. */
export const ACME_API_RESOURCE = 'urn:acme:api';
export const ACME_API_SCOPES = ['contacts:read', 'contacts:write'];
export const ACCESS_TOKEN_TTL_SECONDS = 10 * 60;

export interface AcmeProviderOptions {
  host?: string;
  /** 0: any free port. */
  port: number;
  /** The marketplace client's secret. */
  clientSecret: string;
  /** The run API's OAuth callback(s). */
  redirectUris: string[];
  /** The Acme API's secret for the introspection endpoint. */
  apiClientSecret: string;
  accessTokenTtlSeconds?: number;
  /** The RS256 signing key (a private JWK, see `generateAcmeSigningKey`); a new one when unset. */
  signingKey?: JsonWebKey;
}

export interface AcmeProvider {
  issuer: string;
  introspectionEndpoint: string;
  /** The marketplace client as registered (secret included: the demo registers the same at the run API). */
  client: ClientMetadata;
  provider: Provider;
  close(): Promise<void>;
}

export async function startAcmeProvider(options: AcmeProviderOptions): Promise<AcmeProvider> {
  const host = options.host ?? '127.0.0.1';
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const issuer = `http://${host}:${(server.address() as AddressInfo).port}`;
  const ttl = options.accessTokenTtlSeconds ?? ACCESS_TOKEN_TTL_SECONDS;
  const storage = createMemoryAdapterFactory();

  const client: ClientMetadata = {
    client_id: ACME_CLIENT_ID,
    client_secret: options.clientSecret,
    client_name: 'Integration marketplace (demo)',
    redirect_uris: [...new Set(options.redirectUris)],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    // client_secret_post is accepted as well: oidc-provider takes either for a secret-based client.
    token_endpoint_auth_method: 'client_secret_basic',
  };
  const apiClient: ClientMetadata = {
    client_id: ACME_API_CLIENT_ID,
    client_secret: options.apiClientSecret,
    redirect_uris: [],
    grant_types: [],
    response_types: [],
    token_endpoint_auth_method: 'client_secret_basic',
  };

  const signingKey = options.signingKey ?? (await generateAcmeSigningKey());

  // Acme asks who you are at every authorization (the demo's two users share one browser).
  const policy = oidc.interactionPolicy.base();
  policy
    .get('login')!
    .checks.add(
      new oidc.interactionPolicy.Check('acme_sign_in_each_time', 'Acme CRM asks for the account at every authorization', 'login_required', (ctx) =>
        ctx.oidc.result?.login ? false : true,
      ),
    );

  const origins = [...new Set(options.redirectUris.map((u) => new URL(u).origin))];
  const csp = [
    "default-src 'none'",
    // oidc-provider adds the hash of the one inline script it needs (its form_post page).
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `form-action 'self' ${origins.join(' ')}`.trim(),
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');

  const provider = new oidc.Provider(issuer, {
    adapter: storage.factory,
    clients: [client, apiClient],
    jwks: { keys: [signingKey] },
    cookies: {
      keys: [randomBytes(32).toString('base64url')],
      // Distinct from the demo host app's and run API's cookies on the same host name.
      names: { session: 'acme_op_session', interaction: 'acme_op_interaction', resume: 'acme_op_resume' },
    },
    async findAccount(_ctx, sub) {
      const user = findAcmeUser(sub);
      if (!user) return undefined;
      return { accountId: user.id, claims: () => ({ sub: user.id, name: user.name, email: user.email, email_verified: true }) };
    },
    claims: { openid: ['sub'], profile: ['name'], email: ['email', 'email_verified'] },
    scopes: ['openid', 'offline_access', 'profile', 'email'],
    pkce: { required: () => true },
    // A refresh token exactly when offline_access was asked for and granted.
    issueRefreshToken: (_ctx, client, code) => client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    ttl: {
      AccessToken: ttl,
      AuthorizationCode: 60,
      IdToken: 60 * 60,
      Interaction: 60 * 60,
      Session: 24 * 60 * 60,
      Grant: 30 * 24 * 60 * 60,
      RefreshToken: 30 * 24 * 60 * 60,
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}`, policy },
    clientBasedCORS: () => false,
    renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = errorPage(out);
    },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true, allowedPolicy: async (ctx: KoaContextWithOIDC, c: { clientId: string }, token: { clientId?: string }) => token.clientId === c.clientId },
      introspection: {
        enabled: true,
        // The Acme API may look at any token; a client only at its own.
        allowedPolicy: async (_ctx: KoaContextWithOIDC, c: { clientId: string }, token: { clientId?: string }) =>
          c.clientId === ACME_API_CLIENT_ID || token.clientId === c.clientId,
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => ACME_API_RESOURCE,
        // The token endpoint (code and refresh) issues for the granted API without a `resource` parameter.
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: KoaContextWithOIDC, indicator: string) => {
          if (indicator !== ACME_API_RESOURCE) throw new oidc.errors.InvalidTarget(`unknown resource ${indicator}`);
          return { scope: ACME_API_SCOPES.join(' '), audience: ACME_API_RESOURCE, accessTokenTTL: ttl, accessTokenFormat: 'opaque' };
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource(ctx: KoaContextWithOIDC, form: string) {
          ctx.type = 'html';
          ctx.body = logoutPage(form, ctx.host);
        },
        postLogoutSuccessSource(ctx: KoaContextWithOIDC) {
          ctx.type = 'html';
          ctx.body = loggedOutPage();
        },
      },
    },
  });
  provider.use(async (ctx, next) => {
    ctx.set('content-security-policy', csp);
    ctx.set('x-content-type-options', 'nosniff');
    ctx.set('referrer-policy', 'no-referrer');
    await next();
  });

  const send = (res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, {
      'content-type': type,
      'content-length': Buffer.byteLength(body),
      'content-security-policy': csp,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
      ...headers,
    });
    res.end(body);
  };
  const html = (res: ServerResponse, status: number, body: string) => send(res, status, 'text/html; charset=utf-8', body);

  const interaction = createInteractionHandler(provider, html);
  const callback = provider.callback();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const { pathname } = new URL(req.url ?? '/', issuer);
    if (pathname === STYLESHEET_PATH) return send(res, 200, 'text/css; charset=utf-8', stylesheet, { 'cache-control': 'public, max-age=300' });
    if (pathname === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
      return html(res, 200, homePage({ issuer, users: acmeUsers, password: ACME_PASSWORD }));
    }
    const match = /^\/interaction\/([A-Za-z0-9_-]{1,64})(?:\/(login|confirm|abort))?$/.exec(pathname);
    if (match) {
      interaction(req, res, match[1]!, match[2] as Action | undefined).catch((error: unknown) => {
        if (!res.headersSent) html(res, 500, errorPage({ error: 'server_error', error_description: (error as Error).message }));
        else res.destroy();
      });
      return;
    }
    callback(req, res);
  });

  return {
    issuer,
    introspectionEndpoint: `${issuer}/token/introspection`,
    client,
    provider,
    async close() {
      storage.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

type Action = 'login' | 'confirm' | 'abort';

const FORM_LIMIT = 16 * 1024;

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded')) return new URLSearchParams();
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > FORM_LIMIT) throw new Error('form too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** The login and consent pages, and what their forms post. */
function createInteractionHandler(provider: Provider, html: (res: ServerResponse, status: number, body: string) => void) {
  const expired = (res: ServerResponse) =>
    html(
      res,
      400,
      errorPage({ error: 'session_not_found', error_description: 'This sign-in expired or was already completed. Start connecting again from the app.' }),
    );

  const clientName = async (details: InteractionDetails) => {
    const client = await provider.Client.find(details.params.client_id);
    return client?.clientName ?? details.params.client_id;
  };

  const requestedScopes = (details: InteractionDetails) => {
    const { missingOIDCScope = [], missingResourceScopes = {} } = details.prompt.details;
    const scopes = [...missingOIDCScope, ...Object.values(missingResourceScopes).flat()];
    return scopes.length > 0 ? [...new Set(scopes)] : (details.params.scope ?? 'openid').split(' ');
  };

  return async (req: IncomingMessage, res: ServerResponse, uid: string, action: Action | undefined): Promise<void> => {
    const expectedMethod = action ? 'POST' : 'GET';
    if (req.method !== expectedMethod) {
      res.writeHead(405, { allow: expectedMethod }).end();
      return;
    }
    let details: InteractionDetails;
    try {
      details = await provider.interactionDetails(req, res);
    } catch {
      return expired(res);
    }
    if (details.uid !== uid) return expired(res);
    const prompt = details.prompt.name;

    if (!action) {
      if (prompt === 'login') {
        const hint = typeof details.params.login_hint === 'string' ? details.params.login_hint : undefined;
        return html(res, 200, loginPage({ uid, clientName: await clientName(details), email: hint, users: acmeUsers, password: ACME_PASSWORD }));
      }
      if (prompt === 'consent') {
        const user = findAcmeUser(details.session?.accountId ?? '');
        if (!user) return expired(res);
        return html(
          res,
          200,
          consentPage({ uid, clientName: await clientName(details), userName: user.name, userEmail: user.email, scopes: requestedScopes(details) }),
        );
      }
      return expired(res);
    }

    const form = await readForm(req);
    if (action === 'abort') {
      return provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'The user did not allow access at Acme CRM' },
        { mergeWithLastSubmission: false },
      );
    }
    if (action === 'login') {
      if (prompt !== 'login') return expired(res);
      const email = form.get('email') ?? '';
      const user = checkAcmeLogin(email, form.get('password') ?? '');
      if (!user) {
        return html(
          res,
          401,
          loginPage({ uid, clientName: await clientName(details), email, error: 'Wrong email or password.', users: acmeUsers, password: ACME_PASSWORD }),
        );
      }
      return provider.interactionFinished(req, res, { login: { accountId: user.id } }, { mergeWithLastSubmission: false });
    }
    // confirm
    if (prompt !== 'consent' || !details.session?.accountId) return expired(res);
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
    if (!grant) return expired(res);
    const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = details.prompt.details;
    if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '));
    if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant.save();
    // Merged with the login result, so that the login check above stays satisfied.
    return provider.interactionFinished(req, res, { consent: details.grantId ? {} : { grantId } }, { mergeWithLastSubmission: true });
  };
}
