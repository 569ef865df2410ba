/**
 * lit-localize's catalogue lookup, the shipped catalogues' loaders and the loading of a catalogue:
 * loaded with the first language other than English (not part of the catalog's first load).
 */
import { runtimeMsg } from '@lit/localize/internal/runtime-msg.js';
// Types only: importing locale.ts (in the first load) would split the first load into two files.
import type { LocaleState, LocaleTemplates } from './locale.ts';

type Loader = () => Promise<{ templates: object }>;


export const shipped: Record<string, Loader> = {
  ar: () => import('../locales/ar.ts'),
  de: () => import('../locales/de.ts'),
  es: () => import('../locales/es.ts'),
  fr: () => import('../locales/fr.ts'),
  ja: () => import('../locales/ja.ts'),
};

/** Loads the catalogue `key` (a host's first): a failed load leaves it empty, i.e. English. */
export async function load(key: string, { catalogues, hostLocales, current, translate, refresh }: LocaleState): Promise<void> {
  translate((template, options) => runtimeMsg(catalogues.get(current()) ?? undefined, template, options));
  const loader = hostLocales.get(key) ?? shipped[key]!;
  const { templates } = (await loader().catch(() => ({ templates: {} }))) as { templates: LocaleTemplates };
  // Unless registerLocale() replaced it meanwhile (that one loads instead).
  if (catalogues.has(key) && (hostLocales.get(key) ?? shipped[key]) === loader) catalogues.set(key, templates);
  refresh();
}
