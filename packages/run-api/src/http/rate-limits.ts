/**
 * Request budgets, counted in memory per process by `@fastify/rate-limit` (so N processes behind a
 * balancer allow N times each budget; the plugin's Redis store or a PostgreSQL one could share them,
 * none is wired). Every budget is per window (`rateLimits.windowMs`); 0 turns one off. Over a budget the
 * answer is 429 `ERRORS.RATE_LIMITED` with `Retry-After` (seconds until the window ends) and `limit`
 * naming the budget. Each scope adds the hooks it needs (public.ts, host.ts, marketplace.ts):
 *
 * - `perIp` on the routes that carry no key or token of ours (webhooks, the OAuth callback), before the body is read;
 * - `perWebhookToken` on the webhook intake, keyed by the URL's token;
 * - `perApiKey` / `perEndUser` after authentication, keyed by the key (its hash) and by the token's
 *   subject within its account, so only real keys and users take room in the store;
 * - `apiAuthFailures` first on `/v2` and `/marketplace`, `webhookAuthFailures` first on the webhook
 *   intake: a client IP that has failed authentication `authFailuresPerIp` times in the window is
 *   refused there before its credentials are even checked (so a right guess cannot be told from a
 *   wrong one). Only failures count: the plugin's `createRateLimit` is read without counting on the
 *   way in, and counted from the scope's `onError` hook when the answer is a failed authentication:
 *   a 401 (`isFailedAuthentication`) and, on the webhook intake, an unknown token (404). The two
 *   are counted apart, so a sender's bad webhooks do not lock the host's backend out of `/v2` when
 *   they share an address, nor the reverse. Requests in flight when a budget runs out still
 *   finish, so a burst can overshoot by the requests already admitted.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hashApiKey } from '../modules/accounts/api-key.ts';
import { ERRORS, PanError, panError } from '../platform/errors.ts';

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
type ErrorHook = (request: FastifyRequest, reply: FastifyReply, error: FastifyError) => Promise<void>;

export interface RequestLimits {
  perIp: Hook;
  perWebhookToken: Hook;
  perApiKey: Hook;
  perEndUser: Hook;
  /** `onRequest`, before authentication, with `countApiAuthFailure` as `onError` of the same scope. */
  apiAuthFailures: Hook;
  countApiAuthFailure: ErrorHook;
  /** The same for the webhook intake, where an unknown token is a failure too. */
  webhookAuthFailures: Hook;
  countWebhookAuthFailure: ErrorHook;
}

declare module 'fastify' {
  interface FastifyInstance {
    limits: RequestLimits;
  }
}

/**
 * 401s that do not mean a wrong credential: the token's signature verified (it is only out of its
 * time window: the elements ask the host for a new one), the host's key set could not be fetched
 * (every user of that host gets it until it is back), or a signed webhook was sent again.
 */
const NOT_A_FAILED_AUTHENTICATION = new Set<string>([
  ERRORS.AUTH_KEYS_UNAVAILABLE.code,
  ERRORS.AUTH_TOKEN_EXPIRED.code,
  ERRORS.AUTH_NOT_YET_VALID.code,
  ERRORS.AUTH_TOKEN_TOO_OLD.code,
  ERRORS.WEBHOOK_REPLAYED.code,
]);

/** A bad or missing API key or end-user token, a bad webhook signature: any 401 but those above. */
export function isFailedAuthentication(error: unknown): boolean {
  return error instanceof PanError && error.statusCode === 401 && !NOT_A_FAILED_AUTHENTICATION.has(error.code);
}

const off: Hook = async () => {};

/** Registers the plugin (no global limit) and decorates `app.limits`; call before the route scopes. */
export async function installRateLimits(app: FastifyInstance): Promise<void> {
  const { windowMs, perIp, perWebhookToken, perApiKey, perEndUser, authFailuresPerIp } = app.config.rateLimits;
  await app.register(rateLimit, { global: false });

  // `createRateLimit` rather than the plugin's `rateLimit` hook: that one runs once per request,
  // and a webhook passes two budgets (its IP's and its token's).
  const budget = (limit: string, max: number, keyGenerator?: (request: FastifyRequest) => string): Hook => {
    if (max === 0) return off;
    const check = app.createRateLimit({ max, timeWindow: windowMs, ...(keyGenerator ? { keyGenerator } : {}) });
    return async (request, reply) => {
      const state = await check(request);
      if (!state.isAllowed && state.isExceeded) throw tooMany(reply, limit, state.ttlInSeconds);
    };
  };

  const failureBudget = (limit: string, counts: (error: unknown) => boolean): [Hook, ErrorHook] => {
    if (authFailuresPerIp === 0) return [off, async () => {}];
    const failures = app.createRateLimit({ max: authFailuresPerIp, timeWindow: windowMs });
    return [
      async (request, reply) => {
        const state = await failures(request, { increment: false });
        if (!state.isAllowed && state.remaining === 0) throw tooMany(reply, limit, state.ttlInSeconds);
      },
      async (request, _reply, error) => {
        if (counts(error)) await failures(request);
      },
    ];
  };
  const [apiAuthFailures, countApiAuthFailure] = failureBudget('auth_failures', isFailedAuthentication);
  const [webhookAuthFailures, countWebhookAuthFailure] = failureBudget(
    'webhook_failures',
    (error) => isFailedAuthentication(error) || (error instanceof PanError && error.code === ERRORS.NOT_FOUND.code),
  );

  app.decorate('limits', {
    perIp: budget('ip', perIp),
    perWebhookToken: budget('webhook', perWebhookToken, (request) => `${(request.params as { token?: string }).token}`),
    // The key is valid here (this runs after `requireApiKey`); its hash, not the key, is kept.
    perApiKey: budget('api_key', perApiKey, (request) => hashApiKey(String(request.headers['x-api-key'])).toString('base64url')),
    perEndUser: budget('end_user', perEndUser, (request) => `${request.endUser.accountId} ${request.endUser.sub}`),
    apiAuthFailures,
    countApiAuthFailure,
    webhookAuthFailures,
    countWebhookAuthFailure,
  } satisfies RequestLimits);
}

function tooMany(reply: FastifyReply, limit: string, ttlInSeconds: number): PanError {
  const retryAfter = Math.max(1, ttlInSeconds);
  reply.header('retry-after', String(retryAfter));
  return panError(ERRORS.RATE_LIMITED, `Too many requests (${limit.replaceAll('_', ' ')} budget): retry in ${retryAfter} s`, {
    limit,
    retry_after: retryAfter,
  });
}
