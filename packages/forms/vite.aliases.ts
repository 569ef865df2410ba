/**
 * Module aliases for every Vite build that bundles @pan/forms (the demo, the benches, the browser
 * tests): rjsf's core imports `markdown-to-jsx` for markdown descriptions that settings forms never
 * render; a plain-text stand-in keeps ~31 kB gzip out of the settings chunk. A host that bundles
 * the elements from source can add the same alias (or skip it: everything works without it).
 */
import { fileURLToPath } from 'node:url';

export const formsAliases: Record<string, string> = {
  'markdown-to-jsx/react': fileURLToPath(new URL('./src/plain-markdown.tsx', import.meta.url)),
};
