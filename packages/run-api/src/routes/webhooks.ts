/**
 * Webhook intake: `POST /webhooks/<token>`, the tenant's unguessable URL. Any content type is
 * stored byte for byte (JSON, binary, multipart), up to `webhookBodyLimit` (413 before more is
 * read). With a per-tenant Standard Webhooks secret, the signature is checked and each
 * `webhook-id` is accepted once. 202 `{trigger_id}` only once the trigger row is committed.
 */
import type { FastifyInstance } from 'fastify';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { withTransaction } from '../db/pool.ts';
import { authError, badRequest, conflict, notFound } from '../errors.ts';
import { insertTrigger, wakeWorkers } from '../runs/triggers.ts';
import { triggerAcceptedSchema } from './runs/schemas.ts';

/** Headers never stored with a payload: credentials, and hop-by-hop ones. */
const DROPPED_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'x-api-key',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'host',
]);

/** The request's headers as a trigger keeps them (lower-case names, lists joined). */
export function payloadHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || DROPPED_HEADERS.has(name)) continue;
    kept[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return kept;
}

export async function webhookRoutes(app: FastifyInstance): Promise<void> {
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

  app.post<{ Params: { token: string } }>(
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
      if (/^application\/(.+\+)?json\b/i.test(contentType) && body.length > 0) {
        try {
          JSON.parse(body.toString('utf8'));
        } catch {
          throw badRequest('PAN_ERR_REQUEST_MALFORMED_JSON', 'The body is declared as JSON but is not valid JSON');
        }
      }
      const headers = payloadHeaders(request.headers);
      // The common case in one statement: an active, unsigned tenant (no transaction, no lookup).
      const { rows: inserted } = await app.db.query<{ id: string }>(
        `INSERT INTO triggers (account_id, tenant_id, source, mode, payload, payload_headers)
         SELECT account_id, id, 'webhook', 'webhook', $2, $3 FROM tenants
          WHERE webhook_token = $1 AND archived_at IS NULL AND NOT paused AND webhook_secret_sealed IS NULL
         RETURNING id`,
        [request.params.token, body, JSON.stringify(headers)],
      );
      let triggerId = inserted[0]?.id;
      if (!triggerId) triggerId = await signedOrRefused(app, request.params.token, body, headers);
      wakeWorkers(app.db);
      return reply.status(202).header('cache-control', 'no-store').send({ trigger_id: triggerId });
    },
  );
}

/**
 * Why the one-statement insert did not happen: no such tenant (404), paused (409), or a tenant
 * whose webhooks must be signed: then the signature is checked and the webhook-id recorded, with
 * the trigger, in one transaction.
 */
async function signedOrRefused(app: FastifyInstance, token: string, body: Buffer, headers: Record<string, string>): Promise<string> {
  const { rows } = await app.db.query<{ id: string; account_id: string; paused: boolean; webhook_secret_sealed: Buffer | null }>(
    'SELECT id, account_id, paused, webhook_secret_sealed FROM tenants WHERE webhook_token = $1 AND archived_at IS NULL',
    [token],
  );
  const tenant = rows[0];
  if (!tenant) throw notFound('Webhook');
  if (tenant.paused) throw conflict('PAN_ERR_TENANT_PAUSED', 'This integration is paused; the webhook was not accepted');
  if (!tenant.webhook_secret_sealed) {
    // Signatures were turned off in between: take it as unsigned.
    return insertTrigger(app.db, { accountId: tenant.account_id, tenantId: tenant.id, source: 'webhook', mode: 'webhook', payload: { body, headers } }, { notify: false });
  }
  const secret = app.box.open(tenant.webhook_secret_sealed).toString('utf8');
  try {
    new Webhook(secret).verify(body, headers);
  } catch (error) {
    const why = error instanceof WebhookVerificationError ? error.message : 'the signature could not be checked';
    throw authError('PAN_ERR_WEBHOOK_SIGNATURE_INVALID', `Webhook signature refused: ${why}`);
  }
  const webhookId = headers['webhook-id']!;
  return withTransaction(app.db, async (client) => {
    const fresh = await client.query('INSERT INTO webhook_receipts (tenant_id, webhook_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
      tenant.id,
      webhookId,
    ]);
    if (fresh.rowCount === 0) throw authError('PAN_ERR_WEBHOOK_REPLAYED', `Webhook ${webhookId} was already received`);
    return insertTrigger(client, { accountId: tenant.account_id, tenantId: tenant.id, source: 'webhook', mode: 'webhook', payload: { body, headers } }, { notify: false });
  });
}
