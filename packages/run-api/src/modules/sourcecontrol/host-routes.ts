/**
 * The host API's source control routes (`X-API-KEY`):
 *   POST /v2/sourcecontrol/build                       {tag, integration_id} -> 202 BuildQueued
 *   GET  /v2/sourcecontrol/builds/:id                  -> SourceBuild (queued, running, succeeded, failed)
 *   PUT|GET|DELETE /v2/integrations/:integration/sourcecontrol/credentials  {username?, token} -> SourceCredentials (never the token)
 *   POST /v2/integrations/:integration/sourcecontrol/webhook  -> 201 {webhook_url, secret} (shown once)
 */
import type { TypedApp } from '../../platform/type-provider.ts';
import { notFound } from '../../platform/errors.ts';
import { findIntegrationId, readIntegrationRepository } from '../catalog/store.ts';
import { integrationParams, integrationPath } from '../catalog/host-routes.ts';
import {
  buildQueuedSchema,
  hostRefSchema,
  sourceBuildBodySchema,
  sourceBuildSchema,
  sourceCredentialsBodySchema,
  sourceCredentialsSchema,
  sourceWebhookSchema,
} from '@pan/contract';
import { hostSourceControlBuildStatus } from '@pan/contract/paths';
import { createSourceWebhook, requestBuild, setSourceCredential } from './service.ts';
import { deleteSourceCredential, readBuild, readSourceCredentialInfo } from './store.ts';

export async function sourceControlRoutes(app: TypedApp): Promise<void> {
  /**
   * Pandium's build, off the request path: the repository fields are checked (422 now), the fetch
   * and release are a worker's; follow `status_url` for the release or the error.
   */
  app.post(
    '/sourcecontrol/build',
    {
      schema: { body: sourceBuildBodySchema, response: { 202: buildQueuedSchema } },
      config: { publicIds: { body: { integration_id: 'integration' } } },
    },
    async (request, reply) => {
      const { accountId } = request.hostAccount;
      const integration = await readIntegrationRepository(app.db, accountId, request.internalIds.integration_id!);
      if (!integration) throw notFound('Integration');
      const build = await requestBuild(app, accountId, integration, request.body.tag, request.body.make_default ?? true);
      const statusUrl = `${app.config.publicUrl}${hostSourceControlBuildStatus(build.id)}`;
      return reply.status(202).header('location', statusUrl).send({ build_id: build.id, state: 'queued', status_url: statusUrl });
    },
  );

  /** A build's state; once ended, its release or its error. Another account's build is 404. */
  app.get(
    '/sourcecontrol/builds/:id',
    {
      schema: {
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } },
        response: { 200: sourceBuildSchema },
      },
    },
    async (request) => {
      const build = await readBuild(app.db, request.hostAccount.accountId, request.params.id);
      if (!build) throw notFound('Build');
      return build;
    },
  );

  const integrationOf = async (accountId: string, integration: string) => {
    const id = await findIntegrationId(app.db, accountId, integration);
    if (!id) throw notFound('Integration');
    return id;
  };

  /** A private repository's token for the integration's builds (replacing any earlier one); never answered back. */
  app.put(
    '/integrations/:integration/sourcecontrol/credentials',
    { schema: { params: integrationParams, body: sourceCredentialsBodySchema, response: { 200: sourceCredentialsSchema } }, config: integrationPath },
    async (request) => {
      const { accountId } = request.hostAccount;
      const integrationId = await integrationOf(accountId, request.internalIds.integration!);
      return setSourceCredential(app.db, app.box, accountId, integrationId, request.body.username ?? 'x-access-token', request.body.token);
    },
  );

  app.get(
    '/integrations/:integration/sourcecontrol/credentials',
    { schema: { params: integrationParams, response: { 200: sourceCredentialsSchema } }, config: integrationPath },
    async (request) => {
      const { accountId } = request.hostAccount;
      const info = await readSourceCredentialInfo(app.db, accountId, await integrationOf(accountId, request.internalIds.integration!));
      if (!info) throw notFound('Credentials');
      return { type: 'token' as const, ...info };
    },
  );

  app.delete(
    '/integrations/:integration/sourcecontrol/credentials',
    { schema: { params: integrationParams }, config: integrationPath },
    async (request, reply) => {
      const { accountId } = request.hostAccount;
      if (!(await deleteSourceCredential(app.db, accountId, await integrationOf(accountId, request.internalIds.integration!)))) throw notFound('Credentials');
      return reply.status(204).send();
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
