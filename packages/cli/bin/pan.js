#!/usr/bin/env node
// The CLI runs its TypeScript sources directly (no build step), so tsx is registered first.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
