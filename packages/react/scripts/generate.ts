/**
 * Writes src/components.ts, the React components of every `pan-*` element, from @pan/elements's
 * custom-elements.json (`npm run generate -w @pan/react`). test/components.test.ts fails when the
 * committed file is not what this makes from the manifest.
 */
import fs from 'node:fs';
import { componentsPath, generateComponents, readElementsManifest } from './components.ts';

fs.writeFileSync(componentsPath, generateComponents(readElementsManifest()));
console.log(`wrote ${componentsPath}`);
