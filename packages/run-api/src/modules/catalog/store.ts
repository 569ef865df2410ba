import { withTransaction, type Db } from '../../platform/db/pool.ts';
import type { Catalog, IntegrationCard, IntegrationDetail, IntegrationListingRequest } from '@pan/contract';
import type { EndUser } from '../accounts/end-user-token.ts';

/**
 * What an account says about one integration in its marketplace (`PUT /v2/integrations/:slug`).
 * Category slugs must exist in the account's categories; `default_schedule` (null/absent: runs
 * only when triggered) has passed `checkSchedule`.
 */
export type IntegrationListing = IntegrationListingRequest & { slug: string };

export async function setCategories(db: Db, accountId: string, categories: { slug: string; name: string }[]): Promise<void> {
  await withTransaction(db, async (client) => {
    await client.query('DELETE FROM categories WHERE account_id = $1 AND NOT (slug = ANY($2))', [
      accountId,
      categories.map((c) => c.slug),
    ]);
    for (const [position, c] of categories.entries()) {
      await client.query(
        `INSERT INTO categories (account_id, slug, name, position) VALUES ($1, $2, $3, $4)
         ON CONFLICT (account_id, slug) DO UPDATE SET name = EXCLUDED.name, position = EXCLUDED.position`,
        [accountId, c.slug, c.name, position],
      );
    }
  });
}

/**
 * Creates or replaces the listing and its categories in one transaction. When a category does
 * not exist, nothing is written and the unknown slugs are returned instead.
 */
export async function upsertIntegration(
  db: Db,
  accountId: string,
  listing: IntegrationListing,
): Promise<{ id: string } | { unknownCategories: string[] }> {
  return withTransaction(db, async (client) => {
    const wanted = listing.categories ?? [];
    const categories = await client.query<{ id: string; slug: string }>(
      // FOR SHARE: a concurrent setCategories cannot delete them before we link them.
      'SELECT id, slug FROM categories WHERE account_id = $1 AND slug = ANY($2) FOR SHARE',
      [accountId, wanted],
    );
    const unknownCategories = wanted.filter((slug) => !categories.rows.some((r) => r.slug === slug));
    if (unknownCategories.length > 0) return { unknownCategories };

    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO integrations (account_id, slug, name, type, external_url, logo_url, short_description,
         long_description, tags, flag_name, flag_color, connectors, visible_to_groups, default_schedule)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       ON CONFLICT (account_id, slug) DO UPDATE SET name = EXCLUDED.name, type = EXCLUDED.type,
         external_url = EXCLUDED.external_url, logo_url = EXCLUDED.logo_url,
         short_description = EXCLUDED.short_description, long_description = EXCLUDED.long_description,
         tags = EXCLUDED.tags, flag_name = EXCLUDED.flag_name, flag_color = EXCLUDED.flag_color,
         connectors = EXCLUDED.connectors, visible_to_groups = EXCLUDED.visible_to_groups,
         default_schedule = EXCLUDED.default_schedule,
         archived_at = NULL, updated_at = now()
       RETURNING id`,
      [
        accountId,
        listing.slug,
        listing.name,
        listing.type,
        listing.type === 'external' ? listing.external_url : null,
        listing.logo_url ?? null,
        listing.short_description ?? '',
        listing.long_description ?? '',
        listing.tags ?? [],
        listing.flag?.name ?? null,
        listing.flag?.color ?? null,
        listing.connectors ?? [],
        listing.visible_to_groups ?? [],
        listing.default_schedule ?? null,
      ],
    );
    const id = rows[0]!.id;
    await client.query('DELETE FROM integration_categories WHERE integration_id = $1', [id]);
    await client.query(
      'INSERT INTO integration_categories (integration_id, category_id) SELECT $1, unnest($2::uuid[])',
      [id, categories.rows.map((r) => r.id)],
    );
    return { id };
  });
}

interface IntegrationRow {
  id: string;
  slug: string;
  name: string;
  type: 'internal' | 'external';
  external_url: string | null;
  logo_url: string | null;
  short_description: string;
  long_description: string;
  tags: string[];
  flag_name: string | null;
  flag_color: string | null;
  connectors: string[];
  categories: { slug: string; name: string; position: number }[];
  installed: boolean;
  reconnect_needed: boolean;
  default_release: { id: string; version: string; created_at: string } | null;
}

/**
 * Every integration this end user may see: the account's, not archived, in one of the user's
 * groups (or in no group), not hidden by `xti`, with this user's installed flag.
 */
async function visibleIntegrations(db: Db, user: EndUser, slug?: string): Promise<IntegrationRow[]> {
  const groups = user.xti.user_group === undefined ? [] : [user.xti.user_group].flat();
  const { rows } = await db.query<IntegrationRow>(
    `SELECT i.id, i.slug, i.name, i.type, i.external_url, i.logo_url, i.short_description, i.long_description,
            i.tags, i.flag_name, i.flag_color,
            -- The listing's connectors and those its default release needs.
            ARRAY(SELECT DISTINCT x FROM unnest(i.connectors || ARRAY(
                    SELECT jsonb_array_elements_text(coalesce(r.spec->'connectors', '[]'))
                      FROM releases r WHERE r.id = i.default_release_id)) x ORDER BY x) AS connectors,
            COALESCE((SELECT json_agg(json_build_object('slug', c.slug, 'name', c.name, 'position', c.position)
                                      ORDER BY c.position, c.slug)
                        FROM integration_categories ic JOIN categories c ON c.id = ic.category_id
                       WHERE ic.integration_id = i.id), '[]') AS categories,
            EXISTS (SELECT 1 FROM tenants t
                     WHERE t.account_id = i.account_id AND t.integration_id = i.id
                       AND t.user_sub = $2 AND t.archived_at IS NULL) AS installed,
            EXISTS (SELECT 1 FROM connections cn JOIN connectors co ON co.id = cn.connector_id
                     WHERE cn.account_id = i.account_id AND cn.user_sub = $2 AND cn.status = 'needs_reconnect'
                       AND (co.name = ANY(i.connectors) OR co.name IN (
                             SELECT jsonb_array_elements_text(coalesce(r.spec->'connectors', '[]'))
                               FROM releases r WHERE r.id = i.default_release_id))) AS reconnect_needed,
            (SELECT json_build_object('id', r.id, 'version', r.version, 'created_at', r.created_at)
               FROM releases r WHERE r.id = i.default_release_id) AS default_release
       FROM integrations i
      WHERE i.account_id = $1
        AND i.archived_at IS NULL
        AND (cardinality(i.visible_to_groups) = 0 OR i.visible_to_groups && $3::text[])
        AND NOT (i.slug = ANY($4::text[]) OR i.id::text = ANY($4::text[]))
        AND ($5::text[] IS NULL OR i.slug = ANY($5::text[]) OR i.id::text = ANY($5::text[]))
        AND ($6::text IS NULL OR i.slug = $6)
      ORDER BY lower(i.name), i.slug`,
    [user.accountId, user.sub, groups, user.xti.hidden_integrations ?? [], user.xti.visible_integrations ?? null, slug ?? null],
  );
  return rows;
}

function toCard(row: IntegrationRow): IntegrationCard {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    type: row.type,
    logo_url: row.logo_url,
    short_description: row.short_description,
    categories: row.categories.map((c) => c.slug),
    tags: row.tags,
    flag: row.flag_name && row.flag_color ? { name: row.flag_name, color: row.flag_color } : null,
    external_url: row.external_url,
    installed: row.installed,
    reconnect_needed: row.reconnect_needed,
  };
}

export interface CatalogFilter {
  q?: string;
  category?: string;
  tag?: string[];
}

/** The user's catalog: facets over everything visible, the list narrowed by the filters. */
export async function readCatalog(db: Db, user: EndUser, filter: CatalogFilter): Promise<Catalog> {
  const rows = await visibleIntegrations(db, user);
  const categories = new Map<string, { slug: string; name: string; position: number; count: number }>();
  const tags = new Map<string, number>();
  for (const row of rows) {
    for (const c of row.categories) {
      const facet = categories.get(c.slug) ?? { ...c, count: 0 };
      facet.count += 1;
      categories.set(c.slug, facet);
    }
    for (const tag of row.tags) tags.set(tag, (tags.get(tag) ?? 0) + 1);
  }
  const words = (filter.q ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const wantedTags = filter.tag ?? [];
  const matches = (row: IntegrationRow) => {
    if (filter.category && !row.categories.some((c) => c.slug === filter.category)) return false;
    if (!wantedTags.every((t) => row.tags.includes(t))) return false;
    if (words.length === 0) return true;
    const haystack = [row.name, row.short_description, row.long_description, ...row.tags, ...row.categories.map((c) => c.name)]
      .join('\n')
      .toLowerCase();
    return words.every((w) => haystack.includes(w));
  };
  return {
    integrations: rows.filter(matches).map(toCard),
    categories: [...categories.values()]
      .sort((a, b) => a.position - b.position || a.slug.localeCompare(b.slug))
      .map(({ slug, name, count }) => ({ slug, name, count })),
    tags: [...tags.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, count]) => ({ name, count })),
  };
}

export async function readIntegration(db: Db, user: EndUser, slug: string): Promise<IntegrationDetail | null> {
  const row = (await visibleIntegrations(db, user, slug))[0];
  if (!row) return null;
  return {
    ...toCard(row),
    long_description: row.long_description,
    connectors: row.connectors,
    default_release: row.default_release,
  };
}

/** The integration id for an account's slug or id (archived ones included). */
export async function findIntegrationId(db: Db, accountId: string, slugOrId: string): Promise<string | null> {
  const { rows } = await db.query<{ id: string }>(
    'SELECT id FROM integrations WHERE account_id = $1 AND (slug = $2 OR id::text = $2)',
    [accountId, slugOrId],
  );
  return rows[0]?.id ?? null;
}
