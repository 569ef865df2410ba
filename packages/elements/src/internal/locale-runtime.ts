/**
 * lit-localize's catalogue lookup and the shipped catalogues' loaders, loaded with the first
 * language other than English (not part of the catalog's first load); `locale.ts` installs the
 * lookup as `msg()`. It imports nothing the first load has: the bundler would split that out.
 */
export { runtimeMsg } from '@lit/localize/internal/runtime-msg.js';

type Loader = () => Promise<{ templates: object }>;


export const shipped: Record<string, Loader> = {
  ar: () => import('../locales/ar.ts'),
  de: () => import('../locales/de.ts'),
  es: () => import('../locales/es.ts'),
  fr: () => import('../locales/fr.ts'),
  ja: () => import('../locales/ja.ts'),
};
