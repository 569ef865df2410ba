import { randomUUID } from 'node:crypto';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';
import { refuseDuplicateCredentials, refuseTokenInUrl } from './hooks.ts';
import { securityHeaders } from './security-headers.ts';
import { EndUserTokenVerifier } from '../modules/accounts/end-user-token.ts';
import type { RunApiConfig } from '../platform/config.ts';
import type { SecretBox } from '../platform/crypto/secret-box.ts';
import type { Db } from '../platform/db/pool.ts';
import { EgressPolicy } from '../platform/egress.ts';
import { answerFrameworkError, installErrorHandler } from '../platform/error-handler.ts';
import { installInputGuards } from '../platform/input-guards.ts';
import type { Telemetry } from '../platform/telemetry.ts';
import { registerOpenApi } from './openapi/index.ts';
import { marketplaceRoutes } from './marketplace.ts';
import { hostRoutes } from './host.ts';
import { publicRoutes } from './public.ts';
import { elementsBundleRoutes, loadElementsBundle, type ElementsBundle } from './elements-bundle.ts';
import { installRateLimits } from './rate-limits.ts';
import { installOps } from './ops.ts';
import { RunLogHub } from '../modules/runs/log-hub.ts';
import { lazyCompilers } from './lazy-compilers.ts';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    box: SecretBox;
    tokens: EndUserTokenVerifier;
    config: RunApiConfig;
    /** Every request the server makes goes through it (PAN_EGRESS_ALLOW). */
    egress: EgressPolicy;
    /** Live run logs (one LISTEN connection, fanned out to SSE viewers). */
    logHub: RunLogHub;
  }
}

export interface AppOptions {
  db: Db;
  box: SecretBox;
  config: RunApiConfig;
  /** Where JSON log lines go (stdout when unset); tests pass a stream to read them back. */
  logStream?: NodeJS.WritableStream;
  /** The egress policy (default: one from `config.egressAllow`); tests pass one with their own resolver. */
  egress?: EgressPolicy;
  /** Serve the API's routes (default true); false leaves only /health/* and /metrics (a process without the api role). */
  api?: boolean;
  /** OpenTelemetry (platform/telemetry.ts), when OTEL_EXPORTER_OTLP_ENDPOINT turned it on: every request gets a span. */
  telemetry?: Telemetry;
  /** The elements' script-tag bundle to serve (default: the installed @pan/elements's; null: none). */
  elementsBundle?: ElementsBundle | null;
}

/** Builds the run API. `server.ts` listens; tests use `inject` or listen on port 0. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { db, box, config } = options;
  const app = Fastify({
    bodyLimit: config.bodyLimit,
    logger: {
      level: config.logLevel,
      ...(options.logStream ? { stream: options.logStream } : {}),
      // Never log a query string or a header: they are where a careless client puts secrets.
      serializers: { req: serializeRequest },
    },
    // A client's X-Request-Id is not trusted (it would let one forge log correlation): each request gets a uuid, sent back as X-Request-Id.
    requestIdHeader: false,
    genReqId: () => randomUUID(),
    // Behind a proxy, the client IP the rate limits count by comes from X-Forwarded-For (PAN_TRUST_PROXY).
    trustProxy: config.trustProxy,
    // Fastify strips unknown properties by default; with `additionalProperties: false` they must be refused.
    // validateSchema: our route schemas are checked against the meta-schema by the OpenAPI test, not
    // at every start (compiling the meta-schema's validator was a large part of the first requests).
    ajv: { customOptions: { removeAdditional: false, validateSchema: false } },
    // Each route's schemas compiled at its first request, not all at start.
    schemaController: { compilersFactory: lazyCompilers() },
    frameworkErrors: answerFrameworkError,
  });
  // First, so that every hook and route after it is inside the request's span.
  if (options.telemetry) await app.register(options.telemetry.fastifyPlugin);
  app.decorate('db', db);
  app.decorate('box', box);
  app.decorate('config', config);
  const egress = options.egress ?? new EgressPolicy({ allow: config.egressAllow });
  app.decorate('egress', egress);
  if (!options.egress) app.addHook('onClose', async () => egress.close());
  app.decorate('tokens', new EndUserTokenVerifier(db, box, egress));
  const logHub = new RunLogHub(db);
  app.decorate('logHub', logHub);
  app.addHook('preClose', async () => logHub.endStreams());
  app.addHook('onClose', async () => logHub.close());
  app.decorateRequest('endUser', null as never);
  app.decorateRequest('hostAccount', null as never);
  app.decorateRequest('internalIds', null as never);

  installErrorHandler(app);
  installOps(app);
  if (options.api === false) return app;
  installInputGuards(app, { maxDepth: config.jsonMaxDepth });
  await app.register(cors, {
    origin: config.corsOrigins.length === 0 ? false : config.corsOrigins.includes('*') ? true : config.corsOrigins,
    allowedHeaders: ['Authorization', 'Content-Type', 'Last-Event-ID'],
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    maxAge: 600,
  });
  await app.register(helmet, securityHeaders(config));
  app.addHook('onRequest', refuseDuplicateCredentials);
  app.addHook('onRequest', refuseTokenInUrl);
  await registerOpenApi(app);
  await installRateLimits(app);

  await app.register(marketplaceRoutes, { prefix: '/marketplace' });
  await app.register(hostRoutes, { prefix: '/v2' });
  await app.register(publicRoutes);
  const { elementsBundle } = options;
  await app.register(elementsBundleRoutes, { bundle: elementsBundle === undefined ? loadElementsBundle : async () => elementsBundle });
  return app;
}

function serializeRequest(request: { method: string; url: string; ip?: string }) {
  return { method: request.method, path: request.url.split('?')[0], ip: request.ip };
}
