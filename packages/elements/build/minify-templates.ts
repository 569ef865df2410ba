import { transform } from 'lightningcss';
import { minifyHTMLLiterals } from 'minify-literals';
import type { Plugin } from 'vite';

const ELEMENT_SOURCE = /packages\/elements\/src\/.*(?<!\.test)\.ts$/;

/**
 * CSS through Lightning CSS. A bare list of declarations (the token fragment interpolated into a
 * `:host` rule) is minified inside a rule and unwrapped: on its own, Lightning CSS drops
 * declarations outside a rule without an error, and every token default would vanish.
 */
export function minifyCss(source: string): string {
  const fragment = !source.includes('{');
  const code = Buffer.from(fragment ? `.x{${source}}` : source);
  const out = transform({ filename: 'template.css', code, minify: true }).code.toString();
  // A fragment ends with `;`: whatever the template puts after it must stay a declaration of its own.
  return fragment ? `${out.slice('.x{'.length, -1)};` : out;
}

/**
 * Minifies lit's `html` and `css` templates in the elements' sources when building: the catalog's
 * first load is mostly markup and styles.
 */
export function minifyTemplates(): Plugin {
  return {
    name: 'pan-minify-templates',
    apply: 'build',
    enforce: 'pre',
    async transform(code, id) {
      if (!ELEMENT_SOURCE.test(id)) return null;
      const result = await minifyHTMLLiterals(code, { fileName: id, css: minifyCss });
      return result ? { code: result.code, map: result.map } : null;
    },
  };
}
