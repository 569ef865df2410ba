import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Every published workspace package (every one not `private`), packed as `npm publish` would pack
 * it: publint and @arethetypeswrong/cli (ESM only) find nothing, the tarball holds what a consumer
 * outside this repository needs, and its dependencies on the other packages are versions they have.
 * Runs on the packages' dist/ (built by build-setup.ts).
 */

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = (name: string) => path.join(root, 'node_modules/.bin', name);
const packDir = mkdtempSync(path.join(tmpdir(), 'pan-pack-'));

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  license?: string;
  engines?: { node?: string };
  exports?: Record<string, string | Record<string, string>>;
  customElements?: string;
  dependencies?: Record<string, string>;
  repository?: { type: string; url: string; directory?: string };
}
const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Manifest & { workspaces: string[] };
const workspaces = read(path.join(root, 'package.json')).workspaces.map((dir) => ({ dir: path.join(root, dir), manifest: read(path.join(root, dir, 'package.json')) }));
const published = workspaces.filter((w) => !w.manifest.private);
const versions = new Map(workspaces.map((w) => [w.manifest.name, w.manifest.version]));

afterAll(() => rmSync(packDir, { recursive: true, force: true }));

describe('published packages', () => {
  it('are the product, and the root and the demo stay private', () => {
    expect(published.map((w) => w.manifest.name)).toEqual(expect.arrayContaining(['@pan/elements', '@pan/pandium-yaml', '@pan/contract', '@pan/cli', '@pan/run-api', '@pan/forms']));
    expect(read(path.join(root, 'package.json')).private).toBe(true);
    expect(versions.has('@pan/demo') && workspaces.find((w) => w.manifest.name === '@pan/demo')!.manifest.private).toBe(true);
  });

  describe.each(published)('$manifest.name', ({ dir, manifest }) => {
    it("names the root's repository (the one place of its URL) and its own directory in it", () => {
      const repository = read(path.join(root, 'package.json')).repository!;
      expect(repository.url).toMatch(/^git\+https:\/\/github\.com\/[^/]+\/[^/]+\.git$/);
      expect(manifest.repository).toEqual({ ...repository, directory: path.relative(root, dir) });
    });

    it('packs with its license, README, compiled JavaScript and types; publint and attw pass', async () => {
      expect(manifest.license).toBe('Apache-2.0');
      expect(manifest.engines?.node).toBe('>=20.19');
      // Other workspace packages are depended on by a version they have, so the tarballs install from a registry.
      for (const [dep, range] of Object.entries(manifest.dependencies ?? {})) {
        if (versions.has(dep)) expect([versions.get(dep), `^${versions.get(dep)}`], `${dep}@${range}`).toContain(range);
      }

      // What `npm run build` made (the global setup), without the lifecycle scripts, whose output
      // would mix with --json (prepack builds for a real publish).
      const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], { cwd: dir });
      const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
      const files = packed!.files.map((f) => f.path);
      expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json']));
      expect(files.filter((f) => /\.test\.tsx?$/.test(f) || f.endsWith('.tsbuildinfo'))).toEqual([]);
      for (const conditions of Object.values(manifest.exports ?? {})) {
        if (typeof conditions === 'string') {
          expect(files).toContain(conditions.replace(/^\.\//, ''));
          continue;
        }
        expect(files).toContain(conditions.import!.replace(/^\.\//, ''));
        expect(files).toContain(conditions.types!.replace(/^\.\//, ''));
      }
      // The elements ship their manifest and the script-tag bundle the run API serves.
      if (manifest.customElements) expect(files).toContain(manifest.customElements);
      if (manifest.name === '@pan/elements') expect(files).toContain('dist/bundle/pan-elements.js');
      // tsc rewrites relative `.ts` specifiers to `.js`; one it left (it skips some) breaks at run time.
      // grep exits 1 when nothing matches.
      const { stdout: leftovers } = await run('grep', ['-rlE', String.raw`(from |import\()\s*['"]\.\.?/[^'"]*\.tsx?['"]`, path.join(dir, 'dist'), '--include=*.js']).catch(
        (error: Error & { code?: number; stdout: string }) => (error.code === 1 ? { stdout: '' } : Promise.reject(error)),
      );
      expect(leftovers).toBe('');

      const tarball = path.join(packDir, packed!.filename);
      const publint = await run(bin('publint'), ['run', tarball, '--strict']).catch((error: { stdout: string; stderr: string }) => error);
      expect(publint.stdout + publint.stderr).toContain('All good!');
      // attw exits 1 on a problem (CommonJS resolutions are not checked: the packages are ESM only).
      const attw = await run(bin('attw'), [tarball, '--profile', 'esm-only', '--format', 'table-flipped']).catch((error: { stdout: string; stderr: string }) => {
        throw new Error(`attw found problems in ${manifest.name}:\n${error.stdout}${error.stderr}`);
      });
      expect(attw.stdout).toMatch(/node16 \(from ESM\)/);
    }, 180_000);
  });
});
