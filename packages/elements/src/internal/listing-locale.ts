/**
 * A catalog listing in the element's locale: the host may translate an integration's name and
 * descriptions per BCP 47 tag (`PUT /v2/integrations/{slug}` `translations`). Each string comes
 * from the most specific tag that has it (`de-AT`, then `de`), else stays the listing's own.
 * Small on purpose: the catalog's first load carries it.
 */
type ListingStrings = { name?: string; short_description?: string; long_description?: string };

interface Listing {
  name: string;
  short_description: string;
  long_description?: string;
  translations?: Record<string, ListingStrings>;
}

/** `locale` then its shorter prefixes (`de-CH-1996`, `de-CH`, `de`), canonical; `[]` when malformed. */
export function localeChain(locale: string | null | undefined): string[] {
  let tag: string | undefined;
  try {
    tag = locale ? Intl.getCanonicalLocales(locale)[0] : undefined;
  } catch {
    tag = undefined;
  }
  const chain: string[] = [];
  const subtags = tag ? tag.split('-') : [];
  while (subtags.length > 0) {
    chain.push(subtags.join('-'));
    subtags.pop();
    // A singleton (`-u-`, `-x-`) never ends a tag: drop it with what it introduced.
    while (subtags.length > 0 && subtags[subtags.length - 1]!.length === 1) subtags.pop();
  }
  return chain;
}

/** `listing` with its strings in `locale` where translated; the same object when nothing is. */
export function localizedListing<T extends Listing>(listing: T, locale: string | null | undefined): T {
  const translations = listing.translations;
  if (!translations || !locale) return listing;
  const found = localeChain(locale).map((tag) => translations[tag]).filter((t) => t !== undefined);
  if (found.length === 0) return listing;
  const pick = (field: keyof ListingStrings) => found.find((t) => typeof t[field] === 'string' && t[field] !== '')?.[field];
  const out: T = { ...listing };
  out.name = pick('name') ?? listing.name;
  out.short_description = pick('short_description') ?? listing.short_description;
  if (listing.long_description !== undefined) out.long_description = pick('long_description') ?? listing.long_description;
  return out;
}
