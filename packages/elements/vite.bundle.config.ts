import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { sourceConditions } from '../../vite.conditions.ts';
import { formsAliases } from '../forms/vite.aliases.ts';
import { minifyTemplates } from './build/minify-templates.ts';
import { noPreloadHelper } from './build/no-preload-helper.ts';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * The script-tag bundle the run API serves at `/elements/<version>/pan-elements.js`
 * (`npm run build:bundle -w @pan/elements`): `define.ts` (every element registered) as one ES
 * module, its lazy chunks beside it under content-hashed names. The same plugins as the demo's
 * build (vite.config.ts at the root). Nothing in it is inline or evaluated from strings, so a page
 * can load it under `script-src <run API origin>` alone.
 */
export default defineConfig({
  root: here,
  // Chunks are imported relative to pan-elements.js's own URL, wherever it is served from.
  base: './',
  // The workspace packages from their sources (as the demo page's build), not their dist/.
  resolve: { alias: formsAliases, conditions: sourceConditions.resolve.conditions },
  plugins: [minifyTemplates(), noPreloadHelper()],
  build: {
    outDir: 'dist/bundle',
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: false,
    rollupOptions: {
      input: { 'pan-elements': 'src/define.ts' },
      output: {
        entryFileNames: 'pan-elements.js',
        chunkFileNames: 'chunks/[name]-[hash].js',
        assetFileNames: 'assets/[name]-[hash][extname]',
      },
      // rjsf marks modules 'use client' for React Server Components; meaningless in a browser bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
});
