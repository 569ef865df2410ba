/**
 * The host API's source control routes (`X-API-KEY`):
 *   POST /v2/sourcecontrol/build                       {tag, integration_id} -> 201/200 BuiltRelease
 *   POST /v2/integrations/:integration/sourcecontrol/webhook  -> 201 {webhook_url, secret} (shown once)
 */
import type { TypedApp } from '../../platform/type-provider.ts';
import { notFound } from '../../platform/errors.ts';
import { findIntegrationId, readIntegrationRepository } from '../catalog/store.ts';
import { builtReleaseSchema, hostRefSchema, sourceBuildBodySchema, sourceWebhookSchema } from '@pan/contract';
import { buildFromRepository, createSourceWebhook } from './service.ts';

export async function sourceControlRoutes(app: TypedApp): Promise<void> {
  /** Pandium's build: fetches the tag (or branch) and makes a release named by it. */
  app.post(
    '/sourcecontrol/build',
    {
      schema: { body: sourceBuildBodySchema, response: { 200: builtReleaseSchema, 201: builtReleaseSchema } },
      config: { publicIds: { body: { integration_id: 'integration' } } },
    },
    async (request, reply) => {
      const { accountId } = request.hostAccount;
      const integration = await readIntegrationRepository(app.db, accountId, request.internalIds.integration_id!);
      if (!integration) throw notFound('Integration');
      const { tag } = request.body;
      const release = await buildFromRepository(app, accountId, integration, tag, {
        version: () => tag,
        makeDefault: request.body.make_default ?? true,
      });
      return reply.status(release.created ? 201 : 200).send(release);
    },
  );

  /** A new push-event URL and secret for the integration (replacing any earlier one). */
  app.post(
    '/integrations/:integration/sourcecontrol/webhook',
    {
      schema: {
        params: { type: 'object', required: ['integration'], properties: { integration: hostRefSchema('The integration: its integer id, or (ours) its slug or UUID') } },
        response: { 201: sourceWebhookSchema },
      },
      config: { publicIds: { params: { integration: 'integration' } } },
    },
    async (request, reply) => {
      const { accountId } = request.hostAccount;
      const integrationId = await findIntegrationId(app.db, accountId, request.internalIds.integration!);
      if (!integrationId) throw notFound('Integration');
      const { token, secret } = await createSourceWebhook(app.db, app.box, accountId, integrationId);
      return reply
        .status(201)
        .header('cache-control', 'no-store')
        .send({ webhook_url: `${app.config.publicUrl}/webhooks/sourcecontrol/${token}`, secret });
    },
  );
}
