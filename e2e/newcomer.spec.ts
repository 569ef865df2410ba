import { cardNames, expect, logInAs, test } from './fixtures.ts';

test.describe('a newcomer opens the demo', () => {
  test('the page is served with a strict Content-Security-Policy', async ({ page, cspViolations }) => {
    const response = await page.goto('/login');
    const csp = response!.headers()['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-(eval|inline)/);
    expect(cspViolations).toEqual([]);
  });

  test('Ada (sales) sees the sales catalog, searches, filters, opens an integration and asks to install it', async ({ page, cspViolations }) => {
    await logInAs(page, 'Ada Lovelace');
    const marketplace = page.locator('pan-marketplace');

    const names = await cardNames(page);
    expect(names).toContain('Salesforce Leads');
    expect(names).toContain('HubSpot Contacts');
    expect(names).toContain('Zapier');
    expect(names).not.toContain('Amazon S3 Export');
    expect(names).not.toContain('GitHub Issues');
    await expect(marketplace.getByText('Popular')).toBeVisible();
    // The built bundle keeps the theme's defaults and the knobs declared after them (a template
    // minifier once dropped the first and swallowed the second).
    const declared = await marketplace.evaluate((el) =>
      ['--pan-space-m', '--pan-space-xl', '--pan-marketplace-card-gap'].map((name) => getComputedStyle(el).getPropertyValue(name).trim()),
    );
    expect(declared).toEqual(['1rem', '2.5rem', '1rem']);
    await page.setViewportSize({ width: 1280, height: 820 });
    await page.screenshot({ path: 'docs/demo-catalog.png' });

    // Search (debounced, answered by the server).
    await marketplace.getByRole('searchbox', { name: 'Search integrations' }).fill('slack');
    await expect.poll(() => cardNames(page)).toEqual(['Pokémon of the Day', 'Slack Notifications']);
    await marketplace.getByRole('searchbox', { name: 'Search integrations' }).fill('');
    await expect.poll(() => cardNames(page)).toEqual(names);

    // Category navigation.
    await marketplace.getByRole('navigation', { name: 'Categories' }).getByRole('button', { name: /^CRM/ }).click();
    await expect.poll(() => cardNames(page)).toEqual(['HubSpot Contacts', 'Salesforce Leads', 'Zapier']);

    // The integration page with its long description.
    await marketplace.getByRole('button', { name: 'HubSpot Contacts' }).click();
    await expect(marketplace.getByRole('heading', { level: 2, name: 'HubSpot Contacts' })).toBeFocused();
    await expect(marketplace.getByText(/only looks at what changed since the last successful run/)).toBeVisible();
    await expect(marketplace.getByText('r1')).toBeVisible();

    // Install: the host page receives `pan-install-request`, the install flow opens; cancel it.
    await marketplace.getByRole('button', { name: 'Install' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Install requested' })).toHaveText('Install requested: HubSpot Contacts');
    await expect(marketplace.getByRole('heading', { name: 'Install HubSpot Contacts' })).toBeVisible();
    await marketplace.getByRole('button', { name: 'Cancel' }).click();

    // Back to the catalog, focus returns to the card.
    await marketplace.getByRole('button', { name: 'All integrations' }).click();
    await expect(marketplace.getByRole('button', { name: 'HubSpot Contacts' })).toBeFocused();
    expect(cspViolations).toEqual([]);
  });

  test('Grace (engineering) sees the engineering catalog and filters by tag', async ({ page }) => {
    await logInAs(page, 'Grace Hopper');
    const marketplace = page.locator('pan-marketplace');
    const names = await cardNames(page);
    expect(names).toContain('Amazon S3 Export');
    expect(names).toContain('GitHub Issues');
    expect(names).not.toContain('Salesforce Leads');

    await marketplace.getByRole('group', { name: 'Filter by tag' }).getByRole('button', { name: /^webhooks/ }).click();
    await expect.poll(() => cardNames(page)).toEqual(['GitHub Issues', 'Slack Notifications']);
  });

  test('the keyboard alone opens an integration', async ({ page }) => {
    await logInAs(page, 'Grace Hopper');
    const marketplace = page.locator('pan-marketplace');
    await cardNames(page);
    await marketplace.getByRole('button', { name: 'GitHub Issues' }).focus();
    await page.keyboard.press('Enter');
    await expect(marketplace.getByRole('heading', { level: 2, name: 'GitHub Issues' })).toBeFocused();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await expect(marketplace.getByRole('button', { name: 'GitHub Issues' })).toBeFocused();
  });

  test('an external integration opens its own site', async ({ page, context }) => {
    await logInAs(page, 'Ada Lovelace');
    await cardNames(page);
    // The sandbox has no internet: answer the external site locally.
    await context.route('https://zapier.com/**', (route) => route.fulfill({ body: '<title>Zapier</title>', contentType: 'text/html' }));
    const popup = page.waitForEvent('popup');
    await page.locator('pan-marketplace').getByRole('button', { name: /Visit Zapier/ }).click();
    expect((await popup).url()).toBe('https://zapier.com/apps');
  });
});
