/**
 * Outbound notifications for the host's backend (`X-API-KEY`): the account's URL and events, its
 * signing secret (shown once, when made or rotated), and the delivery log with every attempt.
 * Every query is scoped by `request.hostAccount.accountId`; another account's delivery is 404.
 */
import type { FastifyInstance } from 'fastify';
import { ERRORS, notFound, panError } from '../../platform/errors.ts';
import { pagingQuerySchema, readPaging } from '../../platform/paging.ts';
import { idParamsSchema } from '../runs/schemas.ts';
import { checkNotificationUrl } from './url.ts';
import { NOTIFICATION_EVENTS, type NotificationEvent } from './sql.ts';
import {
  DELIVERY_SORT_FIELDS,
  deleteNotificationEndpoint,
  listDeliveries,
  readDelivery,
  readNotificationEndpoint,
  retryDelivery,
  rotateNotificationSecret,
  upsertNotificationEndpoint,
} from './store.ts';

const eventSchema = { type: 'string', enum: [...NOTIFICATION_EVENTS] } as const;
const dateSchema = { type: 'string', format: 'date-time' } as const;
const nullable = <T extends { type: string }>(schema: T) => ({ ...schema, type: [schema.type, 'null'] });

const endpointProperties = {
  url: { type: 'string' },
  events: { type: 'array', items: eventSchema },
  created_date: dateSchema,
  modified_date: dateSchema,
} as const;

const endpointSchema = {
  type: 'object',
  required: ['url', 'events', 'created_date', 'modified_date'],
  properties: endpointProperties,
} as const;

/** The answer to PUT: the endpoint, and the secret only when this call created it. */
const endpointWithSecretSchema = {
  type: 'object',
  required: ['url', 'events', 'created_date', 'modified_date'],
  properties: {
    ...endpointProperties,
    secret: { type: 'string', description: 'The signing secret (whsec_...): returned once, when the endpoint is created' },
  },
} as const;

const secretSchema = { type: 'object', required: ['secret'], properties: { secret: { type: 'string' } } } as const;

const attemptSchema = {
  type: 'object',
  required: ['attempt', 'started_date', 'duration_ms', 'response_status', 'error', 'response_body'],
  properties: {
    attempt: { type: 'integer' },
    started_date: dateSchema,
    duration_ms: nullable({ type: 'integer' }),
    response_status: nullable({ type: 'integer' }),
    error: nullable({ type: 'string' }),
    response_body: nullable({ type: 'string', description: 'The first 1 KiB of the answer' }),
  },
} as const;

const deliverySchema = {
  type: 'object',
  required: ['id', 'type', 'status', 'webhook_id', 'payload', 'attempt_count', 'next_attempt_date', 'created_date', 'delivered_date', 'attempts'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    type: eventSchema,
    status: { type: 'string', enum: ['pending', 'delivered', 'failed'] },
    webhook_id: { type: 'string', description: 'The webhook-id header: the same on every attempt' },
    payload: { type: 'object', additionalProperties: true, description: 'The JSON body POSTed: {type, timestamp, data}' },
    attempt_count: { type: 'integer' },
    next_attempt_date: nullable(dateSchema),
    created_date: dateSchema,
    delivered_date: nullable(dateSchema),
    last_status: nullable({ type: 'integer' }),
    last_error: nullable({ type: 'string' }),
    attempts: { type: 'array', items: attemptSchema },
  },
} as const;

const putBodySchema = {
  type: 'object',
  required: ['url'],
  additionalProperties: false,
  properties: {
    url: { type: 'string', minLength: 1, maxLength: 2000, description: 'https://, or http:// to a loopback host' },
    events: { type: 'array', minItems: 1, maxItems: NOTIFICATION_EVENTS.length, uniqueItems: true, items: eventSchema, description: 'Default: every event' },
  },
} as const;

const noStore = { 'cache-control': 'no-store' };

export async function notificationRoutes(app: FastifyInstance): Promise<void> {
  app.put<{ Body: { url: string; events?: NotificationEvent[] } }>(
    '/notifications',
    { schema: { body: putBodySchema, response: { 200: endpointWithSecretSchema, 201: endpointWithSecretSchema } } },
    async (request, reply) => {
      const checked = checkNotificationUrl(request.body.url, { allowHttp: app.config.notifyAllowHttp });
      if (!checked.ok) {
        throw panError(ERRORS.NOTIFICATIONS_URL_INVALID, `url: ${checked.message}`, { errors: [{ field: 'url', message: checked.message }] });
      }
      const events = request.body.events ?? [...NOTIFICATION_EVENTS];
      const { endpoint, secret } = await upsertNotificationEndpoint(app.db, app.box, request.hostAccount.accountId, { url: checked.url, events });
      return reply
        .status(secret ? 201 : 200)
        .headers(noStore)
        .send({ ...endpoint, ...(secret ? { secret } : {}) });
    },
  );

  app.get('/notifications', { schema: { response: { 200: endpointSchema } } }, async (request) => {
    const endpoint = await readNotificationEndpoint(app.db, request.hostAccount.accountId);
    if (!endpoint) throw notFound('Notification settings');
    return endpoint;
  });

  app.delete('/notifications', async (request, reply) => {
    if (!(await deleteNotificationEndpoint(app.db, request.hostAccount.accountId))) throw notFound('Notification settings');
    return reply.status(204).send();
  });

  /**
   * A new signing secret, returned this once. The old one stops at once, or keeps signing beside
   * it for `previous_valid_seconds` (up to 7 days) while receivers switch.
   */
  app.post<{ Querystring: { previous_valid_seconds?: number } }>(
    '/notifications/secret',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            previous_valid_seconds: {
              type: 'integer',
              minimum: 0,
              maximum: 7 * 24 * 3600,
              default: 0,
              description: 'How long the old secret keeps signing beside the new one (0: it stops at once)',
            },
          },
        },
        response: { 201: secretSchema },
      },
    },
    async (request, reply) => {
      const secret = await rotateNotificationSecret(app.db, app.box, request.hostAccount.accountId, request.query.previous_valid_seconds ?? 0);
      if (!secret) throw notFound('Notification settings');
      return reply.status(201).headers(noStore).send({ secret });
    },
  );

  app.get<{ Querystring: Record<string, string> }>(
    '/notifications/deliveries',
    {
      schema: {
        querystring: pagingQuerySchema(DELIVERY_SORT_FIELDS, {
          status: { type: 'string', enum: ['pending', 'delivered', 'failed'] },
          type: eventSchema,
        }),
        response: { 200: { type: 'array', items: deliverySchema } },
      },
    },
    async (request) => {
      const paging = readPaging(request.query, DELIVERY_SORT_FIELDS, 'created_date__DESC');
      return listDeliveries(app.db, request.hostAccount.accountId, {
        ...paging,
        ...(request.query.status ? { status: request.query.status } : {}),
        ...(request.query.type ? { type: request.query.type } : {}),
      });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/notifications/deliveries/:id',
    { schema: { params: idParamsSchema, response: { 200: deliverySchema } } },
    async (request) => {
      const delivery = await readDelivery(app.db, request.hostAccount.accountId, request.params.id);
      if (!delivery) throw notFound('Delivery');
      return delivery;
    },
  );

  /** Re-queues a failed delivery for a new round of attempts (same webhook-id). */
  app.post<{ Params: { id: string } }>(
    '/notifications/deliveries/:id/retry',
    { schema: { params: idParamsSchema, response: { 202: deliverySchema } } },
    async (request, reply) => {
      const { accountId } = request.hostAccount;
      const result = await retryDelivery(app.db, accountId, request.params.id);
      if (result === 'not-found') throw notFound('Delivery');
      if (result === 'not-failed') throw panError(ERRORS.NOTIFICATION_NOT_FAILED, 'Only a failed delivery can be retried');
      if (result === 'not-configured') {
        throw panError(ERRORS.NOTIFICATIONS_NOT_CONFIGURED, 'Set a notification URL (PUT /v2/notifications) before retrying');
      }
      const delivery = await readDelivery(app.db, accountId, request.params.id);
      return reply.status(202).send(delivery);
    },
  );
}
