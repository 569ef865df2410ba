import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { putConnector, putNotifications, rotateNotificationSecret } from '@pan/cli';
import { createApiKey, readConfig, SandboxUnavailableError, startServer, stopOnSignals, stopWhenStarted, upsertAccount } from '@pan/run-api';
import type { Acme } from './acme/index.ts';
import { loadDemoSecrets } from './demo-secrets.ts';
import { loadDemoIntegrations } from './load-integrations.ts';

/**
 * `npm start`: the run API (embedded PostgreSQL in PAN_DATA_DIR), the pretend Acme CRM (an OAuth2
 * provider and its API, which the demo's connectors point at), the demo account, its connectors
 * and integrations, and the demo host app. Prints the URL to open.
 */
const started = performance.now();
const here = path.dirname(fileURLToPath(import.meta.url));
const demoPort = Number(process.env.PAN_DEMO_PORT ?? 3000);
const acmePort = Number(process.env.PAN_DEMO_ACME_PORT ?? 3200);
const acmeApiPort = Number(process.env.PAN_DEMO_ACME_API_PORT ?? 3201);
/** The Acme API address the demo integrations' PANDIUM.yaml defaults name (rewritten when it differs). */
const ACME_API_DEFAULT_URL = 'http://127.0.0.1:3201';
const hostOrigins = [`http://localhost:${demoPort}`, `http://127.0.0.1:${demoPort}`];
const env = {
  ...process.env,
  PAN_CORS_ORIGINS: [process.env.PAN_CORS_ORIGINS, ...hostOrigins].filter(Boolean).join(','),
  // The run API refuses loopback destinations unless allow-listed: the pretend Acme CRM (OAuth
  // provider) and the host app's notification receiver listen on this machine.
  PAN_EGRESS_ALLOW: [process.env.PAN_EGRESS_ALLOW, '127.0.0.1/32', '::1/128', 'localhost'].filter(Boolean).join(','),
};
const config = readConfig(env);
const log = (line: string) => console.log(line);

const ISSUER = 'acme-demo';
const AUDIENCE = 'pan-marketplace';

let acme: Acme | undefined;
let host: Awaited<ReturnType<typeof import('./host-app.ts').buildHostApp>> | undefined;
/** Set by SIGINT/SIGTERM: the setup stops at its next step, then everything closes in order. */
let stopping = false;
class Stopped extends Error {}
const step = () => {
  if (stopping) throw new Stopped('stopped during setup');
};
let setup: Promise<void> | undefined;
// While the run API starts (PostgreSQL's start is mostly waiting), the demo's secrets are read (or
// made, with the Acme CRM's signing key), and the modules of the Acme CRM (oidc-provider) and of the
// host app load.
const preparing = Promise.all([loadDemoSecrets(config.dataDir), import('./acme/index.ts'), import('./host-app.ts')]);
preparing.catch(() => {}); // awaited in setUp; a start that fails first must not also report this
const starting = startServer({ ...config, logLevel: process.env.PAN_LOG_LEVEL ?? 'warn' }, log);
// Hooked before anything starts: a signal at any point stops what started, in order.
stopOnSignals({
  async close() {
    stopping = true;
    await starting.catch(() => {});
    await preparing.catch(() => {});
    await setup?.catch(() => {});
    await host?.close();
    await acme?.close();
    await stopWhenStarted(starting).close();
  },
});
const server = await starting.catch((error: unknown) => {
  // No run sandbox here (bubblewrap missing): the message says how to install it; no stack trace.
  if (error instanceof SandboxUnavailableError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
});
try {
  setup = setUp();
  await setup;
} catch (error) {
  // A signal during setup: its stop closes everything and exits 0.
  if (!(error instanceof Stopped)) {
    await host?.close().catch(() => {});
    await acme?.close().catch(() => {});
    await server.close().catch(() => {});
    throw error;
  }
}

/**
 * Everything before the host app answers. The host app listens last, once its notification secret
 * is known, so that its page never answers before the demo works (or while it stops).
 */
async function setUp(): Promise<void> {
  const [secrets, { ACME_PASSWORD, acmeConnectors, acmeUsers, startAcme }, { buildHostApp }] = await preparing;
  step();
  try {
    acme = await startAcme({
      providerPort: acmePort,
      apiPort: acmeApiPort,
      // The run API's OAuth callback, as it names it (PAN_PUBLIC_URL) and as it listens.
      redirectUris: [`${config.publicUrl}/oauth/callback`, `${server.url.replace(/\/+$/, '')}/oauth/callback`],
      secret: secrets.jwtSecret,
      signingKey: secrets.acmeSigningKey,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`Acme CRM cannot listen on port ${acmePort} or ${acmeApiPort} (in use): set PAN_DEMO_ACME_PORT and PAN_DEMO_ACME_API_PORT`);
    }
    throw error;
  }
  step();
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
  const hostApi = { apiBase: server.url, apiKey: secrets.apiKey };
  for (const [name, definition] of Object.entries(acmeConnectors(acme))) {
    step();
    await putConnector(hostApi, name, definition);
  }
  step();
  const count = await loadDemoIntegrations(hostApi, path.join(here, '../integrations'), log, {
    rewrites: { [ACME_API_DEFAULT_URL]: acme.api.url },
  });
  log(`Loaded ${count} demo integrations`);
  step();

  // The run API tells the host backend what happened (installs, runs); the demo logs it.
  let notificationSecret: string | undefined;
  host = await buildHostApp({
    apiBase: server.url,
    jwtSecret: secrets.jwtSecret,
    jwtIssuer: ISSUER,
    jwtAudience: AUDIENCE,
    cookieSecret: secrets.cookieSecret,
    distDir: path.join(here, '../dist'),
    notifications: {
      secret: () => notificationSecret,
      onEvent: ({ type, data }) =>
        log(`Notification ${type}: ${String(data.integration_slug)} of ${String(data.user_name)}${data.status ? ` (${String(data.status)})` : ''}`),
    },
  });
  step();
  // Notifications sent before the host app listens are retried by the run API's deliverer.
  await putNotifications(hostApi, { url: `http://127.0.0.1:${demoPort}/hooks/pan` });
  // The secret is shown once, when created: a restart asks for a new one rather than storing it.
  notificationSecret = (await rotateNotificationSecret(hostApi)).secret;
  step();
  await host.listen({ host: '127.0.0.1', port: demoPort });
  log(`Run API on ${server.url}`);
  log(`Acme CRM (OAuth2 provider) on ${acme.provider.issuer}: sign in as ${acmeUsers.map((u) => u.email).join(' or ')}, password "${ACME_PASSWORD}"`);
  log(`Acme API on ${acme.api.url}; Acme Billing API keys: ${acme.billing.map((b) => `${b.account_id} (${b.owner}) ${b.api_key}`).join(', ')}`);
  log(`Ready in ${((performance.now() - started) / 1000).toFixed(1)} s. Open http://localhost:${demoPort}`);
}
