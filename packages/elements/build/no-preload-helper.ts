import type { Plugin } from 'vite';

const PRELOAD_HELPER = '\0vite/preload-helper.js';

/**
 * Replaces Vite's preload helper with a plain call of the dynamic import. The helper preloads a
 * lazy chunk's CSS and imports (`modulePreload: false` leaves it in, about 650 B gzip of the
 * catalog's first load); the elements' lazy chunks carry their styles in JavaScript and are few,
 * so nothing is lost but the `vite:preloadError` event.
 */
export function noPreloadHelper(): Plugin {
  return {
    name: 'pan-no-preload-helper',
    apply: 'build',
    enforce: 'pre',
    resolveId(id) {
      return id === PRELOAD_HELPER ? id : null;
    },
    load(id) {
      return id === PRELOAD_HELPER ? 'export const __vitePreload = (load) => load();' : null;
    },
  };
}
