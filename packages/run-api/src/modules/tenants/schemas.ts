/** JSON Schemas for the tenant routes. Settings and schedules are checked in depth by the service (422 naming the field). */
import { integrationDetailSchema, slugPattern } from '../catalog/schemas.ts';

export const tenantParamsSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', format: 'uuid' } },
} as const;

/** Any settings object; the tenant's form decides what is valid. */
const configsSchema = { type: 'object', maxProperties: 500 } as const;

/** Shape only; `checkSchedule` decides (422 with field `schedule`). */
const scheduleInputSchema = { type: ['object', 'null'], maxProperties: 10 } as const;

const releaseChannelSchema = {
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

export const installBodySchema = {
  type: 'object',
  required: ['integration'],
  additionalProperties: false,
  properties: {
    integration: { type: 'string', pattern: slugPattern },
    configs: configsSchema,
    schedule: scheduleInputSchema,
    release_channel: releaseChannelSchema,
  },
} as const;

export const updateBodySchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    configs: configsSchema,
    schedule: { anyOf: [scheduleInputSchema, { const: 'default' }] },
    release_channel: releaseChannelSchema,
  },
} as const;

// ---- answers ----

const anyObject = { type: 'object', additionalProperties: true } as const;
const scheduleSchema = { anyOf: [{ type: 'null' }, anyObject] } as const;

export const releaseRefSchema = {
  type: 'object',
  required: ['id', 'version', 'created_at'],
  properties: { id: { type: 'string' }, version: { type: 'string' }, created_at: { type: 'string' } },
} as const;

const settingsFormSchema = {
  type: 'object',
  required: ['schema', 'uiSchema', 'fields', 'dependents'],
  properties: {
    schema: anyObject,
    uiSchema: anyObject,
    fields: { type: 'array', items: { type: 'string' } },
    dependents: { type: 'object', additionalProperties: { type: 'string' } },
  },
} as const;

const tenantProperties = {
  id: { type: 'string' },
  integration: {
    type: 'object',
    required: ['id', 'slug', 'name', 'logo_url'],
    properties: { id: { type: 'string' }, slug: { type: 'string' }, name: { type: 'string' }, logo_url: { type: ['string', 'null'] } },
  },
  status: { type: 'string', enum: ['active', 'paused'] },
  configs: anyObject,
  schedule: scheduleSchema,
  schedule_is_default: { type: 'boolean' },
  default_schedule: scheduleSchema,
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
    properties: { run: { type: 'boolean' }, run_init: { type: 'boolean' }, logs: { type: 'boolean' } },
  },
  created_at: { type: 'string' },
  updated_at: { type: 'string' },
} as const;

export const tenantSchema = {
  type: 'object',
  required: Object.keys(tenantProperties),
  properties: tenantProperties,
} as const;

export const tenantListSchema = {
  type: 'object',
  required: ['tenants'],
  properties: { tenants: { type: 'array', items: tenantSchema } },
} as const;

export const installPlanSchema = {
  type: 'object',
  required: ['integration', 'release', 'connectors', 'settings_form', 'default_schedule', 'releases'],
  properties: {
    integration: integrationDetailSchema,
    release: releaseRefSchema,
    connectors: { type: 'array', items: { type: 'string' } },
    settings_form: settingsFormSchema,
    default_schedule: scheduleSchema,
    releases: { type: 'array', items: releaseRefSchema },
  },
} as const;
