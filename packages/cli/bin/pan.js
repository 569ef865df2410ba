#!/usr/bin/env node
// The compiled CLI (dist/, built by `tsc -b`): plain Node, no TypeScript loader at run time.
await import('../dist/main.js');
