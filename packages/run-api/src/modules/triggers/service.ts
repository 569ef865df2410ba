/**
 * Trigger intake: every way a run is asked for ends here, checked (tenant active, signature,
 * replay, webhook schema) and stored before anyone is answered.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import type { RunMode, TriggerSource } from '@pan/contract';
import type { SecretBox } from '../../platform/crypto/secret-box.ts';
import { withTransaction, type Db, type Scope } from '../../platform/db/pool.ts';
import { ERRORS, notFound, panError } from '../../platform/errors.ts';
import { triggersAccepted } from '../../platform/metrics.ts';
import { findTenantInScope, setWebhookSecret } from '../tenants/store.ts';
import { insertTrigger, readWebhookTenant, recordWebhookReceipt, wakeWorkers } from './store.ts';
import { storeWebhookIfOpen } from './webhook-batches.ts';
import { validateWebhookBody } from './webhook-schema.ts';

export interface TriggerRequest {
  source: Exclude<TriggerSource, 'cron'>;
  mode: RunMode;
  event?: string;
  payload?: { body: Buffer; headers: Record<string, string> };
}

/**
 * Queues a trigger for a tenant of this scope; answers once it is committed. One with a payload is
 * refused (429, nothing stored) when the tenant's pending payloads would go over `pendingCap` bytes.
 */
export async function queueTrigger(db: Db, scope: Scope, tenantId: string, request: TriggerRequest, pendingCap = 0): Promise<string> {
  const tenant = await findTenantInScope(db, scope, tenantId);
  if (!tenant || tenant.archived) throw notFound('Tenant');
  if (tenant.paused) throw panError(ERRORS.TENANT_PAUSED, 'This integration is paused: resume it to run it');
  const id = await insertTrigger(db, { accountId: tenant.account_id, tenantId, ...request }, { notify: false, pendingCap });
  if (!id) throw backlogFull(pendingCap);
  triggersAccepted.inc({ source: request.source });
  wakeWorkers(db);
  return id;
}

/** The answer when a tenant's waiting triggers hold too many payload bytes: retry once its runs have taken them. */
export function backlogFull(pendingCap: number) {
  return panError(
    ERRORS.TRIGGER_BACKLOG_FULL,
    `This integration's triggers waiting for a run already hold up to ${pendingCap} bytes of payloads: retry once its runs catch up`,
    { pending_bytes_cap: pendingCap },
  );
}

/**
 * Headers never stored with a payload: credentials (`Set-Cookie` too: a cookie, and the one field
 * RFC 9110 section 5.3 says cannot be joined into one line), and hop-by-hop ones. Lower case.
 */
const DROPPED_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'host',
]);

/**
 * The request's headers as a trigger keeps them (`payload.headers`): each name as the sender
 * wrote it (Node's `rawHeaders`; Pandium's example shows `"User-Agent"`, and scripts look it up
 * so), the first spelling when it comes several times; repeated fields joined into one value with
 * ", " in the order received, as RFC 9110 section 5.3 says a recipient may. A field the server
 * itself set on the request (not in `rawHeaders`, e.g. the webhook intake's default content type)
 * is kept under its lower-case name.
 */
export function payloadHeaders(request: { raw: { rawHeaders: string[] }; headers: Record<string, string | string[] | undefined> }): Record<string, string> {
  const names = new Map<string, string>();
  const values = new Map<string, string[]>();
  const add = (name: string, value: string) => {
    const key = name.toLowerCase();
    if (DROPPED_HEADERS.has(key)) return;
    const list = values.get(key);
    if (list) list.push(value);
    else {
      names.set(key, name);
      values.set(key, [value]);
    }
  };
  const raw = request.raw.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) add(raw[i]!, raw[i + 1]!);
  for (const [key, value] of Object.entries(request.headers)) {
    if (value !== undefined && !names.has(key)) add(key, Array.isArray(value) ? value.join(', ') : value);
  }
  // fromEntries: a field named `__proto__` is an own property like any other.
  return Object.fromEntries([...names].map(([key, name]) => [name, values.get(key)!.join(', ')]));
}

/** A header of `payloadHeaders`' result, whatever the case of its name. */
export function headerOf(headers: Record<string, string>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

/** Marks a body that is not JSON (so no webhook schema applies to it). */
export const NOT_JSON: unique symbol = Symbol('not JSON');

/**
 * Stores a webhook for the tenant of `token` and returns its trigger id. The common case (an
 * active, unsigned tenant whose release checks no bodies) is one statement; otherwise the slow
 * path says why it is refused, or checks the signature and the schema first. Either way a tenant
 * whose pending payloads would go over `pendingCap` bytes gets a 429 and nothing is stored.
 */
export async function acceptWebhook(
  db: Db,
  box: SecretBox,
  token: string,
  body: Buffer,
  headers: Record<string, string>,
  parsed: unknown,
  pendingCap = 0,
): Promise<string> {
  const triggerId =
    (await storeWebhookIfOpen(db, { token, body, headers }, pendingCap)) ?? (await slowPath(db, box, token, body, headers, parsed, pendingCap));
  triggersAccepted.inc({ source: 'webhook' });
  wakeWorkers(db);
  return triggerId;
}

/**
 * Why the one-statement insert did not happen: no such tenant (404), paused (409), a full backlog
 * or none counted yet (`insertTrigger` refuses or counts it), a tenant whose
 * webhooks must be signed (the signature is checked and the webhook-id recorded, with the trigger,
 * in one transaction), or a release that checks JSON bodies against its `webhook.schema` (422).
 */
async function slowPath(
  db: Db,
  box: SecretBox,
  token: string,
  body: Buffer,
  headers: Record<string, string>,
  parsed: unknown,
  pendingCap: number,
): Promise<string> {
  const tenant = await readWebhookTenant(db, token);
  if (!tenant) throw notFound('Webhook');
  if (tenant.paused) throw panError(ERRORS.TENANT_PAUSED, 'This integration is paused; the webhook was not accepted');
  const checkBody = () => {
    if (parsed === NOT_JSON || !tenant.schema || !tenant.release_id) return;
    const errors = validateWebhookBody(tenant.release_id, tenant.schema, parsed);
    if (errors.length > 0) {
      throw panError(ERRORS.WEBHOOK_INVALID, "The webhook body does not match the integration's webhook schema", { errors });
    }
  };
  if (!tenant.webhook_secret_sealed) {
    checkBody();
    // Signatures were turned off in between: take it as unsigned.
    const id = await insertTrigger(db, { accountId: tenant.account_id, tenantId: tenant.id, source: 'webhook', mode: 'webhook', payload: { body, headers } }, { notify: false, pendingCap });
    if (!id) throw backlogFull(pendingCap);
    return id;
  }
  const secret = box.open(tenant.webhook_secret_sealed).toString('utf8');
  try {
    new Webhook(secret).verify(body, headers);
  } catch (error) {
    const why = error instanceof WebhookVerificationError ? error.message : 'the signature could not be checked';
    throw panError(ERRORS.WEBHOOK_SIGNATURE_INVALID, `Webhook signature refused: ${why}`);
  }
  checkBody();
  const webhookId = headerOf(headers, 'webhook-id')!;
  return withTransaction(db, async (client) => {
    if (!(await recordWebhookReceipt(client, tenant.id, webhookId))) throw panError(ERRORS.WEBHOOK_REPLAYED, `Webhook ${webhookId} was already received`);
    const id = await insertTrigger(client, { accountId: tenant.account_id, tenantId: tenant.id, source: 'webhook', mode: 'webhook', payload: { body, headers } }, { notify: false, pendingCap });
    // Refused: the receipt goes with the rollback, so the sender may send this webhook-id again.
    if (!id) throw backlogFull(pendingCap);
    return id;
  });
}

/** A webhook or API call asking to be held until its run ends (`pan-synchronous: true`). */
export function wantsSynchronous(request: FastifyRequest): boolean {
  const value = request.headers['pan-synchronous'];
  return typeof value === 'string' && value.trim().toLowerCase() === 'true';
}

/**
 * Holds a synchronous call until its trigger's run ends and answers it. The runs module provides
 * it (it knows when runs end); intake routes receive it when they are registered.
 */
export type AnswerWhenRunEnds = (reply: FastifyReply, triggerId: string) => Promise<FastifyReply>;

/**
 * Turns on Standard Webhooks signatures for a tenant's webhook URL and returns the new secret (to
 * show once: the sender needs it); a new call replaces it. Null when the tenant is not the account's.
 */
export async function turnOnWebhookSignatures(db: Db, box: SecretBox, accountId: string, tenantId: string): Promise<string | null> {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  return (await setWebhookSecret(db, accountId, tenantId, box.seal(secret))) ? secret : null;
}
