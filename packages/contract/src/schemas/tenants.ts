/**
 * Tenants: one installation of one integration for this user (Bearer JWT from the host).
 *
 *   GET    /marketplace/integrations/:slug/install   -> InstallPlan (what the install flow needs)
 *   GET    /marketplace/tenants                      -> TenantList (this user's, not archived)
 *   POST   /marketplace/tenants                      InstallRequest -> 201 Tenant
 *   GET    /marketplace/tenants/:id                  -> Tenant
 *   PATCH  /marketplace/tenants/:id                  TenantUpdate -> Tenant
 *   GET    /marketplace/tenants/:id/releases         -> TenantReleases (needs the `release` permission)
 *   POST   /marketplace/tenants/:id/pause            -> Tenant
 *   POST   /marketplace/tenants/:id/resume           -> Tenant
 *   DELETE /marketplace/tenants/:id                  -> 204 (archived: history kept, can install again)
 *   GET    /marketplace/tenants/:id/webhook          -> TenantWebhook
 *
 * Invalid settings answer 422 `{code: 'PAN_ERR_SETTINGS_INVALID', errors: SettingsError[]}` and
 * nothing is saved. A second install: 409 `PAN_ERR_TENANT_ALREADY_INSTALLED`. Over
 * `xti.allowed_installs`: 403 `PAN_ERR_TENANT_INSTALL_LIMIT`. Another user's tenant: 404. Changing
 * `release_channel` (or installing on one other than `default`) without the `release` permission:
 * 403 `PAN_ERR_PERMISSION_DENIED`; a pinned id that is not a release of the tenant's integration
 * (another account's included): 422 `PAN_ERR_TENANT_RELEASE_INVALID`.
 * Settings and schedules are checked in depth by the run API (422 naming the field), not by these schemas.
 */
import type { SettingsError, SettingsForm } from '@pan/pandium-yaml';
import { integrationDetailSchema, slugPattern } from './catalog.ts';
import { keysOf, type Refined, type Same, type WireType } from './wire-type.ts';

export type { SettingsError, SettingsForm };

export const tenantParamsSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', format: 'uuid' } },
} as const;

/** Any settings object; the tenant's form decides what is valid. */
const configsSchema = { type: 'object', maxProperties: 500 } as const;

/** Shape only; `checkSchedule` decides (422 with field `schedule`). */
const scheduleInputSchema = { type: ['object', 'null'], maxProperties: 10 } as const;

/**
 * The IANA time zone a tenant's cron schedule is read in (`Europe/Berlin`); shape only here, the run
 * API checks it with Intl (422 `PAN_ERR_SCHEDULE_TIME_ZONE_INVALID` naming the field `time_zone`).
 * Absent on install: the token's `tz` claim, else UTC (the elements send the browser's zone).
 */
export const timeZoneSchema = { type: 'string', minLength: 1, maxLength: 64 } as const;

/** What fires missed while nothing ran (downtime, a pause) become: one catch-up run, or none. */
export const missedFiresSchema = { type: 'string', enum: ['once', 'skip'] } as const;

/** Which release a tenant runs: the integration's default, its latest, or one pinned by id. */
export const releaseChannelSchema = {
  type: 'object',
  required: ['type'],
  additionalProperties: false,
  properties: {
    type: { type: 'string', enum: ['default', 'latest', 'pinned'] },
    release_id: { type: 'string', format: 'uuid' },
  },
  if: { properties: { type: { const: 'pinned' } } },
  then: { required: ['release_id'] },
  else: { not: { required: ['release_id'] } },
} as const;

/** `schedule` absent: the integration's default schedule; null: no schedule. */
export const installBodySchema = {
  type: 'object',
  required: ['integration'],
  additionalProperties: false,
  properties: {
    integration: { type: 'string', pattern: slugPattern },
    configs: configsSchema,
    schedule: scheduleInputSchema,
    time_zone: timeZoneSchema,
    missed_fires: missedFiresSchema,
    release_channel: releaseChannelSchema,
  },
} as const;

/** `schedule: 'default'`: follow the integration's default again; null: no schedule. */
export const updateBodySchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    configs: configsSchema,
    schedule: { anyOf: [scheduleInputSchema, { const: 'default' }] },
    time_zone: timeZoneSchema,
    missed_fires: missedFiresSchema,
    release_channel: releaseChannelSchema,
  },
} as const;

/**
 * Every N units, or a 5-field cron expression (read in the tenant's `time_zone`). No route validates with this schema: a
 * schedule is sent and answered as "any object" (`openScheduleSchema`), and the run API's
 * `checkSchedule` refuses anything else (422 naming the field). It says what that check lets through.
 */
export const scheduleSchema = {
  oneOf: [
    {
      type: 'object',
      required: ['type', 'every', 'unit'],
      additionalProperties: false,
      properties: {
        type: { const: 'interval' },
        every: { type: 'integer', minimum: 1 },
        unit: { type: 'string', enum: ['minutes', 'hours', 'days', 'weeks'] },
      },
    },
    {
      type: 'object',
      required: ['type', 'expression'],
      additionalProperties: false,
      properties: { type: { const: 'cron' }, expression: { type: 'string', minLength: 1, maxLength: 200 } },
    },
  ],
} as const;

// ---- answers ----

const anyObject = { type: 'object', additionalProperties: true } as const;

/** A stored schedule (a `Schedule`, checked when it was saved), or null. */
const openScheduleSchema = { anyOf: [{ type: 'null' }, anyObject] } as const;

export const releaseRefSchema = {
  type: 'object',
  required: ['id', 'version', 'created_at'],
  properties: { id: { type: 'string' }, version: { type: 'string' }, created_at: { type: 'string' } },
} as const;

/** @pan/pandium-yaml's `SettingsForm` (checked below to be the same type). */
const settingsFormSchema = {
  type: 'object',
  required: ['schema', 'uiSchema', 'fields', 'dependents'],
  properties: {
    schema: anyObject,
    uiSchema: anyObject,
    fields: { type: 'array', items: { type: 'string' } },
    dependents: { type: 'object', additionalProperties: { type: 'string' } },
    /** The author's translations: per BCP 47 tag, JSON pointer into this form -> text. */
    i18n: { type: 'object', additionalProperties: { type: 'object', additionalProperties: { type: 'string' } } },
  },
} as const;

/** An integration as a tenant names it. */
export const integrationRefSchema = {
  type: 'object',
  required: ['id', 'slug', 'name', 'logo_url'],
  properties: { id: { type: 'string' }, slug: { type: 'string' }, name: { type: 'string' }, logo_url: { type: ['string', 'null'] } },
} as const;

/**
 * `schedule`: the tenant's own, or the integration's default when it has none (`schedule_is_default`).
 * `default_schedule`: the integration's (null: it has none). `time_zone`: the IANA zone the cron
 * expression is read in (either schedule). `missed_fires`: 'once' (one catch-up run after
 * downtime) or 'skip'. `release`: the release the channel
 * resolves to now. `dynamic_configs_loaded`: an init run has published options for the dynamic
 * selectors. `settings_form`: the form for this tenant, with its dynamic options applied.
 * `permissions`: what this user may do with runs, and `release`: choose the release channel (from
 * the token's `xti.permissions`).
 */
const tenantProperties = {
  id: { type: 'string' },
  integration: integrationRefSchema,
  status: { type: 'string', enum: ['active', 'paused'] },
  configs: anyObject,
  schedule: openScheduleSchema,
  schedule_is_default: { type: 'boolean' },
  default_schedule: openScheduleSchema,
  time_zone: { type: 'string' },
  missed_fires: missedFiresSchema,
  release_channel: {
    type: 'object',
    required: ['type'],
    properties: { type: { type: 'string' }, release_id: { type: 'string' } },
  },
  release: releaseRefSchema,
  dynamic_configs_loaded: { type: 'boolean' },
  settings_form: settingsFormSchema,
  permissions: {
    type: 'object',
    properties: { run: { type: 'boolean' }, run_init: { type: 'boolean' }, logs: { type: 'boolean' }, release: { type: 'boolean' } },
  },
  created_at: { type: 'string' },
  updated_at: { type: 'string' },
} as const;

export const tenantSchema = {
  type: 'object',
  required: keysOf(tenantProperties),
  properties: tenantProperties,
} as const;

export const tenantListSchema = {
  type: 'object',
  required: ['tenants'],
  properties: { tenants: { type: 'array', items: tenantSchema } },
} as const;

/**
 * `release`: the release an install would run (the integration's default). `connectors`: those the
 * release needs. `settings_form`: the form before any init run (dynamic selectors not loaded).
 * `default_schedule`: null, runs only when triggered. `releases`: those a user may pin to, newest first.
 * `time_zone`: the token's `tz` claim, the zone a new schedule defaults to (null: none; the
 * elements then use the browser's).
 */
export const installPlanSchema = {
  type: 'object',
  required: ['integration', 'release', 'connectors', 'settings_form', 'default_schedule', 'releases', 'time_zone'],
  properties: {
    integration: integrationDetailSchema,
    release: releaseRefSchema,
    connectors: { type: 'array', items: { type: 'string' } },
    settings_form: settingsFormSchema,
    default_schedule: openScheduleSchema,
    releases: { type: 'array', items: releaseRefSchema },
    time_zone: { type: ['string', 'null'] },
  },
} as const;

/**
 * The releases a user may choose for a tenant, newest first (so the first is what `latest` runs):
 * `is_default` marks the integration's default, and `settings_form` is that release's form for
 * this tenant (dynamic options applied), which the page shows once the release is chosen.
 */
export const tenantReleasesSchema = {
  type: 'object',
  required: ['releases'],
  properties: {
    releases: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'version', 'created_at', 'is_default', 'settings_form'],
        properties: { ...releaseRefSchema.properties, is_default: { type: 'boolean' }, settings_form: settingsFormSchema },
      },
    },
  },
} as const;

/** Where the tenant's external system sends webhooks; `signed`: a Standard Webhooks signature is required. */
export const tenantWebhookSchema = {
  type: 'object',
  required: ['url', 'signed'],
  properties: { url: { type: 'string' }, signed: { type: 'boolean' } },
} as const;

/**
 * Codes of the tenant routes' refusals (no route serialises with this schema: errors all have the
 * `ApiError` shape). 422s that concern a field carry `errors: SettingsError[]` (field `schedule`,
 * `release_channel` or a settings field).
 */
export const tenantErrorCodeSchema = {
  type: 'string',
  enum: [
    /** 404: no such tenant for this user (another user's and archived ones included). */
    'PAN_ERR_NOT_FOUND',
    /** 422 on install (404 on the install plan): no integration with that slug is visible to this user. */
    'PAN_ERR_TENANT_INTEGRATION_NOT_FOUND',
    /** 422: an external integration is set up on its own site; it cannot be installed. */
    'PAN_ERR_TENANT_INTEGRATION_EXTERNAL',
    /** 422: the integration has no release yet. */
    'PAN_ERR_TENANT_NO_RELEASE',
    /** 409: this user already has an active tenant of the integration. */
    'PAN_ERR_TENANT_ALREADY_INSTALLED',
    /** 403: `xti.allowed_installs` reached; `limit` says how many. */
    'PAN_ERR_TENANT_INSTALL_LIMIT',
    /** 422: settings do not pass the form; `errors` names each field. */
    'PAN_ERR_SETTINGS_INVALID',
    /** 422: `errors: [{field: 'schedule', message}]`. */
    'PAN_ERR_SCHEDULE_INVALID',
    /** 422: not an IANA time zone; `errors: [{field: 'time_zone', message}]`. */
    'PAN_ERR_SCHEDULE_TIME_ZONE_INVALID',
    /** 422: a pinned release that is not a release of this integration. */
    'PAN_ERR_TENANT_RELEASE_INVALID',
    /** 403: a release channel change (or the releases list) without the token's `release` permission. */
    'PAN_ERR_PERMISSION_DENIED',
  ],
} as const;

export type Schedule = WireType<typeof scheduleSchema>;
export type ReleaseChannel = WireType<typeof releaseChannelSchema>;
export type MissedFires = WireType<typeof missedFiresSchema>;
export type ReleaseRef = WireType<typeof releaseRefSchema>;
export type IntegrationRef = WireType<typeof integrationRefSchema>;
export type TenantParams = WireType<typeof tenantParamsSchema>;
export type InstallRequest = WireType<typeof installBodySchema>;
export type TenantUpdate = WireType<typeof updateBodySchema>;
export type Tenant = Refined<
  WireType<typeof tenantSchema>,
  { schedule: Schedule | null; default_schedule: Schedule | null; release_channel: ReleaseChannel }
>;
export type TenantList = Refined<WireType<typeof tenantListSchema>, { tenants: Tenant[] }>;
export type InstallPlan = Refined<WireType<typeof installPlanSchema>, { default_schedule: Schedule | null }>;
export type TenantReleases = WireType<typeof tenantReleasesSchema>;
export type TenantReleaseChoice = TenantReleases['releases'][number];
export type TenantWebhook = WireType<typeof tenantWebhookSchema>;
export type TenantErrorCode = WireType<typeof tenantErrorCodeSchema>;

/** The settings form above is @pan/pandium-yaml's: this fails to compile when the two part ways. */
type SettingsFormIsPandiumYamls = Same<WireType<typeof settingsFormSchema>, SettingsForm>;
