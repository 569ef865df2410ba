import { test as base, expect, type Page } from '@playwright/test';
import { generateMsgId } from '@lit/localize/internal/id-generation.js';

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
  // In any language: the results are no longer busy.
  await expect(marketplace.locator('[part="results"]')).toHaveAttribute('aria-busy', 'false');
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

/**
 * What the elements show for an English message in `lang`, from the shipped catalogue (the ids are
 * lit-localize's, hashed from the English text): t`Install ${name}` in Arabic is the Arabic words
 * around the name. English, or a message the catalogue lacks, stays as written.
 */
export type Translate = (strings: TemplateStringsArray | string, ...values: string[]) => string;

type Catalogue = Record<string, string | { strings: string[]; values: number[] }>;

export async function translatorFor(lang: string | undefined): Promise<Translate> {
  const language = lang?.split('-')[0];
  const templates: Catalogue = language && language !== 'en' ? (await import(`../packages/elements/src/locales/${language}.ts`)).templates : {};
  return (strings, ...values) => {
    const parts = typeof strings === 'string' ? [strings] : [...strings];
    const found = templates[generateMsgId(parts, false)];
    if (typeof found === 'string') return found;
    const { strings: out, values: order } = found ?? { strings: parts, values: values.map((_, i) => i) };
    return out.reduce((text, part, i) => text + (i ? values[order[i - 1]!]! : '') + part, '');
  };
}
