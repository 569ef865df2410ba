/** JSON Schemas for the marketplace routes: Fastify validates requests and serialises answers with them. */

export const slugPattern = '^[a-z0-9][a-z0-9-]{0,62}$';

export const slugParamsSchema = {
  type: 'object',
  required: ['slug'],
  properties: { slug: { type: 'string', pattern: slugPattern } },
} as const;

export const catalogQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    q: { type: 'string', maxLength: 200 },
    category: { type: 'string', pattern: slugPattern },
    tag: {
      anyOf: [
        { type: 'string', maxLength: 100 },
        { type: 'array', maxItems: 20, items: { type: 'string', maxLength: 100 } },
      ],
    },
  },
} as const;

const flagSchema = {
  type: ['object', 'null'],
  required: ['name', 'color'],
  properties: { name: { type: 'string' }, color: { type: 'string' } },
} as const;

const cardProperties = {
  id: { type: 'string' },
  slug: { type: 'string' },
  name: { type: 'string' },
  type: { type: 'string', enum: ['internal', 'external'] },
  logo_url: { type: ['string', 'null'] },
  short_description: { type: 'string' },
  categories: { type: 'array', items: { type: 'string' } },
  tags: { type: 'array', items: { type: 'string' } },
  flag: flagSchema,
  external_url: { type: ['string', 'null'] },
  installed: { type: 'boolean' },
  reconnect_needed: { type: 'boolean' },
} as const;

export const integrationCardSchema = {
  type: 'object',
  required: Object.keys(cardProperties),
  properties: cardProperties,
} as const;

export const integrationDetailSchema = {
  type: 'object',
  required: [...Object.keys(cardProperties), 'long_description', 'connectors', 'default_release'],
  properties: {
    ...cardProperties,
    long_description: { type: 'string' },
    connectors: { type: 'array', items: { type: 'string' } },
    default_release: {
      type: ['object', 'null'],
      properties: { id: { type: 'string' }, version: { type: 'string' }, created_at: { type: 'string' } },
    },
  },
} as const;

export const catalogResponseSchema = {
  type: 'object',
  required: ['integrations', 'categories', 'tags'],
  properties: {
    integrations: { type: 'array', items: integrationCardSchema },
    categories: {
      type: 'array',
      items: {
        type: 'object',
        properties: { slug: { type: 'string' }, name: { type: 'string' }, count: { type: 'integer' } },
      },
    },
    tags: {
      type: 'array',
      items: { type: 'object', properties: { name: { type: 'string' }, count: { type: 'integer' } } },
    },
  },
} as const;
