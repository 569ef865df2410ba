/**
 * The one catalogue of API errors. Every error answer is
 * `{statusCode, code, error, message}` with a `PAN_ERR_<AREA>_<WHAT>` code, and every code the
 * server can answer is declared here, once, with its HTTP status (the OpenAPI document lists them).
 * No other file spells a code (test/platform/error-catalogue.test.ts): throw `panError(ERRORS.X, ...)`.
 */
export class PanError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    /** Extra machine-readable fields merged into the answer (never secrets). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'PanError';
  }
}

export interface ErrorEntry {
  /** `PAN_ERR_<AREA>_<WHAT>`, the key of the entry prefixed: what clients compare against. */
  readonly code: string;
  /** The HTTP status it is answered with. */
  readonly status: number;
  /** When it is answered (one line, for the OpenAPI document). */
  readonly description: string;
  /** The one other status some of its answers have (the description says when): `panError` may pick it. */
  readonly alsoStatus?: number;
}

export const ERRORS = {
  // The request itself (mostly Fastify's own errors, mapped by error-handler.ts).
  REQUEST_INVALID: {
    code: 'PAN_ERR_REQUEST_INVALID',
    status: 400,
    description: 'A parameter, query or body field is not valid (errors names the fields); also any other 4xx Fastify reports, with its status',
  },
  REQUEST_DUPLICATE_HEADER: {
    code: 'PAN_ERR_REQUEST_DUPLICATE_HEADER',
    status: 400,
    description: 'A credential header (Authorization, X-API-KEY) was sent more than once (header names it)',
  },
  REQUEST_MALFORMED: { code: 'PAN_ERR_REQUEST_MALFORMED', status: 400, description: 'The Content-Length does not match the body' },
  REQUEST_MALFORMED_JSON: { code: 'PAN_ERR_REQUEST_MALFORMED_JSON', status: 400, description: 'A JSON body is empty, not valid JSON, or not valid UTF-8' },
  REQUEST_JSON_TOO_DEEP: {
    code: 'PAN_ERR_REQUEST_JSON_TOO_DEEP',
    status: 400,
    description: 'A body, query or token nests objects and arrays deeper than PAN_JSON_MAX_DEPTH (errors names the field)',
  },
  REQUEST_VALUE_INVALID: {
    code: 'PAN_ERR_REQUEST_VALUE_INVALID',
    status: 400,
    description: 'A value cannot be stored as sent (out of range, malformed for its type, or a character the database refuses)',
  },
  REQUEST_TOO_LARGE: { code: 'PAN_ERR_REQUEST_TOO_LARGE', status: 413, description: 'The body is larger than the configured body limit' },
  REQUEST_UNSUPPORTED_MEDIA_TYPE: {
    code: 'PAN_ERR_REQUEST_UNSUPPORTED_MEDIA_TYPE',
    status: 415,
    description: 'The Content-Type of the body is not one the route accepts',
  },
  ROUTE_NOT_FOUND: { code: 'PAN_ERR_ROUTE_NOT_FOUND', status: 404, description: 'No route has this method and path' },
  NOT_FOUND: { code: 'PAN_ERR_NOT_FOUND', status: 404, description: 'The resource does not exist, or is not yours' },
  INTERNAL: { code: 'PAN_ERR_INTERNAL', status: 500, description: 'Something went wrong on the server (no internals are shown)' },
  HEALTH_NOT_READY: {
    code: 'PAN_ERR_HEALTH_NOT_READY',
    status: 503,
    description: 'GET /health/ready: the database is not reachable, or its migrations are not all applied (reason says which)',
  },
  METRICS_UNAUTHORIZED: {
    code: 'PAN_ERR_METRICS_UNAUTHORIZED',
    status: 401,
    description: 'GET /metrics without the Authorization: Bearer <PAN_METRICS_TOKEN> header',
  },

  // Authentication: the host's API key, the end user's token.
  AUTH_API_KEY_INVALID: { code: 'PAN_ERR_AUTH_API_KEY_INVALID', status: 401, description: 'The X-API-KEY header is missing, or names no valid key' },
  AUTH_MISSING: { code: 'PAN_ERR_AUTH_MISSING', status: 401, description: 'No Authorization: Bearer header was sent' },
  AUTH_MALFORMED: {
    code: 'PAN_ERR_AUTH_MALFORMED',
    status: 401,
    description: 'The Authorization header is not "Bearer <token>", or the token is not a well-formed JWT',
  },
  AUTH_TOKEN_IN_URL: { code: 'PAN_ERR_AUTH_TOKEN_IN_URL', status: 401, description: 'A token was sent in the URL instead of the Authorization header' },
  AUTH_ALG_NOT_ALLOWED: {
    code: 'PAN_ERR_AUTH_ALG_NOT_ALLOWED',
    status: 401,
    description: "The token's algorithm is not accepted, or the account has no key for it",
  },
  AUTH_UNKNOWN_ISSUER: { code: 'PAN_ERR_AUTH_UNKNOWN_ISSUER', status: 401, description: "The token's issuer is not a known account" },
  AUTH_UNKNOWN_KID: { code: 'PAN_ERR_AUTH_UNKNOWN_KID', status: 401, description: "No key of the account matches the token's kid" },
  AUTH_BAD_SIGNATURE: { code: 'PAN_ERR_AUTH_BAD_SIGNATURE', status: 401, description: "The token's signature does not verify" },
  AUTH_BAD_AUDIENCE: { code: 'PAN_ERR_AUTH_BAD_AUDIENCE', status: 401, description: "The token's aud is not this marketplace" },
  AUTH_BAD_ISSUER: { code: 'PAN_ERR_AUTH_BAD_ISSUER', status: 401, description: "The token's iss does not match the account" },
  AUTH_TOKEN_EXPIRED: { code: 'PAN_ERR_AUTH_TOKEN_EXPIRED', status: 401, description: 'The token has expired' },
  AUTH_NOT_YET_VALID: { code: 'PAN_ERR_AUTH_NOT_YET_VALID', status: 401, description: "The token's nbf is in the future" },
  AUTH_TOKEN_TOO_OLD: { code: 'PAN_ERR_AUTH_TOKEN_TOO_OLD', status: 401, description: 'The token was issued too long ago' },
  AUTH_LIFETIME_TOO_LONG: { code: 'PAN_ERR_AUTH_LIFETIME_TOO_LONG', status: 401, description: 'The token lives longer than the maximum allowed' },
  AUTH_CLAIM_MISSING: { code: 'PAN_ERR_AUTH_CLAIM_MISSING', status: 401, description: 'The token lacks a required claim' },
  AUTH_CLAIM_INVALID: { code: 'PAN_ERR_AUTH_CLAIM_INVALID', status: 401, description: 'A claim of the token (sub, iat, xti...) is not valid' },
  AUTH_KEYS_UNAVAILABLE: {
    code: 'PAN_ERR_AUTH_KEYS_UNAVAILABLE',
    status: 401,
    description: "The account's key set could not be fetched, or the token could not be verified for another reason",
  },
  RATE_LIMITED: {
    code: 'PAN_ERR_RATE_LIMITED',
    status: 429,
    description: 'Too many requests (limit names the budget: per IP, webhook, API key, end user, or failed authentications); Retry-After says when to retry',
  },
  DATABASE_UNAVAILABLE: {
    code: 'PAN_ERR_DATABASE_UNAVAILABLE',
    status: 503,
    description: 'The database cannot be reached right now (restarting, or down); Retry-After says when to try again',
  },
  PERMISSION_DENIED: { code: 'PAN_ERR_PERMISSION_DENIED', status: 403, description: "The end user's token does not grant the permission this needs" },

  // The host's catalog: integrations and their releases.
  INTEGRATION_EXTERNAL_URL_REQUIRED: {
    code: 'PAN_ERR_INTEGRATION_EXTERNAL_URL_REQUIRED',
    status: 422,
    description: 'An external integration was sent without an external_url',
  },
  INTEGRATION_UNKNOWN_CATEGORY: {
    code: 'PAN_ERR_INTEGRATION_UNKNOWN_CATEGORY',
    status: 422,
    description: 'An integration names categories the account does not have',
  },
  INTEGRATION_TRANSLATION_LOCALE_INVALID: {
    code: 'PAN_ERR_INTEGRATION_TRANSLATION_LOCALE_INVALID',
    status: 422,
    description: "A listing's translations are keyed by something that is not a BCP 47 language tag, or name one locale twice",
  },
  RELEASE_EMPTY: { code: 'PAN_ERR_RELEASE_EMPTY', status: 400, description: 'A release upload has no tar.gz body' },
  RELEASE_BAD_ARCHIVE: { code: 'PAN_ERR_RELEASE_BAD_ARCHIVE', status: 422, description: 'A release body is not a safe, readable tar.gz with a PANDIUM.yaml at its root' },
  RELEASE_INVALID_PANDIUM_YAML: {
    code: 'PAN_ERR_RELEASE_INVALID_PANDIUM_YAML',
    status: 422,
    description: "A release's PANDIUM.yaml is not valid (errors gives line and column)",
  },
  RELEASE_UNKNOWN_CONNECTOR: {
    code: 'PAN_ERR_RELEASE_UNKNOWN_CONNECTOR',
    status: 422,
    description: "A release's PANDIUM.yaml names connectors the account does not define",
  },
  RELEASE_VERSION_EXISTS: {
    code: 'PAN_ERR_RELEASE_VERSION_EXISTS',
    status: 409,
    description: 'A release version already exists with other content',
  },
  SCHEDULE_INVALID: { code: 'PAN_ERR_SCHEDULE_INVALID', status: 422, description: "A schedule (a tenant's or an integration's default) is not valid" },
  SCHEDULE_TIME_ZONE_INVALID: { code: 'PAN_ERR_SCHEDULE_TIME_ZONE_INVALID', status: 422, description: "A schedule's time zone is not an IANA time zone" },

  // Tenants: installing, updating, running.
  TENANT_INTEGRATION_NOT_FOUND: {
    code: 'PAN_ERR_TENANT_INTEGRATION_NOT_FOUND',
    status: 422,
    description: 'The integration to install does not exist or is not available to the user',
  },
  TENANT_INTEGRATION_EXTERNAL: {
    code: 'PAN_ERR_TENANT_INTEGRATION_EXTERNAL',
    status: 422,
    description: 'The integration to install is external: it is set up on its own site',
  },
  TENANT_NO_RELEASE: { code: 'PAN_ERR_TENANT_NO_RELEASE', status: 422, description: 'The integration has no release yet, so it cannot be installed' },
  TENANT_RELEASE_INVALID: {
    code: 'PAN_ERR_TENANT_RELEASE_INVALID',
    status: 422,
    description: 'The pinned release is not a release of the integration',
  },
  TENANT_ALREADY_INSTALLED: { code: 'PAN_ERR_TENANT_ALREADY_INSTALLED', status: 409, description: 'The user has already installed this integration' },
  TENANT_INSTALL_LIMIT: {
    code: 'PAN_ERR_TENANT_INSTALL_LIMIT',
    status: 403,
    description: "The user's token allows no more installed integrations (xti.allowed_installs)",
  },
  TENANT_PAUSED: { code: 'PAN_ERR_TENANT_PAUSED', status: 409, description: 'The tenant is paused: it cannot be run and its webhook is refused' },
  SETTINGS_INVALID: { code: 'PAN_ERR_SETTINGS_INVALID', status: 422, description: "A tenant's settings do not match its release's form (errors names the fields)" },

  // Connections and OAuth.
  CONNECTOR_OAUTH: { code: 'PAN_ERR_CONNECTOR_OAUTH', status: 422, description: 'A form was sent for a connector that is connected by signing in' },
  CONNECTOR_NOT_OAUTH: { code: 'PAN_ERR_CONNECTOR_NOT_OAUTH', status: 422, description: 'A sign-in was started for a connector that is connected with a form' },
  CONNECTION_INVALID: { code: 'PAN_ERR_CONNECTION_INVALID', status: 422, description: "A connection form's fields are missing or not valid" },
  CONNECTION_MISSING: { code: 'PAN_ERR_CONNECTION_MISSING', status: 422, description: 'An auth-only integration needs connectors the user has not connected yet' },
  OAUTH_RETURN_ORIGIN: {
    code: 'PAN_ERR_OAUTH_RETURN_ORIGIN',
    status: 422,
    description: "The return origin or URL of a sign-in is not an allowed http(s) origin of the marketplace",
  },
  OAUTH_STATE_INVALID: { code: 'PAN_ERR_OAUTH_STATE_INVALID', status: 400, description: 'The sign-in redirect has no state, or one already used or expired' },
  OAUTH_DENIED: { code: 'PAN_ERR_OAUTH_DENIED', status: 400, description: 'The user denied access at the provider' },
  OAUTH_EXCHANGE: { code: 'PAN_ERR_OAUTH_EXCHANGE', status: 400, description: 'The provider did not accept the authorization code' },
  OAUTH_PROVIDER: {
    code: 'PAN_ERR_OAUTH_PROVIDER',
    status: 502,
    alsoStatus: 400,
    description: 'The provider could not be reached or has no authorization endpoint (502); on the sign-in redirect, the provider reported an error (400)',
  },

  // The connector proxy (POST /v2/tenants/:id/connectors/:name/call).
  CONNECTION_NOT_CONNECTED: {
    code: 'PAN_ERR_CONNECTION_NOT_CONNECTED',
    status: 409,
    description: "The tenant's user has no stored connection to this connector (never connected, or disconnected)",
  },
  CONNECTION_NEEDS_RECONNECT: {
    code: 'PAN_ERR_CONNECTION_NEEDS_RECONNECT',
    status: 409,
    description: "The tenant's OAuth2 sign-in expired and could not be renewed: the user must connect again (message says why)",
  },
  PROXY_NO_BASE_URL: {
    code: 'PAN_ERR_PROXY_NO_BASE_URL',
    status: 422,
    description: 'The connector declares no api_base_urls, so the proxy sends it nothing (PUT /v2/connectors/:name to add them)',
  },
  PROXY_TARGET_NOT_ALLOWED: {
    code: 'PAN_ERR_PROXY_TARGET_NOT_ALLOWED',
    status: 422,
    description: "target_url is not a URL under one of the connector's api_base_urls (or carries user info or an encoded slash)",
  },
  PROXY_HEADER_NOT_ALLOWED: {
    code: 'PAN_ERR_PROXY_HEADER_NOT_ALLOWED',
    status: 422,
    description: 'A header or query parameter of the call is one the proxy sets itself (Authorization, Host, hop-by-hop, the connector\'s key), or is malformed (errors names it)',
  },
  PROXY_BODY_NOT_ALLOWED: { code: 'PAN_ERR_PROXY_BODY_NOT_ALLOWED', status: 422, description: 'A body was sent with a GET or HEAD call' },
  PROXY_TARGET_UNREACHABLE: {
    code: 'PAN_ERR_PROXY_TARGET_UNREACHABLE',
    status: 502,
    description: 'The target could not be reached (connection refused, DNS, TLS, or the egress policy refused its address)',
  },
  PROXY_RESPONSE_TOO_LARGE: {
    code: 'PAN_ERR_PROXY_RESPONSE_TOO_LARGE',
    status: 502,
    description: "The target's answer is larger than PAN_PROXY_MAX_RESPONSE_BYTES",
  },
  PROXY_TIMEOUT: { code: 'PAN_ERR_PROXY_TIMEOUT', status: 504, description: 'The target did not answer in full within PAN_PROXY_TIMEOUT_MS' },

  // Requests the server makes (notifications, OAuth, JWKS): the egress policy.
  EGRESS_REFUSED: {
    code: 'PAN_ERR_EGRESS_REFUSED',
    status: 422,
    description:
      'A URL the server would call names localhost or an address that is not public (loopback, private, link-local, CGNAT...), or uses http, and PAN_EGRESS_ALLOW does not admit it (errors names the field)',
  },

  // Notifications to the host.
  NOTIFICATIONS_URL_INVALID: { code: 'PAN_ERR_NOTIFICATIONS_URL_INVALID', status: 422, description: 'The notification URL is not an allowed URL' },
  NOTIFICATIONS_NOT_CONFIGURED: {
    code: 'PAN_ERR_NOTIFICATIONS_NOT_CONFIGURED',
    status: 409,
    description: 'A delivery was retried while no notification URL is set',
  },
  NOTIFICATION_NOT_FAILED: { code: 'PAN_ERR_NOTIFICATION_NOT_FAILED', status: 409, description: 'A delivery that has not failed was retried' },

  // Webhooks and synchronous runs.
  WEBHOOK_SIGNATURE_INVALID: {
    code: 'PAN_ERR_WEBHOOK_SIGNATURE_INVALID',
    status: 401,
    description: "A webhook's Standard Webhooks signature is missing, stale or wrong",
  },
  WEBHOOK_REPLAYED: { code: 'PAN_ERR_WEBHOOK_REPLAYED', status: 401, description: 'A signed webhook with this webhook-id was already received' },
  WEBHOOK_INVALID: { code: 'PAN_ERR_WEBHOOK_INVALID', status: 422, description: "A JSON webhook body does not match the release's webhook schema" },
  // Releases built from a source repository (git).
  SOURCE_NO_REPOSITORY: {
    code: 'PAN_ERR_SOURCE_NO_REPOSITORY',
    status: 422,
    description: 'A build was asked for an integration that names no repository_url',
  },
  SOURCE_REPOSITORY_URL_INVALID: {
    code: 'PAN_ERR_SOURCE_REPOSITORY_URL_INVALID',
    status: 422,
    description: 'repository_url is not an https:// URL (http:// to a host PAN_EGRESS_ALLOW admits, file:// where PAN_SOURCECONTROL_ALLOW_FILE is on), or carries credentials',
  },
  SOURCE_PATH_INVALID: {
    code: 'PAN_ERR_SOURCE_PATH_INVALID',
    status: 422,
    description: 'repository_path is absolute or has a .. segment, or is not a directory at the built commit',
  },
  SOURCE_REF_NOT_FOUND: {
    code: 'PAN_ERR_SOURCE_REF_NOT_FOUND',
    status: 422,
    description: 'The repository has no tag or branch of that name, or could not be fetched (the message says why)',
  },
  SOURCE_AUTH_FAILED: {
    code: 'PAN_ERR_SOURCE_AUTH_FAILED',
    status: 422,
    description: 'The repository asked for credentials and the integration has none, or refused them (PUT /v2/integrations/{integration}/sourcecontrol/credentials)',
  },
  SOURCE_FETCH_LIMIT: {
    code: 'PAN_ERR_SOURCE_FETCH_LIMIT',
    status: 422,
    description: 'Fetching the repository took longer or wrote more than PAN_SOURCECONTROL_FETCH_TIMEOUT_MS / PAN_SOURCECONTROL_FETCH_MAX_BYTES allow',
  },
  SOURCE_SIGNATURE_INVALID: {
    code: 'PAN_ERR_SOURCE_SIGNATURE_INVALID',
    status: 401,
    description: "A source-control push event's signature (X-Hub-Signature-256, X-Hub-Signature) or token (X-Gitlab-Token) is missing or wrong",
  },
  SOURCE_EVENT_UNSUPPORTED: {
    code: 'PAN_ERR_SOURCE_EVENT_UNSUPPORTED',
    status: 400,
    description: 'A source-control webhook names no known sender (X-GitHub-Event, X-Gitlab-Event, X-Event-Key) or its push body is not JSON of that shape',
  },
  TRIGGER_BACKLOG_FULL: {
    code: 'PAN_ERR_TRIGGER_BACKLOG_FULL',
    status: 429,
    description: "The tenant's triggers waiting for a run already hold the most payload bytes allowed; nothing was stored",
  },
  RUN_NOT_REPLAYABLE: {
    code: 'PAN_ERR_RUN_NOT_REPLAYABLE',
    status: 409,
    description: 'Only a failed run (a Failed status) whose triggers ended in it can be replayed',
  },
  RUN_FAILED: { code: 'PAN_ERR_RUN_FAILED', status: 502, description: 'A synchronous call (pan-synchronous: true) ended with a failed run' },
  SYNC_TIMEOUT: {
    code: 'PAN_ERR_SYNC_TIMEOUT',
    status: 504,
    description: 'A synchronous call (pan-synchronous: true) outlasted the wait; the run goes on',
  },
} as const satisfies Record<string, ErrorEntry>;

/** The statuses a catalogue entry may be answered with: its own, or its declared `alsoStatus`. */
type StatusOf<E extends ErrorEntry> = E['status'] | (E extends { alsoStatus: infer S extends number } ? S : never);

/**
 * The error for one catalogue entry: the status comes from the catalogue (a call site may pick
 * only the entry's declared `alsoStatus`), the message is for people, `details` are merged into the answer.
 */
export function panError<E extends ErrorEntry>(
  entry: E,
  message: string,
  details?: Record<string, unknown>,
  status: StatusOf<E> = entry.status,
): PanError {
  return new PanError(status, entry.code, message, details);
}

export const notFound = (what: string) => panError(ERRORS.NOT_FOUND, `${what} not found`);
