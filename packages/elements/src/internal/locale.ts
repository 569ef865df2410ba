/**
 * Which language each element speaks, and its message catalogues (`@lit/localize`, runtime mode:
 * catalogues are plain modules, no eval, so a strict CSP keeps working).
 *
 * An element's locale is the `lang` of the element or its nearest ancestor (crossing shadow
 * roots), else the token's `locale` claim (the run API echoes it as `Content-Language`), else
 * `navigator.language`, else English. Messages come from the catalogue of the best match
 * (`de-AT` → `de`); `Intl` formats dates and numbers with the locale itself.
 *
 * This module is part of the catalog's first load, so it stays small: the catalogues and
 * lit-localize's lookup (`locale-runtime.ts`) are lazy chunks, loaded the first time an element
 * needs a language other than English. Until then `msg()` is lit-localize's English default.
 *
 * Unlike lit-localize's own `configureLocalization`, the locale is per element, not per page:
 * `PanElement` sets it around each render (`renderIn`), which is synchronous, and `msg()` reads it.
 */
import type { LitElement } from 'lit';
import type { MsgFn, MsgOptions, TemplateLike, TemplateMap } from '@lit/localize/internal/types.js';
import type { str as litStr, StrResult } from '@lit/localize/internal/str-tag.js';

/** The lookup `locale-runtime.ts` brings (lit-localize's `runtimeMsg`); until then, English. */
let translate: ((template: TemplateLike, options: MsgOptions | undefined) => unknown) | undefined;

/**
 * lit-localize's `msg()` and `str`, written out here rather than imported: the first load then
 * shares none of lit-localize's modules with the lazy runtime (the bundler splits modules shared
 * that way out of the first load's chunk). Typed as lit-localize's, so `lit-localize extract`
 * finds every message.
 */
export const msg = ((template: TemplateLike, options?: MsgOptions) =>
  translate
    ? translate(template, options)
    : typeof template === 'object' && 'strTag' in template
      ? template.strings.reduce((out, text, i) => out + String(template.values[i - 1]) + text)
      : template) as MsgFn;

export const str = ((strings: TemplateStringsArray, ...values: unknown[]): StrResult => ({ strTag: true, strings, values })) as typeof litStr;

/** A catalogue: lit-localize's runtime `templates` (message id → translation). */
export type LocaleTemplates = TemplateMap;
/** Loads a catalogue, e.g. `() => import('./pt-BR.js')` (a module exporting `templates`). */
export type LocaleLoader = () => Promise<{ templates: LocaleTemplates }>;

/** The languages shipped besides English (the source); their loaders are in `locale-runtime.ts`. */
export const SHIPPED_LOCALES = ['ar', 'de', 'es', 'fr', 'ja'];
/** The host's languages (`registerLocale`), by lower-case tag. */
export const hostLocales = new Map<string, LocaleLoader>();
/** Catalogues by key: loaded, or `null` while loading. A catalogue that failed to load stays `{}` (English). */
export const catalogues = new Map<string, LocaleTemplates | null>();
const elements = new Set<LitElement>();
let observer: MutationObserver | undefined;
let tokenLocale: string | undefined;
/** The locale of the render in progress (or of the last one): its Intl tag and its catalogue. */
let tag = 'en';
let catalogue = 'en';

/**
 * Adds (or replaces) a language: `registerLocale('pt-BR', () => import('./pt-BR.js'))`. Its
 * module exports `templates`, as `lit-localize build` writes them in runtime mode. Elements on
 * screen that resolve to it render in it once loaded.
 */
export function registerLocale(locale: string, load: LocaleLoader): void {
  const key = locale.toLowerCase();
  hostLocales.set(key, load);
  catalogues.delete(key);
  refresh();
}

/** The catalogue `msg()` reads now: the locale's, or `en` while it loads (a cache key). */
export function currentCatalogue(): string {
  return catalogue;
}

/** The locale (BCP 47 tag) of the element rendering now, for `Intl`. */
export function currentLocale(): string {
  return tag;
}

/** The token's `locale` claim, as the run API's answers carry it (`Content-Language`). */
export function setTokenLocale(locale: string): void {
  if (locale === tokenLocale) return;
  tokenLocale = locale;
  refresh();
}

/** The locale `el` speaks: its own or an ancestor's `lang`, the token's, the browser's, else `en`. */
export function resolveLocale(el: Element): string {
  let node: Node | null = el;
  while (node) {
    const langed: Element | null = node instanceof Element ? node.closest('[lang]') : null;
    if (langed && (langed as HTMLElement).lang) return langed.getAttribute('lang')!;
    node = ((langed ?? node).getRootNode() as ShadowRoot).host ?? null;
  }
  return tokenLocale || globalThis.navigator?.language || 'en';
}

/** The catalogue for `locale`: exactly known, else its language's (`de-AT` → `de`), else `en`. */
export function matchCatalogue(locale: string): string {
  const key = locale.toLowerCase();
  const has = (k: string) => hostLocales.has(k) || SHIPPED_LOCALES.includes(k);
  const language = key.split('-')[0]!;
  return has(key) ? key : has(language) ? language : 'en';
}

/**
 * Runs `render` in the locale of `el` (what `PanElement.update` does). A language not loaded yet
 * is loaded, and the elements render again when it arrives; meanwhile they speak English.
 */
export function renderIn<T>(el: LitElement, render: () => T): T {
  const previous = [tag, catalogue];
  tag = resolveLocale(el);
  catalogue = matchCatalogue(tag);
  if (catalogue !== 'en' && !catalogues.get(catalogue)) {
    if (!catalogues.has(catalogue)) {
      catalogues.set(catalogue, null);
      void load(catalogue);
    }
    catalogue = 'en';
  }
  direct?.(el, tag);
  try {
    return render();
  } finally {
    [tag, catalogue] = previous as [string, string];
  }
}

/** Sets the element's direction from its language (the runtime's `followDirection`, once loaded). */
let direct: ((el: HTMLElement, locale: string) => void) | undefined;

/** lit-localize's lookup and the catalogues' loading: a lazy chunk (it imports only types from here). */
const importRuntime = () => import('./locale-runtime.ts');

/** What `locale-runtime.ts` needs of this module (passed in: it must not import the first load). */
export interface LocaleState {
  catalogues: typeof catalogues;
  hostLocales: typeof hostLocales;
  /** The catalogue `msg()` reads now. */
  current(): string;
  /** Installs lit-localize's lookup as `msg()`. */
  translate(lookup: NonNullable<typeof translate>): void;
  /** Installs what gives an element in a right-to-left language `dir="rtl"`. */
  direct(follow: NonNullable<typeof direct>): void;
  refresh(): void;
}

const state: LocaleState = {
  catalogues,
  hostLocales,
  current: () => catalogue,
  translate: (lookup) => (translate ??= lookup),
  direct: (follow) => (direct ??= follow),
  refresh,
};

/**
 * Loads the catalogue `key` with the runtime (its `load`, which leaves a failed catalogue empty,
 * i.e. English). Failing to load the runtime itself (offline, say) leaves English for now: the
 * next render of an element in that language tries again.
 */
function load(key: string): void {
  importRuntime()
    .then((runtime) => runtime.load(key, state))
    .catch(() => catalogues.delete(key));
}

/** The element renders in its locale from now on, and again when a `lang` above it changes. */

export function localize(el: LitElement): void {
  elements.add(el);
  observer ??= new MutationObserver(refresh);
  for (const root of [document, el.getRootNode()]) {
    observer.observe(root, { attributes: true, attributeFilter: ['lang'], subtree: true });
  }
}

export function unlocalize(el: LitElement): void {
  elements.delete(el);
}

/** Renders every element again: something they show in their language (e.g. a library's words) arrived. */
export function refreshLocales(): void {
  refresh();
}

function refresh(): void {

  for (const el of elements) el.requestUpdate();
}
