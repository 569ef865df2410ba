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
