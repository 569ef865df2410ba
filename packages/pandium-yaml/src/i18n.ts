/**
 * Translations of the integration author's strings (`i18n` in PANDIUM.yaml): which targets and
 * fields exist, locale lookup with fallback, and `localizeConfigs`, which applies them to a copy of
 * `configs`. Pure: no I/O, runs in the browser too.
 */
import type { ConfigsSection, I18nSection, I18nStrings } from './types.ts';

export const I18N_SCHEMA_PREFIX = '#';
export const I18N_UISCHEMA_PREFIX = 'uischema#';

/** What each kind of target may translate. A uischema target by its element `type`. */
export const I18N_FIELDS = {
  schema: ['title', 'description'],
  Control: ['label', 'hintText'],
  MultiSelectControl: ['label', 'hintText'],
  Section: ['label', 'subtitle', 'hintText'],
  Group: ['label', 'hintText'],
  Label: ['text', 'title'],
} as const satisfies Record<string, readonly (keyof I18nStrings)[]>;

export type I18nTargetKind = keyof typeof I18N_FIELDS;

export interface I18nTarget {
  /** Which part of `configs` the pointer walks. */
  document: 'schema' | 'uischema';
  /** Reference tokens of the JSON pointer, unescaped (`[]` = the document itself). */
  tokens: string[];
}

type Dict = Record<string, unknown>;
const isRecord = (value: unknown): value is Dict => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Parses a translation key: `#/json/pointer` into `configs.schema`, `uischema#/json/pointer` into
 * `configs.uischema` (URI fragment form, RFC 6901 §6: percent-decoded, then `~1` = `/`, `~0` = `~`).
 * `undefined` when the key is neither.
 */
export function parseI18nTarget(key: string): I18nTarget | undefined {
  let document: I18nTarget['document'];
  let fragment: string;
  if (key.startsWith(I18N_UISCHEMA_PREFIX)) {
    document = 'uischema';
    fragment = key.slice(I18N_UISCHEMA_PREFIX.length);
  } else if (key.startsWith(I18N_SCHEMA_PREFIX)) {
    document = 'schema';
    fragment = key.slice(I18N_SCHEMA_PREFIX.length);
  } else return undefined;
  if (fragment !== '' && !fragment.startsWith('/')) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(fragment);
  } catch {
    return undefined;
  }
  if (/~(?![01])/.test(decoded)) return undefined;
  const tokens = decoded === '' ? [] : decoded.slice(1).split('/').map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
  return { document, tokens };
}

/**
 * Walks `tokens` through plain data, own properties only (so `__proto__` or `constructor` never
 * reach a prototype). `undefined` when a token names nothing.
 */
export function resolveTokens(data: unknown, tokens: readonly string[]): unknown {
  let node = data;
  for (const token of tokens) {
    if (Array.isArray(node)) {
      if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
      node = node[Number(token)];
    } else if (isRecord(node)) {
      if (!Object.hasOwn(node, token)) return undefined;
      node = node[token];
    } else return undefined;
  }
  return node;
}

/** What a resolved target is: its kind (for I18N_FIELDS), or a reason it cannot be translated. */
export function i18nTargetKind(target: I18nTarget, node: unknown, isUiRoot: boolean): I18nTargetKind | { problem: string } {
  if (!isRecord(node)) return { problem: 'it points at a value, not at a mapping' };
  if (target.document === 'schema') return 'schema';
  const type = node.type ?? (isUiRoot ? 'VerticalLayout' : undefined);
  if (typeof type !== 'string') return { problem: 'it points at something that is not a uischema element' };
  if (Object.hasOwn(I18N_FIELDS, type) && type !== 'schema') return type as I18nTargetKind;
  return { problem: `a ${type} has no text to translate` };
}

/** The canonical form of a BCP 47 tag (`de-at` -> `de-AT`), or `undefined` when it is not well-formed. */
export function canonicalLocale(tag: string): string | undefined {
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
}

/**
 * The tags of `available` to apply for `locale`, most general first: RFC 4647 lookup, dropping
 * subtags from the end (`de-CH-1996` -> `de-CH` -> `de`). Tags compare canonically, so `de-at`
 * in a file serves `de-AT`. An unknown or malformed locale gets `[]`: the author's own strings.
 */
export function localeFallbacks(locale: string | null | undefined, available: readonly string[]): string[] {
  const wanted = locale ? canonicalLocale(locale) : undefined;
  if (wanted === undefined) return [];
  const byCanonical = new Map<string, string>();
  for (const tag of available) {
    const canonical = canonicalLocale(tag);
    if (canonical !== undefined && !byCanonical.has(canonical.toLowerCase())) byCanonical.set(canonical.toLowerCase(), tag);
  }
  const chain: string[] = [];
  const subtags = wanted.toLowerCase().split('-');
  while (subtags.length > 0) {
    const tag = byCanonical.get(subtags.join('-'));
    if (tag !== undefined) chain.unshift(tag);
    subtags.pop();
    // A singleton (`-x-`, `-u-`) cannot end a tag: drop it with what it introduced.
    while (subtags.length > 0 && subtags[subtags.length - 1]!.length === 1) subtags.pop();
  }
  return chain;
}

/**
 * A translated copy of `configs` for `locale`: each string comes from the most specific tag that
 * has it (`de-AT`, then `de`), else stays the author's. `configs` itself is never changed; keys that
 * point at nothing (a file `pan validate` would refuse) are skipped.
 */
export function localizeConfigs(configs: ConfigsSection, i18n: I18nSection | undefined, locale: string | null | undefined): ConfigsSection {
  const chain = i18n ? localeFallbacks(locale, Object.keys(i18n)) : [];
  if (chain.length === 0) return configs;
  const copy = structuredClone(configs);
  for (const tag of chain) {
    const entries = i18n![tag];
    if (!isRecord(entries)) continue;
    for (const [key, strings] of Object.entries(entries)) {
      const target = parseI18nTarget(key);
      if (target === undefined || !isRecord(strings)) continue;
      const node = resolveTokens(copy[target.document], target.tokens);
      const kind = i18nTargetKind(target, node, target.tokens.length === 0);
      if (typeof kind !== 'string') continue;
      const element = node as Dict;
      for (const field of I18N_FIELDS[kind] as readonly string[]) {
        const text = strings[field];
        if (typeof text !== 'string') continue;
        // A hidden label (`label: false`) stays hidden; JSON Forms' `{text, show}` keeps its `show`.
        if (field === 'label' && element.label === false) continue;
        if (field === 'label' && isRecord(element.label)) element.label = { ...element.label, text };
        else element[field] = text;
      }
    }
  }
  return copy;
}
