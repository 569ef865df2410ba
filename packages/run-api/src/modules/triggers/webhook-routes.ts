/**
 * Webhook intake: `POST /webhooks/<token>`, the tenant's unguessable URL. Any content type is
 * stored byte for byte (JSON, binary, multipart), up to `webhookBodyLimit` (413 before more is
 * read). With a per-tenant Standard Webhooks secret, the signature is checked and each
 * `webhook-id` is accepted once. 202 `{trigger_id}` only once the trigger row is committed.
 * A release with `webhook: {schema}` checks JSON bodies first (422 `PAN_ERR_WEBHOOK_INVALID`, nothing
 * stored); `pan-synchronous: true` holds the call until the run ends (runs/sync-invocation.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { TypedApp } from '../../http/type-provider.ts';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { withTransaction } from '../../platform/db/pool.ts';
import { authError, badRequest, conflict, notFound, unprocessable } from '../../platform/errors.ts';
import { answerSynchronously, useRunEndWaiter, wantsSynchronous } from '../runs/sync-invocation.ts';
import { insertTrigger, wakeWorkers } from './store.ts';
import { tenantReleaseIdSql, validateWebhookBody } from './webhook-schema.ts';
import { triggerAcceptedSchema } from '@pan/contract';

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

/** The common case in one statement: an active, unsigned tenant whose release checks no bodies. */
const FAST_INTAKE_SQL = `INSERT INTO triggers (account_id, tenant_id, source, mode, payload, payload_headers)
  SELECT t.account_id, t.id, 'webhook', 'webhook', $2, $3 FROM tenants t
   WHERE t.webhook_token = $1 AND t.archived_at IS NULL AND NOT t.paused AND t.webhook_secret_sealed IS NULL
     AND NOT EXISTS (SELECT 1 FROM releases r WHERE r.id = ${tenantReleaseIdSql('t')} AND r.has_webhook_schema)
  RETURNING id`;

/** Marks a body that is not JSON (so no webhook schema applies to it). */
const NOT_JSON: unique symbol = Symbol('not JSON');

export async function webhookRoutes(app: TypedApp): Promise<void> {
  const runEnds = useRunEndWaiter(app);
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
          throw badRequest('PAN_ERR_REQUEST_MALFORMED_JSON', 'The body is declared as JSON but is not valid JSON');
        }
      }
      const headers = payloadHeaders(request.headers);
      const { rows: inserted } = await app.db.query<{ id: string }>({
        // Named: prepared once per connection, so the busiest statement is not planned per request.
        name: 'pan-webhook-intake',
        text: FAST_INTAKE_SQL,
        values: [request.params.token, body, JSON.stringify(headers)],
      });
      let triggerId = inserted[0]?.id;
      if (!triggerId) triggerId = await slowPath(app, request.params.token, body, headers, parsed);
      wakeWorkers(app.db);
      if (wantsSynchronous(request)) return answerSynchronously(app, runEnds, reply, triggerId);
      return reply.status(202).header('cache-control', 'no-store').send({ trigger_id: triggerId });
    },
  );
}

/**
 * Why the one-statement insert did not happen: no such tenant (404), paused (409), a tenant whose
 * webhooks must be signed (the signature is checked and the webhook-id recorded, with the trigger,
 * in one transaction), or a release that checks JSON bodies against its `webhook.schema` (422).
 */
async function slowPath(app: FastifyInstance, token: string, body: Buffer, headers: Record<string, string>, parsed: unknown): Promise<string> {
  const { rows } = await app.db.query<{
    id: string;
    account_id: string;
    paused: boolean;
    webhook_secret_sealed: Buffer | null;
    release_id: string | null;
    schema: Record<string, unknown> | null;
  }>(
    `SELECT t.id, t.account_id, t.paused, t.webhook_secret_sealed, r.id AS release_id,
            CASE WHEN jsonb_typeof(r.spec->'webhook'->'schema') = 'object' THEN r.spec->'webhook'->'schema' END AS schema
       FROM tenants t LEFT JOIN releases r ON r.id = ${tenantReleaseIdSql('t')}
      WHERE t.webhook_token = $1 AND t.archived_at IS NULL`,
    [token],
  );
  const tenant = rows[0];
  if (!tenant) throw notFound('Webhook');
  if (tenant.paused) throw conflict('PAN_ERR_TENANT_PAUSED', 'This integration is paused; the webhook was not accepted');
  const checkBody = () => {
    if (parsed === NOT_JSON || !tenant.schema || !tenant.release_id) return;
    const errors = validateWebhookBody(tenant.release_id, tenant.schema, parsed);
    if (errors.length > 0) {
      throw unprocessable('PAN_ERR_WEBHOOK_INVALID', "The webhook body does not match the integration's webhook schema", { errors });
    }
  };
  if (!tenant.webhook_secret_sealed) {
    checkBody();
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
  checkBody();
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
