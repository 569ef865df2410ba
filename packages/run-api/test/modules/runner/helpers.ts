import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { PandiumSpec } from '@pan/pandium-yaml';
import { packReleaseDirectory } from '../../../../cli/src/release-archive.ts';
import { ProcessExecutor } from '../../../src/modules/runner/process-executor.ts';
import { ReleaseDirectories, type ReleaseDirectoriesOptions } from '../../../src/modules/runner/release-dir.ts';
import { Sandbox } from '../../../src/modules/runner/sandbox.ts';
import type { LogLine, RunContext, RunLimits, RunOutcome, RunTrigger } from '../../../src/modules/runner/types.ts';

/** A scratch directory under the OS temp dir (outside the repo: no `package.json` "type" above it). */
export async function scratch(prefix: string): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `pan-runner-${prefix}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Packs these files (plus a PANDIUM.yaml) the way `pan push` does. */
export async function packRelease(files: Record<string, string | Buffer>, workDir: string): Promise<Buffer> {
  const dir = await mkdtemp(path.join(workDir, 'src-'));
  const all = { 'PANDIUM.yaml': 'version: 1.0\nrun: node index.js\n', ...files };
  for (const [name, content] of Object.entries(all)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
  return packReleaseDirectory(dir);
}

/** An in-memory archive store: release id -> tar.gz. */
export class ArchiveStore {
  readonly archives = new Map<string, Buffer>();
  loads = 0;
  loadArchive = async (releaseId: string): Promise<Buffer> => {
    this.loads += 1;
    const archive = this.archives.get(releaseId);
    if (!archive) throw new Error(`no archive for release ${releaseId}`);
    return archive;
  };
}

export interface Harness {
  root: string;
  store: ArchiveStore;
  releases: ReleaseDirectories;
  executor: ProcessExecutor;
  /** Registers a release made of these files. */
  addRelease(id: string, files: Record<string, string | Buffer>): Promise<void>;
  /** Runs a context to its end, collecting every batch of log lines. */
  run(context: RunContext, limits?: Partial<RunLimits>, signal?: AbortSignal): Promise<{ outcome: RunOutcome; batches: LogLine[][]; lines: string[] }>;
  runDir(runId: string): string;
  remove(): Promise<void>;
}

export const DEFAULT_LIMITS: RunLimits = { timeoutMs: 20_000, stdoutCapBytes: 1024 * 1024, stderrCapBytes: 1024 * 1024 };

/**
 * The sandbox runs and builds of the runner's tests get unless they say otherwise: on, as the
 * server's default; PAN_RUN_SANDBOX=off in the tests' environment runs them unsandboxed instead.
 */
export const TEST_SANDBOX = process.env.PAN_RUN_SANDBOX === 'off' ? undefined : new Sandbox();

export async function harness(
  prefix: string,
  options: {
    keepRunDirectories?: boolean;
    killGraceMs?: number;
    releases?: Partial<ReleaseDirectoriesOptions>;
    /** Default TEST_SANDBOX; false: unsandboxed. */
    sandbox?: Sandbox | false;
  } = {},
): Promise<Harness> {
  const tmp = await scratch(prefix);
  const store = new ArchiveStore();
  const sandbox = options.sandbox === false ? undefined : (options.sandbox ?? TEST_SANDBOX);
  const releases = new ReleaseDirectories({ root: path.join(tmp.dir, 'releases'), loadArchive: store.loadArchive, sandbox, ...options.releases });
  const runsRoot = path.join(tmp.dir, 'runs');
  const executor = new ProcessExecutor({
    runsRoot,
    releases,
    sandbox,
    keepRunDirectories: options.keepRunDirectories ?? true,
    ...(options.killGraceMs === undefined ? {} : { killGraceMs: options.killGraceMs }),
  });
  return {
    root: tmp.dir,
    store,
    releases,
    executor,
    async addRelease(id, files) {
      store.archives.set(id, await packRelease(files, tmp.dir));
    },
    async run(context, limits = {}, signal) {
      const batches: LogLine[][] = [];
      const outcome = await executor.execute({
        context,
        limits: { ...DEFAULT_LIMITS, ...limits },
        onLog: (lines) => batches.push(lines),
        ...(signal ? { signal } : {}),
      });
      return { outcome, batches, lines: batches.flat().map((l) => l.line) };
    },
    runDir: (runId) => path.join(runsRoot, runId),
    remove: tmp.remove,
  };
}

let runCount = 0;

/** A context with no previous run, no configs, no secrets, no triggers but one manual. */
export function context(release: { id: string; run: string; build?: string }, overrides: Partial<RunContext> = {}): RunContext {
  runCount += 1;
  const spec: PandiumSpec = { version: '1.0', run: release.run, ...(release.build ? { build: release.build } : {}) };
  return {
    runId: `run-${runCount}`,
    mode: 'normal',
    integration: { id: 41, name: 'Acme Sync' },
    tenantId: 'tenant-1',
    release: { id: release.id, version: '1.0.0', spec },
    configs: {},
    secrets: {},
    lastRun: null,
    lastSuccessfulRun: null,
    webhookUrl: 'https://pan.example/v2/webhooks/tenant-1/abc',
    triggers: [manual('t-manual')],
    metadata: null,
    ...overrides,
  };
}

export function manual(id: string, mode: RunTrigger['mode'] = 'normal'): RunTrigger {
  return { id, source: 'manual', mode, createdAt: new Date('2023-06-06T14:11:50.456Z') };
}

/** Whether a process is gone. A zombie counts as gone: this sandbox's PID 1 does not reap orphans. */
export async function isGone(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return true;
    throw error;
  }
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat === '' || stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
}

let markerCount = 0;

/**
 * A unique word to put on a test process's command line, usable as `sleep`'s duration too
 * (`sleep 900.1234561`). Inside the sandbox's PID namespace, pids mean nothing outside: whether a
 * run's processes survive is asked by this marker instead (`liveProcessesWith`).
 */
export function processMarker(): string {
  markerCount += 1;
  return `${900 + markerCount}.${process.pid}${Math.floor(Math.random() * 1e6)}`;
}

/** Host pids of live (not zombie) processes whose command line holds `marker`. */
export async function liveProcessesWith(marker: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const [cmdline, stat] = await Promise.all([
      readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => ''),
      readFile(`/proc/${entry}/stat`, 'utf8').catch(() => ''),
    ]);
    if (!cmdline.includes(marker) || stat === '' || /^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2))) continue;
    found.push(Number(entry));
  }
  return found;
}
