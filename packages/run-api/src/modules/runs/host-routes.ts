import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TypedApp } from '../../http/type-provider.ts';
import { badRequest, notFound } from '../../platform/errors.ts';
import { queueTrigger } from '../triggers/service.ts';
import { answerSynchronously, useRunEndWaiter, wantsSynchronous } from './sync-invocation.ts';
import { readTriggerStatus } from '../triggers/store.ts';
import { idParamsSchema, secretSchema, syncQuerySchema, triggerAcceptedSchema, triggerStatusSchema } from '@pan/contract';
import { payloadHeaders } from '../triggers/webhook-routes.ts';

/** Host-side trigger intake (`X-API-KEY`): sync a tenant, follow a trigger. */
export async function hostRunRoutes(app: TypedApp): Promise<void> {
  const runEnds = useRunEndWaiter(app);
  // The body is the run's payload, kept as sent: read raw, checked to be JSON.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(/^application\/(.+\+)?json\b/, { parseAs: 'buffer', bodyLimit: app.config.webhookBodyLimit }, (_request, body, done) => {
    if (body.length > 0) {
      try {
        JSON.parse(body.toString('utf8'));
      } catch {
        done(badRequest('PAN_ERR_REQUEST_MALFORMED_JSON', 'The body is not valid JSON'), undefined);
        return;
      }
    }
    done(null, body);
  });

  /** Queues an `api` trigger with the body as its payload; `pan-synchronous: true` waits for the run (bounded). */
  const sync = async (request: FastifyRequest, reply: FastifyReply, tenantId: string, mode: 'init' | 'normal' = 'normal') => {
    const body = Buffer.isBuffer(request.body) && request.body.length > 0 ? request.body : undefined;
    const triggerId = await queueTrigger(app.db, { accountId: request.hostAccount.accountId }, tenantId, {
      source: 'api',
      mode,
      ...(body ? { payload: { body, headers: payloadHeaders(request.headers) } } : {}),
    });
    if (wantsSynchronous(request)) return answerSynchronously(app, runEnds, reply, triggerId);
    return reply.status(202).send({ trigger_id: triggerId });
  };

  app.post(
    '/tenants/:id/sync',
    { schema: { params: idParamsSchema, querystring: syncQuerySchema, response: { 202: triggerAcceptedSchema } } },
    async (request, reply) => {
      return sync(request, reply, request.params.id, request.query.mode);
    },
  );

  // The same, naming the tenant by its integration (slug or id) and end user.
  app.post(
    '/integrations/:integration/sync',
    {
      schema: {
        params: { type: 'object', required: ['integration'], properties: { integration: { type: 'string', maxLength: 200 } } },
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['user_name'],
          properties: { ...syncQuerySchema.properties, user_name: { type: 'string', minLength: 1, maxLength: 500 } },
        },
        response: { 202: triggerAcceptedSchema },
      },
    },
    async (request, reply) => {
      const { accountId } = request.hostAccount;
      const { rows } = await app.db.query<{ id: string }>(
        `SELECT t.id FROM tenants t JOIN integrations i ON i.id = t.integration_id
          WHERE t.account_id = $1 AND t.user_sub = $2 AND t.archived_at IS NULL AND (i.slug = $3 OR i.id::text = $3)`,
        [accountId, request.query.user_name, request.params.integration],
      );
      if (!rows[0]) throw notFound('Tenant of that user for that integration');
      return sync(request, reply, rows[0].id, request.query.mode);
    },
  );

  // Turns on Standard Webhooks signatures for a tenant's webhook URL. The secret is shown this
  // once (the sender needs it); a new call replaces it.
  app.post(
    '/tenants/:id/webhook-secret',
    {
      schema: {
        params: idParamsSchema,
        response: { 201: secretSchema },
      },
    },
    async (request, reply) => {
      const secret = `whsec_${randomBytes(32).toString('base64')}`;
      const { rowCount } = await app.db.query(
        'UPDATE tenants SET webhook_secret_sealed = $3 WHERE id = $1 AND account_id = $2 AND archived_at IS NULL',
        [request.params.id, request.hostAccount.accountId, app.box.seal(secret)],
      );
      if (!rowCount) throw notFound('Tenant');
      return reply.status(201).header('cache-control', 'no-store').send({ secret });
    },
  );

  app.get(
    '/runs/triggers/:id/status',
    { schema: { params: idParamsSchema, response: { 200: triggerStatusSchema } } },
    async (request) => {
      const status = await readTriggerStatus(app.db, { accountId: request.hostAccount.accountId }, request.params.id);
      if (!status) throw notFound('Trigger');
      return status;
    },
  );
}
