import { defineConfig } from 'vite';

/** Builds the demo host page, which bundles the elements (`@pan/elements/define`). */
export default defineConfig({
  root: 'demo/web',
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    target: 'es2022',
    // Every browser we target supports modulepreload; the polyfill only adds bytes.
    modulePreload: { polyfill: false },
  },
});
