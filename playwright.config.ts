import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { chromiumArgs, chromiumPath } from './vitest.config.ts';

const demoPort = Number(process.env.PAN_E2E_DEMO_PORT ?? 3400);
const apiPort = Number(process.env.PAN_E2E_API_PORT ?? 3401);
/** A plain HTML host page on an origin of its own (e2e/script-tag.spec.ts reads the port), which the run API lets call it. */
process.env.PAN_E2E_HOST_PAGE_PORT ??= String(apiPort + 3);
const hostPagePort = Number(process.env.PAN_E2E_HOST_PAGE_PORT);
// A fresh data directory per run: the newcomer starts from nothing, exactly as `npm start` does.
const dataDir = process.env.PAN_E2E_DATA_DIR ?? mkdtempSync(path.join(os.tmpdir(), 'pan-e2e-'));

export default defineConfig({
  testDir: 'e2e',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${demoPort}`,
    browserName: 'chromium',
    launchOptions: { executablePath: chromiumPath, args: chromiumArgs },
    trace: 'off',
  },
  webServer: {
    // `npm test` builds the page first; this is what `npm start` runs after its build.
    command: 'npx tsx demo/src/start.ts',
    url: `http://localhost:${demoPort}/login`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'pipe',
    env: {
      PAN_DATA_DIR: dataDir,
      PAN_DEMO_PORT: String(demoPort),
      PAN_PORT: String(apiPort),
      // The demo's pretend Acme CRM (OAuth2 provider) and Acme API, away from a running `npm start`.
      PAN_DEMO_ACME_PORT: String(apiPort + 1),
      PAN_DEMO_ACME_API_PORT: String(apiPort + 2),
      PAN_CORS_ORIGINS: `http://127.0.0.1:${hostPagePort}`,
    },
  },
});
