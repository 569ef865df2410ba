import type { FastifyInstance } from 'fastify';
import { oauthCallbackRoutes } from '../modules/connections/callback-routes.ts';
import { answerWhenRunEnds } from '../modules/runs/sync-invocation.ts';
import { webhookRoutes } from '../modules/triggers/webhook-routes.ts';

/**
 * Routes that carry no token or key of ours: a tenant's webhook URL (its unguessable token, and
 * a signature when the tenant wants one) and the OAuth callback (the single-use state). The
 * OpenAPI document is public too; `registerOpenApi` serves it.
 */
export async function publicRoutes(app: FastifyInstance): Promise<void> {
  app.get('/health', async () => ({ ok: true }));
  await app.register(webhookRoutes, { answerWhenRunEnds });
  await app.register(oauthCallbackRoutes);
}
