import type { TypedApp } from '../../platform/type-provider.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ERRORS, notFound, panError } from '../../platform/errors.ts';
import { findUserTenantOf } from '../tenants/store.ts';
import { fanOutEvent } from './events.ts';
import { payloadHeaders, queueTrigger, turnOnWebhookSignatures, wantsSynchronous } from './service.ts';
import { readTriggerStatus } from './store.ts';
import type { IntakeRouteOptions } from './webhook-routes.ts';
import {
  appEventAcceptedSchema,
  appEventBodySchema,
  hostIdParamsSchema,
  hostRefSchema,
  hostTriggerStatusSchema,
  idParamsSchema,
  secretSchema,
  syncQuerySchema,
  triggerAcceptedSchema,
} from '@pan/contract';

/** The path's `:id` (a public integer id or a UUID) as a UUID in `request.internalIds.id` (http/host-ids.ts). */
const tenantId = { publicIds: { params: { id: 'tenant' } } } as const;

/** Pandium's phase of a run's detailed status. */
const phase = (status: string) => (status === 'Running' || status === 'Succeeded' ? status : status === 'Failed (Timeout)' ? 'Timeout' : 'Failed');

/** Host-side trigger intake (`X-API-KEY`): sync, app events, webhook signatures, trigger status. */
export async function hostTriggerRoutes(app: TypedApp, options: IntakeRouteOptions): Promise<void> {
  // Sync bodies are read raw (the payload is kept as sent); events are plain JSON: each in its own scope.
  await app.register(syncRoutes, options);
  await app.register(eventRoutes);
}

/** Host-side sync intake: sync a tenant, turn on its webhook signatures, follow a trigger. */
async function syncRoutes(app: TypedApp, options: IntakeRouteOptions): Promise<void> {
  const answerWhenRunEnds = options.answerWhenRunEnds(app);
  // The body is the run's payload, kept as sent: read raw, checked to be JSON.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(/^application\/(.+\+)?json\b/, { parseAs: 'buffer', bodyLimit: app.config.webhookBodyLimit }, (_request, body, done) => {
    if (body.length > 0) {
      try {
        JSON.parse(body.toString('utf8'));
      } catch {
        done(panError(ERRORS.REQUEST_MALFORMED_JSON, 'The body is not valid JSON'), undefined);
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
      ...(body ? { payload: { body, headers: payloadHeaders(request) } } : {}),
    }, app.config.tenantPendingTriggerBytes);
    if (wantsSynchronous(request)) return answerWhenRunEnds(reply, triggerId);
    return reply.status(202).send({ trigger_id: triggerId });
  };

  app.post(
    '/tenants/:id/sync',
    { schema: { params: hostIdParamsSchema, querystring: syncQuerySchema, response: { 202: triggerAcceptedSchema } }, config: tenantId },
    async (request, reply) => {
      return sync(request, reply, request.internalIds.id!, request.query.mode);
    },
  );

  // The same, naming the tenant by its integration (slug or id) and end user.
  app.post(
    '/integrations/:integration/sync',
    {
      schema: {
        params: { type: 'object', required: ['integration'], properties: { integration: hostRefSchema('The integration: its integer id, or (ours) its slug or UUID') } },
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['user_name'],
          properties: { ...syncQuerySchema.properties, user_name: { type: 'string', minLength: 1, maxLength: 500 } },
        },
        response: { 202: triggerAcceptedSchema },
      },
      config: { publicIds: { params: { integration: 'integration' } } },
    },
    async (request, reply) => {
      const { accountId } = request.hostAccount;
      const tenantId = await findUserTenantOf(app.db, { accountId, sub: request.query.user_name }, request.internalIds.integration!);
      if (!tenantId) throw notFound('Tenant of that user for that integration');
      return sync(request, reply, tenantId, request.query.mode);
    },
  );

  // Turns on Standard Webhooks signatures for a tenant's webhook URL. The secret is shown this
  // once (the sender needs it); a new call replaces it.
  app.post(
    '/tenants/:id/webhook-secret',
    {
      schema: {
        params: hostIdParamsSchema,
        response: { 201: secretSchema },
      },
      config: tenantId,
    },
    async (request, reply) => {
      const secret = await turnOnWebhookSignatures(app.db, app.box, request.hostAccount.accountId, request.internalIds.id!);
      if (!secret) throw notFound('Tenant');
      return reply.status(201).header('cache-control', 'no-store').send({ secret });
    },
  );

  app.get(
    '/runs/triggers/:id/status',
    { schema: { params: idParamsSchema, response: { 200: hostTriggerStatusSchema } } },
    async (request) => {
      const found = await readTriggerStatus(app.db, { accountId: request.hostAccount.accountId }, request.params.id);
      if (!found) throw notFound('Trigger');
      return {
        status: found.state === 'dead_letter' ? 'Failed' : found.run_status ? phase(found.run_status) : 'Pending',
        trigger_id: found.trigger_id,
        state: found.state,
        attempts: found.attempts ?? 0,
        run_id: found.run_num_id,
        run_uuid: found.run_id,
        detailed_status: found.run_status,
      } as const;
    },
  );
}

/** `POST /v2/events {name, user, payload}`: an app event, fanned out to the user's subscribed tenants. */
async function eventRoutes(app: TypedApp): Promise<void> {
  app.post(
    '/events',
    {
      schema: {
        body: appEventBodySchema,
        response: { 202: appEventAcceptedSchema },
      },
    },
    async (request, reply) => {
      const { name, user, payload } = request.body;
      const triggers = await fanOutEvent(app.db, request.hostAccount.accountId, { name, user, payload }, app.config.tenantPendingTriggerBytes);
      return reply.status(202).send({
        triggers,
        count: triggers.length,
        ...(triggers.length === 0
          ? { message: `No active integration of user "${user}" subscribes to the event "${name}": nothing was queued` }
          : {}),
      });
    },
  );
}
