/**
 * `POST /webhooks/sourcecontrol/<token>`: GitHub, GitLab and Bitbucket Cloud push events. The body
 * is read as bytes (signatures are over the bytes), up to the webhook body limit.
 */
import type { TypedApp } from '../../platform/type-provider.ts';
import { notFound } from '../../platform/errors.ts';
import { sourcePushIgnoredSchema } from '@pan/contract';
import { hostSourceControlBuildStatus } from '@pan/contract/paths';
import { receivePush } from './service.ts';

export async function sourceWebhookRoutes(app: TypedApp): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: app.config.webhookBodyLimit }, (_request, body, done) => done(null, body));

  app.post(
    '/webhooks/sourcecontrol/:token',
    {
      schema: {
        params: { type: 'object', required: ['token'], properties: { token: { type: 'string', pattern: '^[A-Za-z0-9_-]{16,128}$' } } },
        response: { 202: sourcePushIgnoredSchema },
      },
      // A malformed token is 404 like an unknown one.
      schemaErrorFormatter: () => notFound('Webhook'),
    },
    async (request, reply) => {
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const answer = await receivePush(app, request.params.token, request.headers, body);
      reply.header('cache-control', 'no-store');
      if ('ignored' in answer) return reply.status(202).send({ ignored: answer.ignored });
      // The build's status needs the account's API key; the sender gets its id.
      return reply
        .status(202)
        .send({ build_id: answer.build_id, state: 'queued', status_url: `${app.config.publicUrl}${hostSourceControlBuildStatus(answer.build_id)}` });
    },
  );
}
