import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { formsAliases } from './packages/forms/vite.aliases.ts';
import { emulateColorScheme } from './packages/elements/test/commands.ts';
import { sourceConditions, withSourceCondition } from './vite.conditions.ts';

// Processes the tests start with tsx (servers, the demo, fixtures) load the workspace packages from
// their sources too. `pan` runs are the exception: they pass their own environment and run dist/.
process.env.NODE_OPTIONS = withSourceCondition(process.env.NODE_OPTIONS);

/** Flags that keep Debian's Chromium quiet on a machine with no internet. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * How long `expect.poll` and `expect.element` wait for the state they expect before failing:
 * a deadline for a clear failure, not a pause (they pass as soon as the state is there). Vitest's
 * default, 1 s, only holds for a request to the test API or a lazily loaded chunk on an idle
 * machine. The same as Playwright's expect timeout and the harness's `settled()`.
 */
const expectPoll = { poll: { timeout: 10_000 } };

export default defineConfig({
  test: {
    projects: [
      {
        ...sourceConditions,
        test: {
          name: 'node',
          environment: 'node',
          include: ['packages/*/test/**/*.test.ts', 'demo/test/**/*.test.ts'],
          globalSetup: ['packages/run-api/test/support/global-setup.ts', 'packages/cli/test/build-setup.ts'],
          expect: expectPoll,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias: formsAliases, conditions: sourceConditions.resolve.conditions },
        // React and rjsf are found late (the settings form imports them lazily): pre-bundle them up
        // front, or Vite re-optimizes mid-run and the page ends up with two copies of React.
        optimizeDeps: {
          include: [
            'react',
            'react/jsx-runtime',
            'react/jsx-dev-runtime',
            'react-dom',
            'react-dom/client',
            '@rjsf/core',
            '@rjsf/utils',
            '@cfworker/json-schema',
          ],
        },
        test: {
          name: 'browser',
          include: ['packages/elements/src/**/*.test.ts', 'packages/forms/src/**/*.test.{ts,tsx}', 'packages/react/test/**/*.test.tsx'],
          // The run API these tests call is started by the global setup, which vitest loads with the
          // packages' published entry points (dist/): build them first when their sources changed.
          globalSetup: ['packages/cli/test/build-setup.ts', 'packages/elements/test/global-setup.ts'],
          expect: expectPoll,
          testTimeout: 30_000,
          hookTimeout: 60_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            instances: [{ browser: 'chromium' }],
            provider: playwright({ launchOptions: { executablePath: chromiumPath, args: chromiumArgs } }),
            commands: { emulateColorScheme },
          },
        },
      },
    ],
  },
});
