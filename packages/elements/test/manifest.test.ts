import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { docPath, elementsDir, elementsOf, eventDetailTypes, generateManifest, manifestPath, manifestText, renderElementsDoc } from '../build/manifest.ts';

const manifest = await generateManifest();

describe('custom-elements.json and docs/elements.md', () => {
  it('are what the analyzer makes from the sources today (npm run build:manifest -w @pan/elements)', () => {
    expect(fs.readFileSync(manifestPath, 'utf8')).toBe(manifestText(manifest));
    expect(fs.readFileSync(docPath, 'utf8')).toBe(renderElementsDoc(manifest));
  });

  it('lists every tag the package registers, and ships in the package', () => {
    const registered = fs
      .readdirSync(path.join(elementsDir, 'src/components'))
      .flatMap((dir) => fs.readdirSync(path.join(elementsDir, 'src/components', dir)).filter((f) => /^pan-.*\.ts$/.test(f)))
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    expect(elementsOf(manifest).map((e) => e.tagName)).toEqual(registered);
    const pkg = JSON.parse(fs.readFileSync(path.join(elementsDir, 'package.json'), 'utf8'));
    expect(pkg.customElements).toBe('custom-elements.json');
    expect(pkg.files).toContain('custom-elements.json');
  });

  it('documents each element: its events have a detail type, its CSS custom properties are listed', () => {
    const details = eventDetailTypes();
    for (const element of elementsOf(manifest)) {
      expect(element.cssProperties?.length, element.tagName).toBeGreaterThan(0);
      for (const event of element.events ?? []) {
        expect(event.name, element.tagName).toMatch(/^pan-[a-z-]+$/);
        expect(details.has(event.type?.text ?? ''), `${element.tagName} ${event.name}: ${event.type?.text}`).toBe(true);
      }
    }
  });
});
