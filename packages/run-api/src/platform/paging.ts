import { MAX_LIMIT } from '@pan/contract';
import { ERRORS, panError } from './errors.ts';

/** `limit` (1..500, default 100), `skip` (>= 0) and `sort_by=<field>__ASC|DESC` of a /v2 list, checked. */
export interface Paging {
  limit: number;
  skip: number;
  /** A column from the route's allow-list and a direction. */
  orderBy: string;
}

/**
 * Reads paging from a raw query. A bad parameter is a 400 that names it. `fields` maps each
 * sortable API field to its SQL column (only those are ever interpolated).
 */
export function readPaging(query: Record<string, unknown>, fields: Record<string, string>, defaultSort: string): Paging {
  const bad = (name: string, message: string) =>
    panError(ERRORS.REQUEST_INVALID, `${name}: ${message}`, { errors: [{ field: name, message }] });
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = query[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) throw bad(name, `must be a whole number from ${min} to ${max}`);
    return value;
  };
  const limit = integer('limit', 100, 1, MAX_LIMIT);
  const skip = integer('skip', 0, 0, 1_000_000);
  const sort = String(query.sort_by ?? defaultSort);
  const match = /^([a-z_]+)__(ASC|DESC)$/i.exec(sort);
  const column = match ? fields[match[1]!] : undefined;
  if (!match || !column) {
    throw bad('sort_by', `must be <field>__ASC or <field>__DESC with a field among ${Object.keys(fields).join(', ')}`);
  }
  return { limit, skip, orderBy: `${column} ${match[2]!.toUpperCase()}` };
}
