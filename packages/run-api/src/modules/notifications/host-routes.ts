/**
 * Outbound notifications for the host's backend (`X-API-KEY`): the account's URL and events, its
 * signing secret (shown once, when made or rotated), and the delivery log with every attempt.
 * Every query is scoped by `request.hostAccount.accountId`; another account's delivery is 404.
 */
import type { TypedApp } from '../../platform/type-provider.ts';
import { ERRORS, notFound, panError } from '../../platform/errors.ts';
import {
  deliveryStatusSchema,
  idParamsSchema,
  NOTIFICATION_EVENTS,
  notificationDeliverySchema as deliverySchema,
  notificationEndpointSchema as endpointSchema,
  notificationEndpointWithSecretSchema as endpointWithSecretSchema,
  notificationEventSchema as eventSchema,
  notificationSettingsBodySchema as putBodySchema,
  pagingQuerySchema,
  rotateSecretQuerySchema,
  secretSchema,
} from '@pan/contract';
import { readPaging } from '../../platform/paging.ts';
import { checkNotificationUrl } from './url.ts';
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

const noStore = { 'cache-control': 'no-store' };

export async function notificationRoutes(app: TypedApp): Promise<void> {
  app.put(
    '/notifications',
    { schema: { body: putBodySchema, response: { 200: endpointWithSecretSchema, 201: endpointWithSecretSchema } } },
    async (request, reply) => {
      const checked = checkNotificationUrl(request.body.url, { allowHttp: app.config.notifyAllowHttp, egress: app.egress });
      if (!checked.ok) {
        const entry = checked.egress ? ERRORS.EGRESS_REFUSED : ERRORS.NOTIFICATIONS_URL_INVALID;
        throw panError(entry, `url: ${checked.message}`, { errors: [{ field: 'url', message: checked.message }] });
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
  app.post(
    '/notifications/secret',
    {
      schema: {
        querystring: rotateSecretQuerySchema,
        response: { 201: secretSchema },
      },
    },
    async (request, reply) => {
      const secret = await rotateNotificationSecret(app.db, app.box, request.hostAccount.accountId, request.query.previous_valid_seconds ?? 0);
      if (!secret) throw notFound('Notification settings');
      return reply.status(201).headers(noStore).send({ secret });
    },
  );

  app.get(
    '/notifications/deliveries',
    {
      schema: {
        querystring: pagingQuerySchema(DELIVERY_SORT_FIELDS, {
          status: deliveryStatusSchema,
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

  app.get(
    '/notifications/deliveries/:id',
    { schema: { params: idParamsSchema, response: { 200: deliverySchema } } },
    async (request) => {
      const delivery = await readDelivery(app.db, request.hostAccount.accountId, request.params.id);
      if (!delivery) throw notFound('Delivery');
      return delivery;
    },
  );

  /** Re-queues a failed delivery for a new round of attempts (same webhook-id). */
  app.post(
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
      return reply.status(202).send(delivery!);
    },
  );
}
