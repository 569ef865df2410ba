import type { Page } from '@playwright/test';
import { callApi, cardNames, expect, logInAs, test, translatorFor } from './fixtures.ts';

/**
 * Every view of the marketplace at the widths hosts give it (a phone, a side panel, a tablet) and
 * in the themes and direction the README shows (light, dark, Arabic right-to-left): no view scrolls
 * sideways or reaches past the screen, and the screenshots in docs/screenshots/ are taken here. One test per configuration
 * walks all the views (the catalog, an integration page, each install step, the tenant page with
 * a run's log, connections, my integrations, and the install-only and connect-only pages).
 */

interface Config {
  /** The file name suffix of its screenshots. */
  name: string;
  width: number;
  height: number;
  /** What the demo page supports: `theme`, `dir`, `lang`. */
  query: string;
  /** Which views it keeps a screenshot of: all of them, or those the README shows. */
  keep: 'all' | 'readme';
}

const configs: Config[] = [
  { name: '320', width: 320, height: 720, query: '', keep: 'all' },
  { name: '390', width: 390, height: 844, query: '', keep: 'all' },
  { name: '768', width: 768, height: 1024, query: '', keep: 'all' },
  { name: 'light', width: 1280, height: 820, query: '?theme=light', keep: 'readme' },
  { name: 'dark', width: 1280, height: 820, query: '?theme=dark', keep: 'readme' },
  { name: 'rtl-ar', width: 1280, height: 820, query: '?dir=rtl&lang=ar', keep: 'all' },
  { name: 'rtl-ar-390', width: 390, height: 844, query: '?dir=rtl&lang=ar', keep: 'all' },
];

/** The README's pictures (PNG, in each configuration at 1280 px); the others are JPEG, to keep the repository small. */
const readmeViews = new Set(['catalog', 'install-settings', 'run-log']);

/**
 * What reaches past the viewport's sides: the page's own scroll width, and every element of the
 * page and of the elements' shadow roots whose box does (an element scrolled inside a container
 * of its own counts too: it would be cut off).
 */
async function overflow(page: Page): Promise<{ scrollWidth: number; innerWidth: number; outside: string[] }> {
  return page.evaluate(() => {
    const outside: string[] = [];
    const describe = (el: Element) =>
      `${el.getRootNode() instanceof ShadowRoot ? `${((el.getRootNode() as ShadowRoot).host as Element).localName} >>> ` : ''}${el.localName}${el.id ? `#${el.id}` : ''}${
        el.classList.length ? `.${[...el.classList].join('.')}` : ''
      }`;
    const walk = (root: Document | ShadowRoot) => {
      for (const el of root.querySelectorAll('*')) {
        const box = el.getBoundingClientRect();
        // Half a pixel of rounding; visually hidden text (.sr-only) is clipped to nothing.
        if (box.width > 1 && box.height > 0 && (box.left < -0.5 || box.right > innerWidth + 0.5)) {
          outside.push(`${describe(el)} [${Math.round(box.left)}, ${Math.round(box.right)}]`);
        }
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    };
    walk(document);
    return { scrollWidth: document.scrollingElement!.scrollWidth, innerWidth, outside };
  });
}

for (const config of configs) {
  test(`every view at ${config.width} px (${config.name}) fits the screen`, async ({ page, cspViolations }) => {
    await page.setViewportSize({ width: config.width, height: config.height });
    // The elements' words in the configuration's language (Arabic in RTL).
    const t = await translatorFor(new URLSearchParams(config.query).get('lang') ?? undefined);
    await logInAs(page, 'Grace Hopper');
    const marketplace = page.locator('pan-marketplace');

    // The integration whose page, runs and log are shown (installed once, by the first configuration).
    const installed = await callApi(page, 'POST', '/marketplace/tenants', { integration: 'slack-notifications', configs: { channel: 'deals' } });
    expect([201, 409]).toContain(installed.status);

    if (config.query) await page.goto(`/${config.query}`);
    if (config.query.includes('rtl')) await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
    if (config.query.includes('theme=dark')) await expect(marketplace).toHaveAttribute('theme', 'dark');
    await cardNames(page);

    const shot = async (view: string) => {
      const { scrollWidth, innerWidth, outside } = await overflow(page);
      expect(outside, `${view}: elements past the screen's sides`).toEqual([]);
      expect(scrollWidth, `${view}: the page scrolls sideways`).toBeLessThanOrEqual(innerWidth);
      const readme = config.width >= 1280 && readmeViews.has(view);
      if (!readme && config.keep === 'readme') return;
      const file = `docs/screenshots/${view}-${config.name}.${readme ? 'png' : 'jpeg'}`;
      await page.screenshot({ path: file, animations: 'disabled', caret: 'hide', ...(readme ? {} : { type: 'jpeg', quality: 70 }) });
    };
    await shot('catalog');

    // An integration page, then its install flow, step by step (cancelled before it enables).
    await marketplace.getByRole('button', { name: 'GitHub Issues' }).click();
    await expect(marketplace.getByRole('heading', { level: 2, name: 'GitHub Issues' })).toBeVisible();
    await expect(marketplace.locator('[part="meta"]')).toBeVisible();
    await shot('integration');
    await marketplace.getByRole('button', { name: t('Install') }).click();
    const step = marketplace.locator('[aria-current="step"]');
    await expect(step).toContainText(t('Connect'));
    await shot('install-connect');
    await marketplace.getByRole('button', { name: t('Next') }).click();
    await expect(step).toContainText(t('Settings'));
    await marketplace.getByLabel(/Repository/).fill('acme/app');
    await shot('install-settings');
    await marketplace.getByRole('button', { name: t('Next') }).click();
    await expect(step).toContainText(t('Schedule'));
    await expect(marketplace.getByRole('radio').last()).toBeVisible();
    await shot('install-schedule');
    await marketplace.getByRole('button', { name: t('Next') }).click();
    await expect(step).toContainText(t('Review and enable'));
    await shot('install-review');
    await marketplace.getByRole('button', { name: t('Cancel') }).click();
    await expect(marketplace.getByRole('heading', { level: 2, name: 'GitHub Issues' })).toBeVisible();

    // My integrations, the tenant page, a run and its log.
    await marketplace.locator('[part="tab"]', { hasText: t('My integrations') }).click();
    await expect(marketplace.getByRole('heading', { name: t('My integrations') })).toBeVisible();
    await expect(marketplace.locator('li', { hasText: 'Slack Notifications' })).toBeVisible();
    await shot('my-integrations');
    await marketplace.locator('li', { hasText: 'Slack Notifications' }).locator('[part="manage-button"]').click();
    await expect(marketplace.getByRole('heading', { level: 2, name: 'Slack Notifications' })).toBeVisible();
    await expect(marketplace.getByLabel('Channel')).toHaveValue('deals');
    await shot('tenant');
    // The README's configurations show a run started now, its log streaming in; the others the
    // log of an earlier run from the history, when there is one (fewer runs: a shorter suite).
    const logButton = marketplace.locator('[part="log-button"]').first();
    await expect(logButton.or(marketplace.getByText(t('No runs yet.')))).toBeVisible();
    const fromHistory = config.width < 1280 && (await logButton.isVisible());
    if (fromHistory) {
      await logButton.click();
    } else {
      await marketplace.locator('[part="run-button"]').click();
      await expect(marketplace.locator('[part="current"]')).toContainText(t('Succeeded'), { timeout: 20_000 });
    }
    const log = marketplace.locator(fromHistory ? '[part="history"] pan-run-log' : '[part="current-log"]');
    await expect(log.getByText(/Posting \d+ event\(s\) to #deals/)).toBeVisible();
    await log.scrollIntoViewIfNeeded();
    await shot('run-log');

    await marketplace.locator('[part="tab"]', { hasText: t('Connections') }).click();
    await expect(marketplace.getByRole('heading', { name: t('Connections') })).toBeVisible();
    await shot('connections');

    // The host pages that embed one mode: the install flow alone, the connect buttons alone.
    await page.goto(`/install/github-issues${config.query}`);
    await expect(marketplace.getByRole('heading', { name: t`Install ${'GitHub Issues'}` })).toBeVisible();
    await shot('install-only');
    await page.goto(`/connect${config.query}`);
    // Connect, or (connected by an earlier spec) update and disconnect: the view has loaded.
    await expect(marketplace.getByRole('button', { name: /Acme Billing$/ }).first()).toBeVisible();
    await shot('auth-only');
    expect(cspViolations).toEqual([]);
  });
}
