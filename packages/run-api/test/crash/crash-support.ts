/** What the crash tests share: a seeded database on the test cluster, server processes on it, and a webhook load. */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { SecretBox } from '../../src/platform/crypto/secret-box.ts';
import { freePort } from '../../src/platform/db/embedded.ts';
import { startServerProcess, startTestStack, type ServerProcess, type TestStack } from '../support/index.ts';
import { endUserToken, install, scriptIntegration } from '../modules/runs/run-support.ts';

export interface CrashStack {
  stack: TestStack;
  /** The servers' shared PAN_SECRET_KEY. */
  secretKey: string;
  /** Starts a server process on the stack's database (with the default sandbox unless `env` says otherwise). */
  startServer(env?: NodeJS.ProcessEnv): Promise<ServerProcess>;
  /** Installs `count` tenants of `integration`, each for an end user of its own: their ids, users' tokens and webhook tokens. */
  tenants(integration: string, count: number): Promise<{ id: string; jwt: string; token: string }[]>;
  stop(): Promise<void>;
}

/** A database of its own on the test cluster with one account; server processes share it and its key. */
export async function crashStack(): Promise<CrashStack> {
  const key = randomBytes(32);
  const stack = await startTestStack({ clusterUrl: inject('pgClusterUrl'), box: new SecretBox(key), listen: false, poolSize: 4 });
  const dirs: string[] = [];
  const servers: ServerProcess[] = [];
  const secretKey = key.toString('base64');
  return {
    stack,
    secretKey,
    async startServer(env = {}) {
      const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pan-crash-'));
      dirs.push(dataDir);
      const server = await startServerProcess({
        DATABASE_URL: stack.databaseUrl,
        PAN_SECRET_KEY: secretKey,
        PAN_DATA_DIR: dataDir,
        PAN_PORT: String(await freePort()),
        ...env,
      });
      servers.push(server);
      return server;
    },
    async tenants(integration, count) {
      // At once: each for a user of its own, so the installs are independent (30 took 3.2 s one by
      // one on the loaded machine, 0.9 s together).
      return Promise.all(
        Array.from({ length: count }, async () => {
          const jwt = await endUserToken(stack, `crash-user-${randomBytes(4).toString('hex')}`);
          const tenant = await install(stack, jwt, integration);
          const { rows } = await stack.db.query<{ webhook_token: string }>('SELECT webhook_token FROM tenants WHERE id = $1', [tenant.id]);
          return { id: tenant.id, jwt, token: rows[0]!.webhook_token };
        }),
      );
    },
    async stop() {
      for (const server of servers.reverse()) await server.kill();
      await stack.stop();
      for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** An integration whose runs print their trigger ids (and take `ms` milliseconds, when given). */
export function echoIntegration(stack: TestStack, slug: string, ms = 0): Promise<string> {
  return scriptIntegration(stack, slug, {
    'PANDIUM.yaml': 'version: 1.0\nbase: node:24\nrun: node run.mjs\n',
    'run.mjs': `const ids = JSON.parse(process.env.PAN_CTX_RUN_TRIGGERS ?? '[]').map((t) => t.id);
setTimeout(() => console.log(JSON.stringify({ ids })), ${ms});`,
  });
}

/** Runs that have not ended yet, or ended without their triggers (lost, handed back). */
export const UNFINISHED = ['Running', 'Lost', 'Handed Back'];
