/** Paging of the host API's lists (`/v2`): `limit`, `skip` and `sort_by=<field>__ASC|DESC`. */
import type { WireType } from './wire-type.ts';

export const MAX_LIMIT = 500;

/**
 * The querystring schema of a paged list: `limit`, `skip` and `sort_by` as strings (the run API's
 * `readPaging` checks them and names the bad one), plus the list's own filters; any other parameter is a 400.
 */
export function pagingQuerySchema<const F extends Record<string, object> = {}>(sortFields: Record<string, string>, filters: F = {} as F) {
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      limit: { type: 'string', description: `Page size, 1 to ${MAX_LIMIT} (default 100)` },
      skip: { type: 'string', description: 'Rows to skip (default 0)' },
      sort_by: { type: 'string', description: `<field>__ASC or <field>__DESC; fields: ${Object.keys(sortFields).join(', ')}` },
      ...filters,
    },
  } as const;
}

/** The query of a paged list with filters `F` (their schemas). */
export type PagingQuery<F extends Record<string, object> = {}> = WireType<ReturnType<typeof pagingQuerySchema<F>>>;
