import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Catalog, IntegrationDetail } from '@pan/contract';
import { signEndUserToken, stackSigner, startTestStack, type TestStack } from '../../support/index.ts';

/**
 * A listing's words per locale: set with `PUT /v2/integrations/{slug}`, stored in
 * `integrations.translations`, read back by the host API and the marketplace's catalog and page.
 */
let stack: TestStack;

const put = (slug: string, payload: object) =>
  stack.app.inject({ method: 'PUT', url: `/v2/integrations/${slug}`, headers: { 'x-api-key': stack.apiKey }, payload });

const listing = {
  name: 'Weather digest',
  type: 'internal',
  short_description: 'The forecast every morning.',
  long_description: 'Sends the forecast.\n\nEvery morning.',
};

async function stored(slug: string): Promise<unknown> {
  const { rows } = await stack.db.query<{ translations: unknown }>('SELECT translations FROM integrations WHERE account_id = $1 AND slug = $2', [
    stack.accountId,
    slug,
  ]);
  return rows[0]?.translations;
}

async function marketplace<T>(url: string): Promise<T> {
  const jwt = await signEndUserToken(stackSigner(stack), 'user-i18n', { lifetimeSeconds: 300 });
  const response = await stack.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${jwt}` } });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<T>();
}

beforeAll(async () => {
  stack = await startTestStack({ clusterUrl: inject('pgClusterUrl'), listen: false });
});

afterAll(async () => {
  await stack?.stop();
});

describe('PUT /v2/integrations/{slug} with translations', () => {
  const translations = {
    de: { name: 'Wetterbericht', short_description: 'Jeden Morgen die Vorhersage.', long_description: 'Schickt die Vorhersage.' },
    'fr-ca': { name: 'Météo du matin' },
  };

  it('stores them under canonical tags and returns them to the host and the marketplace', async () => {
    const saved = await put('weather-digest', { ...listing, translations });
    expect(saved.statusCode, saved.body).toBe(200);
    const expected = { de: translations.de, 'fr-CA': translations['fr-ca'] };
    expect(await stored('weather-digest')).toEqual(expected);

    const id = saved.json<{ id: number }>().id;
    const read = await stack.app.inject({ method: 'GET', url: `/v2/integrations/${id}`, headers: { 'x-api-key': stack.apiKey } });
    expect(read.json()).toMatchObject({ slug: 'weather-digest', name: 'Weather digest', translations: expected });

    // The card carries what a card shows; the page the long description too.
    const catalog = await marketplace<Catalog>('/marketplace/catalog');
    const card = catalog.integrations.find((i) => i.slug === 'weather-digest');
    expect(card?.translations).toEqual({
      de: { name: 'Wetterbericht', short_description: 'Jeden Morgen die Vorhersage.' },
      'fr-CA': { name: 'Météo du matin' },
    });
    const detail = await marketplace<IntegrationDetail>('/marketplace/integrations/weather-digest');
    expect(detail.translations).toEqual(expected);
    expect(detail.name).toBe('Weather digest');
  });

  it('finds the listing by its translated words', async () => {
    const catalog = await marketplace<Catalog>('/marketplace/catalog?q=wetterbericht');
    expect(catalog.integrations.map((i) => i.slug)).toEqual(['weather-digest']);
  });

  it('replaces them with the listing, and a listing without any has none', async () => {
    expect((await put('weather-digest', { ...listing, translations: { es: { name: 'Resumen del tiempo' } } })).statusCode).toBe(200);
    expect(await stored('weather-digest')).toEqual({ es: { name: 'Resumen del tiempo' } });
    expect((await put('weather-digest', listing)).statusCode).toBe(200);
    expect(await stored('weather-digest')).toEqual({});
  });

  it.each([
    { tag: 'de_DE', message: 'translations.de_DE is not a BCP 47 language tag (e.g. de, de-AT, pt-BR)' },
    { tag: 'deutsch-x', message: 'translations.deutsch-x is not a BCP 47 language tag (e.g. de, de-AT, pt-BR)' },
  ])('answers 422 naming the field for the tag $tag, and stores nothing', async ({ tag, message }) => {
    const response = await put('weather-bad-tag', { ...listing, translations: { [tag]: { name: 'x' } } });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({
      code: 'PAN_ERR_INTEGRATION_TRANSLATION_LOCALE_INVALID',
      message,
      errors: [{ field: `translations.${tag}` }],
    });
    expect(await stored('weather-bad-tag')).toBeUndefined();
  });

  it('answers 422 for one locale written twice', async () => {
    const response = await put('weather-bad-tag', { ...listing, translations: { de: { name: 'A' }, DE: { name: 'B' } } });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'PAN_ERR_INTEGRATION_TRANSLATION_LOCALE_INVALID', errors: [{ field: 'translations.DE', message: 'is the same locale as de' }] });
  });

  it.each([
    { translations: { de: { name: 'x'.repeat(201) } }, field: 'translations.de.name' },
    { translations: { de: { short_description: 'x'.repeat(301) } }, field: 'translations.de.short_description' },
    { translations: { de: { name: '' } }, field: 'translations.de.name' },
    { translations: { de: { title: 'Wetter' } }, field: 'translations.de.title' },
    { translations: { de: {} }, field: 'translations.de' },
    { translations: { de: 'Wetter' }, field: 'translations.de' },
  ])('answers 400 naming $field', async ({ translations: bad, field }) => {
    const response = await put('weather-bad-tag', { ...listing, translations: bad });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'PAN_ERR_REQUEST_INVALID', errors: [expect.objectContaining({ field })] });
    expect(await stored('weather-bad-tag')).toBeUndefined();
  });
});
