/**
 * Webhook intake: `POST /webhooks/<token>`, the tenant's unguessable URL. Any content type is
 * stored byte for byte (JSON, binary, multipart), up to `webhookBodyLimit` (413 before more is
 * read). With a per-tenant Standard Webhooks secret, the signature is checked and each
 * `webhook-id` is accepted once. 202 `{trigger_id}` only once the trigger row is committed.
 * A release with `webhook: {schema}` checks JSON bodies first (422 `ERRORS.WEBHOOK_INVALID`, nothing
 * stored); `pan-synchronous: true` holds the call until the run ends (runs/sync-invocation.ts).
 */
import type { TypedApp } from '../../platform/type-provider.ts';
import type { FastifyInstance } from 'fastify';
import { ERRORS, notFound, panError } from '../../platform/errors.ts';
import { refuseHostileValue } from '../../platform/input-guards.ts';
import { acceptWebhook, NOT_JSON, payloadHeaders, wantsSynchronous, type AnswerWhenRunEnds } from './service.ts';
import { triggerAcceptedSchema } from '@pan/contract';

export interface IntakeRouteOptions {
  /** The runs module's `answerWhenRunEnds`, for calls that ask to be held (`pan-synchronous`). */
  answerWhenRunEnds: (app: FastifyInstance) => AnswerWhenRunEnds;
}

export async function webhookRoutes(app: TypedApp, options: IntakeRouteOptions): Promise<void> {
  const answerWhenRunEnds = options.answerWhenRunEnds(app);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: app.config.webhookBodyLimit }, (_request, body, done) => {
    done(null, body);
  });
  // A body without a content type is still a body: read it as bytes.
  app.addHook('onRequest', async (request) => {
    if (!request.headers['content-type'] && (request.headers['content-length'] !== '0' || request.headers['transfer-encoding'])) {
      request.headers['content-type'] = 'application/octet-stream';
    }
  });

  app.post(
    '/webhooks/:token',
    {
      schema: {
        params: { type: 'object', required: ['token'], properties: { token: { type: 'string', pattern: '^[A-Za-z0-9_-]{16,128}$' } } },
        response: { 202: triggerAcceptedSchema },
      },
      // A wrong token is 404 like an unknown one (the params pattern would say 400).
      schemaErrorFormatter: () => notFound('Webhook'),
    },
    async (request, reply) => {
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const contentType = String(request.headers['content-type'] ?? '');
      let parsed: unknown = NOT_JSON;
      if (/^application\/(.+\+)?json\b/i.test(contentType) && body.length > 0) {
        try {
          parsed = JSON.parse(body.toString('utf8')) as unknown;
        } catch {
          throw panError(ERRORS.REQUEST_MALFORMED_JSON, 'The body is declared as JSON but is not valid JSON');
        }
        // The release's webhook schema may be recursive: ajv would recurse as deep as the body.
        refuseHostileValue('body', parsed, app.config.jsonMaxDepth, { depthOnly: true });
      }
      const triggerId = await acceptWebhook(app.db, app.box, request.params.token, body, payloadHeaders(request), parsed, app.config.tenantPendingTriggerBytes);
      if (wantsSynchronous(request)) return answerWhenRunEnds(reply, triggerId);
      return reply.status(202).header('cache-control', 'no-store').send({ trigger_id: triggerId });
    },
  );
}
