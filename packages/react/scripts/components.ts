import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const componentsPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/components.ts');

interface ElementDecl {
  name: string;
  tagName?: string;
  customElement?: boolean;
  summary?: string;
  description?: string;
  events?: { name: string; type?: { text: string }; description?: string }[];
}
interface Manifest {
  modules: { declarations?: ElementDecl[] }[];
}

/** The custom elements manifest of the installed @pan/elements (its `customElements` field). */
export function readElementsManifest(): Manifest {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve('@pan/elements/package.json');
  const pkg = JSON.parse(fs.readFileSync(pkgPath, 'utf8')) as { customElements: string };
  return JSON.parse(fs.readFileSync(path.join(path.dirname(pkgPath), pkg.customElements), 'utf8')) as Manifest;
}

/** `pan-install-request` → `onPanInstallRequest`. */
export const eventProp = (event: string): string =>
  `on${event.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('')}`;

/** The elements of the manifest, by tag. */
export function elementsOf(manifest: Manifest): (ElementDecl & { tagName: string })[] {
  return manifest.modules
    .flatMap((m) => m.declarations ?? [])
    .filter((d): d is ElementDecl & { tagName: string } => Boolean(d.customElement && d.tagName))
    .sort((a, b) => a.tagName.localeCompare(b.tagName));
}

const oneLine = (text: string | undefined) => (text ?? '').replace(/\s*\n\s*/g, ' ').replace(/\*\//g, '*\\/').trim();

/** The text of src/components.ts for this manifest. */
export function generateComponents(manifest: Manifest): string {
  const elements = elementsOf(manifest);
  const eventTypes = [...new Set(elements.flatMap((e) => (e.events ?? []).map((ev) => ev.type?.text ?? 'CustomEvent')))]
    .filter((t) => t !== 'CustomEvent')
    .sort();
  const classes = elements.map((e) => `  ${e.name} as ${e.name}Element,`).join('\n');
  const components = elements.map((e) => {
    // An element fires an event once even when its JSDoc lists it twice.
    const events = [...new Map((e.events ?? []).map((ev) => [ev.name, ev])).values()];
    const eventLines = events.map(
      (ev) => `    /** ${oneLine(ev.description)} */\n    ${eventProp(ev.name)}: '${ev.name}' as EventName<${ev.type?.text ?? 'CustomEvent'}>,`,
    );
    return [
      `/** \`<${e.tagName}>\`: ${oneLine(e.summary ?? e.description)} */`,
      `export const ${e.name} = createComponent({`,
      `  tagName: '${e.tagName}',`,
      `  elementClass: ${e.name}Element,`,
      `  react: React,`,
      eventLines.length ? `  events: {\n${eventLines.join('\n')}\n  },` : '  events: {},',
      `  displayName: '${e.name}',`,
      `});`,
    ].join('\n');
  });
  return [
    '// Generated from @pan/elements/custom-elements.json by `npm run generate -w @pan/react`: do not edit.',
    "import { createComponent, type EventName } from '@lit/react';",
    "import * as React from 'react';",
    'import {',
    classes,
    "} from '@pan/elements';",
    `import type {\n${eventTypes.map((t) => `  ${t},`).join('\n')}\n} from '@pan/elements';`,
    '',
    `export type {\n${eventTypes.map((t) => `  ${t},`).join('\n')}\n} from '@pan/elements';`,
    '',
    components.join('\n\n'),
    '',
  ].join('\n');
}
