import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

/**
 * What `npm start` runs needs two builds: the packages' dist/ and the demo's server in demo/lib
 * (`tsc -b tsconfig.build.json`; `npm start` runs them on plain Node, which loads them much
 * faster than a TypeScript loader would)
 * and the demo page (`vite build` of demo/web into demo/dist, which bundles the elements from
 * their sources), and the elements' script-tag bundle the run API serves (`vite build` of
 * packages/elements/vite.bundle.config.ts). `npm run build` (and so `npm ci`, through `prepare`) runs all three; `npm start`
 * runs only those whose inputs changed since they last ran.
 *
 * A build's inputs are hashed by content (not mtime, which a checkout or a copy changes without
 * changing the files) into a stamp written after the build. The page's inputs are what its last
 * build really read (every bundled module outside node_modules, the public files, the Vite config
 * files); the packages' are their sources and build configuration. For node_modules, both take
 * package-lock.json.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const demoDistDir = path.join(root, 'demo/dist');
const WEB_STAMP = path.join(demoDistDir, '.inputs.json');
const PACKAGES_STAMP = path.join(root, 'node_modules/.cache/pan/packages-build.json');
const PACKAGES = ['pandium-yaml', 'contract', 'forms', 'elements', 'react', 'run-api', 'cli'];
const BUNDLE_CONFIG = path.join(root, 'packages/elements/vite.bundle.config.ts');
const BUNDLE_STAMP = path.join(root, 'packages/elements/dist/bundle/.inputs.json');

interface Stamp {
  /** Paths relative to the repository root. */
  files: string[];
  hash: string | undefined;
}

function hashFiles(files: string[]): string | undefined {
  const hash = createHash('sha256');
  for (const file of files) {
    let content: Buffer;
    try {
      content = readFileSync(path.join(root, file));
    } catch {
      return undefined; // an input is gone: build again
    }
    hash.update(`${file}\0${content.length}\0`).update(content);
  }
  return hash.digest('hex');
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

function writeStamp(file: string, absoluteFiles: Iterable<string>): void {
  const files = [...new Set(absoluteFiles)].map((f) => path.relative(root, f)).sort();
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ files, hash: hashFiles(files) } satisfies Stamp));
}

function stampIsFresh(file: string, inputs?: string[]): boolean {
  let stamp: Stamp;
  try {
    stamp = JSON.parse(readFileSync(file, 'utf8')) as Stamp;
  } catch {
    return false;
  }
  // The set of inputs, when known beforehand, must be the same (a file added or removed).
  if (inputs && inputs.map((f) => path.relative(root, f)).sort().join('\0') !== stamp.files.join('\0')) return false;
  return stamp.hash !== undefined && hashFiles(stamp.files) === stamp.hash;
}

/** Vite plugin: after a build, writes the stamp of the inputs it read into the output directory. */
export function inputStamp(): Plugin {
  let configFiles: string[] = [];
  let publicFiles: string[] = [];
  let outDir = '';
  return {
    name: 'pan-input-stamp',
    apply: 'build',
    configResolved(config) {
      configFiles = [...(config.configFileDependencies ?? [])];
      publicFiles = config.publicDir ? listFiles(config.publicDir) : [];
      outDir = path.resolve(config.root, config.build.outDir);
    },
    writeBundle() {
      const modules = [...this.getModuleIds()]
        .map((id) => id.split('?')[0]!)
        .filter((id) => path.isAbsolute(id) && !id.includes(`${path.sep}node_modules${path.sep}`) && existsSync(id));
      writeStamp(path.join(outDir, path.basename(WEB_STAMP)), [...modules, ...publicFiles, ...configFiles, path.join(root, 'package-lock.json')]);
    },
  };
}

function packageInputs(): string[] {
  const files = ['package-lock.json', 'tsconfig.json', 'tsconfig.build-base.json', 'tsconfig.build.json'].map((f) => path.join(root, f));
  for (const name of PACKAGES) {
    const dir = path.join(root, 'packages', name);
    files.push(path.join(dir, 'package.json'), path.join(dir, 'tsconfig.build.json'));
    files.push(...listFiles(path.join(dir, 'src')).filter((f) => !/\.test\.tsx?$/.test(f)));
  }
  files.push(path.join(root, 'demo/package.json'), path.join(root, 'demo/tsconfig.build.json'), ...listFiles(path.join(root, 'demo/src')));
  return files;
}

const packagesBuilt = () =>
  PACKAGES.every((name) => existsSync(path.join(root, 'packages', name, 'dist/index.js'))) && existsSync(path.join(root, 'demo/lib/npm-start.js'));

/** The packages' dist/ and demo/lib, by `tsc -b` (incremental: it compiles only what changed). */
export async function buildPackages(): Promise<void> {
  const inputs = packageInputs();
  // tsc prints its errors on stdout: passed through.
  const tsc = spawn(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-b', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  const code = await new Promise<number | null>((resolve, reject) => tsc.once('error', reject).once('exit', resolve));
  if (code !== 0) throw new Error(`tsc -b tsconfig.build.json failed (exit ${code})`);
  writeStamp(PACKAGES_STAMP, inputs);
}

/** The demo page, by `vite build` (its own stamp is written by the inputStamp plugin). */
export async function buildWeb(): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' });
}

/** The elements' script-tag bundle the run API serves (`/elements/<version>/pan-elements.js`), stamped like the page. */
export async function buildBundle(): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: BUNDLE_CONFIG, logLevel: 'warn', plugins: [inputStamp()] });
}

/** The packages' dist/, unless it is built from their sources as they are now. Returns whether it built. */
export async function ensurePackagesBuilt(): Promise<boolean> {
  if (packagesBuilt() && stampIsFresh(PACKAGES_STAMP, packageInputs())) return false;
  await buildPackages();
  return true;
}

/** Builds what is missing or older than its inputs (everything with `force`). Vite and tsc are only loaded to build. */
export async function ensureBuilt(log: (line: string) => void, options: { force?: boolean } = {}): Promise<void> {
  const builds: Promise<void>[] = [];
  if (options.force || !packagesBuilt() || !stampIsFresh(PACKAGES_STAMP, packageInputs())) {
    if (!options.force) log('Building the packages (their sources changed since the last build)');
    builds.push(buildPackages());
  }
  if (options.force || !stampIsFresh(WEB_STAMP)) {
    if (!options.force) log('Building the demo page (its sources changed since the last build)');
    builds.push(buildWeb());
  }
  if (options.force || !stampIsFresh(BUNDLE_STAMP)) {
    if (!options.force) log('Building the elements bundle (its sources changed since the last build)');
    builds.push(buildBundle());
  }
  // All run to their end even if one fails, then the first failure is thrown.
  const results = await Promise.allSettled(builds);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
