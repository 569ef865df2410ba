/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest';
import * as exported from './index.ts';
import { PanElement } from './internal/pan-element.ts';

/** The tag each `components/<name>/pan-<name>.ts` registers. */
const tags = Object.keys(import.meta.glob('./components/*/pan-*.ts')).map((file) => /(pan-[\w-]+)\.ts$/.exec(file)![1]!);
const classes = Object.values(exported).filter((value) => typeof value === 'function' && value.prototype instanceof PanElement);

describe('the entry points', () => {
  it('index.ts exports every element class and registers none', () => {
    expect(tags).toContain('pan-marketplace');
    expect(classes).toHaveLength(tags.length);
    expect(tags.filter((tag) => customElements.get(tag))).toEqual([]);
  });

  it('define.ts registers every element, with the classes index.ts exports, and may be loaded twice', async () => {
    await import('./define.ts');
    await Promise.all(tags.map((tag) => customElements.whenDefined(tag)));
    for (const tag of tags) expect(classes).toContain(customElements.get(tag));
    await expect(import(/* @vite-ignore */ `./define.ts?again=${Date.now()}`)).resolves.toBeDefined();
  });
});
