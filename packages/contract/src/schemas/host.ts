/**
 * The host API (`/v2`, server to server with `X-API-KEY`): integrations, releases, tenants, app
 * events. A response schema here also makes Fastify serialise only the listed fields: a column
 * added to a query later is not returned until it is listed. Schemas marked "answer shape"
 * describe answers no route serialises with a schema (they are sent as built).
 *
 *   PUT  /v2/marketplace/categories                        CategoriesRequest -> CategoriesRequest
 *   GET  /v2/integrations                                   -> HostIntegration[]
 *   GET  /v2/integrations/:integration                      -> HostIntegration
 *   PUT  /v2/integrations/:slug                             IntegrationListingRequest -> IntegrationListingSaved
 *   GET  /v2/integrations/:integration/releases             -> HostRelease[]
 *   POST /v2/integrations/:integration/releases             tar.gz ?version&make_default -> 201/200 PushedRelease
 *   GET  /v2/integrations/:integration/releases/:release    -> HostReleaseDetail
 *   GET  /v2/tenants                                        -> HostTenant[]
 *   POST /v2/tenants                                        HostInstallRequest -> 201 HostTenant
 *   GET  /v2/tenants/:id, PATCH /v2/tenants/:id             -> HostTenant  (:id public integer id, or the UUID)
 *   POST /v2/tenants/:id/webhook-secret                     -> 201 SecretAnswer
 *   POST /v2/events                                         AppEvent -> 202 AppEventAccepted
 */
import { listingTranslationsSchema, slugPattern } from './catalog.ts';
import type { ReleaseChannel, Schedule } from './tenants.ts';
import { missedFiresSchema, timeZoneSchema } from './tenants.ts';
import type { Refined, WireType } from './wire-type.ts';
import { repositoryProperties } from './sourcecontrol.ts';
import { publicIdSchema } from './public-ids.ts';

export { hostRefSchema, publicIdSchema } from './public-ids.ts';

const date = { type: 'string', format: 'date-time' } as const;
const nullableDate = { type: ['string', 'null'], format: 'date-time' } as const;
const anyObject = { type: 'object', additionalProperties: true } as const;


/**
 * A path's `:id` on the host API: the public integer id, or *(ours)* the UUID the marketplace API
 * and the elements' events carry, so that a host can act on what an element told it.
 */
export const hostIdParamsSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: { anyOf: [publicIdSchema, { type: 'string', format: 'uuid' }] } },
} as const;


export const listOf = <T extends object>(item: T) => ({ type: 'array', items: item }) as const;

export const integrationSchema = {
  type: 'object',
  required: ['id', 'slug', 'name', 'long_name', 'type', 'connectors', 'default_release_channel', 'created_date', 'modified_date'],
  properties: {
    id: publicIdSchema,
    uuid: { type: 'string', format: 'uuid', description: '(ours) The id the marketplace API and the elements use' },
    slug: { type: 'string', description: '(ours)' },
    name: { type: 'string', description: 'The display name (Pandium: a short name; ours is `slug`)' },
    long_name: { type: 'string', description: 'The display name' },
    type: { type: 'string', enum: ['Internal', 'External'], description: 'Pandium\'s spelling; Internal runs a script, External is a tile opening `external_url`' },
    external_url: { type: ['string', 'null'] },
    logo_url: { type: ['string', 'null'] },
    short_description: { type: 'string' },
    long_description: { type: 'string' },
    tags: { type: 'array', items: { type: 'string' } },
    categories: { type: 'array', items: { type: 'string' } },
    flag: {
      anyOf: [{ type: 'null' }, { type: 'object', properties: { name: { type: 'string' }, color: { type: 'string' } } }],
    },
    connectors: {
      type: 'array',
      description: "Pandium's shape: the listing's connectors and those its default release's PANDIUM.yaml names",
      items: {
        type: 'object',
        required: ['name', 'isGlobal'],
        properties: {
          name: { type: 'string' },
          isGlobal: { type: 'boolean', description: 'Always false: every connection here is a tenant\'s own (no account-wide credentials)' },
        },
      },
    },
    visible_to_groups: { type: 'array', items: { type: 'string' } },
    default_schedule: { anyOf: [{ type: 'null' }, anyObject] },
    default_release_id: { anyOf: [{ type: 'null' }, publicIdSchema] },
    translations: { ...listingTranslationsSchema, description: '(ours) The listing per locale (BCP 47 tag)' },
    default_release_channel: { type: 'string', enum: ['Default'], description: 'The channel a new tenant follows (POST /v2/tenants may pick another)' },
    ...repositoryProperties,
    created_date: date,
    modified_date: date,
  },
} as const;

/** Pandium's IntegrationRelease; the fields marked *(ours)* are our extensions. */
const releaseProperties = {
  id: publicIdSchema,
  integration_id: publicIdSchema,
  name: { type: 'string', description: 'The release name: its version (a build from git: the tag)' },
  tag: { type: 'string', description: 'Same as name' },
  run_command: { type: 'string', description: "PANDIUM.yaml's run" },
  repository_tracking_branch: {
    type: ['string', 'null'],
    description: 'The branch a push built it from (null: uploaded, or built from a tag by POST /v2/sourcecontrol/build)',
  },
  source_ref: { type: ['string', 'null'], description: '(ours) The tag or branch it was built from (null: uploaded)' },
  source_commit: { type: ['string', 'null'], description: '(ours) The commit it was built from (null: uploaded)' },
  config_schema: { ...anyObject, description: "PANDIUM.yaml's configs ({schema, uischema}; {} when none)" },
  config_version: { type: 'string', description: "PANDIUM.yaml's version ('' when it has none)" },
  metadata_schema: { ...anyObject, description: "PANDIUM.yaml's metadata_schema ({} when none)" },
  modified_date: { ...date, description: 'Releases never change: the creation time' },
  uuid: { type: 'string', format: 'uuid', description: '(ours) The id the marketplace API uses' },
  version: { type: 'string', description: '(ours) Same as name' },
  is_default: { type: 'boolean' },
  archive_sha256: { type: 'string', description: '(ours)' },
  archive_bytes: { type: 'integer', description: '(ours)' },
  warnings: { type: 'array', items: anyObject, description: '(ours)' },
  created_date: date,
} as const;

export const releaseSchema = {
  type: 'object',
  required: ['id', 'integration_id', 'name', 'run_command', 'config_schema', 'config_version', 'metadata_schema', 'version', 'is_default', 'created_date', 'modified_date'],
  properties: releaseProperties,
} as const;

export const releaseDetailSchema = {
  type: 'object',
  required: [...releaseSchema.required, 'pandium_yaml', 'spec'],
  properties: {
    ...releaseProperties,
    pandium_yaml: { type: 'string', description: 'The PANDIUM.yaml of the release, as uploaded' },
    spec: { ...anyObject, description: 'The parsed PANDIUM.yaml' },
  },
} as const;

/** What Pandium's TenantStatus says of a run (`{}` when there is none). */
const tenantRunSummary = {
  type: 'object',
  properties: {
    id: publicIdSchema,
    mode: { type: 'string' },
    phase: { type: 'string', enum: ['Running', 'Succeeded', 'Failed', 'Timeout'] },
    startTime: date,
    completionTime: nullableDate,
  },
} as const;

/** Pandium's TenantStatus: the runs that matter, the init run's options, the connections. */
export const tenantStatusSchema = {
  type: 'object',
  required: ['last_run', 'current_run', 'last_successful_run', 'dynamic_configs', 'auth'],
  properties: {
    last_run: tenantRunSummary,
    current_run: tenantRunSummary,
    last_successful_run: tenantRunSummary,
    dynamic_configs: anyObject,
    auth: {
      type: 'object',
      required: ['connected', 'connectors'],
      properties: {
        connected: { type: 'boolean', description: 'Every connector of the integration is connected' },
        connectors: {
          type: 'array',
          items: {
            type: 'object',
            required: ['name', 'status'],
            properties: {
              name: { type: 'string' },
              status: { type: 'string', enum: ['connected', 'needs_reconnect', 'not_connected'] },
              last_change: nullableDate,
            },
          },
        },
      },
    },
  },
} as const;

/** Pandium's Tenant; the fields marked *(ours)* are our extensions. */
export const hostTenantSchema = {
  type: 'object',
  required: ['id', 'name', 'integration_id', 'configs', 'paused', 'archived', 'created_date', 'modified_date', 'status'],
  properties: {
    id: publicIdSchema,
    name: { type: 'string', description: "The end user's identity the tenant belongs to (the JWT's sub)" },
    archived: { type: 'boolean' },
    integration_id: publicIdSchema,
    configs: anyObject,
    created_date: date,
    modified_date: date,
    paused: { type: 'boolean' },
    integration_release_id: { anyOf: [{ type: 'null' }, publicIdSchema], description: 'The pinned release, if any' },
    integration_release_channel: { type: ['string', 'null'], enum: ['Latest', 'Default', null] },
    status: tenantStatusSchema,
    uuid: { type: 'string', format: 'uuid', description: '(ours) The id the marketplace API and the elements use' },
    integration_slug: { type: 'string', description: '(ours)' },
    user_name: { type: 'string', description: '(ours) Same as name' },
    metadata: { ...anyObject, description: '(ours)' },
    archived_date: { ...nullableDate, description: '(ours)' },
    time_zone: { type: 'string', description: '(ours) The IANA time zone its cron schedule is read in' },
    missed_fires: { ...missedFiresSchema, description: '(ours)' },
  },
} as const;

/** Pandium's RunTrigger; `event` is ours (an app event's name). */
export const hostRunTriggerSchema = {
  type: 'object',
  required: ['id', 'created_date', 'mode', 'source'],
  properties: {
    id: { type: 'string', description: 'The trigger id (`trigger_id` of the 202 that queued it)' },
    created_date: date,
    mode: { type: 'string' },
    source: { type: 'string', enum: ['manual', 'api', 'webhook', 'cron'] },
    payload: {
      type: 'object',
      description: 'A webhook or API trigger\'s body: the headers as sent (credentials never kept) and its size; none for manual and cron',
      required: ['headers'],
      properties: {
        headers: { type: 'object', additionalProperties: { type: 'string' } },
        bytes: { type: 'integer', description: '(ours) The body\'s size' },
      },
    },
    event: { type: 'string', description: '(ours)' },
  },
} as const;

/** Pandium's Run; the fields marked *(ours)* are our extensions. */
export const hostRunSchema = {
  type: 'object',
  required: ['id', 'mode', 'status', 'triggers', 'started_date', 'completed_date', 'tenant_id', 'integration_id'],
  properties: {
    id: publicIdSchema,
    mode: { type: 'string', enum: ['init', 'normal', 'webhook'] },
    status: {
      type: 'object',
      required: ['phase', 'startTime', 'completionTime'],
      properties: {
        phase: { type: 'string', enum: ['Running', 'Succeeded', 'Failed', 'Timeout'] },
        startTime: date,
        completionTime: nullableDate,
      },
    },
    triggers: { type: 'array', items: hostRunTriggerSchema },
    started_date: date,
    completed_date: nullableDate,
    tenant_id: publicIdSchema,
    integration_id: publicIdSchema,
    uuid: { type: 'string', format: 'uuid', description: '(ours) The id the marketplace API and the elements use' },
    detailed_status: {
      type: 'string',
      description: "(ours) The run's status in detail, e.g. `Failed (Integration Issue)`, `Failed (Metadata Validation)`, `Lost`",
    },
    release_id: { ...publicIdSchema, description: '(ours) The release it ran' },
    release_version: { type: 'string', description: '(ours)' },
    exit_code: { type: ['integer', 'null'], description: '(ours)' },
    log_lines: { type: 'integer', description: '(ours) Log lines kept so far' },
    log_truncated: { type: 'boolean', description: '(ours) The log was cut at the cap' },
    output_note: { type: ['string', 'null'], description: "(ours) Why the run's stdout did not become the next context" },
    replay_of: { anyOf: [{ type: 'null' }, publicIdSchema], description: '(ours) The failed run this one replays' },
  },
} as const;

export type HostRun = WireType<typeof hostRunSchema>;

/**
 * Pandium's TriggerStatus (`status`: the run's phase, `Pending` until a run took the trigger,
 * `Failed` when it was dead-lettered) and ours: `state`, `attempts`, the run's ids and detailed status.
 */
export const hostTriggerStatusSchema = {
  type: 'object',
  required: ['status', 'trigger_id', 'state', 'run_id'],
  properties: {
    status: { type: 'string', enum: ['Pending', 'Running', 'Succeeded', 'Failed', 'Timeout'] },
    trigger_id: { type: 'string', description: '(ours)' },
    state: { type: 'string', enum: ['pending', 'running', 'finished', 'dead_letter'], description: '(ours)' },
    attempts: { type: 'integer', minimum: 0, description: '(ours)' },
    run_id: { anyOf: [{ type: 'null' }, publicIdSchema], description: '(ours) The run that took it' },
    run_uuid: { type: ['string', 'null'], description: '(ours) The same run by its UUID' },
    detailed_status: { type: ['string', 'null'], description: "(ours) The run's detailed status" },
  },
} as const;

export type HostTriggerStatus = WireType<typeof hostTriggerStatusSchema>;

// ---- requests ----

/** Creates or replaces an integration's marketplace listing (the slug is in the path). */
export const listingBodySchema = {
  type: 'object',
  required: ['name', 'type'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    type: { type: 'string', enum: ['internal', 'external', 'Internal', 'External'] },
    external_url: { type: ['string', 'null'], format: 'uri', pattern: '^https?://', maxLength: 2000 },
    // Logos may be inline SVG/PNG data URLs; keep them small.
    logo_url: { type: ['string', 'null'], pattern: '^(https?://|data:image/)', maxLength: 200_000 },
    short_description: { type: 'string', maxLength: 300 },
    long_description: { type: 'string', maxLength: 20_000 },
    categories: { type: 'array', maxItems: 20, uniqueItems: true, items: { type: 'string', pattern: slugPattern } },
    tags: { type: 'array', maxItems: 30, uniqueItems: true, items: { type: 'string', minLength: 1, maxLength: 50 } },
    flag: {
      anyOf: [
        { type: 'null' },
        {
          type: 'object',
          required: ['name', 'color'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 40 },
            // A CSS colour the element can safely put in a style: hex, rgb()/hsl() or a keyword.
            color: { type: 'string', pattern: '^(#[0-9a-fA-F]{3,8}|(rgb|hsl)a?\\([0-9., %]+\\)|[a-zA-Z]{3,20})$' },
          },
        },
      ],
    },
    connectors: { type: 'array', maxItems: 20, uniqueItems: true, items: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$' } },
    visible_to_groups: { type: 'array', maxItems: 50, uniqueItems: true, items: { type: 'string', minLength: 1, maxLength: 100 } },
    // Shape only here; `checkSchedule` answers 422 with the reason.
    default_schedule: { type: ['object', 'null'], maxProperties: 10 },
    ...repositoryProperties,
    /**
     * *(ours)* The listing's words per locale; each tag a well-formed BCP 47 tag (checked by the
     * route: 422 PAN_ERR_INTEGRATION_TRANSLATION_LOCALE_INVALID), each string as long as the listing's own.
     */
    translations: {
      type: 'object',
      maxProperties: 50,
      propertyNames: { type: 'string', minLength: 2, maxLength: 35 },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        minProperties: 1,
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 200 },
          short_description: { type: 'string', maxLength: 300 },
          long_description: { type: 'string', maxLength: 20_000 },
        },
      },
    },
  },
} as const;

/** Answer shape of `PUT /v2/integrations/:slug`. */
export const listingSavedSchema = {
  type: 'object',
  required: ['id', 'slug'],
  properties: { id: publicIdSchema, uuid: { type: 'string', format: 'uuid', description: '(ours)' }, slug: { type: 'string' } },
} as const;

/** Replaces the account's categories; their order here is their order in the marketplace. */
export const categoriesBodySchema = {
  type: 'object',
  required: ['categories'],
  additionalProperties: false,
  properties: {
    categories: {
      type: 'array',
      maxItems: 200,
      items: {
        type: 'object',
        required: ['slug', 'name'],
        additionalProperties: false,
        properties: { slug: { type: 'string', pattern: slugPattern }, name: { type: 'string', minLength: 1, maxLength: 100 } },
      },
    },
  },
} as const;

/**
 * Answer shape of a release upload (201 new, 200 the same archive again). `created`: false when
 * that archive was already a release of the integration. `warnings`: PANDIUM.yaml's, one line each.
 */
export const pushedReleaseSchema = {
  type: 'object',
  required: ['id', 'version', 'created_at', 'created', 'is_default', 'warnings'],
  properties: {
    id: { ...publicIdSchema, description: 'The release id' },
    uuid: { type: 'string', format: 'uuid', description: '(ours)' },
    version: { type: 'string' },
    created_at: { type: 'string' },
    created: { type: 'boolean' },
    is_default: { type: 'boolean' },
    warnings: { type: 'array', items: { type: 'string' } },
  },
} as const;

/** Installs an integration for one of the host's users (`integration` or, Pandium's name, `integration_id`: its slug or id). */
/**
 * Pandium's CreateTenant; the fields marked *(ours)* are our extensions. The user is `name` (or
 * `user_name`), the integration `integration_id` (or `integration`, a slug).
 */
export const hostInstallBodySchema = {
  type: 'object',
  allOf: [
    { anyOf: [{ required: ['name'] }, { required: ['user_name'] }] },
    { anyOf: [{ required: ['integration_id'] }, { required: ['integration'] }] },
  ],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 255, description: "The end user's identity the tenant belongs to (the JWT's sub)" },
    integration_id: publicIdSchema,
    user_schedule: { type: 'string', minLength: 1, maxLength: 200, description: 'A 5-field cron expression (UTC)' },
    integration_release_id: { ...publicIdSchema, description: 'Pins the tenant to this release' },
    integration_release_channel: { type: 'string', enum: ['Latest', 'Default'] },
    configs: { type: 'object', maxProperties: 200 },
    user_name: { type: 'string', minLength: 1, maxLength: 255, description: '(ours) Same as name' },
    integration: { type: 'string', minLength: 1, maxLength: 100, description: '(ours) The integration by slug' },
    schedule: { type: ['object', 'null'], maxProperties: 10, description: '(ours) A schedule object, instead of user_schedule' },
    time_zone: { ...timeZoneSchema, description: '(ours) The IANA time zone of the schedule (default UTC)' },
    missed_fires: { ...missedFiresSchema, description: "(ours) After downtime: one catch-up run ('once', the default) or none ('skip')" },
    release_channel: {
      type: 'object',
      description: '(ours) The channel as the marketplace API names it',
      required: ['type'],
      properties: { type: { type: 'string', enum: ['default', 'latest', 'pinned'] }, release_id: { type: 'string', format: 'uuid' } },
    },
  },
} as const;

/** A secret shown once, in this answer. */
export const secretSchema = { type: 'object', required: ['secret'], properties: { secret: { type: 'string' } } } as const;

/** An app event from the host backend: fanned out to the user's active tenants that subscribe to `name`. */
export const appEventBodySchema = {
  type: 'object',
  required: ['name', 'user'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    user: { type: 'string', minLength: 1, maxLength: 500 },
    payload: {},
  },
} as const;

/** One trigger per subscribed tenant; `message` says why there are none. */
export const appEventAcceptedSchema = {
  type: 'object',
  required: ['triggers', 'count'],
  properties: {
    triggers: {
      type: 'array',
      items: {
        type: 'object',
        required: ['tenant_id', 'trigger_id'],
        properties: { tenant_id: { type: 'string' }, trigger_id: { type: 'string' } },
      },
    },
    count: { type: 'integer' },
    message: { type: 'string' },
  },
} as const;

export type HostIntegration = Refined<WireType<typeof integrationSchema>, { default_schedule?: Schedule | null }>;
export type HostRelease = WireType<typeof releaseSchema>;
export type HostReleaseDetail = WireType<typeof releaseDetailSchema>;
export type HostTenant = WireType<typeof hostTenantSchema>;
export type IntegrationListingRequest = WireType<typeof listingBodySchema>;
export type IntegrationListingSaved = WireType<typeof listingSavedSchema>;
export type CategoriesRequest = WireType<typeof categoriesBodySchema>;
export type PushedRelease = WireType<typeof pushedReleaseSchema>;
/**
 * This schema does not tie `release_id` to `pinned` (the marketplace's does); the install answers
 * 422 for a channel that names no release of the integration, as it does for the marketplace's.
 */
export type HostInstallRequest = Refined<WireType<typeof hostInstallBodySchema>, { release_channel?: ReleaseChannel }>;
export type SecretAnswer = WireType<typeof secretSchema>;
export type AppEvent = WireType<typeof appEventBodySchema>;
export type AppEventAccepted = WireType<typeof appEventAcceptedSchema>;

// ---- Retention: GET/PUT /v2/retention ---------------------------------------------------------------

const retentionDays = {
  type: ['integer', 'null'],
  minimum: 0,
  maximum: 36500,
  description: "Days kept; 0: forever; null: the server's default (PAN_RETENTION_*)",
} as const;

/** The account's own retention periods (PUT body, and part of the answer). */
export const retentionSettingsSchema = {
  type: 'object',
  required: ['runs_days', 'payloads_days', 'deliveries_days'],
  additionalProperties: false,
  properties: {
    runs_days: { ...retentionDays, description: `Ended runs, their log lines and triggers. ${retentionDays.description}` },
    payloads_days: { ...retentionDays, description: `Payloads of triggers a run has taken. ${retentionDays.description}` },
    deliveries_days: { ...retentionDays, description: `Finished notification deliveries and attempts. ${retentionDays.description}` },
  },
} as const;

/** The account's own periods and the ones in force (its own, else the server's). */
export const retentionSchema = {
  type: 'object',
  required: ['runs_days', 'payloads_days', 'deliveries_days', 'effective'],
  additionalProperties: false,
  properties: {
    ...retentionSettingsSchema.properties,
    effective: {
      type: 'object',
      required: ['runs_days', 'payloads_days', 'deliveries_days'],
      additionalProperties: false,
      properties: { runs_days: { type: 'integer' }, payloads_days: { type: 'integer' }, deliveries_days: { type: 'integer' } },
    },
  },
} as const;

export type RetentionSettings = WireType<typeof retentionSettingsSchema>;
export type Retention = WireType<typeof retentionSchema>;
