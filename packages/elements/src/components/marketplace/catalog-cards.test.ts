import { afterEach, describe, expect, it, vi } from 'vitest';
import { cardNames, cleanup, fixture, part, settled, shadowQuery } from '../../../test/harness.ts';

// The card renderer's chunk, watched: when its import starts (catalog-cards-retry.test.ts: a load that fails).
const chunk = vi.hoisted(() => ({ imports: 0 }));
vi.mock('./catalog-cards.ts', async (importOriginal) => {
  chunk.imports++;
  return importOriginal();
});

afterEach(cleanup);

describe('<pan-marketplace> card renderer chunk', () => {
  it('is fetched while the catalog request is still pending, not after it', async () => {
    // Hold the catalog's response until the chunk's import has started.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const fetch = window.fetch.bind(window);
    vi.spyOn(window, 'fetch').mockImplementation(async (input, init) => {
      const response = await fetch(input, init);
      if (String(input).includes('/marketplace/catalog')) await held;
      return response;
    });
    const el = await fixture({ noWait: true });
    expect(part(el, 'results')?.getAttribute('aria-busy')).toBe('true');
    await expect.poll(() => chunk.imports).toBe(1);
    expect(el.matches(':state(loading)')).toBe(true);
    release();
    await settled(el);
    expect(cardNames(el).length).toBeGreaterThan(0);
  });

  it("keeps the cards' styles, which arrive with their chunk, once an integration page's styles are added", async () => {
    const el = await fixture();
    const styled = () => getComputedStyle(shadowQuery(el, '.nav__list')!).display;
    expect(styled()).toBe('flex');
    el.slug = 'slack-alerts';
    await settled(el);
    expect(part(el, 'detail')).not.toBeNull();
    el.slug = null;
    await settled(el);
    expect(styled()).toBe('flex');
  });
});
