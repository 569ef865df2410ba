import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Queryable } from '../platform/db/pool.ts';
import { notFound } from '../platform/errors.ts';
import { integrationIdByNumId, releaseIdByNumId } from '../modules/catalog/store.ts';
import { runIdByNumId } from '../modules/runs/store.ts';
import { tenantIdByNumId } from '../modules/tenants/store.ts';

/**
 * Public integer ids at the host API's boundary (docs/architecture.md, "Public integer ids").
 *
 * Pandium's published API names integrations, releases, tenants and runs by integers; inside, and
 * in the marketplace API, they stay UUIDs. A host route declares which of its inputs are public ids
 * (`config.publicIds`), its schema types them with `publicIdSchema`, and this one hook turns each
 * into the internal UUID before the handler runs (`request.internalIds`), answering 404 when the
 * id is not this account's. Answers carry `num_id`s, selected by the host-shaped store queries.
 */
export type PublicIdKind = 'integration' | 'release' | 'tenant' | 'run';

/** Where a route's public ids are: field name -> kind, per part of the request. */
export interface PublicIdFields {
  params?: Record<string, PublicIdKind>;
  querystring?: Record<string, PublicIdKind>;
  body?: Record<string, PublicIdKind>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The request's public integer ids, mapped to UUIDs by `resolvePublicIds`. */
    publicIds?: PublicIdFields;
  }
  interface FastifyRequest {
    /** The UUIDs of the request's public ids, by field name (set for routes with `config.publicIds`). */
    internalIds: Record<string, string>;
  }
}

export { publicIdSchema } from '@pan/contract';

const lookups: Record<PublicIdKind, { what: string; find: (q: Queryable, accountId: string, numId: number) => Promise<string | null> }> = {
  integration: { what: 'Integration', find: integrationIdByNumId },
  release: { what: 'Release', find: releaseIdByNumId },
  tenant: { what: 'Tenant', find: tenantIdByNumId },
  run: { what: 'Run', find: runIdByNumId },
};

/**
 * The UUID of this account's `kind` with public id `numId`; 404 otherwise. Whether the id is
 * another account's or nobody's, the answer and the work are the same (one probe of the `num_id`
 * unique index, filtered by account), so integer ids tell nothing about other accounts.
 */
export async function internalId(q: Queryable, accountId: string, kind: PublicIdKind, numId: number): Promise<string> {
  const { what, find } = lookups[kind];
  const id = await find(q, accountId, numId);
  if (!id) throw notFound(what);
  return id;
}

/**
 * The preHandler (after validation: ids are integers by then) that fills `request.internalIds`.
 * A UUID (which a path's `:id` may also be: the marketplace's ids) passes through as it is; the
 * handler's own account-scoped query answers 404 for another account's.
 */
export async function resolvePublicIds(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  const fields = request.routeOptions.config.publicIds;
  request.internalIds = {};
  if (!fields) return;
  const { accountId } = request.hostAccount;
  for (const part of ['params', 'querystring', 'body'] as const) {
    const values = (part === 'querystring' ? request.query : request[part]) as Record<string, unknown> | null | undefined;
    for (const [field, kind] of Object.entries(fields[part] ?? {})) {
      const value = values?.[field];
      if (value === undefined || value === null) continue;
      request.internalIds[field] = typeof value === 'string' ? value : await internalId(request.server.db, accountId, kind, value as number);
    }
  }
}
