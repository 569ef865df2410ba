/**
 * The connector proxy (Pandium's `POST /v2/tenants/{id}/connectors/{name}/call`): the host's backend
 * sends a request to the connector's API with the tenant's stored credentials, which it never sees.
 * The target must be under one of the connector's declared `api_base_urls`, the request goes
 * through the egress policy (no redirect followed), and the answer is bounded in time and size.
 */
import type { ProxyCallRequest, ProxyCallResponse } from '@pan/contract';
import type { SecretBox } from '../../platform/crypto/secret-box.ts';
import type { Db } from '../../platform/db/pool.ts';
import { egressRefusal, type EgressPolicy } from '../../platform/egress.ts';
import { ERRORS, PanError, panError } from '../../platform/errors.ts';
import { secretsForRun } from './oauth.ts';
import { findConnectionId, type ConnectorRow } from './store.ts';

export interface ProxyLimits {
  timeoutMs: number;
  maxResponseBytes: number;
}

/** Headers the proxy sets or that describe the connection, never the caller's to choose. */
const RESERVED_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'host',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'content-length',
  'expect',
  'proxy-connection',
]);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Whether `target` is under `base`: same scheme, host and port, and the base's path is a prefix of
 * the target's at a segment boundary (`/v1` admits `/v1` and `/v1/x`, never `/v10`).
 */
export function isUnderBase(target: URL, base: URL): boolean {
  if (target.protocol !== base.protocol || target.host !== base.host) return false;
  const prefix = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
  return target.pathname === base.pathname || target.pathname.startsWith(prefix);
}

/** The target URL, checked against the connector's base URLs. */
function checkTarget(connector: ConnectorRow, raw: string): URL {
  const refuse = (message: string) => panError(ERRORS.PROXY_TARGET_NOT_ALLOWED, `target_url: ${message}`, { errors: [{ field: 'target_url', message }] });
  if (connector.api_base_urls.length === 0) {
    throw panError(ERRORS.PROXY_NO_BASE_URL, `${connector.display_name} declares no api_base_urls: the proxy sends it nothing`, {
      errors: [{ field: 'api_base_urls', message: 'none declared' }],
    });
  }
  let target: URL;
  try {
    target = new URL(raw);
  } catch {
    throw refuse('not an absolute URL');
  }
  if (target.username || target.password) throw refuse('must not carry user info');
  // The URL parser resolves dot segments; an encoded slash or backslash would let a server that
  // decodes them see another path than the one checked.
  if (/%2f|%5c/i.test(target.pathname)) throw refuse('must not contain an encoded slash or backslash');
  if (!connector.api_base_urls.some((base) => isUnderBase(target, new URL(base)))) {
    throw refuse(`not under one of ${connector.display_name}'s API base URLs (${connector.api_base_urls.join(', ')})`);
  }
  target.hash = '';
  return target;
}

/** The credentials, placed as the connector says: OAuth2 as a bearer token, API-key fields by their `header` / `query_param`. */
function placeCredentials(connector: ConnectorRow, secrets: Record<string, string>, headers: Headers, url: URL): void {
  if (connector.type === 'oauth2') {
    headers.set('authorization', `Bearer ${secrets.access_token}`);
    return;
  }
  for (const field of connector.fields) {
    const value = secrets[field.name];
    if (value === undefined) continue;
    if (field.header) headers.set(field.header, value);
    if (field.query_param) url.searchParams.set(field.query_param, value);
  }
}

/** The caller's headers and query parameters, refused where they would replace what the proxy sets. */
function callerParts(connector: ConnectorRow, call: ProxyCallRequest, url: URL): Headers {
  const errors: { field: string; message: string }[] = [];
  const keyHeaders = new Set(connector.fields.flatMap((f) => (f.header ? [f.header.toLowerCase()] : [])));
  const keyParams = new Set(connector.fields.flatMap((f) => (f.query_param ? [f.query_param] : [])));
  const headers = new Headers();
  for (const [name, value] of Object.entries(call.headers ?? {})) {
    const lower = name.toLowerCase();
    if (!TOKEN.test(name)) errors.push({ field: `headers.${name}`, message: 'is not a valid header name' });
    else if (RESERVED_HEADERS.has(lower) || lower.startsWith('proxy-')) errors.push({ field: `headers.${name}`, message: 'is set by the proxy' });
    else if (keyHeaders.has(lower)) errors.push({ field: `headers.${name}`, message: `carries the ${connector.display_name} credentials, set by the proxy` });
    // HTTP field values: visible Latin-1 characters, spaces and tabs (no line break, NUL or other control).
    else if (!/^[\t\x20-\x7e\x80-\xff]*$/.test(value)) errors.push({ field: `headers.${name}`, message: 'contains a control or non-Latin-1 character' });
    else headers.set(name, value);
  }
  for (const [name, value] of Object.entries(call.query_params ?? {})) {
    if (keyParams.has(name)) errors.push({ field: `query_params.${name}`, message: `carries the ${connector.display_name} credentials, set by the proxy` });
    else url.searchParams.append(name, String(value));
  }
  if (errors.length > 0) throw panError(ERRORS.PROXY_HEADER_NOT_ALLOWED, errors.map((e) => `${e.field} ${e.message}`).join('; '), { errors });
  return headers;
}

/** The request body: a string as it is, anything else as JSON. */
function requestBody(call: ProxyCallRequest, method: string, headers: Headers): string | undefined {
  if (call.body === undefined || call.body === null) return undefined;
  if (method === 'GET' || method === 'HEAD') {
    throw panError(ERRORS.PROXY_BODY_NOT_ALLOWED, `A ${method} call has no body`, { errors: [{ field: 'body', message: `not allowed with ${method}` }] });
  }
  if (typeof call.body === 'string') return call.body;
  if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  return JSON.stringify(call.body);
}

/**
 * Sends one call for the connection of `sub` to `connector`. OAuth2 tokens expiring soon are
 * refreshed first (the run engine's refresh: once per connection, however many ask at once).
 */
export async function callConnector(
  deps: { db: Db; box: SecretBox; egress: EgressPolicy; limits: ProxyLimits },
  accountId: string,
  sub: string,
  connector: ConnectorRow,
  call: ProxyCallRequest,
): Promise<ProxyCallResponse> {
  const method = call.method.toUpperCase();
  const url = checkTarget(connector, call.target_url);
  const headers = callerParts(connector, call, url);
  const body = requestBody(call, method, headers);
  const connectionId = await findConnectionId(deps.db, accountId, sub, connector.id);
  if (!connectionId) throw panError(ERRORS.CONNECTION_NOT_CONNECTED, `The tenant's user is not connected to ${connector.display_name}`);
  const fresh = await secretsForRun(deps.db, deps.box, deps.egress, connectionId, connector);
  if (!fresh.ok) throw panError(fresh.reason.startsWith('Not connected') ? ERRORS.CONNECTION_NOT_CONNECTED : ERRORS.CONNECTION_NEEDS_RECONNECT, fresh.reason);
  placeCredentials(connector, fresh.secrets, headers, url);

  const signal = AbortSignal.timeout(deps.limits.timeoutMs);
  let response: Response;
  try {
    response = await deps.egress.fetch(url, { method, headers: Object.fromEntries(headers), ...(body !== undefined ? { body } : {}), signal });
  } catch (error) {
    throw unreachable(connector, url, error);
  }
  // A HEAD answer's content-length describes a body that never comes.
  if (method === 'HEAD') await response.body?.cancel().catch(() => {});
  const bytes = method === 'HEAD' ? Buffer.alloc(0) : await readBounded(response, deps.limits.maxResponseBytes, connector, url);
  return { data: decode(response.headers.get('content-type'), bytes), status: response.status };
}

/** Why a call failed, in words without the credentials (neither the URL's query, which may carry a key, nor headers). */
function unreachable(connector: ConnectorRow, url: URL, error: unknown) {
  const where = `${url.origin}${url.pathname}`;
  if ((error as Error).name === 'TimeoutError') {
    return panError(ERRORS.PROXY_TIMEOUT, `${connector.display_name} (${where}) did not answer in time`);
  }
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const reason = egressRefusal(error) ?? cause?.code ?? cause?.message ?? 'the connection failed';
  return panError(ERRORS.PROXY_TARGET_UNREACHABLE, `${connector.display_name} (${where}) could not be reached: ${reason}`);
}

/** The answer's body, at most `max` bytes (stops reading and cancels beyond that). */
async function readBounded(response: Response, max: number, connector: ConnectorRow, url: URL): Promise<Buffer> {
  const tooLarge = () => panError(ERRORS.PROXY_RESPONSE_TOO_LARGE, `${connector.display_name} answered more than ${max} bytes`);
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  if (!response.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let total = 0;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > max) {
        await reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(Buffer.from(value));
    }
  } catch (error) {
    if (error instanceof PanError) throw error;
    throw unreachable(connector, url, error);
  }
  return Buffer.concat(chunks);
}

/** JSON when the target says so and it parses; otherwise text; null for an empty body. */
function decode(contentType: string | null, bytes: Buffer): unknown {
  if (bytes.length === 0) return null;
  const text = bytes.toString('utf8');
  if (contentType && /^application\/([\w.+-]+\+)?json\b/i.test(contentType.trim())) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}
