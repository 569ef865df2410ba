/**
 * A catalog listing in the element's locale: the host may translate an integration's name and
 * descriptions per BCP 47 tag (`PUT /v2/integrations/{slug}` `translations`, stored under canonical
 * tags). Each string comes from the most specific tag that has it (`de-AT`, then `de`), else stays
 * the listing's own. Small on purpose: the catalog's first load carries it.
 */
type ListingStrings = { name?: string; short_description?: string; long_description?: string };

interface Listing extends ListingStrings {
  name: string;
  short_description: string;
  translations?: Record<string, ListingStrings>;
}

/**
 * `locale` canonical, then shorter by one subtag at a time (RFC 4647 lookup: `zh-Hant-TW`,
 * `zh-Hant`, `zh`); `[]` when it is not a well-formed tag.
 */
export function localeChain(locale: string | null | undefined): string[] {
  const chain: string[] = [];
  try {
    for (let subtags = locale ? Intl.getCanonicalLocales(locale)[0]!.split('-') : []; subtags.length; subtags.pop()) chain.push(subtags.join('-'));
  } catch {
    // Not a BCP 47 tag: no translation applies.
  }
  return chain;
}

/** `listing` with its strings in `locale` where translated; the same object when none is. */
export function localizedListing<T extends Listing>(listing: T, locale: string | null | undefined): T {
  const translations = listing.translations;
  const found = translations ? localeChain(locale).flatMap((tag) => translations[tag] ?? []) : [];
  if (!found.length) return listing;
  const pick = (field: keyof ListingStrings) => found.find((t) => t[field])?.[field] ?? listing[field];
  return { ...listing, name: pick('name'), short_description: pick('short_description'), long_description: pick('long_description') };
}
