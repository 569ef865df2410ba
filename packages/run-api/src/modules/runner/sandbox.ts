/**
 * The run sandbox: one place that turns "program + arguments + working directory + the directories
 * it may read or write" into a bubblewrap (`bwrap`) invocation, used for a run's command
 * (`process-executor.ts`) and a release's build (`release-dir.ts`) alike.
 *
 * What the sandboxed process sees and is:
 * - its own user, mount, PID, IPC, UTS and cgroup namespaces; the host's network (integrations
 *   call external APIs); no further user namespaces (`--disable-userns`);
 * - the system's read-only directories (/usr and its /bin, /lib* links, all of /etc: node, python,
 *   DNS and TLS need passwd, resolv.conf, hosts, ssl and alternatives; its secret files are not
 *   readable by an unprivileged uid anyway), the node installation when it lies outside /usr;
 * - a fresh /proc of its own PID namespace, a minimal /dev, a private /tmp (in memory, so capped at
 *   the file size limit);
 * - the directories it is given, at their own paths: a run gets its release read-only and its run
 *   directory (HOME inside) writable; a build gets its release and its build HOME writable.
 *   Nothing else of the data directory (PostgreSQL, key files, other runs, other releases).
 * - the uid and gid 65534 (configurable) inside, and outside too when this process is root: bwrap
 *   itself is started as that uid, so even an escape from the namespaces lands unprivileged.
 * - resource limits (setrlimit through `prlimit`, util-linux): address space, CPU seconds,
 *   processes (counted per user namespace, so per run, on Linux >= 5.14), open files, file size.
 *
 * bwrap is the PID namespace's init: when the command exits, or bwrap is killed (it and the
 * namespace's init lead the run's process group), every process of the run dies with it, `setsid`
 * or not. `--new-session` is not used: the outer bwrap already has a session of its own
 * (`detached: true`) and no terminal is passed in (stdin ignored, pipes out), so there is no TTY to
 * inject into; staying in one process group lets `stopGroup` wait until the namespace is gone.
 */
import { execFile } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import { existsSync, lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { chmod, lchown, lstat, readdir, stat } from 'node:fs/promises';
import path from 'node:path';

export interface SandboxLimits {
  /**
   * RLIMIT_AS in bytes: address space reserved, not memory used. V8 reserves about 1 GiB at start
   * and 10 GiB per WebAssembly memory (Node's own fetch() instantiates one), so this is a ceiling
   * on runaway allocation rather than a tight budget. 0: no limit.
   */
  addressSpaceBytes: number;
  /** RLIMIT_CPU in seconds of CPU time (SIGXCPU, then SIGKILL a second later). 0: no limit. */
  cpuSeconds: number;
  /** RLIMIT_NPROC: processes and threads of the run's uid in its user namespace. 0: no limit. */
  maxProcesses: number;
  /** RLIMIT_NOFILE: open file descriptors per process. 0: no limit. */
  maxOpenFiles: number;
  /** RLIMIT_FSIZE in bytes: the largest file a process may write (SIGXFSZ, EFBIG). 0: no limit. */
  maxFileBytes: number;
}

const GiB = 1024 * 1024 * 1024;

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = {
  addressSpaceBytes: 32 * GiB,
  cpuSeconds: 600,
  maxProcesses: 256,
  maxOpenFiles: 1024,
  maxFileBytes: 1 * GiB,
};

export interface SandboxOptions {
  limits?: Partial<SandboxLimits>;
  /** The uid and gid of the sandboxed processes (default 65534, `nobody`/`nogroup`). */
  uid?: number;
  gid?: number;
  /** The bwrap binary (default `bwrap`, found on PATH). */
  bwrap?: string;
}

/** What a sandboxed command may see besides the system directories (absolute paths). */
export interface Confinement {
  cwd: string;
  readOnly?: string[];
  writable?: string[];
}

/** What to spawn: bwrap with its arguments, as `uid`/`gid` when this process is root. */
export interface SandboxedCommand {
  file: string;
  args: string[];
  uid?: number;
  gid?: number;
}

export type LimitName = 'cpu' | 'fileSize' | 'memory' | 'processes' | 'openFiles';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export class Sandbox {
  readonly limits: SandboxLimits;
  /** The uid and gid inside the sandbox (and outside when this process is root). */
  readonly uid: number;
  readonly gid: number;
  readonly bwrap: string;
  private readonly system: string[];
  /** Directories already made reachable (once per process is enough: it is a per-run cost otherwise). */
  private readonly reachable = new Set<string>();

  constructor(options: SandboxOptions = {}) {
    this.limits = { ...DEFAULT_SANDBOX_LIMITS, ...options.limits };
    // Not root: bwrap can only map this process's own ids.
    this.uid = isRoot ? (options.uid ?? 65534) : process.getuid!();
    this.gid = isRoot ? (options.gid ?? 65534) : process.getgid!();
    this.bwrap = options.bwrap ?? 'bwrap';
    this.system = systemBinds();
  }

  /** The bwrap invocation that runs `file args` confined as described. */
  command(file: string, args: string[], confinement: Confinement): SandboxedCommand {
    const bwrapArgs = [
      '--unshare-all',
      '--unshare-user', // --unshare-all only tries it; this makes it required
      '--share-net',
      '--disable-userns',
      '--die-with-parent',
      '--uid',
      String(this.uid),
      '--gid',
      String(this.gid),
      ...this.system,
      '--proc',
      '/proc',
      '--dev',
      '/dev',
      // /tmp lives in memory, which no rlimit counts: at most one file's worth of it.
      ...(this.limits.maxFileBytes > 0 ? ['--size', String(this.limits.maxFileBytes)] : []),
      '--tmpfs',
      '/tmp',
      ...(confinement.readOnly ?? []).flatMap((dir) => ['--ro-bind', dir, dir]),
      ...(confinement.writable ?? []).flatMap((dir) => ['--bind', dir, dir]),
      '--chdir',
      confinement.cwd,
      '--',
      // bwrap sets PWD (it chdirs); the run's environment is exactly what it was given.
      '/usr/bin/env',
      '-u',
      'PWD',
      ...this.prlimit(),
      file,
      ...args,
    ];
    return { file: this.bwrap, args: bwrapArgs, ...(isRoot ? { uid: this.uid, gid: this.gid } : {}) };
  }

  /** `prlimit --as=... --` for the limits set (none: just `--`, the end of env's options). */
  private prlimit(): string[] {
    const { addressSpaceBytes, cpuSeconds, maxProcesses, maxOpenFiles, maxFileBytes } = this.limits;
    const options = [
      addressSpaceBytes > 0 && `--as=${addressSpaceBytes}`,
      // soft:hard, so that SIGXCPU (which says why) comes before the hard limit's SIGKILL.
      cpuSeconds > 0 && `--cpu=${cpuSeconds}:${cpuSeconds + 1}`,
      maxProcesses > 0 && `--nproc=${maxProcesses}`,
      maxOpenFiles > 0 && `--nofile=${maxOpenFiles}`,
      maxFileBytes > 0 && `--fsize=${maxFileBytes}`,
    ].filter((option): option is string => typeof option === 'string');
    return options.length === 0 ? ['--'] : ['/usr/bin/prlimit', ...options, '--'];
  }

  /**
   * Gives the sandbox's uid a directory tree this process made (a run directory, an unpacked
   * release), so that it can write there. A no-op unless this process is root.
   */
  async handOver(dir: string): Promise<void> {
    if (!isRoot) return;
    const walk = async (entry: string): Promise<void> => {
      await lchown(entry, this.uid, this.gid); // never through a link
      if (!(await lstat(entry)).isDirectory()) return;
      for (const name of await readdir(entry)) await walk(path.join(entry, name));
    };
    await walk(dir);
  }

  /**
   * Lets the sandbox's uid pass through `dir` (o+x, no listing): bwrap resolves the directories it
   * binds as that uid. A no-op unless this process is root.
   */
  async makeReachable(dir: string): Promise<void> {
    if (!isRoot || this.reachable.has(dir)) return;
    const { mode } = await stat(dir);
    if ((mode & 0o001) === 0) await chmod(dir, (mode & 0o7777) | 0o001);
    this.reachable.add(dir);
  }
}

/** The read-only system directories, as bwrap arguments (merged /usr links become symlinks). */
function systemBinds(): string[] {
  const args = ['--ro-bind', '/usr', '/usr'];
  for (const dir of ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32']) {
    let isLink: boolean;
    try {
      isLink = lstatSync(dir).isSymbolicLink();
    } catch {
      continue; // not on this system
    }
    if (isLink) args.push('--symlink', readlinkSync(dir), dir);
    else args.push('--ro-bind', dir, dir);
  }
  args.push('--ro-bind', '/etc', '/etc');
  // systemd-resolved and friends: /etc/resolv.conf may point into /run.
  try {
    const resolv = realpathSync('/etc/resolv.conf');
    if (!resolv.startsWith('/etc/')) args.push('--ro-bind-try', path.dirname(resolv), path.dirname(resolv));
  } catch {
    // no resolv.conf: nothing to bind
  }
  // `node index.js` must find node: an installation outside /usr (nvm, /opt) is bound read-only.
  const node = realpathSync(process.execPath);
  if (!/^\/(usr|bin|sbin|lib)\//.test(node)) {
    const prefix = path.basename(path.dirname(node)) === 'bin' ? path.dirname(path.dirname(node)) : path.dirname(node);
    if (existsSync(prefix)) args.push('--ro-bind', prefix, prefix);
  }
  return args;
}

const SIGXCPU = osConstants.signals.SIGXCPU;
const SIGXFSZ = osConstants.signals.SIGXFSZ;

/**
 * The limit an exit says was hit. bwrap reports a command killed by signal N as exit code 128 + N:
 * SIGXCPU is the CPU time limit, SIGXFSZ the file size limit.
 */
export function limitFromExit(code: number | null, signal: NodeJS.Signals | null): LimitName | undefined {
  if (signal === 'SIGXCPU' || code === 128 + SIGXCPU) return 'cpu';
  if (signal === 'SIGXFSZ' || code === 128 + SIGXFSZ) return 'fileSize';
  return undefined;
}

/**
 * The limit a line of stderr reports, as node, python, bash and libc word it: allocation failures
 * (node aborts, python raises MemoryError), EFBIG (python ignores SIGXFSZ), EAGAIN on fork, EMFILE.
 * Only consulted for a run that failed.
 */
export function limitFromLine(line: string): LimitName | undefined {
  if (/CPU time limit exceeded/.test(line)) return 'cpu';
  if (/File size limit exceeded|File too large|\bEFBIG\b/.test(line)) return 'fileSize';
  if (/out of memory|allocation failed|Fatal process OOM|Cannot allocate memory|\bENOMEM\b|MemoryError|std::bad_alloc/i.test(line)) return 'memory';
  if (/\b(spawn|fork)\b.*\b(EAGAIN|Resource temporarily unavailable)|BlockingIOError: \[Errno 11\]/.test(line)) return 'processes';
  if (/Too many open files|\bEMFILE\b/.test(line)) return 'openFiles';
  return undefined;
}

/** "its CPU time limit of 1 s", for a `[pan]` line. */
export function limitDescription(limit: LimitName, limits: SandboxLimits): string {
  switch (limit) {
    case 'cpu':
      return `its CPU time limit of ${limits.cpuSeconds} s`;
    case 'fileSize':
      return `its file size limit of ${bytes(limits.maxFileBytes)}`;
    case 'memory':
      return limits.addressSpaceBytes > 0 ? `its memory limit (address space of ${bytes(limits.addressSpaceBytes)})` : 'the memory available';
    case 'processes':
      return `its process limit of ${limits.maxProcesses}`;
    case 'openFiles':
      return `its open files limit of ${limits.maxOpenFiles}`;
  }
}

function bytes(n: number): string {
  for (const [unit, size] of [
    ['GiB', GiB],
    ['MiB', 1024 * 1024],
    ['KiB', 1024],
  ] as const) {
    if (n >= size && n % size === 0) return `${n / size} ${unit}`;
  }
  return `${n} bytes`;
}

/** bubblewrap is missing or cannot create its namespaces here: the server must not run scripts. */
export class SandboxUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SandboxUnavailableError';
  }
}

export const SANDBOX_HELP =
  'Install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap; Fedora: dnf install bubblewrap) on a kernel that allows ' +
  'unprivileged user namespaces, or set PAN_RUN_SANDBOX=off to run integration scripts unsandboxed (as this server\'s own user, ' +
  'able to read its data directory: only for scripts you trust)';

/**
 * Runs `true` in the sandbox once, with `dirs` bound read-only as runs and builds will bind theirs,
 * so a missing bwrap, namespaces the kernel refuses, or a directory the sandbox's uid cannot reach
 * are said at start rather than by every run. Throws SandboxUnavailableError.
 */
export async function checkSandbox(sandbox: Sandbox, dirs: string[]): Promise<void> {
  const { file, args, uid, gid } = sandbox.command('true', [], { cwd: '/', readOnly: dirs });
  const result = await new Promise<{ error: (Error & { code?: string | number | null }) | null; stderr: string }>((resolve) => {
    execFile(file, args, { env: { PATH: '/usr/bin:/bin' }, timeout: 30_000, ...(uid === undefined ? {} : { uid, gid }) }, (error, _stdout, stderr) =>
      resolve({ error, stderr: String(stderr) }),
    );
  });
  if (!result.error) return;
  if (result.error.code === 'ENOENT') throw new SandboxUnavailableError(`The run sandbox needs bubblewrap, and ${sandbox.bwrap} was not found. ${SANDBOX_HELP}.`);
  const why = result.stderr.trim() || result.error.message;
  throw new SandboxUnavailableError(`The run sandbox does not work here (bwrap as uid ${sandbox.uid}: ${why}). ${SANDBOX_HELP}.`);
}
