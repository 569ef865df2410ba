/** `npm run build` (and `prepare`, so `npm ci`): the packages' dist/ and the demo page, both unconditionally. */
import { ensureBuilt } from './build.ts';

await ensureBuilt((line) => console.log(line), { force: true });
