import { callApi, cardNames, expect, logInAs, test } from './fixtures.ts';

test.describe('installing an integration', () => {
  test('the dynamic-selector integration: invalid value refused by the form and by the server, then saved and persisted', async ({ page, cspViolations }) => {
    await logInAs(page, 'Ada Lovelace');
    const marketplace = page.locator('pan-marketplace');
    await cardNames(page);
    await marketplace.getByRole('button', { name: 'Pokémon of the Day' }).click();
    await marketplace.getByRole('button', { name: 'Install' }).click();

    // Step indicator, connect step.
    await expect(marketplace.getByRole('heading', { name: 'Install Pokémon of the Day' })).toBeVisible();
    await expect(marketplace.locator('[aria-current="step"]')).toContainText('Connect');
    await expect(marketplace.getByRole('button', { name: 'Connect Slack' })).toBeVisible();
    await marketplace.getByRole('button', { name: 'Next' }).click();

    // Settings: the dynamic selectors say their options are not loaded and offer to load them.
    await expect(marketplace.locator('[aria-current="step"]')).toContainText('Settings');
    await expect(marketplace.getByRole('button', { name: /Load options/ }).first()).toBeVisible();

    // An invalid value: the field-named error, and Next does not advance.
    const perMessage = marketplace.getByLabel('Pokémon per message');
    await perMessage.fill('9');
    await marketplace.getByRole('button', { name: 'Next' }).click();
    const fieldError = marketplace.getByText(/must be at most 3/);
    await expect(fieldError).toBeVisible();
    await expect(perMessage).toHaveAttribute('aria-invalid', 'true');
    await expect(marketplace.locator('[aria-current="step"]')).toContainText('Settings');

    // The same value sent straight to the API gets the same error, naming the field; nothing saved.
    const direct = await callApi(page, 'POST', '/marketplace/tenants', {
      integration: 'pokemon-of-the-day',
      configs: { pokemon_per_message: 9 },
    });
    expect(direct.status).toBe(422);
    expect(direct.body.code).toBe('PAN_ERR_SETTINGS_INVALID');
    expect(direct.body.errors).toEqual([{ field: 'pokemon_per_message', message: expect.stringContaining('must be at most 3') }]);
    await expect(fieldError).toContainText(direct.body.errors[0].message);
    expect((await callApi(page, 'GET', '/marketplace/tenants')).body.tenants).toEqual([]);

    // A valid value, a custom schedule, review, enable.
    await perMessage.fill('2');
    await marketplace.getByLabel('Greeting').fill('Gotta catch them all');
    await marketplace.getByRole('button', { name: 'Next' }).click();
    await expect(marketplace.locator('[aria-current="step"]')).toContainText('Schedule');
    await marketplace.getByRole('radio', { name: /Custom/ }).check();
    await marketplace.getByLabel('Cron expression', { exact: true }).fill('*/30 9-17 * * 1-5');
    await expect(marketplace.getByText(/Every 30 minutes, between 09:00 and 17:59, Monday through Friday/)).toBeVisible();
    await marketplace.getByRole('button', { name: 'Next' }).click();
    await expect(marketplace.locator('[aria-current="step"]')).toContainText('Review');
    await expect(marketplace.getByText('Gotta catch them all')).toBeVisible();
    await marketplace.getByRole('button', { name: 'Enable' }).click();

    // The installed integration's page; the host heard about it.
    await expect(page.getByRole('status').filter({ hasText: 'Installed:' })).toHaveText('Installed: Pokémon of the Day');
    await expect(marketplace.getByRole('heading', { level: 2, name: 'Pokémon of the Day' })).toBeVisible();
    await expect(marketplace.getByText('Active', { exact: true })).toBeVisible();

    // Reload: the values persist.
    await page.reload();
    await marketplace.getByRole('button', { name: 'My integrations' }).click();
    await marketplace.getByRole('button', { name: /Manage Pokémon of the Day/ }).click();
    await expect(marketplace.getByLabel('Pokémon per message')).toHaveValue('2');
    await expect(marketplace.getByLabel('Greeting')).toHaveValue('Gotta catch them all');
    await expect(marketplace.getByLabel('Cron expression', { exact: true })).toHaveValue('*/30 9-17 * * 1-5');

    // The init run queued at install has published the options (the tenant says so): the dynamic
    // selectors offer them, and the favourite Pokémon follows the type (a dependent selector).
    const { body: installedList } = await callApi(page, 'GET', '/marketplace/tenants');
    const tenantId = installedList.tenants.find((t: { integration: { slug: string } }) => t.integration.slug === 'pokemon-of-the-day').id;
    await expect
      .poll(async () => (await callApi(page, 'GET', `/marketplace/tenants/${tenantId}`)).body.dynamic_configs_loaded, { timeout: 20_000 })
      .toBe(true);
    await page.reload();
    await marketplace.getByRole('button', { name: 'My integrations' }).click();
    await marketplace.getByRole('button', { name: /Manage Pokémon of the Day/ }).click();
    await expect(marketplace.getByLabel('Pokémon type').locator('option', { hasText: 'fire' })).toHaveCount(1);
    await marketplace.getByLabel('Pokémon type').selectOption({ label: 'fire' });
    const favourite = marketplace.getByLabel(/Favourite Pokémon/);
    await expect(favourite.locator('option', { hasText: 'Vulpix' })).toHaveCount(1);
    await expect(favourite.locator('option', { hasText: 'Squirtle' })).toHaveCount(0);
    await favourite.selectOption({ label: 'Vulpix' });
    await marketplace.getByLabel('Slack user').selectOption({ label: 'Grace Hopper' });

    // Change a setting on its page, save, reload: saved.
    await marketplace.getByLabel('Pokémon per message').fill('3');
    await marketplace.getByRole('button', { name: 'Save settings' }).click();
    await expect(marketplace.getByText('Settings saved.')).toBeVisible();
    await page.reload();
    await marketplace.getByRole('button', { name: 'My integrations' }).click();
    await marketplace.getByRole('button', { name: /Manage Pokémon of the Day/ }).click();
    await expect(marketplace.getByLabel('Pokémon per message')).toHaveValue('3');
    await expect(marketplace.getByLabel(/Favourite Pokémon/).locator('option:checked')).toHaveText('Vulpix');

    // Pause, then uninstall through the confirmation dialog.
    await marketplace.getByRole('button', { name: 'Pause' }).click();
    await expect(marketplace.getByText('Paused', { exact: true })).toBeVisible();
    await marketplace.getByRole('button', { name: 'Uninstall…' }).click();
    const dialog = marketplace.getByRole('dialog', { name: 'Uninstall Pokémon of the Day?' });
    await expect(dialog).toBeVisible();
    await dialog.getByRole('button', { name: 'Uninstall' }).click();
    await expect(marketplace.getByRole('heading', { name: 'My integrations' })).toBeVisible();
    await expect(marketplace.getByText('Nothing installed yet')).toBeVisible();
    expect(cspViolations).toEqual([]);
  });

  test('install-only mode: the host page shows just the flow, then the settings page', async ({ page, cspViolations }) => {
    await logInAs(page, 'Grace Hopper');
    await page.goto('/install/s3-export');
    const marketplace = page.locator('pan-marketplace');
    await expect(marketplace.getByRole('heading', { name: 'Install Amazon S3 Export' })).toBeVisible();
    // Nothing of the catalog.
    await expect(marketplace.getByRole('searchbox')).toHaveCount(0);
    await expect(marketplace.getByRole('button', { name: 'My integrations' })).toHaveCount(0);

    await marketplace.getByRole('button', { name: 'Next' }).click(); // connect
    await marketplace.getByRole('button', { name: 'Next' }).click(); // settings: the bucket is required
    await expect(marketplace.getByText(/Bucket name.*required|required/i).first()).toBeVisible();
    await marketplace.getByLabel('Bucket name').fill('acme-exports');
    await marketplace.getByRole('button', { name: 'Next' }).click();
    await marketplace.getByRole('button', { name: 'Next' }).click(); // default schedule
    await marketplace.getByRole('button', { name: 'Enable' }).click();

    await expect(marketplace.getByRole('heading', { level: 2, name: 'Amazon S3 Export' })).toBeVisible();
    await expect(marketplace.getByLabel('Bucket name')).toHaveValue('acme-exports');

    // Coming back to the page shows the settings, not a second install.
    await page.reload();
    await expect(marketplace.getByLabel('Bucket name')).toHaveValue('acme-exports');
    await expect(marketplace.getByRole('heading', { name: /^Install/ })).toHaveCount(0);
    expect(cspViolations).toEqual([]);
  });

  test('cancelling the flow saves nothing and returns to the integration page', async ({ page }) => {
    await logInAs(page, 'Grace Hopper');
    const marketplace = page.locator('pan-marketplace');
    await cardNames(page);
    await marketplace.getByRole('button', { name: 'GitHub Issues' }).click();
    await marketplace.getByRole('button', { name: 'Install' }).click();
    await marketplace.getByRole('button', { name: 'Next' }).click();
    await marketplace.getByLabel(/Repository/).fill('acme/app');
    await marketplace.getByRole('button', { name: 'Cancel' }).click();
    await expect(marketplace.getByRole('heading', { level: 2, name: 'GitHub Issues' })).toBeVisible();
    await expect(marketplace.getByRole('button', { name: 'Install' })).toBeVisible();
    expect((await callApi(page, 'GET', '/marketplace/tenants')).body.tenants.map((t: { integration: { slug: string } }) => t.integration.slug)).not.toContain('github-issues');
  });
});
