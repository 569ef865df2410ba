/**
 * The end-user catalog (Bearer JWT from the host):
 *
 *   GET /marketplace/catalog?q=&category=&tag=   -> Catalog
 *   GET /marketplace/integrations/:slug          -> IntegrationDetail
 */
import { keysOf, type WireType } from './wire-type.ts';

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

/** A card's flag; `color` is a CSS colour, e.g. `#d97706`. */
const flagSchema = {
  type: ['object', 'null'],
  required: ['name', 'color'],
  properties: { name: { type: 'string' }, color: { type: 'string' } },
} as const;

/**
 * `categories`: category slugs, in the account's category order. `external_url`: where an external
 * integration lives (null for internal ones). `installed`: this user has an active (non-archived)
 * tenant of it. `reconnect_needed`: one of its connectors' connections needs this user to reconnect.
 */
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

/**
 * The listing's words per locale (BCP 47 tag -> strings), as the host set them; the element shows
 * the best match for its locale, else the listing's own. A card carries `name` and
 * `short_description`, the integration page `long_description` too.
 */
export const listingTranslationsSchema = {
  type: 'object',
  additionalProperties: {
    type: 'object',
    properties: { name: { type: 'string' }, short_description: { type: 'string' }, long_description: { type: 'string' } },
  },
} as const;

export const integrationCardSchema = {
  type: 'object',
  required: keysOf(cardProperties),
  properties: { ...cardProperties, translations: listingTranslationsSchema },
} as const;

/** `long_description`: plain text with paragraphs separated by blank lines (never HTML). */
export const integrationDetailSchema = {
  type: 'object',
  required: [...keysOf(cardProperties), 'long_description', 'connectors', 'default_release'],
  properties: {
    ...cardProperties,
    translations: listingTranslationsSchema,
    long_description: { type: 'string' },
    connectors: { type: 'array', items: { type: 'string' } },
    default_release: {
      type: ['object', 'null'],
      properties: { id: { type: 'string' }, version: { type: 'string' }, created_at: { type: 'string' } },
    },
  },
} as const;

/** `count`: visible integrations in this category (ignoring the current filters). */
const categoryFacetSchema = {
  type: 'object',
  properties: { slug: { type: 'string' }, name: { type: 'string' }, count: { type: 'integer' } },
} as const;

const tagFacetSchema = { type: 'object', properties: { name: { type: 'string' }, count: { type: 'integer' } } } as const;

/**
 * `integrations`: those matching the filters, sorted by name. `categories`: every category with at
 * least one visible integration, in the account's order. `tags`: every tag of a visible integration, by name.
 */
export const catalogResponseSchema = {
  type: 'object',
  required: ['integrations', 'categories', 'tags'],
  properties: {
    integrations: { type: 'array', items: integrationCardSchema },
    categories: { type: 'array', items: categoryFacetSchema },
    tags: { type: 'array', items: tagFacetSchema },
  },
} as const;

export type Flag = NonNullable<WireType<typeof flagSchema>>;
export type IntegrationCard = WireType<typeof integrationCardSchema>;
export type IntegrationDetail = WireType<typeof integrationDetailSchema>;
export type CategoryFacet = WireType<typeof categoryFacetSchema>;
export type TagFacet = WireType<typeof tagFacetSchema>;
export type Catalog = WireType<typeof catalogResponseSchema>;
export type CatalogQuery = WireType<typeof catalogQuerySchema>;
export type SlugParams = WireType<typeof slugParamsSchema>;
