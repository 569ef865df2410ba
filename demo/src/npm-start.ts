/**
 * `npm start`: builds what changed since the last build (nothing, usually: `npm ci` built
 * everything), then starts the demo (start.ts), whose workspace packages load from their dist/.
 */
import { ensureBuilt } from './build.ts';

await ensureBuilt((line) => console.log(line));
await import('./start.ts');
