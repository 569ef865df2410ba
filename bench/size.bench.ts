/**
 * First-load JavaScript of the catalog: what a host page downloads before <pan-marketplace>
 * can render (the entry chunk and its static imports, minified, gzip). Lazy chunks (dynamic
 * imports, e.g. the settings form) are listed but not counted. Baseline: lit + a bare element.
 * Also: the settings chunk (React + rjsf + the validator, loaded when a settings form opens).
 * The catalog's card renderer (categories, tags, cards, empty state: catalog-cards.ts) is a lazy
 * chunk fetched in parallel with the catalog's request (not after it); its size is printed on its
 * own line, since a catalog does not paint its cards without it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Rolldown } from 'vite';
import { minifyTemplates } from '../packages/elements/build/minify-templates.ts';
import { noPreloadHelper } from '../packages/elements/build/no-preload-helper.ts';
import { formsAliases } from '../packages/forms/vite.aliases.ts';
import { ELEMENTS_ENTRY, readBundle } from '../packages/run-api/src/http/elements-bundle.ts';
import { sourceConditions } from '../vite.conditions.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const GOAL_BYTES = 15 * 1024;
const SETTINGS_GOAL_BYTES = 160 * 1024;

interface Measured {
  firstLoad: number;
  firstLoadRaw: number;
  lazy: number;
  files: string[];
  /** What opening a settings form downloads: the @pan/forms chunk and its imports not loaded yet. */
  settings: number;
  settingsFiles: string[];
  /** React or rjsf modules in the first load (must be none). */
  reactInFirstLoad: string[];
  /** Each shipped catalogue's chunk (src/locales/<locale>.ts), lazy, gzip. */
  locales: Map<string, number>;
  /** lit-localize's lookup, loaded with the first catalogue (internal/locale-runtime.ts). */
  localeRuntime: number;
  /** Catalogue modules in the first load (must be none). */
  localesInFirstLoad: string[];
  /** The catalog's card renderer (catalog-cards.ts): lazy, fetched with the catalog's data. */
  cards: number;
  /** First-load modules by rendered (minified) length, each gzip-estimated on its own. */
  modules: { id: string; raw: number; gzip: number }[];
}

const SETTINGS_ENTRY = path.join('packages', 'forms', 'src', 'index.ts');

async function measure(entry: string): Promise<Measured> {
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'pan-size-'));
  try {
    const result = (await build({
      configFile: false,
      logLevel: 'silent',
      root,
      // As the demo's build (vite.config.ts) does.
      resolve: { alias: formsAliases, conditions: sourceConditions.resolve.conditions },
      plugins: [minifyTemplates(), noPreloadHelper()],
      build: {
        outDir,
        emptyOutDir: true,
        target: 'es2022',
        minify: true,
        modulePreload: false,
        rollupOptions: { input: { entry }, output: { format: 'es', entryFileNames: '[name].js' } },
        write: true,
      },
    })) as Rolldown.RolldownOutput | Rolldown.RolldownOutput[];
    const output = (Array.isArray(result) ? result[0]! : result).output;
    const chunks = new Map(output.filter((o): o is Rolldown.OutputChunk => o.type === 'chunk').map((c) => [c.fileName, c]));
    // Follow static imports from the entry: that is what loads before first render.
    const firstLoad = new Set<string>();
    const visit = (fileName: string) => {
      if (firstLoad.has(fileName)) return;
      firstLoad.add(fileName);
      for (const imported of chunks.get(fileName)?.imports ?? []) visit(imported);
    };
    visit('entry.js');
    const gz = (file: string) => gzipSync(readFileSync(path.join(outDir, file)), { level: 9 }).length;
    const raw = (file: string) => readFileSync(path.join(outDir, file)).length;
    let size = 0;
    let sizeRaw = 0;
    let lazy = 0;
    for (const file of chunks.keys()) {
      if (firstLoad.has(file)) {
        size += gz(file);
        sizeRaw += raw(file);
      } else lazy += gz(file);
    }
    const settingsFiles = new Set<string>();
    const visitLazy = (fileName: string) => {
      if (firstLoad.has(fileName) || settingsFiles.has(fileName)) return;
      settingsFiles.add(fileName);
      for (const imported of chunks.get(fileName)?.imports ?? []) visitLazy(imported);
    };
    for (const chunk of chunks.values()) if (chunk.facadeModuleId?.endsWith(SETTINGS_ENTRY)) visitLazy(chunk.fileName);
    const settings = [...settingsFiles].reduce((sum, file) => sum + gz(file), 0);
    const reactInFirstLoad = [...firstLoad]
      .flatMap((file) => chunks.get(file)?.moduleIds ?? [])
      .filter((id) => /node_modules\/(react|react-dom|@rjsf)\//.test(id));
    const locales = new Map<string, number>();
    let localeRuntime = 0;
    let cards = 0;
    for (const chunk of chunks.values()) {
      // By the modules a chunk holds (a dynamic entry's facade is not always set).
      const ids = chunk.moduleIds.map((id) => id.split(path.sep).join('/'));
      const locale = ids.map((id) => /elements\/src\/locales\/([\w-]+)\.ts$/.exec(id)?.[1]).find(Boolean);
      if (locale) locales.set(locale, gz(chunk.fileName));
      if (ids.some((id) => id.endsWith('internal/locale-runtime.ts'))) localeRuntime = gz(chunk.fileName);
      if (ids.some((id) => id.endsWith('marketplace/catalog-cards.ts'))) cards = gz(chunk.fileName);

    }
    const localesInFirstLoad = [...firstLoad]
      .flatMap((file) => chunks.get(file)?.moduleIds ?? [])
      .filter((id) => /src\/locales\//.test(id));
    const modules = [...firstLoad]
      .flatMap((file) => Object.entries(chunks.get(file)?.modules ?? {}))
      .map(([id, m]) => ({
        id: path.relative(root, id.replace(/\0/g, '')).split(path.sep).join('/'),
        raw: m.renderedLength,
        gzip: m.code ? gzipSync(m.code, { level: 9 }).length : 0,
      }))
      .filter((m) => m.raw > 0)
      .sort((a, b) => b.gzip - a.gzip);
    return {
      cards,
      modules,
      locales: new Map([...locales].sort()),
      localeRuntime,
      localesInFirstLoad,
      firstLoad: size,
      firstLoadRaw: sizeRaw,
      lazy,
      files: [...firstLoad],
      settings,
      settingsFiles: [...settingsFiles],
      reactInFirstLoad,
    };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

const kB = (n: number) => `${(n / 1024).toFixed(2)} kB`;
const baseline = await measure(path.join(root, 'bench/fixtures/bare-lit-element.ts'));
const catalog = await measure(path.join(root, 'packages/elements/src/define.ts'));

console.log('size: first-load JavaScript, minified + gzip -9');
console.log(`  baseline (lit + bare element):  ${kB(baseline.firstLoad)} gzip (${kB(baseline.firstLoadRaw)} raw)`);
console.log(`  catalog (@pan/elements/define): ${kB(catalog.firstLoad)} gzip = ${catalog.firstLoad} B (${kB(catalog.firstLoadRaw)} raw), ${catalog.files.length} file(s)`);
console.log(`  lazy chunks (not in first load): ${kB(catalog.lazy)} gzip`);
console.log(`  card renderer (lazy, fetched in parallel with the catalog's data): ${kB(catalog.cards)} gzip = ${catalog.cards} B`);
console.log(`  ours over the baseline:         ${kB(catalog.firstLoad - baseline.firstLoad)}`);
console.log(`  goal <= ${kB(GOAL_BYTES)}: ${catalog.firstLoad <= GOAL_BYTES ? 'met' : 'NOT met'}`);
console.log('  top first-load modules (minified; gzip of each alone, an over-estimate of its share):');
for (const m of catalog.modules.slice(0, 25)) console.log(`    ${String(m.gzip).padStart(6)} B gzip ${String(m.raw).padStart(7)} B  ${m.id}`);
console.log(`  React/rjsf in the first load:   ${catalog.reactInFirstLoad.length ? catalog.reactInFirstLoad.join(', ') : 'none'}`);
console.log(
  `settings chunk (opening a <pan-settings-form>): ${kB(catalog.settings)} gzip, ${catalog.settingsFiles.length} file(s)`,
);
console.log(`  goal <= ${kB(SETTINGS_GOAL_BYTES)}: ${catalog.settings <= SETTINGS_GOAL_BYTES ? 'met' : 'NOT met'}`);
console.log('locale chunks (lazy, loaded for an element whose language is not English):');
console.log(`  lit-localize lookup (locale-runtime): ${kB(catalog.localeRuntime)} gzip`);
for (const [locale, bytes] of catalog.locales) console.log(`  ${locale}: ${kB(bytes)} gzip = ${bytes} B`);
console.log(`  catalogues in the first load: ${catalog.localesInFirstLoad.length ? catalog.localesInFirstLoad.join(', ') : 'none'}`);


// The script-tag bundle as the run API serves it (GET /elements/<version>/…, gzip), from its build.
const served = await readBundle(path.join(root, 'packages/elements'));
if (!served) console.log('script-tag bundle: not built (npm run build:bundle -w @pan/elements)');
else {
  const entry = served.files.get(ELEMENTS_ENTRY)!;
  const all = [...served.files.values()];
  console.log(`script-tag bundle as served (${served.scriptPath}):`);
  console.log(`  pan-elements.js: ${kB(entry.gzip.length)} gzip = ${entry.gzip.length} B (${kB(entry.body.length)} raw)`);
  console.log(`  with its ${all.length - 1} lazy chunk(s): ${kB(all.reduce((sum, f) => sum + f.gzip.length, 0))} gzip in all`);
}
