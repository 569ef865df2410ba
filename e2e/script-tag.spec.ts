import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { elementsImportMap, loadElementsBundle, type ElementsBundle } from '../packages/run-api/src/http/elements-bundle.ts';
import { cardNames, expect, logInAs, test } from './fixtures.ts';

/**
 * A host page that is plain HTML on another origin loads the elements with one script tag from the
 * run API (`/elements/<version>/pan-elements.js`, with the SRI hash `pan serve` prints), under a
 * Content-Security-Policy that allows scripts from the run API alone: no 'unsafe-eval', no
 * 'unsafe-inline', nothing of its own but the import map that gives the lazy chunks their SRI
 * hashes (allowed by its own hash).
 */
let host: Server;
let hostUrl: string;
let page: { html: string; csp: string } = { html: '', csp: '' };
let bundle: ElementsBundle;
/** Set by playwright.config.ts, which lets this origin call the run API (PAN_CORS_ORIGINS). */
const hostPagePort = Number(process.env.PAN_E2E_HOST_PAGE_PORT);

test.beforeAll(async () => {
  bundle = (await loadElementsBundle())!;
  expect(bundle, 'the elements bundle is built (npm run build:bundle -w @pan/elements)').not.toBeNull();
  host = createServer((request, response) => {
    if (request.url !== '/') return response.writeHead(404).end();
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': page.csp, 'cache-control': 'no-store' });
    response.end(page.html);
  });
  // On the origin the run API's PAN_CORS_ORIGINS lets call it (playwright.config.ts): the account's host page.
  await new Promise<void>((resolve) => host.listen(hostPagePort, '127.0.0.1', resolve));
  hostUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  await new Promise((resolve) => host?.close(resolve));
});

test('a plain HTML page on another origin renders the catalog from the run API’s script tag under a strict CSP', async ({ page: browser, cspViolations }) => {
  // A token for Ada, signed by the demo's backend (the host's backend in real life).
  await logInAs(browser, 'Ada Lovelace');
  const { apiBase, token } = await browser.evaluate(async () => {
    const session = await (await fetch('/api/session')).json();
    const { token } = await (await fetch('/api/pan-token', { method: 'POST' })).json();
    return { apiBase: session.apiBase as string, token: token as string };
  });
  const apiOrigin = new URL(apiBase).origin;
  expect(apiOrigin).not.toBe(hostUrl);
  const src = `${apiBase}${bundle.scriptPath}`;
  const importMap = elementsImportMap(bundle, apiBase);

  // What the served file weighs on the wire (reported by the test run).
  const served = await browser.request.get(src);
  expect(served.status()).toBe(200);
  expect(served.headers()['content-type']).toBe('text/javascript; charset=utf-8');
  expect(served.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
  expect(served.headers()['content-encoding']).toBe('gzip');
  const entry = bundle.files.get('pan-elements.js')!;
  console.log(`pan-elements.js as served: ${entry.gzip.length} B gzip (${entry.body.length} B decoded)`);

  page = {
    csp: [
      "default-src 'none'",
      `script-src ${apiOrigin} ${importMap.cspHash}`,
      `connect-src ${apiOrigin}`,
      'img-src * data:',
      // lit's styles are constructable style sheets (adoptedStyleSheets), which style-src does not govern.
      "style-src 'none'",
      "base-uri 'none'",
      "form-action 'none'",
    ].join('; '),
    html: `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Host page</title>
    ${importMap.html}
    <script type="module" src="${src}" integrity="${bundle.integrity}" crossorigin="anonymous"></script>
  </head>
  <body>
    <pan-marketplace api-base="${apiBase}"></pan-marketplace>
  </body>
</html>`,
  };
  expect(page.csp).not.toMatch(/unsafe-(eval|inline)/);
  await browser.goto(hostUrl);
  await browser.waitForFunction(() => customElements.get('pan-marketplace') !== undefined);
  // The token is a property only (never an attribute): the host's own script sets it; here the test does.
  await browser.locator('pan-marketplace').evaluate((el, t) => ((el as HTMLElement & { token: string }).token = t), token);

  const names = await cardNames(browser);
  expect(names).toContain('Salesforce Leads');
  expect(names).toContain('HubSpot Contacts');
  // A lazy chunk from the run API too (the integration page), under the same policy.
  await browser.locator('pan-marketplace').getByRole('button', { name: 'HubSpot Contacts' }).click();
  await expect(browser.locator('pan-marketplace').getByRole('heading', { level: 2, name: 'HubSpot Contacts' })).toBeVisible();
  // And the install flow's chunk.
  await browser.locator('pan-marketplace').getByRole('button', { name: 'Install' }).click();
  await expect(browser.locator('pan-marketplace').getByRole('heading', { name: 'Install HubSpot Contacts' })).toBeVisible();
  expect(cspViolations).toEqual([]);
});

test('a tampered bundle does not run: the integrity check blocks it', async ({ page: browser }) => {
  await logInAs(browser, 'Ada Lovelace');
  const apiBase = await browser.evaluate(async () => (await (await fetch('/api/session')).json()).apiBase as string);
  const wrong = `sha384-${Buffer.alloc(48).toString('base64')}`;
  page = {
    csp: `default-src 'none'; script-src ${new URL(apiBase).origin}`,
    html: `<!doctype html><html lang="en"><head><title>Host</title><script type="module" src="${apiBase}${bundle.scriptPath}" integrity="${wrong}" crossorigin="anonymous"></script></head><body><pan-marketplace></pan-marketplace></body></html>`,
  };
  const blocked = browser.waitForEvent('console', (message) => /integrity/i.test(message.text()));
  await browser.goto(hostUrl);
  await blocked;
  expect(await browser.evaluate(() => customElements.get('pan-marketplace') === undefined)).toBe(true);
});

test('a tampered lazy chunk does not run: the import map\'s integrity blocks it', async ({ page: browser }) => {
  await logInAs(browser, 'Ada Lovelace');
  const apiBase = await browser.evaluate(async () => (await (await fetch('/api/session')).json()).apiBase as string);
  // The real import map with every chunk's hash replaced: the entry still runs, its chunks do not.
  const { html } = elementsImportMap(bundle, apiBase);
  const json = html.replace(/sha384-[A-Za-z0-9+/=]+/g, `sha384-${Buffer.alloc(48).toString('base64')}`).replace(/^<script type="importmap">|<\/script>$/g, '');
  const hash = `'sha256-${createHash('sha256').update(json).digest('base64')}'`;
  page = {
    csp: `default-src 'none'; script-src ${new URL(apiBase).origin} ${hash}; connect-src ${new URL(apiBase).origin}`,
    html: `<!doctype html><html lang="en"><head><title>Host</title><script type="importmap">${json}</script><script type="module" src="${apiBase}${bundle.scriptPath}" integrity="${bundle.integrity}" crossorigin="anonymous"></script></head><body><pan-marketplace api-base="${apiBase}"></pan-marketplace></body></html>`,
  };
  const blocked = browser.waitForEvent('console', (message) => /integrity/i.test(message.text()) && message.text().includes('/chunks/'));
  await browser.goto(hostUrl);
  await blocked;
});
