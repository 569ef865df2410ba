// `npm start`: the demo compiled to demo/lib (by `npm run build`, which `npm ci` runs), on plain
// Node. Built here first if it never was (an install that skipped scripts).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const compiled = new URL('./lib/npm-start.js', import.meta.url);
if (!existsSync(compiled)) execFileSync('npm', ['run', 'build'], { stdio: 'inherit', cwd: new URL('..', import.meta.url) });
await import(compiled.href);
