/** Writes custom-elements.json and docs/elements.md from the sources (`npm run build:manifest -w @pan/elements`). */
import fs from 'node:fs';
import { docPath, generateManifest, manifestPath, manifestText, renderElementsDoc } from './manifest.ts';

const manifest = await generateManifest();
fs.writeFileSync(manifestPath, manifestText(manifest));
fs.writeFileSync(docPath, renderElementsDoc(manifest));
console.log(`wrote ${manifestPath} and ${docPath}`);
