import type { Page } from '@playwright/test';
import { callApi, expect, logInAs, test } from './fixtures.ts';

/**
 * Connections through the demo's real OAuth2 provider (the pretend Acme CRM, built on
 * oidc-provider): sign in and consent in a popup, the callback, a run that calls the Acme API with
 * the token; then what must be refused; then auth-only mode.
 */

/** Signs in at Acme CRM in the popup `open` opens, and allows access. */
async function signInAtAcme(page: Page, open: () => Promise<void>, email = 'ada@acme.test') {
  const popupPromise = page.waitForEvent('popup');
  await open();
  const popup = await popupPromise;
  await popup.getByLabel('Email').fill(email);
  await popup.getByLabel('Password').fill('acme');
  await popup.getByRole('button', { name: /sign in/i }).click();
  // Listen before allowing: the popup closes itself once the callback has answered, and on a busy
  // machine that can happen before click() returns (a 'close' already past is never awaited).
  const closed = popup.waitForEvent('close');
  await popup.getByRole('button', { name: /allow/i }).click();
  await closed;
}

test.describe('connections', () => {
  test('connect Acme CRM from the install flow, and the run calls the Acme API with the token', async ({ page, cspViolations }) => {
    await logInAs(page, 'Ada Lovelace');
    const marketplace = page.locator('pan-marketplace');
    await marketplace.getByRole('button', { name: 'Acme Contacts' }).click();
    await marketplace.getByRole('button', { name: 'Install' }).click();
    await expect(marketplace.locator('[aria-current="step"]')).toContainText('Connect');

    // The callback's address, to replay it afterwards.
    let callbackUrl = '';
    page.context().on('request', (request) => {
      if (request.url().includes('/oauth/callback')) callbackUrl = request.url();
    });
    await signInAtAcme(page, () => marketplace.getByRole('button', { name: 'Connect Acme CRM' }).click());
    await expect(marketplace.getByText('Acme CRM connected.')).toBeVisible();
    expect(callbackUrl).toMatch(/\/oauth\/callback\?code=/);

    await marketplace.getByRole('button', { name: 'Next' }).click();
    await expect(marketplace.locator('[aria-current="step"]')).toContainText('Settings');
    await marketplace.getByRole('button', { name: 'Next' }).click();
    await marketplace.getByRole('button', { name: 'Next' }).click();
    await marketplace.getByRole('button', { name: 'Enable' }).click();
    await expect(marketplace.getByRole('heading', { level: 2, name: 'Acme Contacts' })).toBeVisible();

    await marketplace.locator('[part="run-button"]').click();
    await expect(marketplace.locator('[part="current"]')).toContainText('Succeeded', { timeout: 20_000 });
    const log = marketplace.locator('[part="current-log"]');
    // The Acme API accepts only a valid token: it answered as Ada, with her contacts.
    await expect(log.getByText('Signed in to Acme CRM as Ada Lovelace <ada@acme.test> (scopes: contacts:read)')).toBeVisible();
    await expect(log.getByText(/^Fetched \d+ contacts/)).toBeVisible();
    await expect(log.getByText(/Charles Babbage/)).toBeVisible();

    // The same callback again: the state was used up.
    const replay = await page.request.get(callbackUrl);
    expect(replay.status()).toBe(400);
    expect(await replay.text()).toContain('already used or has expired');
    expect(cspViolations).toEqual([]);

    // Leave Ada as the other tests expect her: nothing installed.
    const { body } = await callApi(page, 'GET', '/marketplace/tenants');
    for (const tenant of body.tenants as { id: string }[]) {
      expect((await callApi(page, 'DELETE', `/marketplace/tenants/${tenant.id}`)).status).toBe(204);
    }
  });

  test('the provider refuses a redirect URI other than the run API callback', async ({ page }) => {
    await logInAs(page, 'Grace Hopper');
    const started = await callApi(page, 'POST', '/marketplace/connections/acme-crm/oauth', { return_origin: new URL(page.url()).origin });
    expect(started.status).toBe(200);
    const url = new URL(started.body.authorization_url);
    url.searchParams.set('redirect_uri', 'http://127.0.0.1:9/steal');
    const answer = await page.request.get(url.toString(), { maxRedirects: 0 });
    expect(answer.status()).toBeGreaterThanOrEqual(400);
    expect(await answer.text()).toMatch(/redirect_uri/);
  });

  test('auth-only mode: only connect buttons, then the tenants are installed with the preset settings', async ({ page, cspViolations }) => {
    await logInAs(page, 'Grace Hopper');
    await page.goto('/connect');
    const marketplace = page.locator('pan-marketplace');
    await expect(marketplace.getByText('Acme Invoices')).toBeVisible();
    await expect(marketplace.getByRole('button', { name: 'Install' })).toHaveCount(0);
    await expect(marketplace.getByRole('searchbox')).toHaveCount(0);

    // The API-key connector: Grace's billing account.
    await marketplace.getByRole('button', { name: 'Connect Acme Billing' }).click();
    await marketplace.getByLabel('API key').fill('wrong-key-is-fine-for-the-form');
    await marketplace.getByLabel('Account ID').fill('ACME-1002');
    await marketplace.getByRole('button', { name: 'Save Acme Billing' }).click();
    await expect(marketplace.getByText('Acme Billing connected.')).toBeVisible();

    await signInAtAcme(page, () => marketplace.getByRole('button', { name: 'Connect Acme CRM' }).click(), 'grace@acme.test');
    await expect(marketplace.getByText('Installed')).toHaveCount(2, { timeout: 15_000 });

    const tenants = (await callApi(page, 'GET', '/marketplace/tenants')).body.tenants as { integration: { slug: string }; configs: Record<string, unknown> }[];
    expect(tenants.find((t) => t.integration.slug === 'acme-invoices')?.configs).toMatchObject({ status: 'open' });
    expect(tenants.find((t) => t.integration.slug === 'acme-contacts')?.configs).toMatchObject({ max_contacts: 10 });
    expect(cspViolations).toEqual([]);
  });
});
