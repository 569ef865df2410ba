import type { FastifyReply, FastifyRequest } from 'fastify';
import { ERRORS, panError } from '../platform/errors.ts';
import { authenticateApiKey } from '../modules/accounts/api-key.ts';
import type { EndUser } from '../modules/accounts/end-user-token.ts';

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
 * Tokens travel only in the Authorization header: a URL ends up in logs, proxies and
 * browser history. Any request whose URL carries one is refused, whatever else it holds.
 */
export async function refuseTokenInUrl(request: FastifyRequest): Promise<void> {
  const queryStart = request.url.indexOf('?');
  if (queryStart === -1) return;
  const query = new URLSearchParams(request.url.slice(queryStart + 1));
  for (const [name, value] of query) {
    if (/^(token|access_token|id_token|jwt|authorization)$/i.test(name) || JWT_SHAPE.test(value)) {
      throw panError(ERRORS.AUTH_TOKEN_IN_URL, 'Send the token in the Authorization header, never in the URL');
    }
  }
}

export async function requireEndUser(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  const header = request.headers.authorization;
  if (!header) throw panError(ERRORS.AUTH_MISSING, 'An Authorization: Bearer <token> header is required');
  const match = /^Bearer ([\w.~+/=-]+)$/.exec(header);
  if (!match) throw panError(ERRORS.AUTH_MALFORMED, 'The Authorization header must be "Bearer <token>"');
  request.endUser = await request.server.tokens.verify(match[1]!);
}

export async function requireApiKey(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  const key = request.headers['x-api-key'];
  request.hostAccount = await authenticateApiKey(request.server.db, typeof key === 'string' ? key : undefined);
}
