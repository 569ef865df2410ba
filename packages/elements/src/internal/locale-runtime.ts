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
export async function load(key: string, { catalogues, hostLocales, current, translate, direct, refresh }: LocaleState): Promise<void> {
  translate((template, options) => runtimeMsg(catalogues.get(current()) ?? undefined, template, options));
  direct(followDirection);
  const loader = hostLocales.get(key) ?? shipped[key]!;
  const { templates } = (await loader().catch(() => ({ templates: {} }))) as { templates: LocaleTemplates };
  // Unless registerLocale() replaced it meanwhile (that one loads instead).
  if (catalogues.has(key) && (hostLocales.get(key) ?? shipped[key]) === loader) catalogues.set(key, templates);
  refresh();
}

/** Languages written right to left, for browsers without `Intl.Locale#getTextInfo`. */
const RIGHT_TO_LEFT = ['ar', 'ckb', 'dv', 'fa', 'he', 'ps', 'sd', 'ug', 'ur', 'yi'];

/** The elements that have a `dir` because of their language (not because a host set one). */
const directed = new WeakSet<Element>();

export function isRightToLeft(locale: string): boolean {
  try {
    const parsed = new Intl.Locale(locale) as Intl.Locale & { getTextInfo?(): { direction: string }; textInfo?: { direction: string } };
    const info = parsed.getTextInfo?.() ?? parsed.textInfo;
    return info ? info.direction === 'rtl' : RIGHT_TO_LEFT.includes(parsed.language);
  } catch {
    return false;
  }
}

/**
 * An element in a right-to-left language (`lang="ar"`, or the token's `locale` claim) mirrors
 * without the host setting `dir`: it gets `dir="rtl"` itself. A `dir` the host set, on the element
 * or above it (across shadow roots), wins; a language change takes ours away again.
 */
export function followDirection(el: HTMLElement, locale: string): void {
  let chosen = false;
  for (let node: Node | null = el; node && !chosen; ) {
    const withDir: Element | null = node instanceof Element ? node.closest('[dir]') : null;
    if (withDir && !directed.has(withDir)) chosen = true;
    else node = withDir ? withDir.parentNode : ((node.getRootNode() as ShadowRoot).host ?? null);
  }
  const rtl = !chosen && isRightToLeft(locale);
  if (rtl && el.getAttribute('dir') !== 'rtl') {
    directed.add(el);
    el.dir = 'rtl';
  } else if (!rtl && directed.has(el)) {
    directed.delete(el);
    el.removeAttribute('dir');
  }
}
