import { access, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { create as createTar } from 'tar';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BuildError, BUILT_MARKER, ReleaseDirectories } from '../../../src/modules/runner/release-dir.ts';
import { ArchiveStore, context, harness, packRelease, scratch, type Harness } from './helpers.ts';

let h: Harness;
let counter: string;

beforeEach(async () => {
  h = await harness('release');
  counter = path.join(h.root, 'builds.txt');
});

afterEach(() => h?.remove());

async function buildCount(): Promise<number> {
  const text = await readFile(counter, 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).length;
}

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

describe('ReleaseDirectories', () => {
  it('unpacks the archive, runs build in it with the clean environment, marks it built', async () => {
    await h.addRelease('r1', { 'index.js': 'x', 'lib/util.js': 'y' });
    const lines: string[] = [];
    const build = `echo "building in $(pwd)"; echo "env: $(env | cut -d= -f1 | sort | tr '\\n' ' ')" >&2`;
    const dir = await h.releases.prepare({ id: 'r1', build }, (l) => lines.push(l));
    expect(dir).toBe(path.join(h.root, 'releases', 'r1'));
    expect(await readFile(path.join(dir, 'lib/util.js'), 'utf8')).toBe('y');
    expect(await exists(path.join(dir, BUILT_MARKER))).toBe(true);
    expect(lines[0]).toBe(`[pan] building the release: ${build}`);
    expect(lines).toContain(`building in ${dir}`);
    // The build's environment: the base variables only, plus what the shell itself sets.
    const names = lines.find((l) => l.startsWith('env: '))!.slice(5).trim().split(' ');
    expect(names.filter((n) => !['PWD', 'SHLVL', '_'].includes(n))).toEqual(['HOME', 'LANG', 'PATH', 'TZ']);
    expect(lines.at(-1)).toBe('[pan] build finished');
  });

  it('builds once for two concurrent runs of one release; both runs see the build output', async () => {
    await h.addRelease('r2', { 'index.js': 'x' });
    // The build counts itself in a file the runs then read (the sandbox hides the test's files).
    const release = { id: 'r2', run: 'test "$(cat builds)" = b', build: `echo compiling; echo b >> builds; touch built-here` };
    const [a, b] = await Promise.all([h.run(context(release)), h.run(context(release))]);
    expect(a.outcome.status).toBe('Succeeded');
    expect(b.outcome.status).toBe('Succeeded');
    expect(h.store.loads).toBe(1);
    expect(a.lines).toContain('compiling');
    expect(b.lines).toContain('compiling');
    // A later run finds it built: no build output at all.
    const c = await h.run(context(release));
    expect(c.outcome.status).toBe('Succeeded');
    expect(c.lines).toEqual([]);
    expect(h.store.loads).toBe(1);
  });

  it('builds once across "processes" (two instances on one root) through withLock', async () => {
    await h.addRelease('r3', { 'index.js': 'x' });
    const locks = new Map<string, Promise<unknown>>();
    const withLock = async <T>(id: string, fn: () => Promise<T>): Promise<T> => {
      const previous = locks.get(id) ?? Promise.resolve();
      const next = previous.then(fn, fn);
      locks.set(id, next.catch(() => undefined));
      return next;
    };
    const root = path.join(h.root, 'shared-releases');
    const one = new ReleaseDirectories({ root, loadArchive: h.store.loadArchive, withLock });
    const two = new ReleaseDirectories({ root, loadArchive: h.store.loadArchive, withLock });
    const release = { id: 'r3', build: `echo b >> "${counter}"` };
    const [a, b] = await Promise.all([one.prepare(release, () => {}), two.prepare(release, () => {})]);
    expect(a).toBe(b);
    expect(await buildCount()).toBe(1);
  });

  it('a failed build fails the run as the integration\'s, with its output; the next run builds again', async () => {
    await h.addRelease('r4', { 'index.js': 'x' });
    const release = {
      id: 'r4',
      run: 'echo ran >&2',
      build: `echo "npm ERR! missing script" >&2; test -f fixed || exit 2`,
    };
    const first = await h.run(context(release));
    expect(first.outcome).toMatchObject({ status: 'Failed (Integration Issue)', exitCode: null });
    expect(first.lines.slice(1)).toEqual(['npm ERR! missing script', '[pan] the build failed with exit code 2']);
    expect(await exists(path.join(h.releases.directoryOf('r4'), BUILT_MARKER))).toBe(false);

    // What the build lacked is there now (a transient failure): the next run unpacks and builds again.
    await h.addRelease('r4', { 'index.js': 'x', fixed: '' });
    const second = await h.run(context(release));
    expect(second.outcome.status).toBe('Succeeded');
    expect(second.lines).toContain('ran');
    expect(h.store.loads).toBe(2);
  });

  it('prepare throws BuildError for a failing build, and the caller\'s onLog gets the output', async () => {
    await h.addRelease('r5', {});
    const lines: string[] = [];
    await expect(h.releases.prepare({ id: 'r5', build: 'echo out; exit 7' }, (l) => lines.push(l))).rejects.toBeInstanceOf(BuildError);
    expect(lines).toEqual(['[pan] building the release: echo out; exit 7', 'out', '[pan] the build failed with exit code 7']);
  });

  it('a build over its time limit is stopped and fails', async () => {
    const tmp = await scratch('build-timeout');
    try {
      const store = new ArchiveStore();
      store.archives.set('r6', await packRelease({}, tmp.dir));
      const releases = new ReleaseDirectories({ root: path.join(tmp.dir, 'rel'), loadArchive: store.loadArchive, buildTimeoutMs: 300, killGraceMs: 100 });
      const lines: string[] = [];
      await expect(releases.prepare({ id: 'r6', build: 'echo start; sleep 100' }, (l) => lines.push(l))).rejects.toThrow('The build took longer than 300 ms');
      expect(lines.at(-1)).toBe('[pan] the build took longer than 300 ms and was stopped');
    } finally {
      await tmp.remove();
    }
  });

  it('a release without build is unpacked and marked built', async () => {
    await h.addRelease('r7', { 'a.txt': 'a' });
    const lines: string[] = [];
    const dir = await h.releases.prepare({ id: 'r7' }, (l) => lines.push(l));
    expect(await exists(path.join(dir, BUILT_MARKER))).toBe(true);
    expect(lines).toEqual([]);
  });

  it('unpacks plain files and directories only (a symlink in the archive is skipped)', async () => {
    const src = path.join(h.root, 'linky');
    const { mkdir, symlink } = await import('node:fs/promises');
    await mkdir(src);
    await writeFile(path.join(src, 'PANDIUM.yaml'), 'run: true\n');
    await symlink('/etc/passwd', path.join(src, 'passwd'));
    const chunks: Buffer[] = [];
    for await (const chunk of createTar({ gzip: true, cwd: src, portable: true }, ['PANDIUM.yaml', 'passwd'])) chunks.push(chunk as Buffer);
    h.store.archives.set('r8', Buffer.concat(chunks));
    const dir = await h.releases.prepare({ id: 'r8' }, () => {});
    expect(await exists(path.join(dir, 'PANDIUM.yaml'))).toBe(true);
    expect(await exists(path.join(dir, 'passwd'))).toBe(false);
  });

  it('refuses a release id that is not a plain name', () => {
    expect(() => h.releases.directoryOf('../x')).toThrow('Unusable release id');
    expect(() => h.releases.directoryOf('..')).toThrow('Unusable release id');
  });
});
