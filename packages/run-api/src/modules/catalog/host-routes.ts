import type { TypedApp } from '../../platform/type-provider.ts';
import { formatDiagnostic, locateTopLevelList, parsePandiumYaml } from '@pan/pandium-yaml';
import { listConnectors } from '../connections/store.ts';
import { ERRORS, notFound, panError } from '../../platform/errors.ts';
import { ArchiveError, readReleaseArchive } from './release-archive.ts';
import {
  createRelease,
  findIntegrationId,
  INTEGRATION_SORT,
  listHostIntegrations,
  listHostReleases,
  readHostIntegration as readHostIntegration_,
  readHostRelease,
  RELEASE_SORT,
  upsertIntegration,
  type IntegrationListing,
} from './store.ts';
import { checkSchedule } from './schedule.ts';
import {
  integrationSchema,
  listingBodySchema,
  listOf,
  pagingQuerySchema,
  releaseDetailSchema,
  releaseSchema,
  slugPattern,
} from '@pan/contract';
import { readPaging } from '../../platform/paging.ts';

const integrationParams = {
  type: 'object',
  required: ['integration'],
  properties: { integration: { type: 'string', minLength: 1, maxLength: 100, description: 'The integration slug or id' } },
} as const;

export async function integrationRoutes(app: TypedApp): Promise<void> {
  /** The account's integrations, paged. */
  app.get('/integrations', { schema: { querystring: pagingQuerySchema(INTEGRATION_SORT), response: { 200: listOf(integrationSchema) } } }, async (request) => {
    const paging = readPaging(request.query, INTEGRATION_SORT, 'created_date__ASC');
    return listHostIntegrations(app.db, request.hostAccount.accountId, paging);
  });

  const readHostIntegration = async (accountId: string, integration: string) => {
    const row = await readHostIntegration_(app.db, accountId, integration);
    if (!row) throw notFound('Integration');
    return row;
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
      return listHostReleases(app.db, accountId, integration.id, paging);
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
      const release = await readHostRelease(app.db, accountId, integration.id, which);
      if (!release) throw notFound('Release');
      return release;
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
        throw panError(ERRORS.INTEGRATION_EXTERNAL_URL_REQUIRED, 'An external integration needs an external_url');
      }
      if (listing.default_schedule) {
        const checked = checkSchedule(listing.default_schedule);
        if (!checked.ok) {
          throw panError(ERRORS.SCHEDULE_INVALID, `default_schedule is not valid: ${checked.message}`, {
            errors: [{ field: 'default_schedule', message: checked.message }],
          });
        }
        listing.default_schedule = checked.schedule;
      }
      const stored = await upsertIntegration(app.db, request.hostAccount.accountId, listing);
      if ('unknownCategories' in stored) {
        throw panError(ERRORS.INTEGRATION_UNKNOWN_CATEGORY, `Unknown categories: ${stored.unknownCategories.join(', ')}`, {
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
          throw panError(ERRORS.RELEASE_EMPTY, 'Send the release as a tar.gz body (Content-Type: application/gzip)');
        }
        let archive;
        try {
          archive = await readReleaseArchive(request.body);
        } catch (error) {
          if (error instanceof ArchiveError) throw panError(ERRORS.RELEASE_BAD_ARCHIVE, error.message);
          throw error;
        }
        const parsed = parsePandiumYaml(archive.pandiumYaml);
        if (!parsed.ok || !parsed.spec) {
          throw panError(ERRORS.RELEASE_INVALID_PANDIUM_YAML, parsed.errors.map((e) => formatDiagnostic('PANDIUM.yaml', e)).join('\n'), {
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
          throw panError(
            ERRORS.RELEASE_UNKNOWN_CONNECTOR,
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
            throw panError(ERRORS.RELEASE_VERSION_EXISTS, `Release version "${request.query.version}" already exists with other content`);
          }
          throw error;
        }
      },
    );
  });
}
