/**
 * `npm start` (compiled to demo/lib, started by demo/start.mjs): builds what changed since the
 * last build (nothing, usually: `npm ci` built everything), then starts the demo (start.ts, loaded
 * after the build, so from its new compilation), whose workspace packages load from their dist/.
 */
import { ensureBuilt } from './build.ts';

await ensureBuilt((line) => console.log(line));
await import('./start.ts');
