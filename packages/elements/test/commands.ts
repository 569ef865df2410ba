import type {} from '@vitest/browser-playwright';
import type { BrowserCommand } from 'vitest/node';

/**
 * Browser-test commands, run by the test server with Playwright's page: `prefers-color-scheme`
 * can only be emulated from there. Tests call them through `commands` from 'vitest/browser'.
 */
export const emulateColorScheme: BrowserCommand<[scheme: 'light' | 'dark' | null]> = async (ctx, scheme) => {
  await ctx.page.emulateMedia({ colorScheme: scheme });
};

declare module 'vitest/browser' {
  interface BrowserCommands {
    emulateColorScheme: (scheme: 'light' | 'dark' | null) => Promise<void>;
  }
}
