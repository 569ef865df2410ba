import { panElementsPlugin } from './build/cem-plugin.mjs';

/**
 * `@custom-elements-manifest/analyzer`'s settings (build/manifest.ts runs it): the public elements,
 * read with the lit plugin (`litelement`) and ours, which knows how the tags are registered.
 */
export default {
  globs: ['src/components/*/*.component.ts', 'src/components/*/pan-*.ts', 'src/internal/pan-element.ts'],
  exclude: ['src/**/*.test.ts'],
  litelement: true,
  // build/manifest.ts writes the file; the package.json field is set by hand.
  packagejson: false,
  quiet: true,
  plugins: [panElementsPlugin()],
};
