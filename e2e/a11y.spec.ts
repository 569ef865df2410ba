import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { callApi, cardNames, expect, logInAs, test } from './fixtures.ts';

/**
 * Accessibility over whole pages: axe (WCAG 2.2 AA rules) at every view of the marketplace, in
 * light, dark and right-to-left; the install flow and a run done with the keyboard alone, with a
 * visible focus indicator at every stop.
 */

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

interface Configuration {
  name: string;
  colorScheme: 'light' | 'dark';
  /** The host's switch, an attribute on <pan-marketplace>: it wins over the media query. */
  theme?: 'dark';
  dir?: 'rtl';
}

const CONFIGURATIONS: Configuration[] = [
  { name: 'light', colorScheme: 'light' },
  { name: 'dark (prefers-color-scheme)', colorScheme: 'dark' },
  { name: 'dark (theme attribute), rtl', colorScheme: 'light', theme: 'dark', dir: 'rtl' },
];

/** The page's configuration, applied again after each full page load (the demo's pages are separate documents). */
async function applyConfiguration(page: Page, configuration: Configuration): Promise<void> {
  await page.evaluate(({ theme, dir }) => {
    if (dir) document.documentElement.dir = dir;
    if (theme) document.querySelector('pan-marketplace')?.setAttribute('theme', theme);
  }, configuration);
}

/**
 * Runs axe over the whole page (axe enters open shadow roots) and returns its violations, one line
 * each. An undecided contrast counts too: axe leaves a failing contrast undecided when the text is
 * a character or two (a count badge), which is text all the same.
 */
async function axeViolations(page: Page): Promise<string[]> {
  // Passes are not listed node by node (a good part of axe's time on these pages). options()
  // replaces every option: the tags come after it.
  const results = await new AxeBuilder({ page })
    .options({ resultTypes: ['violations', 'incomplete'] })
    .withTags(WCAG_TAGS)
    .analyze();
  const undecidedContrast = results.incomplete.filter((r) => r.id === 'color-contrast');
  return [...results.violations, ...undecidedContrast].flatMap((v) =>
    v.nodes.map((n) => `${v.id} (${v.impact}) at ${JSON.stringify(n.target)}: ${(n.failureSummary ?? n.any.map((a) => a.message).join('; ')).replace(/\s+/g, ' ')}`),
  );
}

/** The focused element, through shadow roots, and whether it (or the box around it) shows a focus indicator. */
async function deepFocus(page: Page) {
  return page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    if (!el || el === document.body) return null;
    // The indicator is an outline (the elements' shared :focus-visible ring), on the control or on the box
    // drawn around it (a card around its stretched button).
    let indicator = 'none';
    for (let box: Element | null = el, depth = 0; box && depth < 3 && indicator === 'none'; box = box.parentElement, depth++) {
      const style = getComputedStyle(box);
      // 'auto' is the browser's own ring (the host page's links).
      const width = parseFloat(style.outlineWidth);
      if ((style.outlineStyle === 'auto' ? width >= 1 : style.outlineStyle !== 'none' && width >= 2) && style.outlineColor !== 'rgba(0, 0, 0, 0)') {
        indicator = `outline ${style.outlineWidth} ${style.outlineColor}`;
      }
    }
    const name = (el.getAttribute('aria-label') ?? el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 60);
    const label = el.id ? (el.getRootNode() as ShadowRoot | Document).querySelector(`label[for="${el.id}"]`)?.textContent?.trim() : undefined;
    const inside = document.activeElement?.tagName === 'PAN-MARKETPLACE';
    return { tag: el.tagName.toLowerCase(), name, label: label ?? '', type: el.getAttribute('type') ?? '', indicator, inside };
  });
}

type Focused = NonNullable<Awaited<ReturnType<typeof deepFocus>>>;

/**
 * Presses `key` (Tab by default) until the focused element matches, asserting a visible focus
 * indicator on every element focus passes through.
 */
async function tabTo(page: Page, matches: (f: Focused) => boolean, key = 'Tab', limit = 40): Promise<Focused> {
  const passed: string[] = [];
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press(key);
    const focused = await deepFocus(page);
    passed.push(focused ? `<${focused.tag}> ${focused.name || focused.label}` : '(nothing)');
    if (!focused) continue;
    expect(focused.indicator, `focus indicator on <${focused.tag}> "${focused.name || focused.label}"`).not.toBe('none');
    if (matches(focused)) return focused;
  }
  throw new Error(`focus never reached the element after ${limit} presses of ${key}, passing ${passed.join(', ')}`);
}

/**
 * Matches the focused control by its text or its label's, spaces aside (a visually hidden part of a
 * name, like the connector's in "Connect Amazon Web Services", is its own box: no space in the text).
 */
const named = (name: string) => {
  const squash = (text: string) => text.replace(/\s+/g, '');
  // A label may end in the required marker ("Bucket name*").
  return (f: Focused) => f.inside && (squash(f.name) === squash(name) || squash(f.label).replace(/\*$/, '') === squash(name));
};

/**
 * Tabs out of the marketplace, then into it and through every focusable element of its
 * view until focus leaves it again, asserting a focus indicator at each; returns how many there were.
 */
async function tabThroughView(page: Page): Promise<Focused[]> {
  // Out first (focus, or where the browser would go on from, may be halfway through the view).
  await tabTo(page, (f) => !f.inside, 'Tab', 200);
  await tabTo(page, (f) => f.inside);
  const stops: Focused[] = [(await deepFocus(page))!];
  await tabTo(page, (f) => (f.inside ? (stops.push(f), false) : true), 'Tab', 200);
  return stops;
}

test.describe('accessibility', () => {
  test('axe: every view in light, dark and right-to-left has no WCAG 2.2 AA violation', async ({ page, cspViolations }) => {
    test.setTimeout(480_000); // 1.5 min alone; much longer on a loaded machine
    // Styles read without waiting for transitions (the focus indicators).
    await page.emulateMedia({ reducedMotion: 'reduce' });
    const table: { view: string; counts: Record<string, number>; focusStops?: number }[] = [];
    const found: string[] = [];
    const check = async (configuration: Configuration, view: string) => {
      const violations = await axeViolations(page);
      let row = table.find((r) => r.view === view);
      if (!row) table.push((row = { view, counts: {} }));
      row.counts[configuration.name] = violations.length;
      found.push(...violations.map((v) => `[${configuration.name}] ${view}: ${v}`));
      // Once per view (in light): every control of the view shows a focus indicator.
      if (configuration === CONFIGURATIONS[0]) row.focusStops = (await tabThroughView(page)).length;
    };

    await logInAs(page, 'Grace Hopper');
    const marketplace = page.locator('pan-marketplace');
    for (const configuration of CONFIGURATIONS) {
      await page.emulateMedia({ colorScheme: configuration.colorScheme });
      await page.goto('/');
      await applyConfiguration(page, configuration);
      await cardNames(page);
      await check(configuration, 'catalog');

      await marketplace.getByRole('button', { name: 'Amazon S3 Export' }).click();
      await expect(marketplace.getByRole('heading', { level: 2, name: 'Amazon S3 Export' })).toBeVisible();
      await check(configuration, 'integration page');

      await marketplace.getByRole('button', { name: 'Install' }).click();
      await expect(marketplace.locator('[aria-current="step"]')).toContainText('Connect');
      await expect(marketplace.getByRole('button', { name: 'Connect Amazon Web Services' })).toBeVisible();
      await check(configuration, 'install: connect');
      await marketplace.getByRole('button', { name: 'Connect Amazon Web Services' }).click();
      await expect(marketplace.getByLabel('Access key ID')).toBeVisible();
      await check(configuration, 'install: connect (API key form)');

      await marketplace.getByRole('button', { name: 'Next' }).click();
      await expect(marketplace.locator('[aria-current="step"]')).toContainText('Settings');
      await marketplace.getByRole('button', { name: 'Next' }).click(); // the bucket is required: the errors show
      await expect(marketplace.getByLabel('Bucket name')).toHaveAttribute('aria-invalid', 'true');
      await check(configuration, 'install: settings (with errors)');
      await marketplace.getByLabel('Bucket name').fill('acme-exports');
      await marketplace.getByRole('button', { name: 'Next' }).click();

      await expect(marketplace.locator('[aria-current="step"]')).toContainText('Schedule');
      await marketplace.getByRole('radio', { name: /Custom/ }).check();
      await marketplace.getByLabel('Cron expression', { exact: true }).fill('0 9 * * 1-5');
      await expect(marketplace.getByText(/09:00/).first()).toBeVisible();
      await check(configuration, 'install: schedule');
      await marketplace.getByRole('button', { name: 'Next' }).click();

      await expect(marketplace.locator('[aria-current="step"]')).toContainText('Review');
      await check(configuration, 'install: review');
      await marketplace.getByRole('button', { name: 'Enable' }).click();

      await expect(marketplace.getByRole('heading', { level: 2, name: 'Amazon S3 Export' })).toBeVisible();
      await expect(marketplace.getByLabel('Bucket name')).toHaveValue('acme-exports');
      await check(configuration, 'tenant page');

      await marketplace.locator('[part="run-button"]').click();
      await expect(marketplace.locator('[part="current-log"]').getByText('batch 2/30: 1000 rows written')).toBeVisible();
      await check(configuration, 'run log (live)');

      await marketplace.locator('[part="tab"]', { hasText: 'Connections' }).click();
      await expect(marketplace.getByRole('heading', { name: 'Connections' })).toBeVisible();
      await check(configuration, 'connections');

      await marketplace.locator('[part="tab"]', { hasText: 'My integrations' }).click();
      await expect(marketplace.getByRole('button', { name: /Manage Amazon S3 Export/ })).toBeVisible();
      await check(configuration, 'my integrations');

      // The installation goes again, so that the next configuration installs it anew.
      for (const tenant of (await callApi(page, 'GET', '/marketplace/tenants')).body.tenants as { id: string }[]) {
        expect((await callApi(page, 'DELETE', `/marketplace/tenants/${tenant.id}`)).status).toBe(204);
      }

      await page.goto('/connect');
      await applyConfiguration(page, configuration);
      await expect(marketplace.getByRole('button', { name: 'Connect Acme Billing' })).toBeVisible({ timeout: 30_000 });
      await check(configuration, 'auth-only');

      await page.goto('/install/github-issues');
      await applyConfiguration(page, configuration);
      await expect(marketplace.getByRole('heading', { name: 'Install GitHub Issues' })).toBeVisible({ timeout: 30_000 });
      await check(configuration, 'install-only');
    }

    // The table for the record (the closing note), then every violation at once.
    const names = CONFIGURATIONS.map((c) => c.name);
    const lines = [
      `| view | ${names.join(' | ')} | focus stops, all with a visible indicator |`,
      `|---|${names.map(() => '---').join('|')}|---|`,
      ...table.map((r) => `| ${r.view} | ${names.map((n) => r.counts[n] ?? '-').join(' | ')} | ${r.focusStops ?? '-'} |`),
    ];
    console.log(`axe (${WCAG_TAGS.join(', ')}) violations per view and theme:\n${lines.join('\n')}`);
    expect(found, found.join('\n')).toEqual([]);
    expect(cspViolations).toEqual([]);
  });

  test('the keyboard alone: the install flow with its connection and settings, then a run and its live log; focus visible at every stop', async ({ page, cspViolations }) => {
    test.setTimeout(240_000);
    // Styles read without waiting for transitions.
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await logInAs(page, 'Grace Hopper');
    await cardNames(page);
    const marketplace = page.locator('pan-marketplace');
    // From here on: keys only (no clicks, no focus() calls).

    // The whole catalog: every control, the host's too, shows where focus is.
    const catalogStops = await tabThroughView(page);
    expect(catalogStops.length).toBeGreaterThan(10);
    expect(catalogStops.map((f) => f.name)).toContain('Amazon S3 Export');

    // Back up to the card, open it, install.
    await tabTo(page, named('Amazon S3 Export'), 'Shift+Tab', 200);
    await page.keyboard.press('Enter');
    await expect(marketplace.getByRole('heading', { level: 2, name: 'Amazon S3 Export' })).toBeFocused();
    await tabTo(page, named('Install'));
    await page.keyboard.press('Enter');

    // Connect: the API-key form, typed in and submitted with Enter.
    await expect(marketplace.locator('[aria-current="step"]')).toContainText('Connect');
    await tabTo(page, named('Connect Amazon Web Services'));
    await page.keyboard.press('Enter');
    await tabTo(page, named('Access key ID'));
    await page.keyboard.type('AKIAEXAMPLE');
    await tabTo(page, named('Secret access key'));
    await page.keyboard.type('example-secret');
    await page.keyboard.press('Enter');
    await expect(marketplace.getByText('Amazon Web Services connected.')).toBeVisible();
    await tabTo(page, named('Next'));
    await page.keyboard.press('Enter');

    // Settings: the bucket typed in, the region chosen with the arrow keys.
    await expect(marketplace.locator('[aria-current="step"]')).toContainText('Settings');
    await tabTo(page, named('Bucket name'));
    await page.keyboard.type('acme-exports');
    await tabTo(page, named('Region'));
    await page.keyboard.press('ArrowDown');
    await expect(marketplace.getByLabel('Region').locator('option:checked')).toHaveText('us-west-2');
    await tabTo(page, named('Next'));
    await page.keyboard.press('Enter');

    // Schedule: the default; Review; Enable.
    await expect(marketplace.locator('[aria-current="step"]')).toContainText('Schedule');
    await tabTo(page, named('Next'));
    await page.keyboard.press('Enter');
    await expect(marketplace.locator('[aria-current="step"]')).toContainText('Review');
    await expect(marketplace.getByText('acme-exports')).toBeVisible();
    await tabTo(page, named('Enable'));
    await page.keyboard.press('Enter');
    await expect(marketplace.getByRole('heading', { level: 2, name: 'Amazon S3 Export' })).toBeVisible();
    await expect(marketplace.getByLabel('Region').locator('option:checked')).toHaveText('us-west-2');

    // Run now (Space, this time); the status is announced and the live log shows lines as they come.
    await tabTo(page, named('Run now'));
    await page.keyboard.press('Space');
    const current = marketplace.locator('[part="current"]');
    await expect(current).toHaveText(/running/);
    const log = marketplace.locator('[part="current-log"]');
    await expect(log.getByText('batch 2/30: 1000 rows written')).toBeVisible();
    // The log itself takes focus, so that it can be scrolled with the keys.
    await tabTo(page, named('Run log'));
    await expect(log.getByText('batch 30/30')).toHaveCount(0);

    // The whole tenant page, the settings form included, shows where focus is.
    const tenantStops = await tabThroughView(page);
    expect(tenantStops.length).toBeGreaterThan(10);
    expect(tenantStops.some(named('Bucket name')) && tenantStops.some(named('Run log'))).toBe(true);

    // Leave Grace as the other tests expect her: nothing installed, not connected to AWS.
    for (const tenant of (await callApi(page, 'GET', '/marketplace/tenants')).body.tenants as { id: string }[]) {
      expect((await callApi(page, 'DELETE', `/marketplace/tenants/${tenant.id}`)).status).toBe(204);
    }
    expect((await callApi(page, 'DELETE', '/marketplace/connections/aws')).status).toBe(204);
    expect(cspViolations).toEqual([]);
  });

  test('axe reports a violation inside a shadow root (the check above sees into the elements)', async ({ page }) => {
    await page.setContent('<main><h1>Guard</h1><div id="host"></div></main>');
    await page.evaluate(() => {
      const root = document.querySelector('#host')!.attachShadow({ mode: 'open' });
      // A button with no accessible name, only inside the shadow root.
      root.innerHTML = '<button type="button"><svg width="16" height="16" aria-hidden="true"></svg></button>';
    });
    const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
    const buttonName = results.violations.find((v) => v.id === 'button-name');
    expect(buttonName?.nodes.map((n) => n.target)).toEqual([[['#host', 'button']]]);
  });
});
