import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { readConfig } from '../src/platform/config.ts';
import { SecretBox } from '../src/platform/crypto/secret-box.ts';
import { freePort } from '../src/platform/db/embedded.ts';
import { startServer, type RunningServer } from '../src/server.ts';
import { upsertAccount } from '../src/modules/accounts/store.ts';
import { isRunning, postmasterPid, processesUsing } from './support/index.ts';

/**
 * `startServer` and `tsx src/server.ts` as a process: the embedded PostgreSQL in the data
 * directory, migrations, listening, a clean stop, and a second start that finds the data again.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pan-server-test-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Starts a server and makes sure it is closed after the test even when an assertion fails. */
async function start(dataDir: string, lines: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<RunningServer> {
  const config = readConfig({ PAN_DATA_DIR: dataDir, PAN_PORT: '0', PAN_LOG_LEVEL: 'warn', ...env });
  const server = await startServer(config, (line) => lines.push(line));
  let closed = false;
  const close = server.close.bind(server);
  server.close = async () => {
    if (closed) return;
    closed = true;
    await close();
  };
  cleanups.push(() => server.close());
  return server;
}

describe('startServer', () => {
  it('starts PostgreSQL in the data dir, migrates, listens; a second start finds the data and the same key', async () => {
    const dataDir = await tempDataDir();
    const lines: string[] = [];
    const first = await start(dataDir, lines);
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(first.config.dataDir).toBe(dataDir);
    expect(lines.some((line) => line.includes(`Embedded PostgreSQL in ${dataDir}`))).toBe(true);
    expect(existsSync(path.join(dataDir, 'pg', 'PG_VERSION'))).toBe(true);

    const health = await fetch(`${first.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });

    // Migrated: the schema is there.
    const { rows: migrations } = await first.app.db.query<{ name: string }>('SELECT name FROM pan_migrations');
    expect(migrations.map((m) => m.name)).toContain('1732300000000_catalog');

    // The key file is created with one key, private to its owner.
    const keyFile = path.join(dataDir, 'secret.keys');
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    const key = await readFile(keyFile, 'utf8');
    const keys = (JSON.parse(key) as { keys: { key: string }[] }).keys;
    expect(keys).toHaveLength(1);
    expect(Buffer.from(keys[0]!.key, 'base64')).toHaveLength(32);

    // A row whose secret is sealed with that key.
    const secret = randomBytes(32);
    const accountId = await upsertAccount(first.app.db, first.app.box, {
      slug: 'persisted',
      name: 'Persisted Account',
      jwtIssuer: 'persisted-issuer',
      jwtAudience: 'pan-marketplace',
      jwtAlgorithms: ['HS256'],
      hs256Secret: secret,
    });
    const firstPid = await postmasterPid(dataDir);
    expect(isRunning(firstPid)).toBe(true);

    await first.close();
    expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
    expect(isRunning(firstPid)).toBe(false);
    await expect(fetch(`${first.url}/health`)).rejects.toThrow();

    const second = await start(dataDir);
    const { rows } = await second.app.db.query<{ id: string; name: string; jwt_hs256_secret: Buffer }>(
      'SELECT id, name, jwt_hs256_secret FROM accounts WHERE slug = $1',
      ['persisted'],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: accountId, name: 'Persisted Account' });
    // Same key file, same bytes: the secret sealed by the first start opens.
    expect(await readFile(keyFile, 'utf8')).toBe(key);
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    expect(second.app.box.open(rows[0]!.jwt_hs256_secret).equals(secret)).toBe(true);
    expect((await fetch(`${second.url}/health`)).status).toBe(200);
    await second.close();
    expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
  }, 30_000);

  it('PAN_SECRET_KEY wins over the key file, and no file is written', async () => {
    const dataDir = await tempDataDir();
    const secretKey = randomBytes(32).toString('base64');
    const server = await start(dataDir, [], { PAN_SECRET_KEY: secretKey });
    expect(existsSync(path.join(dataDir, 'secret.key'))).toBe(false);
    expect(existsSync(path.join(dataDir, 'secret.keys'))).toBe(false);
    const sealed = server.app.box.seal('hello');
    expect(new SecretBox(Buffer.from(secretKey, 'base64')).open(sealed).toString()).toBe('hello');
  }, 20_000);

  it('a port already in use fails the start and stops PostgreSQL again', async () => {
    const dataDir = await tempDataDir();
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    const port = (blocker.address() as net.AddressInfo).port;

    await expect(startServer(readConfig({ PAN_DATA_DIR: dataDir, PAN_PORT: String(port), PAN_LOG_LEVEL: 'warn' }), () => {})).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
    expect(existsSync(path.join(dataDir, 'pg', 'PG_VERSION'))).toBe(true);
    expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
    expect(await processesUsing(dataDir)).toEqual([]);
  }, 20_000);
});

describe('the run sandbox at start', () => {
  it.runIf(process.getuid?.() === 0)('refuses to start when the sandbox (and PostgreSQL) could not reach the data directory, saying what to do, before starting anything', async () => {
    // The sandbox's uid (and the postgres user) cannot pass through a 0700 directory of root's above
    // the data directory: said before the sandbox is probed (which would fail on it, less clearly).
    // checkSandbox's own refusals are tested in modules/runner/sandbox.test.ts.
    const locked = path.join(await tempDataDir(), 'locked');
    await mkdir(locked, { mode: 0o700 });
    const dataDir = path.join(locked, 'data');
    const error = await startServer(readConfig({ PAN_DATA_DIR: dataDir, PAN_PORT: '0', PAN_LOG_LEVEL: 'warn' }), () => {}).catch((e: unknown) => e);
    expect((error as Error).message).toContain(`The data directory ${dataDir} is inside ${locked} (mode 0700, owner uid 0)`);
    expect((error as Error).message).toContain('the run sandbox (uid 65534)');
    expect((error as Error).message).toContain(`chmod o+x ${locked}`);
    expect((error as Error).message).toContain('PAN_DATA_DIR');
    expect(existsSync(path.join(dataDir, 'runs'))).toBe(false);
    expect(existsSync(path.join(dataDir, 'pg'))).toBe(false);
  });

  it('PAN_RUN_SANDBOX=off starts unsandboxed and says so', async () => {
    const lines: string[] = [];
    await start(await tempDataDir(), lines, { PAN_RUN_SANDBOX: 'off' });
    expect(lines.filter((line) => line.includes('PAN_RUN_SANDBOX=off'))).toEqual([expect.stringMatching(/^WARNING: PAN_RUN_SANDBOX=off: integration scripts and builds run unsandboxed/)]);
  }, 20_000);
});

describe('tsx src/server.ts', () => {
  it('prints "listening", answers /health, and on SIGTERM exits 0 leaving no postgres behind', async () => {
    const dataDir = await tempDataDir();
    const port = await freePort();
    // Node with tsx as its loader, so that SIGTERM reaches the server itself. Not `npm exec`: it dies
    // on SIGTERM without passing it on, which would orphan the server and its PostgreSQL. Not the tsx
    // CLI either: it relays the signal to its child and SIGKILLs it (exit 143) unless the child says
    // it got the signal within 30 ms, which a busy machine does not always manage.
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'packages/run-api/src/server.ts'], {
      cwd: repoRoot,
      env: { ...process.env, PAN_DATA_DIR: dataDir, PAN_PORT: String(port), PAN_LOG_LEVEL: 'warn', DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    cleanups.push(async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    });
    const output: string[] = [];
    createInterface({ input: child.stderr! }).on('line', (line) => output.push(`stderr: ${line}`));

    // Wait for the line that says it listens (or for the process to die first).
    const url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        output.push(line);
        const match = /listening on (http:\/\/\S+)/.exec(line);
        if (match) resolve(match[1]!);
      });
      void exited.then(({ code, signal }) => reject(new Error(`server exited early (${code ?? signal}):\n${output.join('\n')}`)));
    });
    expect(url).toBe(`http://127.0.0.1:${port}`);
    expect(output.some((line) => line.includes(`Embedded PostgreSQL in ${dataDir}`))).toBe(true);

    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });

    const pid = await postmasterPid(dataDir);
    expect(isRunning(pid)).toBe(true);
    expect((await processesUsing(dataDir)).length).toBeGreaterThan(0);

    child.kill('SIGTERM');
    const { code, signal } = await exited;
    expect({ code, signal }, output.join('\n')).toEqual({ code: 0, signal: null });
    expect(output.some((line) => line.includes('SIGTERM: stopping'))).toBe(true);
    expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
    expect(isRunning(pid)).toBe(false);
    expect(await processesUsing(dataDir)).toEqual([]);
  }, 30_000);
});
