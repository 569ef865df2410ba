import { afterEach, describe, expect, it, vi } from 'vitest';
import { cardNames, cleanup, fixture, part, settled } from '../../../test/harness.ts';
import { cardsChunk } from './catalog-view.ts';

afterEach(cleanup);

describe('<pan-marketplace> card renderer chunk that fails to load', () => {
  it('shows the error with Retry, and Retry loads the chunk and the cards', async () => {
    // The first load fails as a network blip would; the next one goes through.
    const load = vi.spyOn(cardsChunk, 'load').mockRejectedValueOnce(new TypeError('Failed to fetch dynamically imported module'));
    const el = await fixture();
    expect(part(el, 'error')?.getAttribute('role')).toBe('alert');
    expect(cardNames(el)).toEqual([]);
    expect(load).toHaveBeenCalledTimes(1);
    part<HTMLButtonElement>(el, 'retry-button')!.click();
    await settled(el);
    expect(load).toHaveBeenCalledTimes(2);
    expect(part(el, 'error')).toBeNull();
    expect(cardNames(el).length).toBeGreaterThan(0);
  });
});
