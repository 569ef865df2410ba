/**
 * Outbound notifications for the host's backend (`X-API-KEY`):
 *
 *   PUT    /v2/notifications                          NotificationSettings -> 200/201 NotificationEndpointWithSecret
 *   GET    /v2/notifications                          -> NotificationEndpoint
 *   DELETE /v2/notifications                          -> 204
 *   POST   /v2/notifications/secret                   ?previous_valid_seconds -> 201 SecretAnswer
 *   GET    /v2/notifications/deliveries               -> NotificationDelivery[]
 *   GET    /v2/notifications/deliveries/:id           -> NotificationDelivery
 *   POST   /v2/notifications/deliveries/:id/retry     -> 202 NotificationDelivery
 */
import type { WireType } from './wire-type.ts';

/** Every event an account can subscribe to. */
export const NOTIFICATION_EVENTS = [
  'tenant.installed',
  'tenant.uninstalled',
  'tenant.paused',
  'tenant.resumed',
  'run.finished',
  'run.failed',
] as const;

export const notificationEventSchema = { type: 'string', enum: [...NOTIFICATION_EVENTS] } as const;
const dateSchema = { type: 'string', format: 'date-time' } as const;
const nullable = <const T extends { type: string }>(schema: T) =>
  ({ ...schema, type: [schema.type, 'null'] }) as Omit<T, 'type'> & { readonly type: readonly [T['type'], 'null'] };

const endpointProperties = {
  url: { type: 'string' },
  events: { type: 'array', items: notificationEventSchema },
  created_date: dateSchema,
  modified_date: dateSchema,
} as const;

export const notificationEndpointSchema = {
  type: 'object',
  required: ['url', 'events', 'created_date', 'modified_date'],
  properties: endpointProperties,
} as const;

/** The answer to PUT: the endpoint, and the secret only when this call created it. */
export const notificationEndpointWithSecretSchema = {
  type: 'object',
  required: ['url', 'events', 'created_date', 'modified_date'],
  properties: {
    ...endpointProperties,
    secret: { type: 'string', description: 'The signing secret (whsec_...): returned once, when the endpoint is created' },
  },
} as const;

export const notificationAttemptSchema = {
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

export const notificationDeliverySchema = {
  type: 'object',
  required: ['id', 'type', 'status', 'webhook_id', 'payload', 'attempt_count', 'next_attempt_date', 'created_date', 'delivered_date', 'attempts'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    type: notificationEventSchema,
    status: { type: 'string', enum: ['pending', 'delivered', 'failed'] },
    webhook_id: { type: 'string', description: 'The webhook-id header: the same on every attempt' },
    payload: { type: 'object', additionalProperties: true, description: 'The JSON body POSTed: {type, timestamp, data}' },
    attempt_count: { type: 'integer' },
    next_attempt_date: nullable(dateSchema),
    created_date: dateSchema,
    delivered_date: nullable(dateSchema),
    last_status: nullable({ type: 'integer' }),
    last_error: nullable({ type: 'string' }),
    attempts: { type: 'array', items: notificationAttemptSchema },
  },
} as const;

/** `events` absent: every event. */
export const notificationSettingsBodySchema = {
  type: 'object',
  required: ['url'],
  additionalProperties: false,
  properties: {
    url: { type: 'string', minLength: 1, maxLength: 2000, description: 'https:// to a public host, or http:// to a host the server admits (PAN_EGRESS_ALLOW)' },
    events: {
      type: 'array',
      minItems: 1,
      maxItems: NOTIFICATION_EVENTS.length,
      uniqueItems: true,
      items: notificationEventSchema,
      description: 'Default: every event',
    },
  },
} as const;

export const rotateSecretQuerySchema = {
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
} as const;

export const deliveryStatusSchema = { type: 'string', enum: ['pending', 'delivered', 'failed'] } as const;

export type NotificationEvent = WireType<typeof notificationEventSchema>;
export type NotificationEndpoint = WireType<typeof notificationEndpointSchema>;
export type NotificationEndpointWithSecret = WireType<typeof notificationEndpointWithSecretSchema>;
export type NotificationAttempt = WireType<typeof notificationAttemptSchema>;
export type NotificationDelivery = WireType<typeof notificationDeliverySchema>;
export type NotificationSettings = WireType<typeof notificationSettingsBodySchema>;
export type RotateSecretQuery = WireType<typeof rotateSecretQuerySchema>;
