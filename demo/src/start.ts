import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApiKey, readConfig, startServer, stopOnSignals, upsertAccount } from '@pan/run-api';
import { loadDemoSecrets } from './demo-secrets.ts';
import { buildHostApp } from './host-app.ts';
import { loadDemoIntegrations } from './load-integrations.ts';

/**
 * `npm start`: the run API (embedded PostgreSQL in PAN_DATA_DIR), the demo account and its
 * integrations, and the demo host app. Prints the URL to open.
 */
const started = performance.now();
const here = path.dirname(fileURLToPath(import.meta.url));
const demoPort = Number(process.env.PAN_DEMO_PORT ?? 3000);
const hostOrigins = [`http://localhost:${demoPort}`, `http://127.0.0.1:${demoPort}`];
const env = { ...process.env, PAN_CORS_ORIGINS: [process.env.PAN_CORS_ORIGINS, ...hostOrigins].filter(Boolean).join(',') };
const config = readConfig(env);
const log = (line: string) => console.log(line);

const ISSUER = 'acme-demo';
const AUDIENCE = 'pan-marketplace';

const server = await startServer({ ...config, logLevel: process.env.PAN_LOG_LEVEL ?? 'warn' }, log);
stopOnSignals({
  async close() {
    await host?.close();
    await server.close();
  },
});
const secrets = await loadDemoSecrets(config.dataDir);
const accountId = await upsertAccount(server.app.db, server.app.box, {
  slug: 'acme',
  name: 'Acme CRM',
  jwtIssuer: ISSUER,
  jwtAudience: AUDIENCE,
  jwtAlgorithms: ['HS256'],
  hs256Secret: Buffer.from(secrets.jwtSecret, 'base64url'),
});
server.app.tokens.invalidate(ISSUER);
await createApiKey(server.app.db, accountId, 'demo host app', secrets.apiKey);
const count = await loadDemoIntegrations({ apiBase: server.url, apiKey: secrets.apiKey }, path.join(here, '../integrations'), log);
log(`Loaded ${count} demo integrations`);

const host = await buildHostApp({
  apiBase: server.url,
  jwtSecret: secrets.jwtSecret,
  jwtIssuer: ISSUER,
  jwtAudience: AUDIENCE,
  cookieSecret: secrets.cookieSecret,
  distDir: path.join(here, '../dist'),
});
await host.listen({ host: '127.0.0.1', port: demoPort });
log(`Run API on ${server.url}`);
log(`Ready in ${((performance.now() - started) / 1000).toFixed(1)} s. Open http://localhost:${demoPort}`);
