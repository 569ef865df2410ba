import { afterEach, describe, expect, it } from 'vitest';
import { card, cardButton, cardNames, cleanup, fixture, part, rewriteResponses, settled, text } from '../../../test/harness.ts';
import { localeChain, localizedListing } from '../../internal/listing-locale.ts';

afterEach(cleanup);

const GERMAN = { name: 'HubSpot-Kontakte', short_description: 'Kontakte in beide Richtungen abgleichen.' };

describe('<pan-marketplace> locale', () => {
  it('shows the best-matching translation of a listing on its card and page, the listing itself where none', async () => {
    // As the run API sends what the host set with PUT /v2/integrations/{slug} `translations`.
    rewriteResponses('/marketplace/', (body) => {
      if (Array.isArray(body.integrations)) {
        const integrations = body.integrations.map((i: { slug: string }) => (i.slug === 'hubspot-contacts' ? { ...i, translations: { de: GERMAN } } : i));
        return { ...body, integrations };
      }
      if (body.slug !== 'hubspot-contacts') return body;
      return { ...body, translations: { de: { ...GERMAN, long_description: 'Auf Deutsch.' }, 'de-AT': { name: 'HubSpot-Kontakte (AT)' } } };
    });
    const el = await fixture();
    const english = cardNames(el);
    expect(english).toContain('HubSpot Contacts');
    el.lang = 'de-AT';
    await expect.poll(() => cardNames(el)).toEqual(english.map((name) => (name === 'HubSpot Contacts' ? 'HubSpot-Kontakte' : name)));
    expect(text(card(el, 'HubSpot-Kontakte').querySelector('[part~="card-description"]'))).toBe(GERMAN.short_description);

    cardButton(el, 'HubSpot-Kontakte').click();
    await settled(el);
    expect(text(part(el, 'detail-title'))).toBe('HubSpot-Kontakte (AT)');
    expect(text(part(el, 'description'))).toBe('Auf Deutsch.');

    el.lang = 'fr';
    await expect.poll(() => text(part(el, 'detail-title'))).toBe('HubSpot Contacts');
  });
});

describe('localizedListing', () => {
  const listing = { name: 'Weather', short_description: 'Forecast', translations: { de: { name: 'Wetter' }, 'de-AT': { short_description: 'Prognose' } } };

  it('takes each string from the most specific tag that has it, else the listing', () => {
    expect(localizedListing(listing, 'de-AT')).toMatchObject({ name: 'Wetter', short_description: 'Prognose' });
    expect(localizedListing(listing, 'de-CH')).toMatchObject({ name: 'Wetter', short_description: 'Forecast' });
    expect(localizedListing(listing, 'de-at')).toMatchObject({ short_description: 'Prognose' });
    expect(localizedListing(listing, 'fr')).toBe(listing);
    expect(localizedListing(listing, 'no_tag')).toBe(listing);
    expect(localizedListing(listing, undefined)).toBe(listing);
  });

  it('looks up by dropping one subtag at a time', () => {
    expect(localeChain('zh-Hant-TW')).toEqual(['zh-Hant-TW', 'zh-Hant', 'zh']);
    expect(localeChain('de-DE-u-co-phonebk')).toEqual(['de-DE-u-co-phonebk', 'de-DE-u-co', 'de-DE-u', 'de-DE', 'de']);
  });
});
