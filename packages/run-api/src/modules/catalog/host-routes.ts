import type { TypedApp } from '../../platform/type-provider.ts';
import { ERRORS, notFound, panError } from '../../platform/errors.ts';
import { ingestRelease } from './release-intake.ts';
import {
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
import { checkRepositoryUrl, normalRepositoryPath } from './repository.ts';
import {
  integrationSchema,
  listingBodySchema,
  listOf,
  pagingQuerySchema,
  releaseDetailSchema,
  releaseSchema,
  slugPattern,
  hostRefSchema,
  publicIdSchema,
} from '@pan/contract';
import { readPaging } from '../../platform/paging.ts';

/** A host route's `:integration` (integrations, their releases, their source control). */
export const integrationParams = {
  type: 'object',
  required: ['integration'],
  properties: { integration: hostRefSchema('The integration: its integer id, or (ours) its slug or UUID') },
} as const;

/** The path's `:integration` (and `:release`) as UUIDs, slugs passing through, in `request.internalIds` (http/host-ids.ts). */
export const integrationPath = { publicIds: { params: { integration: 'integration' } } } as const;
const releasePath = { publicIds: { params: { integration: 'integration', release: 'release' } } } as const;

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

  app.get('/integrations/:integration', { schema: { params: integrationParams, response: { 200: integrationSchema } }, config: integrationPath }, async (request) =>
    readHostIntegration(request.hostAccount.accountId, request.internalIds.integration!),
  );

  /** The integration's releases, newest first by default. */
  app.get(
    '/integrations/:integration/releases',
    { schema: { params: integrationParams, querystring: pagingQuerySchema(RELEASE_SORT), response: { 200: listOf(releaseSchema) } }, config: integrationPath },
    async (request) => {
      const { accountId } = request.hostAccount;
      const integration = await readHostIntegration(accountId, request.internalIds.integration!);
      const paging = readPaging(request.query, RELEASE_SORT, 'created_date__DESC');
      return listHostReleases(app.db, accountId, integration.uuid!, paging);
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
            release: {
              anyOf: [publicIdSchema, { type: 'string', pattern: '^(default|latest|[0-9a-fA-F-]{36})$' }],
              description: 'The release id, `default` or `latest` (or, ours, its UUID)',
            },
          },
        },
        response: { 200: releaseDetailSchema },
      },
      config: releasePath,
    },
    async (request) => {
      const { accountId } = request.hostAccount;
      const integration = await readHostIntegration(accountId, request.internalIds.integration!);
      const release = await readHostRelease(app.db, accountId, integration.uuid!, request.internalIds.release!);
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
      // Pandium spells the type Internal/External; stored lower-case.
      const listing: IntegrationListing = { ...request.body, type: request.body.type.toLowerCase() as 'internal' | 'external', slug: request.params.slug };
      if (listing.type === 'external' && !listing.external_url) {
        throw panError(ERRORS.INTEGRATION_EXTERNAL_URL_REQUIRED, 'An external integration needs an external_url');
      }
      if (listing.translations) listing.translations = checkTranslations(listing.translations);
      if (listing.default_schedule) {
        const checked = checkSchedule(listing.default_schedule);
        if (!checked.ok) {
          throw panError(ERRORS.SCHEDULE_INVALID, `default_schedule is not valid: ${checked.message}`, {
            errors: [{ field: 'default_schedule', message: checked.message }],
          });
        }
        listing.default_schedule = checked.schedule;
      }
      if (listing.repository_url) {
        const checked = checkRepositoryUrl(listing.repository_url, { allowFile: app.config.sourceControl.allowFile, egress: app.egress });
        if (!checked.ok) {
          throw panError(checked.egress ? ERRORS.EGRESS_REFUSED : ERRORS.SOURCE_REPOSITORY_URL_INVALID, `repository_url: ${checked.message}`, {
            errors: [{ field: 'repository_url', message: checked.message }],
          });
        }
      }
      if (listing.repository_path != null) {
        const normal = normalRepositoryPath(listing.repository_path);
        if (normal === null) {
          const message = 'must be a relative path inside the repository (no leading /, no ..)';
          throw panError(ERRORS.SOURCE_PATH_INVALID, `repository_path: ${message}`, { errors: [{ field: 'repository_path', message }] });
        }
        listing.repository_path = normal;
      }
      const stored = await upsertIntegration(app.db, request.hostAccount.accountId, listing);
      if ('unknownCategories' in stored) {
        throw panError(ERRORS.INTEGRATION_UNKNOWN_CATEGORY, `Unknown categories: ${stored.unknownCategories.join(', ')}`, {
          unknown_categories: stored.unknownCategories,
        });
      }
      return { id: stored.numId, uuid: stored.id, slug: listing.slug };
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
          params: integrationParams,
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              version: { type: 'string', pattern: '^[\\w.+-]{1,64}$' },
              make_default: { type: 'boolean', default: true },
            },
          },
        },
        config: integrationPath,
      },
      async (request, reply) => {
        const { accountId } = request.hostAccount;
        const integrationId = await findIntegrationId(app.db, accountId, request.internalIds.integration!);
        if (!integrationId) throw notFound('Integration');
        if (!Buffer.isBuffer(request.body) || request.body.length === 0) {
          throw panError(ERRORS.RELEASE_EMPTY, 'Send the release as a tar.gz body (Content-Type: application/gzip)');
        }
        const release = await ingestRelease(app.db, {
          accountId,
          integrationId,
          archive: request.body,
          version: request.query.version,
          makeDefault: request.query.make_default ?? true,
        });
        reply.status(release.created ? 201 : 200);
        return release;
      },
    );
  });
}

/**
 * The listing's translations keyed by canonical BCP 47 tags (`de-at` -> `de-AT`, so the elements'
 * lookup matches), or 422 naming the first key that is not a well-formed tag or repeats a locale.
 */
function checkTranslations<T>(translations: Record<string, T>): Record<string, T> {
  const checked: Record<string, T> = {};
  for (const [tag, strings] of Object.entries(translations)) {
    let canonical: string | undefined;
    try {
      canonical = Intl.getCanonicalLocales(tag)[0];
    } catch {
      canonical = undefined;
    }
    const problem =
      canonical === undefined ? 'is not a BCP 47 language tag (e.g. de, de-AT, pt-BR)' : Object.hasOwn(checked, canonical) ? `is the same locale as ${canonical}` : undefined;
    if (problem !== undefined || canonical === undefined) {
      const field = `translations.${tag}`;
      throw panError(ERRORS.INTEGRATION_TRANSLATION_LOCALE_INVALID, `${field} ${problem}`, { errors: [{ field, message: problem }] });
    }
    checked[canonical] = strings;
  }
  return checked;
}
