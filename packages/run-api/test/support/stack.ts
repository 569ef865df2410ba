import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/http/app.ts';
import type { ElementsBundle } from '../../src/http/elements-bundle.ts';
import { createApiKey } from '../../src/modules/accounts/api-key.ts';
import { readConfig, type RunApiConfig } from '../../src/platform/config.ts';
import { SecretBox } from '../../src/platform/crypto/secret-box.ts';
import { createPool, type Db } from '../../src/platform/db/pool.ts';
import { startRunEngine, type RunEngine, type RunEngineOptions } from '../../src/modules/runs/engine.ts';
import { upsertAccount, type AccountSettings } from '../../src/modules/accounts/store.ts';
import { setCategories, upsertIntegration } from '../../src/modules/catalog/store.ts';
import { fixtureCategories, fixtureIntegrations } from './catalog-fixture.ts';
import { seedFixtureReleases } from './seed-releases.ts';
import { createTestDatabase, startThrowawayCluster } from './test-database.ts';

export interface TestStack {
  app: FastifyInstance;
  db: Db;
  box: SecretBox;
  /** `http://127.0.0.1:<port>` once listening. */
  apiBase: string;
  accountId: string;
  issuer: string;
  audience: string;
  /** The account's HS256 secret, base64url. */
  hs256Secret: string;
  apiKey: string;
  /** Every log line the app wrote, for assertions that nothing leaks. */
  logLines: string[];
  /** The database's URL (e.g. for worker processes of a test). */
  databaseUrl: string;
  config: RunApiConfig;
  /** Set with the `runEngine` option. */
  engine: RunEngine | undefined;
  stop(): Promise<void>;
}

export interface TestStackOptions {
  /** A cluster to create the database on; when unset, a throwaway cluster is started. */
  clusterUrl?: string;
  seedCatalog?: boolean;
  /** Also give some fixture integrations a release (see seed-releases.ts); implies `seedCatalog`. */
  seedReleases?: boolean;
  /** Overrides for the account's JWT settings. */
  account?: Partial<AccountSettings>;
  config?: Partial<RunApiConfig>;
  /** Listen on a port (default true); `inject` works either way. */
  listen?: boolean;
  /** The server's secret box (default: one random key); e.g. a key ring over a key file. */
  box?: SecretBox;
  /** Connections in the app's pool (default 5). */
  poolSize?: number;
  /** The elements bundle the app serves (default: the installed @pan/elements's). */
  elementsBundle?: ElementsBundle | null;
  /**
   * Start a run engine (worker + scheduler, the real process executor) on the same database, with
   * its data directory in a temporary folder. Options are passed through.
   */
  runEngine?: boolean | Omit<RunEngineOptions, 'db' | 'box' | 'databaseUrl' | 'config'>;
}

/** PAN_EGRESS_ALLOW for tests whose OAuth provider, JWKS server or notification receiver listens on loopback. */
export const LOOPBACK_EGRESS_ALLOW = ['127.0.0.1/32', '::1/128', 'localhost'];

/** A real run API on a fresh PostgreSQL database with one account (and optionally the fixture catalog). */
export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const cluster = options.clusterUrl ? undefined : await startThrowawayCluster();
  const database = await createTestDatabase(options.clusterUrl ?? cluster!.url);
  const db = createPool(database.url, options.poolSize ?? 5);
  const box = options.box ?? new SecretBox(randomBytes(32));
  const hs256Secret = randomBytes(32);
  const suffix = randomBytes(4).toString('hex');
  const issuer = `test-account-${suffix}`;
  const audience = 'pan-marketplace';
  const accountId = await upsertAccount(db, box, {
    slug: `test-${suffix}`,
    name: 'Test Account',
    jwtIssuer: issuer,
    jwtAudience: audience,
    jwtAlgorithms: ['HS256'],
    hs256Secret,
    ...options.account,
  });
  const apiKey = await createApiKey(db, accountId, 'test');
  if (options.seedCatalog || options.seedReleases) await seedFixtureCatalog(db, accountId);
  if (options.seedReleases) await seedFixtureReleases(db, accountId);

  const logLines: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      callback();
    },
  });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pan-stack-'));
  let config: RunApiConfig = { ...readConfig({}), dataDir, corsOrigins: ['*'], logLevel: 'debug', ...options.config };
  const app = await buildApp({ db, box, config, logStream, ...(options.elementsBundle !== undefined ? { elementsBundle: options.elementsBundle } : {}) });
  const apiBase = options.listen === false ? '' : await app.listen({ host: '127.0.0.1', port: 0 });
  // Webhook URLs point at this API unless the test said otherwise.
  if (apiBase && !options.config?.publicUrl) {
    config = { ...config, publicUrl: apiBase };
    (app.config as { publicUrl: string }).publicUrl = apiBase;
  }
  const engine = options.runEngine
    ? await startRunEngine({
        db,
        box,
        databaseUrl: database.url,
        config,
        pollMs: 500,
        ...(options.runEngine === true ? {} : options.runEngine),
      })
    : undefined;
  return {
    app,
    db,
    box,
    apiBase,
    accountId,
    issuer,
    audience,
    hs256Secret: hs256Secret.toString('base64url'),
    apiKey,
    logLines,
    databaseUrl: database.url,
    config,
    engine,
    async stop() {
      await engine?.stop();
      await app.close();
      await db.end();
      await database.drop();
      await cluster?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function seedFixtureCatalog(db: Db, accountId: string): Promise<void> {
  await setCategories(db, accountId, fixtureCategories);
  for (const integration of fixtureIntegrations) await upsertIntegration(db, accountId, integration);
}

/** A second account on the same database, seeded with the fixture catalog: for isolation tests. */
export async function createOtherAccount(stack: TestStack): Promise<{ id: string; issuer: string; secret: Buffer }> {
  const suffix = randomBytes(4).toString('hex');
  const issuer = `other-${suffix}`;
  const secret = randomBytes(32);
  const id = await upsertAccount(stack.db, stack.box, {
    slug: `other-${suffix}`,
    name: 'Other Account',
    jwtIssuer: issuer,
    jwtAudience: stack.audience,
    jwtAlgorithms: ['HS256'],
    hs256Secret: secret,
  });
  await seedFixtureCatalog(stack.db, id);
  return { id, issuer, secret };
}
