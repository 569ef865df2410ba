/**
 * The author's translations carried with a built settings form. The server builds the form once
 * (and validates with it, untranslated); for each locale of PANDIUM.yaml's `i18n` it also builds the
 * translated form and keeps only the strings that differ, as JSON pointers into the form. The
 * element, which alone knows the user's locale, applies them with `localizeSettingsForm`.
 */
import { localeFallbacks, resolveTokens } from '../i18n.ts';
import type { SettingsForm, SettingsFormTranslations } from './contract.ts';

type Dict = Record<string, unknown>;
const isRecord = (value: unknown): value is Dict => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The keys of a built form that hold the author's words: schema `title`/`description` (options'
 * `title` too), uiSchema `ui:title`/`ui:description`, the layout's `label`/`hint`/`text`. Never
 * `errorMessage`: those sentences are the product's, translated with the rest of its messages.
 */
const TRANSLATABLE_KEYS = new Set(['title', 'description', 'ui:title', 'ui:description', 'label', 'hint', 'text']);

const escapeToken = (token: string) => token.replace(/~/g, '~0').replace(/\//g, '~1');
const unescapeToken = (token: string) => token.replace(/~1/g, '/').replace(/~0/g, '~');

/**
 * For each tag, the strings of `buildFor(tag)` (the form built from the translated configs) that
 * differ from `base`, keyed by JSON pointer into the form (`/schema/properties/x/title`).
 */
export function settingsFormTranslations(
  base: SettingsForm,
  tags: readonly string[],
  buildFor: (tag: string) => SettingsForm,
): SettingsFormTranslations {
  const translations: SettingsFormTranslations = {};
  for (const tag of tags) {
    const strings: Record<string, string> = {};
    const translated = buildFor(tag);
    collect(base.schema, translated.schema, '/schema', strings);
    collect(base.uiSchema, translated.uiSchema, '/uiSchema', strings);
    if (Object.keys(strings).length > 0) translations[tag] = strings;
  }
  return translations;
}

function collect(base: unknown, translated: unknown, pointer: string, into: Record<string, string>): void {
  if (Array.isArray(translated)) {
    translated.forEach((item, index) => collect(Array.isArray(base) ? base[index] : undefined, item, `${pointer}/${index}`, into));
    return;
  }
  if (!isRecord(translated)) return;
  const baseRecord = isRecord(base) ? base : {};
  for (const [key, value] of Object.entries(translated)) {
    const at = `${pointer}/${escapeToken(key)}`;
    if (typeof value === 'string') {
      if (TRANSLATABLE_KEYS.has(key) && baseRecord[key] !== value) into[at] = value;
    } else collect(Object.hasOwn(baseRecord, key) ? baseRecord[key] : undefined, value, at, into);
  }
}

/**
 * `form` in `locale`: a copy with the strings of the best matching tags of `form.i18n` applied, the
 * general before the specific (`de`, then `de-AT`), so each string falls back by language subtag and
 * then to the author's original. Without a match, `form` itself. Pure; `form` is never changed.
 */
export function localizeSettingsForm(form: SettingsForm, locale: string | null | undefined): SettingsForm {
  const translations = form.i18n;
  const chain = translations ? localeFallbacks(locale, Object.keys(translations)) : [];
  if (chain.length === 0) return form;
  const copy = structuredClone(form);
  for (const tag of chain) {
    for (const [pointer, text] of Object.entries(translations![tag] ?? {})) {
      if (typeof text !== 'string' || !pointer.startsWith('/')) continue;
      const tokens = pointer.slice(1).split('/').map(unescapeToken);
      const key = tokens.pop()!;
      // Only the author's strings: a pointer can never set a structural keyword.
      if (!TRANSLATABLE_KEYS.has(key)) continue;
      const parent = resolveTokens(copy, tokens);
      if (isRecord(parent)) parent[key] = text;
    }
  }
  return copy;
}
