import { test as base, expect, type Page } from '@playwright/test';

/**
 * Every page is watched for Content-Security-Policy violations; a test fails on the first one.
 * The demo is served with `script-src 'self'` (and `style-src 'self'`): no eval, no inline code.
 */
export const test = base.extend<{ cspViolations: string[] }>({
  cspViolations: async ({ page }, use) => {
    const violations: string[] = [];
    await page.exposeFunction('__panReportCspViolation', (v: string) => violations.push(v));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        (window as unknown as { __panReportCspViolation(v: string): void }).__panReportCspViolation(
          `${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`,
        );
      });
    });
    await use(violations);
    expect(violations, 'Content-Security-Policy violations').toEqual([]);
  },
});

export { expect };

export async function logInAs(page: Page, name: 'Ada Lovelace' | 'Grace Hopper'): Promise<void> {
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
  await page.getByRole('button', { name: new RegExp(name) }).click();
  await expect(page).toHaveURL(/\/$/);
}

/** The names on the catalog's cards, in order, once they have loaded. */
export async function cardNames(page: Page): Promise<string[]> {
  const marketplace = page.locator('pan-marketplace');
  await expect(marketplace.getByRole('status').filter({ hasText: /integration/ }).first()).not.toHaveText(/Loading/);
  return marketplace.getByRole('heading', { level: 3 }).allInnerTexts().then((names) => names.map((n) => n.trim()));
}

/**
 * A direct call to the run API with the page's own token (from the demo's backend), bypassing the
 * element and the browser's form checks: what the host's backend or an attacker could send.
 */
export async function callApi(page: Page, method: string, path: string, body?: unknown) {
  return page.evaluate(
    async ({ method, path, body }) => {
      const session = await (await fetch('/api/session')).json();
      const { token } = await (await fetch('/api/pan-token', { method: 'POST' })).json();
      const response = await fetch(`${session.apiBase}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: response.status === 204 ? null : await response.json() };
    },
    { method, path, body },
  );
}
