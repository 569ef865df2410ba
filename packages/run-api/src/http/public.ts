import type { FastifyInstance } from 'fastify';
import { oauthCallbackRoutes } from '../modules/connections/callback-routes.ts';
import { answerWhenRunEnds } from '../modules/runs/sync-invocation.ts';
import { webhookRoutes } from '../modules/triggers/webhook-routes.ts';
import { sourceWebhookRoutes } from '../modules/sourcecontrol/webhook-routes.ts';

/**
 * Routes that carry no token or key of ours: a tenant's webhook URL (its unguessable token, and
 * a signature when the tenant wants one) and the OAuth callback (the single-use state). The
 * OpenAPI document is public too; `registerOpenApi` serves it.
 */
export async function publicRoutes(app: FastifyInstance): Promise<void> {
  // Budgets (http/rate-limits.ts) are checked before the body is read.
  await app.register(async (webhooks) => {
    webhooks.addHook('onRequest', app.limits.webhookAuthFailures);
    webhooks.addHook('onRequest', app.limits.perIp);
    webhooks.addHook('onRequest', app.limits.perWebhookToken);
    webhooks.addHook('onError', app.limits.countWebhookAuthFailure);
    await webhooks.register(webhookRoutes, { answerWhenRunEnds });
    await webhooks.register(sourceWebhookRoutes);
  });
  await app.register(async (callback) => {
    callback.addHook('onRequest', app.limits.perIp);
    await callback.register(oauthCallbackRoutes);
  });
}
