/**
 * The catalogues: `xliff/<locale>.xlf` (written by `lit-localize extract`, translated there) →
 * `src/locales/<locale>.ts`, lit-localize's runtime `templates` as plain data.
 *
 * Not `lit-localize build`: its modules import `lit` and `@lit/localize`, and a lazy chunk that
 * shares those with the first load makes the bundler split the catalog's first load into several
 * files (more bytes). A `str` message here is what `str` itself returns
 * (`{strTag, strings, values}`, values being the indexes of the source's expressions), which
 * lit-localize's `runtimeMsg` reads the same way. Messages are plain text or `str` only (no
 * `html` messages: markup stays in the templates).
 *
 * `npx tsx build/locales.ts` writes them; `--check` only reports what is missing or stale.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const XLIFF_DIR = path.join(root, 'xliff');
export const LOCALES_DIR = path.join(root, 'src', 'locales');

export interface Unit {
  id: string;
  source: string;
  target: string | undefined;
}

type Template = string | { strTag: true; strings: string[]; values: number[] };

const unescape = (text: string) =>
  text.replace(/&(lt|gt|quot|apos|amp);/g, (_, name: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[name]!);

/** The units of one XLIFF file, in order. */
export function readXliff(file: string): Unit[] {
  const xml = readFileSync(file, 'utf8');
  return [...xml.matchAll(/<trans-unit id="([^"]+)">([\s\S]*?)<\/trans-unit>/g)].map(([, id, body]) => ({
    id: id!,
    source: /<source>([\s\S]*?)<\/source>/.exec(body!)![1]!,
    target: /<target>([\s\S]*?)<\/target>/.exec(body!)?.[1],
  }));
}

const PLACEHOLDER = /<x id="(\d+)"[^>]*\/>/g;

/** A unit's translation as runtime `templates` hold it. */
export function toTemplate(unit: Unit): Template {
  const text = unit.target ?? unit.source;
  if (!/<x id="\d+"/.test(unit.source)) return unescape(text);
  const strings: string[] = [];
  const values: number[] = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    strings.push(unescape(text.slice(last, match.index)));
    values.push(Number(match[1]));
    last = match.index! + match[0].length;
  }
  strings.push(unescape(text.slice(last)));
  return { strTag: true, strings, values };
}

/** What is wrong with a translation: no target, or placeholders that are not the source's. */
export function unitProblem(unit: Unit): string | undefined {
  if (unit.target === undefined || unit.target.trim() === '') return 'no translation';
  const ids = (text: string) => [...text.matchAll(PLACEHOLDER)].map((m) => m[1]).sort().join(',');
  if (ids(unit.source) !== ids(unit.target)) return 'placeholders differ from the source';
  return undefined;
}

export function renderLocale(locale: string, units: Unit[]): string {
  const lines = units.map((unit) => `  ${unit.id}: ${JSON.stringify(toTemplate(unit))},`);
  return [
    `// Written by build/locales.ts from xliff/${locale}.xlf: translate there, then run it.`,
    `export const templates = {`,
    ...lines,
    `};`,
    '',
  ].join('\n');
}

export function targetLocales(): string[] {
  return readdirSync(XLIFF_DIR)
    .filter((f) => f.endsWith('.xlf'))
    .map((f) => f.slice(0, -'.xlf'.length))
    .sort();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  let failed = false;
  for (const locale of targetLocales()) {
    const units = readXliff(path.join(XLIFF_DIR, `${locale}.xlf`));
    for (const unit of units) {
      const problem = unitProblem(unit);
      if (problem) {
        failed = true;
        console.error(`${locale} ${unit.id}: ${problem} (${unit.source})`);
      }
    }
    const file = path.join(LOCALES_DIR, `${locale}.ts`);
    const text = renderLocale(locale, units);
    if (check) {
      if (readFileSync(file, 'utf8') !== text) {
        failed = true;
        console.error(`${file} is stale: run npx tsx build/locales.ts`);
      }
    } else writeFileSync(file, text);
  }
  process.exitCode = failed && check ? 1 : 0;
}
