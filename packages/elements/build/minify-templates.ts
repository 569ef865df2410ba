import { minifyHTMLLiterals } from 'minify-literals';
import type { Plugin } from 'vite';

const ELEMENT_SOURCE = /packages\/elements\/src\/.*(?<!\.test)\.ts$/;

/**
 * Minifies lit's `html` and `css` templates in the elements' sources when building (whitespace,
 * and CSS through Lightning CSS): the catalog's first load is mostly markup and styles.
 */
export function minifyTemplates(): Plugin {
  return {
    name: 'pan-minify-templates',
    apply: 'build',
    enforce: 'pre',
    async transform(code, id) {
      if (!ELEMENT_SOURCE.test(id)) return null;
      const result = await minifyHTMLLiterals(code, { fileName: id });
      return result ? { code: result.code, map: result.map } : null;
    },
  };
}
