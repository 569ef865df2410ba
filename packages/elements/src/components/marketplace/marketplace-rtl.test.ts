import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fixture, parts, shadowQuery } from '../../../test/harness.ts';
import type { PanMarketplace } from './marketplace.component.ts';

afterEach(() => {
  document.documentElement.removeAttribute('dir');
  cleanup();
});

/** How far a box inside the element sits from the element's left and right edges. */
function edges(el: PanMarketplace, inner: Element) {
  const outer = el.getBoundingClientRect();
  const box = inner.getBoundingClientRect();
  return { left: box.left - outer.left, right: outer.right - box.right };
}

describe('<pan-marketplace> in a right-to-left page', () => {
  it('mirrors its layout when an ancestor sets dir="rtl"', async () => {
    const el = await fixture({ user: 'engineering' });
    // Wide enough for the two-column layout: the categories beside the cards.
    el.style.width = '1000px';
    const boxes = ['.nav', '.main', '[part="tab"]', '.search__icon', '.card'].map((selector) => shadowQuery(el, selector)!);
    const ltr = boxes.map((box) => edges(el, box));
    // The categories come first, on the left, in left-to-right text.
    expect(ltr[0]!.left).toBeLessThan(ltr[1]!.left);

    document.documentElement.dir = 'rtl';
    const rtl = boxes.map((box) => edges(el, box));
    // Each box is as far from the right edge as it was from the left: the layout is a mirror image.
    for (const [i, box] of ltr.entries()) {
      expect(Math.abs(rtl[i]!.right - box.left), `${['.nav', '.main', 'tab', 'search icon', 'card'][i]} from the right`).toBeLessThan(1);
      expect(Math.abs(rtl[i]!.left - box.right), `${['.nav', '.main', 'tab', 'search icon', 'card'][i]} from the left`).toBeLessThan(1);
    }
    expect(parts(el, 'tab').map((tab) => Math.round(tab.getBoundingClientRect().left))).toEqual(
      [...parts(el, 'tab').map((tab) => Math.round(tab.getBoundingClientRect().left))].sort((a, b) => b - a),
    );
  });

  it('turns the Back arrow round, and only in right-to-left text', async () => {
    const el = await fixture({ user: 'engineering', integration: 's3-export' });
    const arrow = shadowQuery(el, '[part="back-button"] .icon')!;
    expect(getComputedStyle(arrow).transform).toBe('none');
    document.documentElement.dir = 'rtl';
    expect(getComputedStyle(arrow).transform).toBe('matrix(-1, 0, 0, 1, 0, 0)');
  });
});
