/**
 * The catalog module's SQL: `integrations`, `categories`, `integration_categories` and `releases`
 * are written here only. The catalog a user sees, listings, releases, and the releases as tenants
 * and the host API see them.
 */
import { withTransaction, type Db, type Queryable } from '../../platform/db/pool.ts';
import type { Paging } from '../../platform/paging.ts';
import type {
  Catalog,
  HostIntegration,
  HostRelease,
  HostReleaseDetail,
  IntegrationCard,
  IntegrationDetail,
  IntegrationListingRequest,
  PushedRelease,
  ReleaseChannel,
  ReleaseRef,
  Schedule,
} from '@pan/contract';
import type { PandiumSpec } from '@pan/pandium-yaml';
import { channelReleaseSql } from './sql.ts';
import type { EndUser } from '../accounts/end-user-token.ts';
import { createHash } from 'node:crypto';

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
): Promise<{ id: string; numId: number } | { unknownCategories: string[] }> {
  return withTransaction(db, async (client) => {
    const wanted = listing.categories ?? [];
    const categories = await client.query<{ id: string; slug: string }>(
      // FOR SHARE: a concurrent setCategories cannot delete them before we link them.
      'SELECT id, slug FROM categories WHERE account_id = $1 AND slug = ANY($2) FOR SHARE',
      [accountId, wanted],
    );
    const unknownCategories = wanted.filter((slug) => !categories.rows.some((r) => r.slug === slug));
    if (unknownCategories.length > 0) return { unknownCategories };

    const { rows } = await client.query<{ id: string; num_id: string }>(
      `INSERT INTO integrations (account_id, slug, name, type, external_url, logo_url, short_description,
         long_description, tags, flag_name, flag_color, connectors, visible_to_groups, default_schedule,
         repository_url, repository_path, repository_tracking_branch, translations)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
       ON CONFLICT (account_id, slug) DO UPDATE SET name = EXCLUDED.name, type = EXCLUDED.type,
         external_url = EXCLUDED.external_url, logo_url = EXCLUDED.logo_url,
         short_description = EXCLUDED.short_description, long_description = EXCLUDED.long_description,
         tags = EXCLUDED.tags, flag_name = EXCLUDED.flag_name, flag_color = EXCLUDED.flag_color,
         connectors = EXCLUDED.connectors, visible_to_groups = EXCLUDED.visible_to_groups,
         default_schedule = EXCLUDED.default_schedule, repository_url = EXCLUDED.repository_url,
         repository_path = EXCLUDED.repository_path, repository_tracking_branch = EXCLUDED.repository_tracking_branch,
         translations = EXCLUDED.translations, archived_at = NULL, updated_at = now()
       RETURNING id, num_id`,
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
        listing.repository_url ?? null,
        listing.repository_path ?? null,
        listing.repository_tracking_branch ?? null,
        JSON.stringify(listing.translations ?? {}),
      ],
    );
    const id = rows[0]!.id;
    await client.query('DELETE FROM integration_categories WHERE integration_id = $1', [id]);
    await client.query(
      'INSERT INTO integration_categories (integration_id, category_id) SELECT $1, unnest($2::uuid[])',
      [id, categories.rows.map((r) => r.id)],
    );
    return { id, numId: Number(rows[0]!.num_id) };
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
  translations: ListingTranslations;
}

/** Per BCP 47 tag, the listing's words in that locale (`integrations.translations`). */
type ListingTranslations = Record<string, { name?: string; short_description?: string; long_description?: string }>;

/**
 * Every integration this end user may see: the account's, not archived, in one of the user's
 * groups (or in no group), not hidden by `xti`, with this user's installed flag.
 */
async function visibleIntegrations(db: Db, user: EndUser, slug?: string): Promise<IntegrationRow[]> {
  const groups = user.xti.user_group === undefined ? [] : [user.xti.user_group].flat();
  const { rows } = await db.query<IntegrationRow>(
    `SELECT i.id, i.slug, i.name, i.type, i.external_url, i.logo_url, i.short_description, i.long_description,
            i.tags, i.flag_name, i.flag_color, i.translations,
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
    translations: pickTranslated(row.translations, ['name', 'short_description']),
  };
}

/** Only `fields` of each locale (a card needs no long description), locales left with none dropped. */
function pickTranslated(translations: ListingTranslations, fields: readonly (keyof ListingTranslations[string])[]): ListingTranslations {
  const picked: ListingTranslations = {};
  for (const [tag, strings] of Object.entries(translations ?? {})) {
    const kept = Object.fromEntries(fields.filter((field) => typeof strings[field] === 'string').map((field) => [field, strings[field]]));
    if (Object.keys(kept).length > 0) picked[tag] = kept;
  }
  return picked;
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
    // A user searching in their language finds the listing by its translated words too.
    const translated = Object.values(row.translations ?? {}).flatMap((t) => [t.name, t.short_description, t.long_description]);
    const haystack = [row.name, row.short_description, row.long_description, ...translated.filter(Boolean), ...row.tags, ...row.categories.map((c) => c.name)]
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
    translations: row.translations,
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

// ---- Releases ----------------------------------------------------------------------------------

export interface NewRelease {
  accountId: string;
  integrationId: string;
  /** When unset, the next `rN`. */
  version?: string;
  pandiumYaml: string;
  spec: unknown;
  warnings: unknown[];
  /** Where a build from git fetched it (none: uploaded). */
  source?: ReleaseSource;
  archive: Buffer;
  makeDefault: boolean;
}

/** A release built from git: the ref fetched, its commit, and the branch when a push to it built it. */
export interface ReleaseSource {
  ref: string;
  commit: string;
  branch: string | null;
}

/** The upload's answer but its warnings (`created`: false when the same archive was already a release of this integration). */
export type StoredRelease = Omit<PushedRelease, 'warnings'>;

/** Stores a release (idempotent per archive content) and optionally makes it the default, in one transaction. */
export async function createRelease(db: Db, release: NewRelease): Promise<StoredRelease> {
  const sha = createHash('sha256').update(release.archive).digest('hex');
  return withTransaction(db, async (client) => {
    // Serialise pushes of one integration so `rN` numbering cannot race.
    await client.query('SELECT 1 FROM integrations WHERE id = $1 FOR UPDATE', [release.integrationId]);
    const existing = await client.query<{ id: string; num_id: string; version: string; created_at: string }>(
      'SELECT id, num_id, version, created_at FROM releases WHERE integration_id = $1 AND archive_sha256 = $2',
      [release.integrationId, sha],
    );
    let row = existing.rows[0];
    const created = !row;
    if (!row) {
      // The next `rN` after both the count and any `rN` already taken (an explicit `?version=r3` must not block it).
      const version = release.version
        ?? (
          await client.query<{ version: string }>(
            `SELECT 'r' || (greatest(count(*)::numeric, max(substring(version from '^r([0-9]+)$')::numeric)) + 1) AS version
               FROM releases WHERE integration_id = $1`,
            [release.integrationId],
          )
        ).rows[0]!.version;
      row = (
        await client.query<{ id: string; num_id: string; version: string; created_at: string }>(
          `INSERT INTO releases (account_id, integration_id, version, pandium_yaml, spec, warnings, archive, archive_sha256,
                                 source_ref, source_commit, source_branch)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id, num_id, version, created_at`,
          [release.accountId, release.integrationId, version, release.pandiumYaml, JSON.stringify(release.spec),
            JSON.stringify(release.warnings), release.archive, sha,
            release.source?.ref ?? null, release.source?.commit ?? null, release.source?.branch ?? null],
        )
      ).rows[0]!;
    }
    const { rows } = await client.query<{ default_release_id: string }>(
      `UPDATE integrations SET default_release_id = CASE WHEN $2 OR default_release_id IS NULL THEN $3::uuid ELSE default_release_id END,
              updated_at = now()
        WHERE id = $1 RETURNING default_release_id`,
      [release.integrationId, release.makeDefault, row.id],
    );
    // The host API's ids: the public integer id, the UUID as ours.
    return { id: Number(row.num_id), uuid: row.id, version: row.version, created_at: row.created_at, created, is_default: rows[0]!.default_release_id === row.id };
  });
}

// ---- The host API's views of integrations and releases --------------------------------------------

const INTEGRATION_SELECT = `
  SELECT i.num_id AS id, i.id AS uuid, i.slug, i.name, i.name AS long_name,
         CASE i.type WHEN 'internal' THEN 'Internal' ELSE 'External' END AS type, i.external_url, i.logo_url, i.short_description, i.long_description, i.tags,
         coalesce((SELECT array_agg(c.slug ORDER BY c.slug) FROM integration_categories ic JOIN categories c ON c.id = ic.category_id
                    WHERE ic.integration_id = i.id), '{}') AS categories,
         CASE WHEN i.flag_name IS NULL THEN NULL ELSE json_build_object('name', i.flag_name, 'color', i.flag_color) END AS flag,
         -- Pandium's connectors: the listing's and those its default release names (as the marketplace shows them).
         coalesce((SELECT json_agg(json_build_object('name', x, 'isGlobal', false) ORDER BY x)
                     FROM (SELECT DISTINCT x FROM unnest(i.connectors || ARRAY(
                             SELECT jsonb_array_elements_text(coalesce(r.spec->'connectors', '[]'))
                               FROM releases r WHERE r.id = i.default_release_id)) x) c), '[]') AS connectors,
         i.visible_to_groups, i.default_schedule, 'Default' AS default_release_channel,
         to_json((SELECT d.num_id FROM releases d WHERE d.id = i.default_release_id)) AS default_release_id, -- a JSON number (bigint comes as a string)
         i.repository_url, i.repository_path, i.repository_tracking_branch, i.translations,
         i.created_at AS created_date, i.updated_at AS modified_date
    FROM integrations i
   WHERE i.account_id = $1 AND i.archived_at IS NULL`;

export const INTEGRATION_SORT = { created_date: 'i.created_at', modified_date: 'i.updated_at', name: 'i.name', slug: 'i.slug', id: 'i.num_id' };

/** A release as listed: no archive, no PANDIUM.yaml text (read one release for that). */
const RELEASE_COLUMNS = `r.num_id AS id, i.num_id AS integration_id, r.version AS name, r.version AS tag,
         COALESCE(r.spec->>'run', '') AS run_command, r.source_branch AS repository_tracking_branch, r.source_ref, r.source_commit,
         COALESCE(r.spec->'configs', '{}'::jsonb) AS config_schema, COALESCE(r.spec->>'version', '') AS config_version,
         COALESCE(r.spec->'metadata_schema', '{}'::jsonb) AS metadata_schema, r.id AS uuid,
         r.version, (r.id = i.default_release_id) AS is_default, r.archive_sha256,
         octet_length(r.archive) AS archive_bytes, r.warnings, r.created_at AS created_date, r.created_at AS modified_date`;

export const RELEASE_SORT = { created_date: 'r.created_at', version: 'r.version', name: 'r.version', id: 'r.num_id' };

export async function listHostIntegrations(q: Queryable, accountId: string, paging: Paging): Promise<HostIntegration[]> {
  const { rows } = await q.query<HostIntegration>(`${INTEGRATION_SELECT} ORDER BY ${paging.orderBy}, i.id LIMIT $2 OFFSET $3`, [accountId, paging.limit, paging.skip]);
  return rows;
}

/** One integration of the account by slug or id. */
export async function readHostIntegration(q: Queryable, accountId: string, integration: string): Promise<HostIntegration | null> {
  const { rows } = await q.query<HostIntegration>(`${INTEGRATION_SELECT} AND (i.slug = $2 OR i.id::text = $2)`, [accountId, integration]);
  return rows[0] ?? null;
}

export async function listHostReleases(q: Queryable, accountId: string, integrationId: string, paging: Paging): Promise<HostRelease[]> {
  const { rows } = await q.query<HostRelease>(
    `SELECT ${RELEASE_COLUMNS} FROM releases r JOIN integrations i ON i.id = r.integration_id
      WHERE r.account_id = $1 AND r.integration_id = $2 ORDER BY ${paging.orderBy}, r.id LIMIT $3 OFFSET $4`,
    [accountId, integrationId, paging.limit, paging.skip],
  );
  return rows;
}

/** One release with its PANDIUM.yaml: `default`, `latest` or a release id. */
export async function readHostRelease(q: Queryable, accountId: string, integrationId: string, which: string): Promise<HostReleaseDetail | null> {
  const { rows } = await q.query<HostReleaseDetail>(
    `SELECT ${RELEASE_COLUMNS}, r.pandium_yaml, r.spec FROM releases r JOIN integrations i ON i.id = r.integration_id
      WHERE r.account_id = $1 AND r.integration_id = $2
        AND CASE $3::text WHEN 'default' THEN r.id = i.default_release_id WHEN 'latest' THEN true ELSE r.id::text = lower($3) END
      ORDER BY r.created_at DESC, r.id DESC LIMIT 1`,
    [accountId, integrationId, which],
  );
  return rows[0] ?? null;
}

// ---- Releases as tenants see them ---------------------------------------------------------------

/** A release with the parsed PANDIUM.yaml the settings form is built from. */
export interface ReleaseWithSpec extends ReleaseRef {
  spec: PandiumSpec;
}

/** The release `channel` would run for this integration; null when there is none (or the pin is not its release). */
export async function findChannelRelease(q: Queryable, integrationId: string, channel: ReleaseChannel): Promise<ReleaseWithSpec | null> {
  const { rows } = await q.query<{ release: ReleaseWithSpec }>(
    channelReleaseSql('$1::uuid', '$2::text', '$3::uuid'),
    [integrationId, channel.type, channel.type === 'pinned' ? channel.release_id : null],
  );
  return rows[0]?.release ?? null;
}

/** Every release of an integration, newest first. */
export async function listReleases(q: Queryable, integrationId: string): Promise<ReleaseRef[]> {
  const { rows } = await q.query<{ release: ReleaseRef }>(
    `SELECT json_build_object('id', id, 'version', version, 'created_at', created_at) AS release
       FROM releases WHERE integration_id = $1 ORDER BY created_at DESC, id DESC`,
    [integrationId],
  );
  return rows.map((r) => r.release);
}

/** Every release of an integration with its spec, newest first, and which one is the default (the release channel picker's choices). */
export async function listReleasesWithSpec(q: Queryable, integrationId: string): Promise<Array<ReleaseWithSpec & { is_default: boolean }>> {
  const { rows } = await q.query<{ release: ReleaseWithSpec & { is_default: boolean } }>(
    `SELECT json_build_object('id', r.id, 'version', r.version, 'created_at', r.created_at, 'spec', r.spec,
                              'is_default', r.id IS NOT DISTINCT FROM i.default_release_id) AS release
       FROM releases r JOIN integrations i ON i.id = r.integration_id
      WHERE r.integration_id = $1 ORDER BY r.created_at DESC, r.id DESC`,
    [integrationId],
  );
  return rows.map((r) => r.release);
}

export async function readDefaultSchedule(q: Queryable, integrationId: string): Promise<Schedule | null> {
  const { rows } = await q.query<{ default_schedule: Schedule | null }>('SELECT default_schedule FROM integrations WHERE id = $1', [
    integrationId,
  ]);
  return rows[0]?.default_schedule ?? null;
}

/** A release's archive (the gzipped tar `pan release push` sent), or null. */
export async function readReleaseArchive(q: Queryable, releaseId: string): Promise<Buffer | null> {
  const { rows } = await q.query<{ archive: Buffer }>('SELECT archive FROM releases WHERE id = $1', [releaseId]);
  return rows[0]?.archive ?? null;
}

/** One integration of the account by slug or id, whoever may see it (the host API's view). */
export async function findAccountIntegration(q: Queryable, accountId: string, integration: string) {
  const { rows } = await q.query<{ id: string; slug: string; name: string; type: string; default_release_id: string | null }>(
    'SELECT id, slug, name, type, default_release_id FROM integrations WHERE account_id = $1 AND (slug = $2 OR id::text = $2)',
    [accountId, integration],
  );
  return rows[0] ?? null;
}

/** Where an integration's releases are built from (null: not the account's integration). */
export interface IntegrationRepository {
  id: string;
  slug: string;
  repository_url: string | null;
  repository_path: string | null;
  repository_tracking_branch: string | null;
}

export async function readIntegrationRepository(q: Queryable, accountId: string, integration: string): Promise<IntegrationRepository | null> {
  const { rows } = await q.query<IntegrationRepository>(
    `SELECT id, slug, repository_url, repository_path, repository_tracking_branch
       FROM integrations WHERE account_id = $1 AND (slug = $2 OR id::text = $2) AND archived_at IS NULL`,
    [accountId, integration],
  );
  return rows[0] ?? null;
}

/** The UUID of this account's integration with public integer id `numId`, or null (one probe of the `num_id` index). */
export async function integrationIdByNumId(q: Queryable, accountId: string, numId: number): Promise<string | null> {
  const { rows } = await q.query<{ id: string }>('SELECT id FROM integrations WHERE num_id = $1 AND account_id = $2', [numId, accountId]);
  return rows[0]?.id ?? null;
}

/** The UUID of this account's release with public integer id `numId`, or null (one probe of the `num_id` index). */
export async function releaseIdByNumId(q: Queryable, accountId: string, numId: number): Promise<string | null> {
  const { rows } = await q.query<{ id: string }>('SELECT id FROM releases WHERE num_id = $1 AND account_id = $2', [numId, accountId]);
  return rows[0]?.id ?? null;
}
