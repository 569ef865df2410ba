import { defineConfig } from 'vite';
import { inputStamp } from './demo/src/build.ts';
import { minifyTemplates } from './packages/elements/build/minify-templates.ts';
import { noPreloadHelper } from './packages/elements/build/no-preload-helper.ts';
import { formsAliases } from './packages/forms/vite.aliases.ts';
import { sourceConditions } from './vite.conditions.ts';

/** Builds the demo host page, which bundles the elements (`@pan/elements/define`). */
export default defineConfig({
  root: 'demo/web',
  // The settings form's lazy chunk without rjsf's markdown renderer (see the file).
  // The workspace packages from their TypeScript sources, so the demo needs no package build.
  resolve: { alias: formsAliases, conditions: sourceConditions.resolve.conditions },
  // inputStamp: lets `npm start` skip this build when none of its inputs changed.
  plugins: [minifyTemplates(), noPreloadHelper(), inputStamp()],
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    target: 'es2022',
    // No module preload, and no preload helper (noPreloadHelper): they would add ~1 kB to the
    // catalog's first load, for a few small lazy chunks.
    modulePreload: false,
    rollupOptions: {
      input: { index: 'demo/web/index.html', install: 'demo/web/install.html', connect: 'demo/web/connect.html' },
      // rjsf marks modules 'use client' for React Server Components; meaningless in a browser bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
});
