/**
 * Response shapes of the host API's reads. Besides documenting them (OpenAPI), a response schema
 * makes Fastify serialise only the listed fields: a column added to a query later is not returned
 * until it is listed here.
 */
const date = { type: 'string', format: 'date-time' } as const;
const nullableDate = { type: ['string', 'null'], format: 'date-time' } as const;
const anyObject = { type: 'object', additionalProperties: true } as const;

export const integrationSchema = {
  type: 'object',
  required: ['id', 'slug', 'name', 'type', 'created_date', 'modified_date'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    slug: { type: 'string' },
    name: { type: 'string' },
    type: { type: 'string', enum: ['internal', 'external'] },
    external_url: { type: ['string', 'null'] },
    logo_url: { type: ['string', 'null'] },
    short_description: { type: 'string' },
    long_description: { type: 'string' },
    tags: { type: 'array', items: { type: 'string' } },
    categories: { type: 'array', items: { type: 'string' } },
    flag: {
      anyOf: [{ type: 'null' }, { type: 'object', properties: { name: { type: 'string' }, color: { type: 'string' } } }],
    },
    connectors: { type: 'array', items: { type: 'string' } },
    visible_to_groups: { type: 'array', items: { type: 'string' } },
    default_schedule: { anyOf: [{ type: 'null' }, anyObject] },
    default_release_id: { type: ['string', 'null'], format: 'uuid' },
    created_date: date,
    modified_date: date,
  },
} as const;

const releaseProperties = {
  id: { type: 'string', format: 'uuid' },
  integration_id: { type: 'string', format: 'uuid' },
  version: { type: 'string' },
  is_default: { type: 'boolean' },
  archive_sha256: { type: 'string' },
  archive_bytes: { type: 'integer' },
  warnings: { type: 'array', items: anyObject },
  created_date: date,
} as const;

export const releaseSchema = {
  type: 'object',
  required: ['id', 'integration_id', 'version', 'is_default', 'created_date'],
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

export const hostTenantSchema = {
  type: 'object',
  required: ['id', 'integration_id', 'integration_slug', 'user_name', 'status', 'created_date', 'modified_date'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    integration_id: { type: 'string', format: 'uuid' },
    integration_slug: { type: 'string' },
    user_name: { type: 'string' },
    status: { type: 'string', enum: ['active', 'paused', 'archived'] },
    configs: anyObject,
    release_channel: { type: 'string', enum: ['default', 'latest', 'pinned'] },
    metadata: anyObject,
    created_date: date,
    modified_date: date,
    archived_date: nullableDate,
  },
} as const;

export const listOf = <T extends object>(item: T) => ({ type: 'array', items: item }) as const;
