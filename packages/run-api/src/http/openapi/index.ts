import swagger from '@fastify/swagger';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { errorSchema } from '@pan/contract';
import { ERRORS } from '../../platform/errors.ts';
import { OPERATION_SUMMARIES } from './operations.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every `/v2` route registered on the app (method + Fastify URL), HEAD routes left out. */
    v2Routes: ReadonlyArray<{ method: string; url: string }>;
    /** Every route registered on the app, HEAD and OPTIONS left out, with its schema (for tests that must cover them all). */
    routeTable: ReadonlyArray<{ method: string; url: string; schema?: FastifySchema }>;
  }
}

/** Every code of the error catalogue (platform/errors.ts) with its status, whichever API answers it. */
const errorCodes = { 'x-pan-error-codes': Object.values(ERRORS) };

/** Where the host API's OpenAPI document is served (no `X-API-KEY` needed). */
export const OPENAPI_DOCUMENT_PATH = '/v2/openapi.json';

/**
 * Sets up the OpenAPI 3.1 document of the host API (`/v2`), generated from the route schemas.
 * Call on the root instance BEFORE the routes are registered (it collects them with `onRoute`).
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  const v2Routes: Array<{ method: string; url: string }> = [];
  const routeTable: Array<{ method: string; url: string; schema?: FastifySchema }> = [];
  app.decorate('v2Routes', v2Routes);
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method === 'HEAD' || method === 'OPTIONS') continue;
      routeTable.push({ method, url: route.url, ...(route.schema ? { schema: route.schema } : {}) });
      if (isV2(route.url) && route.url !== OPENAPI_DOCUMENT_PATH) v2Routes.push({ method, url: route.url });
    }
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'pan-marketplace run API', version: '0.1.0' },
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-KEY' },
          endUser: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        },
      },
      ...errorCodes,
    },
    transform: ({ schema, url, route }) => {
      const base: FastifySchema = schema ?? {};
      if (!isV2(url) || url === OPENAPI_DOCUMENT_PATH) return { schema: { ...base, hide: true }, url };
      const method = [route.method].flat()[0];
      return {
        schema: {
          ...base,
          params: withPathParams(url, base.params),
          security: [{ apiKey: [] }],
          summary: OPERATION_SUMMARIES[`${method} ${url}`],
          // The first path segment groups the operations: integrations, tenants, runs...
          tags: [url.split('/')[2]!],
          // Every error has the same shape (error-handler.ts); documented here, not serialised by it.
          response: { ...(base.response as object), '4XX': errorSchema },
        },
        url,
      };
    },
  });

  // Outside the `/v2` plugin, so its `requireApiKey` hook does not apply.
  app.get(OPENAPI_DOCUMENT_PATH, { schema: { hide: true } }, async () => app.swagger());
}

function isV2(url: string): boolean {
  return url === '/v2' || url.startsWith('/v2/');
}

/** OpenAPI requires every `{param}` of a path to be declared: add the ones a route schema leaves out. */
function withPathParams(url: string, params: unknown): unknown {
  const names = [...url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);
  if (names.length === 0) return params;
  const declared = (params ?? { type: 'object', properties: {} }) as { properties?: Record<string, unknown>; required?: string[] };
  const missing = names.filter((name) => !declared.properties?.[name]);
  if (missing.length === 0) return params;
  return {
    ...declared,
    type: 'object',
    properties: { ...declared.properties, ...Object.fromEntries(missing.map((name) => [name, { type: 'string' }])) },
    required: [...new Set([...(declared.required ?? []), ...names])],
  };
}
