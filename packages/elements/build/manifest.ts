/// <reference path="./analyzer-cli.d.ts" />
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
// The analyzer's own entry point: the same run as `cem analyze`, returning the manifest unwritten.
import { cli } from '@custom-elements-manifest/analyzer/cli.js';

export const elementsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const manifestPath = path.join(elementsDir, 'custom-elements.json');
export const docPath = path.resolve(elementsDir, '../../docs/elements.md');

/** The part of the custom elements manifest schema this package produces and reads. */
export interface Manifest {
  schemaVersion: string;
  modules: ManifestModule[];
}
export interface ManifestModule {
  path: string;
  declarations?: Declaration[];
  exports?: { kind: string; name: string; declaration: { name: string; module?: string } }[];
}
interface Named {
  name: string;
  description?: string;
}
export interface Declaration extends Named {
  kind: string;
  summary?: string;
  tagName?: string;
  customElement?: boolean;
  attributes?: (Named & { type?: { text: string }; default?: string; fieldName?: string })[];
  members?: (Named & {
    kind: 'field' | 'method';
    type?: { text: string };
    default?: string;
    attribute?: string;
    readonly?: boolean;
    reflects?: boolean;
    parameters?: (Named & { type?: { text: string }; optional?: boolean })[];
    return?: { type?: { text: string } };
  })[];
  events?: (Named & { type?: { text: string } })[];
  cssParts?: Named[];
  cssProperties?: (Named & { default?: string })[];
  cssStates?: Named[];
  slots?: Named[];
}

/** `custom-elements.json` as `@custom-elements-manifest/analyzer` makes it from the sources (custom-elements-manifest.config.mjs). */
export async function generateManifest(): Promise<Manifest> {
  const manifest = (await cli({ argv: ['analyze'], cwd: elementsDir, noWrite: true })) as Manifest;
  // The analyzer lists modules in the order its glob walk finds them, which varies with the load
  // on the file system: sorted, the file is the same at every build.
  manifest.modules.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return manifest;
}

/** The file's text, as written. */
export const manifestText = (manifest: Manifest): string => `${JSON.stringify(manifest, null, 2)}\n`;

/** Every element of the manifest (a class with a tag), by tag. */
export function elementsOf(manifest: Manifest): (Declaration & { tagName: string; module: string })[] {
  return manifest.modules
    .flatMap((m) => (m.declarations ?? []).map((d) => ({ ...d, module: m.path })))
    .filter((d): d is Declaration & { tagName: string; module: string } => Boolean(d.customElement && d.tagName))
    .sort((a, b) => a.tagName.localeCompare(b.tagName));
}

/**
 * The detail type of each `pan-*` event (`src/events/pan-*.ts`): the event's type name (as in
 * `@event {PanNavigateEvent}`) → the declarations of its file (its detail interface and the types
 * it names), as written, comments included, without the `declare global` augmentation.
 */
export function eventDetailTypes(): Map<string, { detail: string; source: string }> {
  const dir = path.join(elementsDir, 'src/events');
  const types = new Map<string, { detail: string; source: string }>();
  for (const file of fs.readdirSync(dir).filter((f) => /^pan-.*\.ts$/.test(f)).sort()) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    const kept = sf.statements.filter((s) => ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s));
    const source = kept.map((s) => s.getFullText(sf).trim()).join('\n\n');
    for (const s of kept) {
      if (!ts.isTypeAliasDeclaration(s) || !ts.isTypeReferenceNode(s.type)) continue;
      if (s.type.typeName.getText(sf) !== 'CustomEvent') continue;
      types.set(s.name.text, { detail: s.type.typeArguments?.[0]?.getText(sf) ?? 'unknown', source });
    }
  }
  return types;
}

// ---- docs/elements.md ----------------------------------------------------------------------------

const cell = (text: string | undefined): string => (text ?? '').replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|').trim();
const code = (text: string | undefined): string => (text ? `\`${cell(text)}\`` : '');

function table(headers: string[], rows: string[][]): string {
  return [`| ${headers.join(' | ')} |`, `| ${headers.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function section(title: string, headers: string[], rows: string[][]): string {
  return `### ${title}\n\n${rows.length === 0 ? 'None.' : table(headers, rows)}\n`;
}

/** The reference page of every element, from the manifest (and the event detail types). */
export function renderElementsDoc(manifest: Manifest, details = eventDetailTypes()): string {
  const elements = elementsOf(manifest);
  const out: string[] = [
    '# Element reference',
    '',
    '<!-- Generated from packages/elements/custom-elements.json by `npm run build:manifest -w @pan/elements`; do not edit. -->',
    '',
    'Every `pan-*` element: its attributes, properties, events (with their `detail` types), CSS parts, CSS',
    'custom properties, custom states and slots. `@pan/elements/define` registers them all; `@pan/react`',
    'wraps each in a React component (`onPanXY` props for the `pan-x-y` events). The same data, for tools,',
    "is in `@pan/elements`'s `custom-elements.json` (its `customElements` field).",
    '',
    ...elements.map((e) => `- [\`<${e.tagName}>\`](#${e.tagName})`),
    '',
  ];
  const usedDetails = new Map<string, { detail: string; source: string }>();
  for (const e of elements) {
    const fields = (e.members ?? []).filter((m) => m.kind === 'field');
    const methods = (e.members ?? []).filter((m) => m.kind === 'method');
    out.push(`## \`<${e.tagName}>\``, '', cell(e.summary ?? e.description), '', `Class \`${e.name}\` (\`${e.module}\`).`, '');
    out.push(
      section(
        'Attributes',
        ['Attribute', 'Property', 'Type', 'Default', 'Description'],
        (e.attributes ?? []).map((a) => [code(a.name), code(a.fieldName), code(a.type?.text), code(a.default), cell(a.description)]),
      ),
    );
    out.push(
      section(
        'Properties',
        ['Property', 'Attribute', 'Type', 'Default', 'Description'],
        fields.map((f) => [
          code(f.name) + (f.readonly ? ' (read-only)' : ''),
          code(f.attribute) + (f.reflects ? ' (reflected)' : ''),
          code(f.type?.text),
          code(f.default),
          cell(f.description),
        ]),
      ),
    );
    if (methods.length > 0) {
      out.push(
        section(
          'Methods',
          ['Method', 'Returns', 'Description'],
          methods.map((m) => [
            code(`${m.name}(${(m.parameters ?? []).map((p) => `${p.name}${p.optional ? '?' : ''}: ${p.type?.text ?? 'unknown'}`).join(', ')})`),
            code(m.return?.type?.text ?? 'void'),
            cell(m.description),
          ]),
        ),
      );
    }
    out.push(
      section(
        'Events',
        ['Event', 'Type', 'Detail', 'Description'],
        (e.events ?? []).map((ev) => {
          const type = ev.type?.text;
          const detail = type ? details.get(type) : undefined;
          if (type && detail) usedDetails.set(type, detail);
          return [code(ev.name), code(type), detail ? `[\`${detail.detail}\`](#${type?.toLowerCase()})` : '', cell(ev.description)];
        }),
      ),
    );
    out.push(section('CSS parts', ['Part', 'Description'], (e.cssParts ?? []).map((p) => [code(p.name), cell(p.description)])));
    out.push(
      section('CSS custom properties', ['Property', 'Description'], (e.cssProperties ?? []).map((p) => [code(p.name), cell(p.description)])),
    );
    out.push(section('Custom states', ['State', 'Description'], (e.cssStates ?? []).map((s) => [code(`:state(${s.name})`), cell(s.description)])));
    out.push(section('Slots', ['Slot', 'Description'], (e.slots ?? []).map((s) => [code(s.name || '(default)'), cell(s.description)])));
  }
  out.push('## Event detail types', '', 'As declared in `@pan/elements` (each event type is also in `GlobalEventHandlersEventMap`).', '');
  for (const [type, { source }] of [...usedDetails].sort(([a], [b]) => a.localeCompare(b))) {
    out.push(`### ${type}`, '', '```ts', source, '```', '');
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trim()}\n`;
}
