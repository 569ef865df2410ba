import type { TypedApp } from '../../http/type-provider.ts';
import { formatDiagnostic, locateTopLevelList, parsePandiumYaml } from '@pan/pandium-yaml';
import { listConnectors } from '../connections/store.ts';
import { notFound, PanError, unprocessable } from '../../platform/errors.ts';
import { ArchiveError, readReleaseArchive } from './release-archive.ts';
import { findIntegrationId, upsertIntegration, type IntegrationListing } from './store.ts';
import { createRelease } from './releases-store.ts';
import { checkSchedule } from '../tenants/schedule.ts';
import {
  integrationSchema,
  listingBodySchema,
  listOf,
  pagingQuerySchema,
  releaseDetailSchema,
  releaseSchema,
  slugPattern,
  type HostIntegration,
} from '@pan/contract';
import { readPaging } from '../../http/paging.ts';

const INTEGRATION_SELECT = `
  SELECT i.id, i.slug, i.name, i.type, i.external_url, i.logo_url, i.short_description, i.long_description, i.tags,
         coalesce((SELECT array_agg(c.slug ORDER BY c.slug) FROM integration_categories ic JOIN categories c ON c.id = ic.category_id
                    WHERE ic.integration_id = i.id), '{}') AS categories,
         CASE WHEN i.flag_name IS NULL THEN NULL ELSE json_build_object('name', i.flag_name, 'color', i.flag_color) END AS flag,
         i.connectors, i.visible_to_groups, i.default_schedule, i.default_release_id,
         i.created_at AS created_date, i.updated_at AS modified_date
    FROM integrations i
   WHERE i.account_id = $1 AND i.archived_at IS NULL`;

const INTEGRATION_SORT = { created_date: 'i.created_at', modified_date: 'i.updated_at', name: 'i.name', slug: 'i.slug', id: 'i.id' };

/** A release as listed: no archive, no PANDIUM.yaml text (read one release for that). */
const RELEASE_COLUMNS = `r.id, r.integration_id, r.version, (r.id = i.default_release_id) AS is_default, r.archive_sha256,
         octet_length(r.archive) AS archive_bytes, r.warnings, r.created_at AS created_date`;

const RELEASE_SORT = { created_date: 'r.created_at', version: 'r.version', id: 'r.id' };

const integrationParams = {
  type: 'object',
  required: ['integration'],
  properties: { integration: { type: 'string', minLength: 1, maxLength: 100, description: 'The integration slug or id' } },
} as const;

export async function integrationRoutes(app: TypedApp): Promise<void> {
  /** The account's integrations, paged. */
  app.get('/integrations', { schema: { querystring: pagingQuerySchema(INTEGRATION_SORT), response: { 200: listOf(integrationSchema) } } }, async (request) => {
    const paging = readPaging(request.query, INTEGRATION_SORT, 'created_date__ASC');
    const { rows } = await app.db.query(`${INTEGRATION_SELECT} ORDER BY ${paging.orderBy}, i.id LIMIT $2 OFFSET $3`, [
      request.hostAccount.accountId,
      paging.limit,
      paging.skip,
    ]);
    return rows;
  });

  const readHostIntegration = async (accountId: string, integration: string) => {
    const { rows } = await app.db.query(`${INTEGRATION_SELECT} AND (i.slug = $2 OR i.id::text = $2)`, [accountId, integration]);
    if (!rows[0]) throw notFound('Integration');
    return rows[0] as HostIntegration;
  };

  app.get('/integrations/:integration', { schema: { params: integrationParams, response: { 200: integrationSchema } } }, async (request) =>
    readHostIntegration(request.hostAccount.accountId, request.params.integration),
  );

  /** The integration's releases, newest first by default. */
  app.get(
    '/integrations/:integration/releases',
    { schema: { params: integrationParams, querystring: pagingQuerySchema(RELEASE_SORT), response: { 200: listOf(releaseSchema) } } },
    async (request) => {
      const { accountId } = request.hostAccount;
      const integration = await readHostIntegration(accountId, request.params.integration);
      const paging = readPaging(request.query, RELEASE_SORT, 'created_date__DESC');
      const { rows } = await app.db.query(
        `SELECT ${RELEASE_COLUMNS} FROM releases r JOIN integrations i ON i.id = r.integration_id
          WHERE r.account_id = $1 AND r.integration_id = $2 ORDER BY ${paging.orderBy}, r.id LIMIT $3 OFFSET $4`,
        [accountId, integration.id, paging.limit, paging.skip],
      );
      return rows;
    },
  );

  /** One release with its PANDIUM.yaml: `default`, `latest` or a release id. */
  app.get(
    '/integrations/:integration/releases/:release',
    {
      schema: {
        params: {
          type: 'object',
          required: ['integration', 'release'],
          properties: {
            ...integrationParams.properties,
            release: { type: 'string', pattern: '^(default|latest|[0-9a-fA-F-]{36})$', description: '`default`, `latest` or a release id' },
          },
        },
        response: { 200: releaseDetailSchema },
      },
    },
    async (request) => {
      const { accountId } = request.hostAccount;
      const integration = await readHostIntegration(accountId, request.params.integration);
      const which = request.params.release;
      const { rows } = await app.db.query(
        `SELECT ${RELEASE_COLUMNS}, r.pandium_yaml, r.spec FROM releases r JOIN integrations i ON i.id = r.integration_id
          WHERE r.account_id = $1 AND r.integration_id = $2
            AND CASE $3::text WHEN 'default' THEN r.id = i.default_release_id WHEN 'latest' THEN true ELSE r.id::text = lower($3) END
          ORDER BY r.created_at DESC, r.id DESC LIMIT 1`,
        [accountId, integration.id, which],
      );
      if (!rows[0]) throw notFound('Release');
      return rows[0];
    },
  );

  /** Creates or replaces an integration's marketplace listing. */
  app.put(
    '/integrations/:slug',
    {
      schema: {
        params: { type: 'object', required: ['slug'], properties: { slug: { type: 'string', pattern: slugPattern } } },
        body: listingBodySchema,
      },
    },
    async (request) => {
      const listing: IntegrationListing = { ...request.body, slug: request.params.slug };
      if (listing.type === 'external' && !listing.external_url) {
        throw unprocessable('PAN_ERR_INTEGRATION_EXTERNAL_URL_REQUIRED', 'An external integration needs an external_url');
      }
      if (listing.default_schedule) {
        const checked = checkSchedule(listing.default_schedule);
        if (!checked.ok) {
          throw unprocessable('PAN_ERR_SCHEDULE_INVALID', `default_schedule is not valid: ${checked.message}`, {
            errors: [{ field: 'default_schedule', message: checked.message }],
          });
        }
        listing.default_schedule = checked.schedule;
      }
      const stored = await upsertIntegration(app.db, request.hostAccount.accountId, listing);
      if ('unknownCategories' in stored) {
        throw unprocessable('PAN_ERR_INTEGRATION_UNKNOWN_CATEGORY', `Unknown categories: ${stored.unknownCategories.join(', ')}`, {
          unknown_categories: stored.unknownCategories,
        });
      }
      return { id: stored.id, slug: listing.slug };
    },
  );

  /** Uploads a release: the script directory as a tar.gz with PANDIUM.yaml at its root. */
  app.register(async (releases: TypedApp) => {
    releases.addContentTypeParser(
      ['application/gzip', 'application/x-gzip', 'application/octet-stream', 'application/x-tar'],
      { parseAs: 'buffer', bodyLimit: app.config.releaseBodyLimit },
      (_request, body, done) => done(null, body),
    );
    releases.post(
      '/integrations/:integration/releases',
      {
        bodyLimit: app.config.releaseBodyLimit,
        schema: {
          params: { type: 'object', required: ['integration'], properties: { integration: { type: 'string', maxLength: 100 } } },
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              version: { type: 'string', pattern: '^[\\w.+-]{1,64}$' },
              make_default: { type: 'boolean', default: true },
            },
          },
        },
      },
      async (request, reply) => {
        const { accountId } = request.hostAccount;
        const integrationId = await findIntegrationId(app.db, accountId, request.params.integration);
        if (!integrationId) throw notFound('Integration');
        if (!Buffer.isBuffer(request.body) || request.body.length === 0) {
          throw new PanError(400, 'PAN_ERR_RELEASE_EMPTY', 'Send the release as a tar.gz body (Content-Type: application/gzip)');
        }
        let archive;
        try {
          archive = await readReleaseArchive(request.body);
        } catch (error) {
          if (error instanceof ArchiveError) throw unprocessable('PAN_ERR_RELEASE_BAD_ARCHIVE', error.message);
          throw error;
        }
        const parsed = parsePandiumYaml(archive.pandiumYaml);
        if (!parsed.ok || !parsed.spec) {
          throw unprocessable('PAN_ERR_RELEASE_INVALID_PANDIUM_YAML', parsed.errors.map((e) => formatDiagnostic('PANDIUM.yaml', e)).join('\n'), {
            errors: parsed.errors,
          });
        }
        const defined = new Set((await listConnectors(app.db, accountId)).map((c) => c.name));
        const undefinedConnectors = locateTopLevelList(archive.pandiumYaml, 'connectors').filter((c) => !defined.has(c.value));
        if (undefinedConnectors.length > 0) {
          const known = defined.size ? `defined: ${[...defined].join(', ')}` : 'this account defines none yet (PUT /v2/connectors/<name>)';
          const errors = undefinedConnectors.map((c) => ({
            line: c.line,
            col: c.col,
            message: `connector "${c.value}" is not defined for this account (${known})`,
          }));
          throw unprocessable(
            'PAN_ERR_RELEASE_UNKNOWN_CONNECTOR',
            errors.map((e) => `PANDIUM.yaml:${e.line}:${e.col}: ${e.message}`).join('\n'),
            { errors },
          );
        }
        try {
          const release = await createRelease(app.db, {
            accountId,
            integrationId,
            version: request.query.version,
            pandiumYaml: archive.pandiumYaml,
            spec: parsed.spec,
            warnings: parsed.warnings,
            archive: request.body,
            makeDefault: request.query.make_default ?? true,
          });
          reply.status(release.created ? 201 : 200);
          return { ...release, warnings: parsed.warnings.map((w) => formatDiagnostic('PANDIUM.yaml', w)) };
        } catch (error) {
          if ((error as { code?: string }).code === '23505') {
            throw new PanError(409, 'PAN_ERR_RELEASE_VERSION_EXISTS', `Release version "${request.query.version}" already exists with other content`);
          }
          throw error;
        }
      },
    );
  });
}
