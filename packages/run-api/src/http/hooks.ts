import type { FastifyReply, FastifyRequest } from 'fastify';
import { ERRORS, panError } from '../platform/errors.ts';
import { authenticateApiKey } from '../modules/accounts/api-key.ts';
import type { EndUser } from '../modules/accounts/end-user-token.ts';
import { OAUTH_CALLBACK_PATH } from '../modules/connections/callback-routes.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `requireEndUser` on end-user routes. */
    endUser: EndUser;
    /** Set by `requireApiKey` on host (server-to-server) routes. */
    hostAccount: { accountId: string };
  }
}

/** A compact JWS: three base64url segments, the first a JSON object (`eyJ`). */
const JWT_SHAPE = /eyJ[\w-]*\.[\w-]*\.[\w-]*/;

/**
 * Query parameters whose value a provider shapes, by route: the OAuth callback's `code` is single-use
 * and only worth anything with our state and PKCE verifier, and some providers issue JWT-like codes.
 */
const PROVIDER_PARAMETERS: Record<string, ReadonlySet<string>> = { [OAUTH_CALLBACK_PATH]: new Set(['code']) };
const NO_PARAMETERS: ReadonlySet<string> = new Set();

/**
 * Tokens travel only in the Authorization header: a URL ends up in logs, proxies and
 * browser history. Any request whose URL carries one is refused, whatever else it holds.
 */
export async function refuseTokenInUrl(request: FastifyRequest): Promise<void> {
  const queryStart = request.url.indexOf('?');
  if (queryStart === -1) return;
  const query = new URLSearchParams(request.url.slice(queryStart + 1));
  // The matched route, not the raw path: `//oauth/callback/` or an encoded path cannot borrow its exemption.
  const exempt = PROVIDER_PARAMETERS[request.routeOptions.url ?? ''] ?? NO_PARAMETERS;
  for (const [name, value] of query) {
    if (/^(token|access_token|id_token|jwt|authorization)$/i.test(name) || (!exempt.has(name) && JWT_SHAPE.test(value))) {
      throw panError(ERRORS.AUTH_TOKEN_IN_URL, 'Send the token in the Authorization header, never in the URL');
    }
  }
}

/** Node keeps the first `Authorization` and joins repeated `X-API-KEY`s: either way one is ignored. */
const SINGLE_CREDENTIAL_HEADERS: ReadonlySet<string> = new Set(['authorization', 'x-api-key']);

/** A request with two credentials is ambiguous (which one did the client mean?): refused. */
export async function refuseDuplicateCredentials(request: FastifyRequest): Promise<void> {
  const raw = request.raw.rawHeaders;
  const seen = new Set<string>();
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (!SINGLE_CREDENTIAL_HEADERS.has(name)) continue;
    if (seen.has(name)) {
      throw panError(ERRORS.REQUEST_DUPLICATE_HEADER, `The ${name} header must be sent once`, { header: name });
    }
    seen.add(name);
  }
}

export async function requireEndUser(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const header = request.headers.authorization;
  if (!header) throw panError(ERRORS.AUTH_MISSING, 'An Authorization: Bearer <token> header is required');
  const match = /^Bearer ([\w.~+/=-]+)$/.exec(header);
  if (!match) throw panError(ERRORS.AUTH_MALFORMED, 'The Authorization header must be "Bearer <token>"');
  request.endUser = await request.server.tokens.verify(match[1]!);
  // The token's `locale` claim, for the elements (a CORS-safelisted header: readable cross-origin).
  if (request.endUser.locale) void reply.header('Content-Language', request.endUser.locale);
}


export async function requireApiKey(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  const key = request.headers['x-api-key'];
  request.hostAccount = await authenticateApiKey(request.server.db, typeof key === 'string' ? key : undefined);
}
