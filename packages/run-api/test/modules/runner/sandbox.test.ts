import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSandbox, DEFAULT_SANDBOX_LIMITS, limitFromExit, limitFromLine, Sandbox, SandboxUnavailableError } from '../../../src/modules/runner/sandbox.ts';
import { sandboxFor } from '../../../src/modules/runs/engine.ts';
import { readConfig } from '../../../src/platform/config.ts';
import { context, harness, liveProcessesWith, processMarker, type Harness } from './helpers.ts';

/**
 * The run sandbox, attacked and used: a hostile integration (fixtures/hostile) tries each escape
 * of issue 13 from inside a run and reports what it got; an ordinary one (fixtures/ordinary) does
 * what integrations do. Both are real integration directories (`pan run` runs them too).
 */
const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const isRoot = process.getuid?.() === 0;

async function fixtureFiles(name: string): Promise<Record<string, Buffer>> {
  const dir = path.join(FIXTURES, name);
  const files: Record<string, Buffer> = {};
  for (const file of await readdir(dir)) files[file] = await readFile(path.join(dir, file));
  return files;
}

interface Attempt {
  attempt: string;
  escaped: boolean;
  result: string;
}

describe('a hostile integration in the sandbox', () => {
  let h: Harness;
  let attempts: Attempt[];
  let marker: string;
  let runId: string;
  const canaries = {
    secret: 'SECRET-KEY-CANARY',
    pg: 'PG-VERSION-CANARY',
    otherRun: 'OTHER-TENANT-PAYLOAD-CANARY',
    otherRelease: 'OTHER-RELEASE-CODE-CANARY',
  };

  beforeAll(async () => {
    h = await harness('hostile', { sandbox: new Sandbox() }); // always: unsandboxed, this script would do harm
    await h.addRelease('rel-hostile', await fixtureFiles('hostile'));
    // The harness root stands for the data directory: what the server keeps beside runs and
    // releases, another tenant's run, another release. Readable and writable by anyone, so that
    // only the sandbox keeps the script out.
    await writeFile(path.join(h.root, 'secret.keys'), canaries.secret, { mode: 0o644 });
    await mkdir(path.join(h.root, 'pg'), { mode: 0o755 });
    await writeFile(path.join(h.root, 'pg', 'PG_VERSION'), canaries.pg, { mode: 0o644 });
    const otherRun = path.join(h.root, 'runs', 'other-run', 'triggers');
    await mkdir(otherRun, { recursive: true });
    await writeFile(path.join(otherRun, 't-1'), canaries.otherRun, { mode: 0o644 });
    const otherRelease = path.join(h.root, 'releases', 'other-release');
    await mkdir(otherRelease, { recursive: true });
    await chmod(otherRelease, 0o777);
    await writeFile(path.join(otherRelease, 'index.js'), canaries.otherRelease, { mode: 0o666 });

    marker = processMarker();
    const ctx = context(
      { id: 'rel-hostile', run: 'node index.js' },
      {
        configs: {
          server_pid: process.pid,
          other_run_file: path.join(otherRun, 't-1'),
          other_release_file: path.join(otherRelease, 'index.js'),
          other_release_dir: otherRelease,
          secret_file: path.join(h.root, 'secret.keys'),
          marker,
        },
      },
    );
    runId = ctx.runId;
    const { outcome, lines } = await h.run(ctx);
    expect(outcome.status, lines.join('\n')).toBe('Succeeded');
    attempts = (JSON.parse(outcome.stdoutJson!) as { attempts: Attempt[] }).attempts;
    // The report, for whoever reads the test output (the closing note quotes it).
    console.log(attempts.map((a) => `${a.escaped ? 'ESCAPED' : 'refused'}  ${a.attempt}: ${a.result}`).join('\n'));
  });

  afterAll(() => h?.remove());

  const result = (prefix: string) => {
    const found = attempts.find((a) => a.attempt.startsWith(prefix));
    expect(found, `no attempt "${prefix}"`).toBeDefined();
    return found!;
  };

  it('no attempt escaped', () => {
    expect(attempts.length).toBeGreaterThanOrEqual(18);
    expect(attempts.filter((a) => a.escaped)).toEqual([]);
  });

  it('sees none of the data directory: key file, PostgreSQL, other runs, other releases', () => {
    expect(result('list the data directory').result).toBe('sees [releases, runs]');
    expect(result(`read ${path.join(h.root, 'secret.keys')}`).result).toMatch(/^ENOENT/);
    expect(result('list the PostgreSQL data directory').result).toMatch(/^ENOENT/);
    expect(result('read ' + path.join(h.root, 'pg', 'PG_VERSION')).result).toMatch(/^ENOENT/);
    expect(result('list other runs').result).toBe('sees only its own run directory');
    expect(result("read another run's payload").result).toMatch(/^ENOENT/);
    expect(result('list other releases').result).toBe('sees only its own release');
    expect(result("read another release's code").result).toMatch(/^ENOENT/);
  });

  it('cannot write another release or its own', async () => {
    expect(result("replace another release's index.js").result).toMatch(/^ENOENT/);
    expect(result('write into its own release directory').result).toMatch(/^EROFS/);
    expect(await readFile(path.join(h.root, 'releases', 'other-release', 'index.js'), 'utf8')).toBe(canaries.otherRelease);
    expect(await readFile(path.join(h.releases.directoryOf('rel-hostile'), 'index.js'), 'utf8')).toContain('A hostile integration script');
  });

  it('sees only its own processes: not the server\'s /proc, not its environment', () => {
    expect(result('list /proc').result).toMatch(/^sees [1-9] processes/);
    expect(result(`read /proc/${process.pid}/environ`).escaped).toBe(false);
    expect(result('signal the server').escaped).toBe(false);
    expect(result("read /proc/1/environ (the sandbox's own init)").result).toMatch(/^bwrap, \d+ variables, none but the run's own$/);
  });

  it('is unprivileged: no /etc/shadow, no /sys, no user namespace, no mount, not root', async () => {
    expect(result('read /etc/shadow').result).toMatch(/^EACCES/);
    expect(result('list /sys').result).toMatch(/^ENOENT/);
    expect(result('create a user namespace').result).toMatch(/^refused/);
    expect(result('mount a tmpfs').result).toMatch(/^refused/);
    expect(result('run as root').result).toBe(`uid ${TEST_UID}, gid ${TEST_GID}`);
    // Outside too: what it wrote belongs to the run's uid, not to the server's.
    const owner = await stat(path.join(h.runDir(runId), 'home', 'owner-probe'));
    expect(owner.uid).toBe(TEST_UID);
  });

  it('leaves nothing running: its setsid child died with the run', async () => {
    expect(result('leave a setsid child running').result).toContain(`setsid sleep ${marker}`);
    expect(await liveProcessesWith(marker)).toEqual([]);
  });
});

/** The ids sandboxed processes get: 65534 when these tests run as root, else the tests' own. */
const TEST_UID = isRoot ? 65534 : process.getuid!();
const TEST_GID = isRoot ? 65534 : process.getgid!();

describe('an ordinary integration in the sandbox', () => {
  let h: Harness;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    h = await harness('ordinary', { sandbox: new Sandbox() });
    await h.addRelease('rel-ordinary', await fixtureFiles('ordinary'));
    server = createServer((_req, res) => res.end('hello from the test'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await h?.remove();
  });

  it('builds, then reads its files and payload, writes HOME and /tmp, resolves names and calls the network', async () => {
    const ctx = context(
      { id: 'rel-ordinary', run: 'node index.js', build: 'node build.js' },
      {
        mode: 'webhook',
        configs: { url },
        triggers: [
          { id: 't-hook', source: 'webhook', mode: 'webhook', createdAt: new Date(), payload: { body: Buffer.from('{"order":42}'), headers: { 'content-type': 'application/json' } } },
        ],
      },
    );
    const { outcome, lines } = await h.run(ctx);
    expect(outcome.status, lines.join('\n')).toBe('Succeeded');
    expect(lines).toContain('built dist/built.json');
    const report = JSON.parse(outcome.stdoutJson!);
    expect(report).toEqual({
      built: { builtBy: TEST_UID, home: path.join(h.root, 'releases', '.home', 'rel-ordinary') },
      data: 'bundled data',
      payloads: ['{"order":42}'],
      home: '{"cursor":1}',
      tmp: 'tmp ok',
      resolved: expect.stringMatching(/^(127\.0\.0\.1|::1)$/),
      certificates: true,
      http: '200 hello from the test',
      fetched: 'hello from the test',
    });
    // The build's cache stayed beside the release, outside the run's view.
    expect(await readFile(path.join(h.root, 'releases', '.home', 'rel-ordinary', '.cache-probe'), 'utf8')).toBe('build cache');
  });
});

describe('resource limits', () => {
  let h: Harness;
  const MiB = 1024 * 1024;
  // Node itself has about a dozen threads, which count as processes.
  const limited = new Sandbox({ limits: { cpuSeconds: 1, maxFileBytes: 1 * MiB, maxOpenFiles: 64, maxProcesses: 24, addressSpaceBytes: 2048 * MiB } });
  const release = (run: string, build?: string) => ({ id: 'rel-limits', run, ...(build ? { build } : {}) });

  beforeAll(async () => {
    h = await harness('limits', { sandbox: limited });
    await h.addRelease('rel-limits', {
      'burn.js': 'for (;;) {}',
      'big-file.js': `require('node:fs').writeFileSync(process.env.HOME + '/big', Buffer.alloc(2 * 1024 * 1024, 1)); console.log('wrote it');`,
      'files.js': `const fs = require('node:fs'); const fds = []; for (let i = 0; i < 200; i++) fds.push(fs.openSync('files.js', 'r'));`,
      'fill-tmp.js': `const fs = require('node:fs'); for (let i = 0; i < 4; i++) fs.writeFileSync('/tmp/part-' + i, Buffer.alloc(512 * 1024, 1)); console.log('filled');`,
      'children.js': `const { spawn } = require('node:child_process'); for (let i = 0; i < 40; i++) spawn('sleep', ['30'], { stdio: 'ignore' });`,
      'small-file.js': `require('node:fs').writeFileSync(process.env.HOME + '/small', Buffer.alloc(512 * 1024, 1)); console.log('{"ok":true}');`,
    });
  });

  afterAll(() => h?.remove());

  // Generous wall-clock limits: a loaded machine may take a while to burn 1 s of CPU.
  const slow = { timeoutMs: 120_000 };

  it('CPU time: Failed (Resource Limit), the log names the limit', async () => {
    const { outcome, lines } = await h.run(context(release('node burn.js')), slow);
    expect(outcome.status).toBe('Failed (Resource Limit)');
    expect(lines.at(-1)).toBe('[pan] the run hit its CPU time limit of 1 s');
  }, 130_000);

  it('file size: Failed (Resource Limit), the log names the limit', async () => {
    const { outcome, lines } = await h.run(context(release('node big-file.js')), slow);
    expect(outcome.status).toBe('Failed (Resource Limit)');
    expect(lines.at(-1)).toBe('[pan] the run hit its file size limit of 1 MiB');
  });

  it('memory (address space): Failed (Resource Limit), the log names the limit', async () => {
    // No CPU limit here: on a loaded machine, the allocations could use up 1 s of CPU first.
    const memory = await harness('limits-memory', { sandbox: new Sandbox({ limits: { addressSpaceBytes: 2048 * MiB, cpuSeconds: 0 } }) });
    try {
      await memory.addRelease('rel-memory', { 'hog.js': 'const kept = []; for (;;) kept.push(Buffer.alloc(64 * 1024 * 1024));' });
      const { outcome, lines } = await memory.run(context({ id: 'rel-memory', run: 'node hog.js' }), slow);
      expect(outcome.status).toBe('Failed (Resource Limit)');
      expect(lines.at(-1)).toBe('[pan] the run hit its memory limit (address space of 2 GiB)');
    } finally {
      await memory.remove();
    }
  });

  it('open files: Failed (Resource Limit), the log names the limit', async () => {
    const { outcome, lines } = await h.run(context(release('node files.js')), slow);
    expect(outcome.status).toBe('Failed (Resource Limit)');
    expect(lines.at(-1)).toBe('[pan] the run hit its open files limit of 64');
  });

  it('processes: Failed (Resource Limit), the log names the limit', async () => {
    const { outcome, lines } = await h.run(context(release('node children.js')), slow);
    expect(outcome.status).toBe('Failed (Resource Limit)');
    expect(lines).toContainEqual(expect.stringMatching(/^Error: spawn sleep EAGAIN$/));
    expect(lines.at(-1)).toBe('[pan] the run hit its process limit of 24');
  });

  it('/tmp holds no more than the file size limit (it lives in memory)', async () => {
    const { outcome, lines } = await h.run(context(release('node fill-tmp.js')), slow);
    expect(outcome.status).toBe('Failed (Integration Issue)');
    expect(lines.join('\n')).toContain('ENOSPC');
  });

  it('a build that hits a limit fails the run the same way', async () => {
    const other = await harness('limits-build', { sandbox: limited });
    try {
      await other.addRelease('rel-build', { 'big-file.js': `require('node:fs').writeFileSync('big', Buffer.alloc(2 * 1024 * 1024, 1));` });
      const { outcome, lines } = await other.run(context({ id: 'rel-build', run: 'true', build: 'node big-file.js' }), slow);
      expect(outcome.status).toBe('Failed (Resource Limit)');
      expect(lines.at(-1)).toBe('[pan] the build hit its file size limit of 1 MiB');
    } finally {
      await other.remove();
    }
  });

  it('a run within its limits is not affected', async () => {
    const { outcome } = await h.run(context(release('node small-file.js')), slow);
    expect(outcome).toMatchObject({ status: 'Succeeded', stdoutJson: '{"ok":true}' });
  });

  it('an unsandboxed run has no such limits (PAN_RUN_SANDBOX=off)', async () => {
    const off = await harness('limits-off', { sandbox: false });
    try {
      await off.addRelease('rel-off', { 'big-file.js': `require('node:fs').writeFileSync(process.env.HOME + '/big', Buffer.alloc(2 * 1024 * 1024, 1)); console.log('{"ok":true}');` });
      const { outcome } = await off.run(context({ id: 'rel-off', run: 'node big-file.js' }));
      expect(outcome.status).toBe('Succeeded');
    } finally {
      await off.remove();
    }
  });
});

describe('what a failed run says about limits', () => {
  it.each<[number | null, NodeJS.Signals | null, string | undefined]>([
    [152, null, 'cpu'], // 128 + SIGXCPU, as bwrap reports a command killed by it
    [153, null, 'fileSize'], // 128 + SIGXFSZ
    [null, 'SIGXCPU', 'cpu'],
    [1, null, undefined],
    [137, null, undefined], // SIGKILL: could be anything
  ])('exit %s, signal %s: %s', (code, signal, limit) => {
    expect(limitFromExit(code, signal)).toBe(limit);
  });

  it.each<[string, string | undefined]>([
    ['FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory', 'memory'],
    ['RangeError: Array buffer allocation failed', 'memory'],
    ['MemoryError', 'memory'],
    ["OSError: [Errno 27] File too large", 'fileSize'],
    ['bash: fork: retry: Resource temporarily unavailable', 'processes'],
    ['Error: spawn sleep EAGAIN', 'processes'],
    ['BlockingIOError: [Errno 11] Resource temporarily unavailable', 'processes'],
    ["Error: EMFILE: too many open files, open 'x'", 'openFiles'],
    ['bash: line 1:    12 CPU time limit exceeded (core dumped) node burn.js', 'cpu'],
    ['cannot reach the API', undefined],
  ])('%s: %s', (line, limit) => {
    expect(limitFromLine(line)).toBe(limit);
  });
});

describe('checkSandbox', () => {
  it('passes where bubblewrap works', async () => {
    await expect(checkSandbox(new Sandbox(), ['/usr'])).resolves.toBeUndefined();
  });

  it('says how to install bubblewrap when it is missing', async () => {
    const error = await checkSandbox(new Sandbox({ bwrap: '/nonexistent/bwrap' }), []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SandboxUnavailableError);
    expect((error as Error).message).toContain('apt-get install bubblewrap');
    expect((error as Error).message).toContain('PAN_RUN_SANDBOX=off');
  });

  it('says why when a directory cannot be bound', async () => {
    const error = await checkSandbox(new Sandbox(), ['/nonexistent-dir']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SandboxUnavailableError);
    expect((error as Error).message).toContain('/nonexistent-dir');
  });
});

describe('configuration', () => {
  it('the sandbox is on by default, with the default limits; PAN_RUN_SANDBOX=off turns it off', () => {
    const sandbox = sandboxFor(readConfig({}));
    expect(sandbox).toBeInstanceOf(Sandbox);
    expect(sandbox!.limits).toEqual(DEFAULT_SANDBOX_LIMITS);
    expect(sandboxFor(readConfig({ PAN_RUN_SANDBOX: 'off' }))).toBeUndefined();
  });

  it('reads the limits and refuses anything but on or off', () => {
    const config = readConfig({ PAN_RUN_CPU_SECONDS: '5', PAN_RUN_MAX_FILE_BYTES: '0', PAN_RUN_MAX_PROCESSES: '64', PAN_RUN_MAX_OPEN_FILES: '100', PAN_RUN_ADDRESS_SPACE_BYTES: '1073741824' });
    expect(sandboxFor(config)!.limits).toEqual({ cpuSeconds: 5, maxFileBytes: 0, maxProcesses: 64, maxOpenFiles: 100, addressSpaceBytes: 1073741824 });
    expect(() => readConfig({ PAN_RUN_SANDBOX: 'false' })).toThrow('PAN_RUN_SANDBOX must be on or off, got "false"');
  });

  it('a limit of 0 is no limit: prlimit is not given it', () => {
    const { args } = new Sandbox({ limits: { cpuSeconds: 0, maxFileBytes: 0, maxProcesses: 0, maxOpenFiles: 0, addressSpaceBytes: 0 } }).command('node', ['x.js'], { cwd: '/' });
    expect(args).not.toContain('/usr/bin/prlimit');
    expect(args.slice(-2)).toEqual(['node', 'x.js']);
  });
});
