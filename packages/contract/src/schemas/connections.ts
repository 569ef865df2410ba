/**
 * Connectors (defined by the account) and this user's connections to them (Bearer JWT):
 *
 *   GET    /marketplace/connections                      -> ConnectionList
 *   GET    /marketplace/connections/:connector           -> Connection
 *   PUT    /marketplace/connections/:connector           ConnectionFields -> Connection (API-key connectors)
 *   DELETE /marketplace/connections/:connector           -> 204
 *   POST   /marketplace/connections/:connector/oauth     OAuthStartRequest -> OAuthStartResponse
 *   GET    /oauth/callback                               -> a page posting OAuthResultMessage to the opener
 *   GET    /marketplace/auth-only                        -> AuthOnlyView
 *   PUT    /v2/connectors/:name                          ConnectorDefinition -> HostConnector
 *   GET    /v2/connectors                                -> HostConnectorList
 *   POST   /v2/tenants/:id/connectors/:name/call         ProxyCallRequest -> ProxyCallResponse
 *   PATCH  /v2/tenants/:id/connectors/:name/disconnect   -> 204
 *
 * Schemas marked "answer shape" describe answers no route serialises with a schema (they are sent as built).
 */
import { hostIdParamsSchema } from './host.ts';
import { integrationRefSchema } from './tenants.ts';
import type { WireType } from './wire-type.ts';

const connectorNamePattern = '^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$';

export const connectorParamsSchema = {
  type: 'object',
  required: ['connector'],
  properties: { connector: { type: 'string', pattern: connectorNamePattern } },
} as const;

/** A field of an API-key connector's form. `name` becomes `PAN_SEC_<CONNECTOR>_<NAME>` (uppercased); `secret`: shown masked (default true). */
export const connectorFieldSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'label'],
  properties: {
    name: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_]{0,62}$' },
    label: { type: 'string', minLength: 1, maxLength: 200 },
    help: { type: 'string', maxLength: 1000 },
    secret: { type: 'boolean' },
    header: { type: 'string', pattern: '^[A-Za-z0-9!#$%&\'*+.^_`|~-]{1,100}$', description: 'The connector proxy sends the value in this request header (e.g. X-API-Key)' },
    query_param: { type: 'string', minLength: 1, maxLength: 100, description: 'The connector proxy sends the value as this query parameter' },
  },
} as const;

/**
 * Where the connector proxy (`POST /v2/tenants/:id/connectors/:name/call`) may send requests: a
 * target URL must be on one of these origins and under its path. None: the proxy refuses the connector.
 */
const apiBaseUrls = { type: 'array', maxItems: 10, items: { type: 'string', format: 'uri', pattern: '^https?://', maxLength: 2000 } } as const;

const url = { type: 'string', format: 'uri', pattern: '^https?://', maxLength: 2000 } as const;

/**
 * How the account sets a connector up. OAuth2: discovery from `issuer`
 * (`/.well-known/openid-configuration` or OAuth AS metadata), or the two endpoints; `extra_params`:
 * extra authorization request parameters, e.g. `{"prompt": "consent"}`. Secrets are write-only.
 */
export const connectorBodySchema = {
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'display_name', 'client_id'],
      properties: {
        type: { const: 'oauth2' },
        display_name: { type: 'string', minLength: 1, maxLength: 200 },
        issuer: url,
        authorization_endpoint: url,
        token_endpoint: url,
        client_id: { type: 'string', minLength: 1, maxLength: 500 },
        client_secret: { type: 'string', minLength: 1, maxLength: 2000 },
        scopes: { type: 'array', maxItems: 50, items: { type: 'string', pattern: '^[\\x21\\x23-\\x5B\\x5D-\\x7E]+$' } },
        extra_params: { type: 'object', maxProperties: 20, additionalProperties: { type: 'string', maxLength: 500 } },
        api_base_urls: apiBaseUrls,
      },
      anyOf: [{ required: ['issuer'] }, { required: ['authorization_endpoint', 'token_endpoint'] }],
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'display_name', 'fields'],
      properties: {
        type: { const: 'api_key' },
        display_name: { type: 'string', minLength: 1, maxLength: 200 },
        fields: { type: 'array', minItems: 1, maxItems: 20, items: connectorFieldSchema },
        api_base_urls: apiBaseUrls,
      },
    },
  ],
} as const;

/** An API-key connection's values, by field name. */
export const connectionFieldsBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['fields'],
  properties: { fields: { type: 'object', maxProperties: 20 } },
} as const;

/**
 * `return_origin`: the host page's origin; the popup posts its result to exactly this origin.
 * `return_url`: the redirect fallback (popups blocked), a page on `return_origin`. `tenant_id`: the
 * tenant being installed or configured, when there is one.
 */
export const oauthStartBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['return_origin'],
  properties: {
    return_origin: { type: 'string', maxLength: 500 },
    return_url: { type: 'string', maxLength: 2000 },
    tenant_id: { type: 'string', format: 'uuid' },
  },
} as const;

/** Answer shape. */
export const oauthStartResponseSchema = {
  type: 'object',
  required: ['authorization_url'],
  properties: { authorization_url: { type: 'string' } },
} as const;

/**
 * What the OAuth callback page posts to `window.opener` (target origin: exactly `return_origin`).
 * `message`: on error, in plain words (e.g. "Access was denied at Acme CRM").
 */
export const oauthResultMessageSchema = {
  type: 'object',
  required: ['type', 'connector', 'status'],
  properties: {
    type: { const: 'pan-oauth-result' },
    connector: { type: 'string' },
    status: { type: 'string', enum: ['connected', 'error'] },
    message: { type: 'string' },
  },
} as const;

/**
 * Answer shape: a connector as the end user sees it, with this user's connection state. Never a
 * secret. `fields`: API-key connectors' form. `status_reason`: why it needs reconnecting (e.g. "The
 * refresh was refused: invalid_grant"). `expires_at`: OAuth2, when the access token expires (it is
 * refreshed before runs). `stored_fields`: the names of the stored fields (never their values).
 */
export const connectionSchema = {
  type: 'object',
  required: ['connector', 'display_name', 'type', 'status', 'status_reason', 'expires_at', 'connected_at', 'stored_fields'],
  properties: {
    connector: { type: 'string' },
    display_name: { type: 'string' },
    type: { type: 'string', enum: ['oauth2', 'api_key'] },
    fields: { type: 'array', items: connectorFieldSchema },
    status: { type: 'string', enum: ['connected', 'not_connected', 'needs_reconnect'] },
    status_reason: { type: ['string', 'null'] },
    expires_at: { type: ['string', 'null'] },
    connected_at: { type: ['string', 'null'] },
    stored_fields: { type: 'array', items: { type: 'string' } },
  },
} as const;

/** Answer shape. */
export const connectionListSchema = {
  type: 'object',
  required: ['connections'],
  properties: { connections: { type: 'array', items: connectionSchema } },
} as const;

/**
 * Answer shape of `GET /marketplace/auth-only`: what the token's `xti.auth_only` names, for
 * `<pan-marketplace mode="auth">`. `connections`: those its release needs, with this user's state.
 * `tenant`: once installed (with the token's preset settings).
 */
export const authOnlyViewSchema = {
  type: 'object',
  required: ['integrations'],
  properties: {
    integrations: {
      type: 'array',
      items: {
        type: 'object',
        required: ['integration', 'connections', 'tenant'],
        properties: {
          integration: integrationRefSchema,
          connections: { type: 'array', items: connectionSchema },
          tenant: {
            type: ['object', 'null'],
            required: ['id', 'status'],
            properties: { id: { type: 'string' }, status: { type: 'string', enum: ['active', 'paused'] } },
          },
        },
      },
    },
  },
} as const;

/** Answer shape: a connector as the host sees it, `client_secret_set` instead of the secret. */
export const hostConnectorSchema = {
  oneOf: [
    {
      type: 'object',
      required: ['name', 'type', 'display_name', 'issuer', 'authorization_endpoint', 'token_endpoint', 'client_id', 'client_secret_set', 'scopes', 'extra_params'],
      properties: {
        name: { type: 'string' },
        type: { const: 'oauth2' },
        display_name: { type: 'string' },
        issuer: { type: ['string', 'null'] },
        authorization_endpoint: { type: ['string', 'null'] },
        token_endpoint: { type: ['string', 'null'] },
        client_id: { type: ['string', 'null'] },
        client_secret_set: { type: 'boolean' },
        scopes: { type: 'array', items: { type: 'string' } },
        extra_params: { type: 'object', additionalProperties: { type: 'string' } },
        api_base_urls: { type: 'array', items: { type: 'string' } },
      },
    },
    {
      type: 'object',
      required: ['name', 'type', 'display_name', 'fields'],
      properties: {
        name: { type: 'string' },
        type: { const: 'api_key' },
        display_name: { type: 'string' },
        fields: { type: 'array', items: connectorFieldSchema },
        api_base_urls: { type: 'array', items: { type: 'string' } },
      },
    },
  ],
} as const;

/** Answer shape. */
export const hostConnectorListSchema = {
  type: 'object',
  required: ['connectors'],
  properties: { connectors: { type: 'array', items: hostConnectorSchema } },
} as const;

/** `/v2/tenants/:id/connectors/:name/...`: a tenant (as `GET /v2/tenants/:id` names it) and a connector. */
export const tenantConnectorParamsSchema = {
  type: 'object',
  required: ['id', 'name'],
  properties: { ...hostIdParamsSchema.properties, name: { type: 'string', pattern: connectorNamePattern } },
} as const;

/** The methods the connector proxy sends (either case). */
export const PROXY_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'] as const;

/**
 * Pandium's `ProxyRestRequestBody`. `target_url`: under one of the connector's `api_base_urls`.
 * `headers`: sent as given, except those the proxy sets (Authorization, Host, hop-by-hop ones,
 * the connector's API-key headers), which are refused. `query_params`: appended to the URL.
 * `body`: a string is sent as it is, anything else as JSON (not with GET or HEAD). A null
 * `headers`, `query_params` or `body` is the same as none (generated clients send nulls).
 */
export const proxyCallBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['method', 'target_url'],
  properties: {
    method: { type: 'string', enum: [...PROXY_METHODS, ...PROXY_METHODS.map((m) => m.toLowerCase())] },
    target_url: { type: 'string', minLength: 1, maxLength: 4000 },
    headers: { type: ['object', 'null'], maxProperties: 50, additionalProperties: { type: 'string', maxLength: 8000 } },
    query_params: {
      type: ['object', 'null'],
      maxProperties: 100,
      additionalProperties: { anyOf: [{ type: 'string', maxLength: 8000 }, { type: 'number' }, { type: 'boolean' }] },
    },
    body: {},
  },
} as const;

/**
 * Pandium's `ProxyResponse` `{data}`: the target's body, parsed when it says it is JSON, else text
 * (null when empty). `status`: our extension, the target's HTTP status (any: a 404 of the target is
 * a 200 of the proxy carrying `status: 404`; redirects are not followed, a 3xx is returned as it is).
 */
export const proxyCallResponseSchema = {
  type: 'object',
  required: ['data', 'status'],
  properties: {
    data: { description: "The target's body: parsed when its content type is JSON, else text; null when empty" },
    status: { type: 'integer', description: "Our extension to Pandium's ProxyResponse: the target's HTTP status (redirects are not followed)" },
  },
} as const;

export type ConnectorParams = WireType<typeof connectorParamsSchema>;
export type ConnectorField = WireType<typeof connectorFieldSchema>;
export type ConnectorDefinition = WireType<typeof connectorBodySchema>;
export type ConnectionFields = WireType<typeof connectionFieldsBodySchema>;
export type OAuthStartRequest = WireType<typeof oauthStartBodySchema>;
export type OAuthStartResponse = WireType<typeof oauthStartResponseSchema>;
export type OAuthResultMessage = WireType<typeof oauthResultMessageSchema>;
export type Connection = WireType<typeof connectionSchema>;
export type ConnectionList = WireType<typeof connectionListSchema>;
export type AuthOnlyView = WireType<typeof authOnlyViewSchema>;
export type HostConnector = WireType<typeof hostConnectorSchema>;
export type TenantConnectorParams = WireType<typeof tenantConnectorParamsSchema>;
export type ProxyCallRequest = WireType<typeof proxyCallBodySchema>;
export type ProxyCallResponse = WireType<typeof proxyCallResponseSchema>;
export type HostConnectorList = WireType<typeof hostConnectorListSchema>;
