import { defineConfig } from 'vite';
import { formsAliases } from './packages/forms/vite.aliases.ts';

/** Builds the demo host page, which bundles the elements (`@pan/elements/define`). */
export default defineConfig({
  root: 'demo/web',
  // The settings form's lazy chunk without rjsf's markdown renderer (see the file).
  resolve: { alias: formsAliases },
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    target: 'es2022',
    // Every browser we target supports modulepreload; the polyfill only adds bytes.
    modulePreload: { polyfill: false },
    rollupOptions: { input: { index: 'demo/web/index.html', install: 'demo/web/install.html' } },
  },
});
