/**
 * The end-user marketplace API as the elements see it (Bearer JWT from the host).
 * Type-only: the browser imports these with `import type`, so nothing here reaches a bundle.
 *
 *   GET /marketplace/catalog?q=&category=&tag=   -> Catalog
 *   GET /marketplace/integrations/:slug          -> IntegrationDetail
 *
 * Errors are always `ApiError` with a machine-readable `code` (PAN_ERR_<AREA>_<WHAT>).
 * An expired token answers 401 with code `PAN_ERR_AUTH_TOKEN_EXPIRED`.
 */

export interface Flag {
  name: string;
  /** A CSS colour, e.g. `#d97706`. */
  color: string;
}

export interface IntegrationCard {
  id: string;
  slug: string;
  name: string;
  type: 'internal' | 'external';
  logo_url: string | null;
  short_description: string;
  /** Category slugs, in the account's category order. */
  categories: string[];
  tags: string[];
  flag: Flag | null;
  /** Where an external integration lives; null for internal ones. */
  external_url: string | null;
  /** Whether this user has an active (non-archived) tenant of it. */
  installed: boolean;
  /** One of its connectors' connections needs this user to reconnect (a refresh was refused). */
  reconnect_needed: boolean;
}

export interface IntegrationDetail extends IntegrationCard {
  /** Plain text with paragraphs separated by blank lines (never HTML). */
  long_description: string;
  connectors: string[];
  default_release: { id: string; version: string; created_at: string } | null;
}

export interface CategoryFacet {
  slug: string;
  name: string;
  /** Visible integrations in this category (ignoring the current filters). */
  count: number;
}

export interface TagFacet {
  name: string;
  count: number;
}

export interface Catalog {
  /** Integrations matching the filters, sorted by name. */
  integrations: IntegrationCard[];
  /** Every category with at least one visible integration, in the account's order. */
  categories: CategoryFacet[];
  /** Every tag of a visible integration, sorted by name. */
  tags: TagFacet[];
}

export interface ApiError {
  statusCode: number;
  code: string;
  error: string;
  message: string;
}

// ---- Tenants: one installation of one integration for this user ------------------------------
//
//   GET    /marketplace/integrations/:slug/install   -> InstallPlan (what the install flow needs)
//   GET    /marketplace/tenants                      -> { tenants: Tenant[] } (this user's, not archived)
//   POST   /marketplace/tenants                      InstallRequest -> 201 Tenant
//   GET    /marketplace/tenants/:id                  -> Tenant
//   PATCH  /marketplace/tenants/:id                  TenantUpdate -> Tenant
//   POST   /marketplace/tenants/:id/pause            -> Tenant
//   POST   /marketplace/tenants/:id/resume           -> Tenant
//   DELETE /marketplace/tenants/:id                  -> 204 (archived: history kept, can install again)
//
// Invalid settings answer 422 `{code: 'PAN_ERR_SETTINGS_INVALID', errors: SettingsError[]}` and
// nothing is saved. A second install: 409 `PAN_ERR_TENANT_ALREADY_INSTALLED`. Over
// `xti.allowed_installs`: 403 `PAN_ERR_TENANT_INSTALL_LIMIT`. Another user's tenant: 404.

import type { SettingsForm, SettingsError } from '@pan/pandium-yaml';
export type { SettingsForm, SettingsError };

/** Every N units, or a 5-field cron expression (UTC). */
export type Schedule =
  | { type: 'interval'; every: number; unit: 'minutes' | 'hours' | 'days' | 'weeks' }
  | { type: 'cron'; expression: string };

export type ReleaseChannel = { type: 'default' } | { type: 'latest' } | { type: 'pinned'; release_id: string };

export interface ReleaseRef {
  id: string;
  version: string;
  created_at: string;
}

export interface InstallPlan {
  integration: IntegrationDetail;
  /** The release an install would run (the integration's default). */
  release: ReleaseRef;
  /** Connectors the release needs (connect buttons come with the connections issue). */
  connectors: string[];
  /** The settings form before any init run (dynamic selectors not loaded). */
  settings_form: SettingsForm;
  /** The integration's default schedule; null: runs only when triggered. */
  default_schedule: Schedule | null;
  /** Releases a user may pin to, newest first. */
  releases: ReleaseRef[];
}

export interface InstallRequest {
  integration: string;
  configs?: Record<string, unknown>;
  /** Absent: the integration's default schedule. null: no schedule. */
  schedule?: Schedule | null;
  release_channel?: ReleaseChannel;
}

export interface TenantUpdate {
  configs?: Record<string, unknown>;
  /** `'default'`: follow the integration's default again; null: no schedule. */
  schedule?: Schedule | null | 'default';
  release_channel?: ReleaseChannel;
}

export interface Tenant {
  id: string;
  integration: Pick<IntegrationCard, 'id' | 'slug' | 'name' | 'logo_url'>;
  status: 'active' | 'paused';
  configs: Record<string, unknown>;
  /** The tenant's own schedule, or the integration's default when it has none. */
  schedule: Schedule | null;
  schedule_is_default: boolean;
  /** The integration's default schedule (null: it has none). */
  default_schedule: Schedule | null;
  release_channel: ReleaseChannel;
  /** The release the channel resolves to now. */
  release: ReleaseRef;
  /** Whether an init run has published options for the dynamic selectors. */
  dynamic_configs_loaded: boolean;
  /** The settings form for this tenant, with its dynamic options applied. */
  settings_form: SettingsForm;
  /** What this user may do with runs (from the token's `xti.permissions`). */
  permissions: { run: boolean; run_init: boolean; logs: boolean };
  created_at: string;
  updated_at: string;
}

/** `GET /marketplace/tenants/:id/webhook`: where the tenant's external system sends webhooks. */
export interface TenantWebhook {
  url: string;
  /** Whether a Standard Webhooks signature is required. */
  signed: boolean;
}

/**
 * Codes of the tenant routes' refusals. 422s that concern a field carry
 * `errors: SettingsError[]` (field `schedule`, `release_channel` or a settings field).
 */
export type TenantErrorCode =
  /** 404: no such tenant for this user (another user's and archived ones included). */
  | 'PAN_ERR_NOT_FOUND'
  /** 422 on install (404 on the install plan): no integration with that slug is visible to this user. */
  | 'PAN_ERR_TENANT_INTEGRATION_NOT_FOUND'
  /** 422: an external integration is set up on its own site; it cannot be installed. */
  | 'PAN_ERR_TENANT_INTEGRATION_EXTERNAL'
  /** 422: the integration has no release yet. */
  | 'PAN_ERR_TENANT_NO_RELEASE'
  /** 409: this user already has an active tenant of the integration. */
  | 'PAN_ERR_TENANT_ALREADY_INSTALLED'
  /** 403: `xti.allowed_installs` reached; `limit` says how many. */
  | 'PAN_ERR_TENANT_INSTALL_LIMIT'
  /** 422: settings do not pass the form; `errors` names each field. */
  | 'PAN_ERR_SETTINGS_INVALID'
  /** 422: `errors: [{field: 'schedule', message}]`. */
  | 'PAN_ERR_SCHEDULE_INVALID'
  /** 422: a pinned release that is not a release of this integration. */
  | 'PAN_ERR_TENANT_RELEASE_INVALID';

// ---- runs (the run engine) -----------------------------------------------------------------------

export type RunMode = 'init' | 'normal' | 'webhook';
export type TriggerSource = 'manual' | 'api' | 'webhook' | 'cron';

/** How a run ended (SPEC), `Running` while it runs, `Lost` when its worker vanished (its triggers were given back). */
export type RunStatus =
  | 'Running'
  | 'Succeeded'
  | 'Failed (Integration Issue)'
  | 'Failed (Timeout)'
  | 'Failed (Platform Issue)'
  | 'Failed (Refresh)'
  | 'Failed (Metadata Validation)'
  | 'Lost';

/** One trigger of a run, as listed in its history (no payload). */
export interface RunTriggerSummary {
  id: string;
  source: TriggerSource;
  mode: RunMode;
  /** ISO 8601, e.g. `2023-01-27T23:27:07Z`. */
  created_date: string;
  event?: string;
}

export interface Run {
  id: string;
  tenant_id: string;
  mode: RunMode;
  status: RunStatus;
  started_at: string;
  /** Null while running. */
  ended_at: string | null;
  /** Null while running. */
  duration_ms: number | null;
  exit_code: number | null;
  release: Pick<ReleaseRef, 'id' | 'version'>;
  triggers: RunTriggerSummary[];
  /** Number of log lines kept so far. */
  log_lines: number;
  /** The log (stderr) was cut at the cap; the last line says so. */
  log_truncated: boolean;
  /** Why the run's stdout did not become the next context, when it did not (e.g. "the last output is not JSON"). */
  output_note: string | null;
}

export interface RunPage {
  runs: Run[];
  /** Pass as `before` for the next (older) page; null at the end. */
  next_before: string | null;
}

/** 202 answer of every trigger intake. */
export interface TriggerAccepted {
  trigger_id: string;
}

/** `GET .../triggers/:id` (and `/v2/runs/triggers/:id/status`). */
export interface TriggerStatus {
  trigger_id: string;
  /** `pending` until a run takes it, then the run's state. */
  state: 'pending' | 'running' | 'finished';
  run_id: string | null;
  run_status: RunStatus | null;
}

/** `POST /marketplace/tenants/:id/runs`. `init` needs the `run:init` permission... see README. */
export interface RunRequest {
  mode?: 'init' | 'normal';
}

/** One stderr line of a run: SSE `id` is `seq`, event `line`, data this JSON. The stream ends with event `end`: `{status}`. */
export interface RunLogLine {
  seq: number;
  /** ISO 8601 with milliseconds. */
  at: string;
  line: string;
}

// ---- connections (connectors and their credentials) ---------------------------------------------

/** A field of an API-key connector's form. */
export interface ConnectorField {
  /** Becomes `PAN_SEC_<CONNECTOR>_<NAME>` (uppercased). */
  name: string;
  label: string;
  help?: string;
  /** Shown masked (default true). */
  secret?: boolean;
}

/** How a connector is set up by the account (host API `PUT /v2/connectors/:name`). Secrets are write-only. */
export type ConnectorDefinition =
  | {
      type: 'oauth2';
      display_name: string;
      /** Discovery (`/.well-known/openid-configuration` or OAuth AS metadata), or the two endpoints. */
      issuer?: string;
      authorization_endpoint?: string;
      token_endpoint?: string;
      client_id: string;
      client_secret?: string;
      scopes?: string[];
      /** Extra authorization request parameters, e.g. `{"prompt": "consent"}`. */
      extra_params?: Record<string, string>;
    }
  | { type: 'api_key'; display_name: string; fields: ConnectorField[] };

/** A connector as the end user sees it, with this user's connection state. Never a secret. */
export interface Connection {
  connector: string;
  display_name: string;
  type: 'oauth2' | 'api_key';
  /** API-key connectors: the form's fields. */
  fields?: ConnectorField[];
  status: 'connected' | 'not_connected' | 'needs_reconnect';
  /** Why it needs reconnecting (e.g. "The refresh was refused: invalid_grant"). */
  status_reason: string | null;
  /** OAuth2: when the access token expires (it is refreshed before runs). */
  expires_at: string | null;
  connected_at: string | null;
  /** The names of the stored fields (never their values). */
  stored_fields: string[];
}

/** `POST /marketplace/connections/:connector/oauth` body: where the result goes back. */
export interface OAuthStartRequest {
  /** The host page's origin: the popup posts its result to exactly this origin. */
  return_origin: string;
  /** Redirect fallback (popups blocked): the page to come back to, on `return_origin`. */
  return_url?: string;
  /** The tenant being installed or configured, when there is one. */
  tenant_id?: string;
}

export interface OAuthStartResponse {
  authorization_url: string;
}

/** What the OAuth callback page posts to `window.opener` (target origin: exactly `return_origin`). */
export interface OAuthResultMessage {
  type: 'pan-oauth-result';
  connector: string;
  status: 'connected' | 'error';
  /** On error, in plain words (e.g. "Access was denied at Acme CRM"). */
  message?: string;
}

/** `GET /marketplace/auth-only`: what the token's `xti.auth_only` names, for `<pan-marketplace mode="auth">`. */
export interface AuthOnlyView {
  integrations: Array<{
    integration: Pick<IntegrationCard, 'id' | 'slug' | 'name' | 'logo_url'>;
    /** The connectors its release needs, with this user's state. */
    connections: Connection[];
    /** Its tenant once installed (with the token's preset settings). */
    tenant: { id: string; status: 'active' | 'paused' } | null;
  }>;
}
