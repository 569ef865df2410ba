import fs from 'node:fs';
import path from 'node:path';
import type { ComponentProps } from 'react';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { PanInstalledEvent, PanMarketplace, PanSettingsForm, PanSettingsSubmitEvent } from '../src/index.ts';
import { componentsPath, elementsOf, eventProp, generateComponents, readElementsManifest } from '../scripts/components.ts';

const manifest = readElementsManifest();
const source = fs.readFileSync(componentsPath, 'utf8');
const eventsDir = path.resolve(import.meta.dirname, '../../elements/src/events');

describe('@pan/react components', () => {
  it('are what scripts/generate.ts makes from @pan/elements’s custom-elements.json (npm run generate -w @pan/react)', () => {
    expect(source).toBe(generateComponents(manifest));
  });

  it('wrap every element, with an onPan* prop for each event it fires', () => {
    const elements = elementsOf(manifest);
    expect(elements.length).toBeGreaterThan(0);
    for (const element of elements) {
      const start = source.indexOf(`export const ${element.name} = createComponent({\n  tagName: '${element.tagName}',`);
      expect(start, element.tagName).toBeGreaterThan(-1);
      const block = source.slice(start, source.indexOf('\n});', start));
      for (const event of element.events ?? []) {
        expect(block, `${element.tagName} ${event.name}`).toContain(`${eventProp(event.name)}: '${event.name}' as EventName<${event.type?.text}>`);
      }
    }
  });

  it('cover every pan-* event the elements declare (src/events/)', () => {
    const declared = fs
      .readdirSync(eventsDir)
      .flatMap((f) => [...fs.readFileSync(path.join(eventsDir, f), 'utf8').matchAll(/^\s+'(pan-[a-z-]+)': /gm)].map((m) => m[1]!));
    expect(declared.length).toBeGreaterThan(10);
    for (const name of declared) expect(source, name).toContain(`${eventProp(name)}: '${name}'`);
  });

  it('types the props: the element’s properties, and each onPan* with its event (checked by tsc)', () => {
    type Marketplace = ComponentProps<typeof PanMarketplace>;
    expectTypeOf<Marketplace['onPanInstalled']>().toEqualTypeOf<((event: PanInstalledEvent) => void) | undefined>();
    expectTypeOf<Marketplace['token']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Marketplace['mode']>().toEqualTypeOf<'full' | 'install' | 'auth' | undefined>();
    expectTypeOf<ComponentProps<typeof PanSettingsForm>['onPanSettingsSubmit']>().toEqualTypeOf<((event: PanSettingsSubmitEvent) => void) | undefined>();
  });

  it('names each pan-x-y event onPanXY', () => {
    expect(eventProp('pan-install-request')).toBe('onPanInstallRequest');
    expect(eventProp('pan-installed')).toBe('onPanInstalled');
  });
});
