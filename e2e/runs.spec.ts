import type { Page } from '@playwright/test';
import { callApi, expect, logInAs, test } from './fixtures.ts';

/** Installs through the API, then opens the tenant's page from My integrations. */
async function installAndOpen(page: Page, slug: string, name: string, configs: Record<string, unknown>) {
  let installed = await callApi(page, 'POST', '/marketplace/tenants', { integration: slug, configs });
  if (installed.status === 409) {
    // Installed by an earlier test (install-only mode): use that one.
    const { body } = await callApi(page, 'GET', '/marketplace/tenants');
    installed = { status: 201, body: body.tenants.find((t: { integration: { slug: string } }) => t.integration.slug === slug) };
  }
  expect(installed.status).toBe(201);
  const marketplace = page.locator('pan-marketplace');
  await marketplace.locator('[part="tab"]', { hasText: 'My integrations' }).click();
  const row = marketplace.locator('li', { hasText: name });
  await row.locator('[part="manage-button"]').click();
  await expect(marketplace.getByRole('heading', { name })).toBeVisible();
  return installed.body.id as string;
}

test.describe('runs', () => {
  test('Run now: log lines appear live, before the run ends', async ({ page, cspViolations }) => {
    await logInAs(page, 'Grace Hopper');
    await installAndOpen(page, 's3-export', 'Amazon S3 Export', { s3_bucket_name: 'acme-exports' });
    const marketplace = page.locator('pan-marketplace');
    await marketplace.locator('[part="run-button"]').click();
    const log = marketplace.locator('[part="current-log"]');
    // The script writes a batch line every second for 30 s: the first ones show while it still runs.
    await expect(log.getByText('batch 2/30: 1000 rows written')).toBeVisible();
    await expect(marketplace.locator('[part="current"]')).toContainText('running');
    await expect(log.getByText('batch 30/30')).toHaveCount(0);
    // ANSI colours became styled spans, not escape codes.
    await expect(log.getByText(/\u001b\[/)).toHaveCount(0);
    expect(cspViolations).toEqual([]);
  });

  test('a webhook POST produces a run whose log shows the payload', async ({ page, cspViolations }) => {
    await logInAs(page, 'Grace Hopper');
    const tenantId = await installAndOpen(page, 'github-issues', 'GitHub Issues', { repository: 'acme/app' });
    const hook = await callApi(page, 'GET', `/marketplace/tenants/${tenantId}/webhook`);
    expect(hook.status).toBe(200);
    // The external system's POST (from Node, not the browser: no token, just the URL).
    const sent = await page.request.post(hook.body.url, {
      data: { action: 'opened', issue: { number: 7, title: 'Login button misaligned' } },
    });
    expect(sent.status()).toBe(202);
    const { trigger_id: triggerId } = (await sent.json()) as { trigger_id: string };
    // The run has ended once its trigger is finished (the run API's state, not a guess at how long it takes).
    await expect
      .poll(async () => (await callApi(page, 'GET', `/marketplace/triggers/${triggerId}`)).body.state, { timeout: 20_000 })
      .toBe('finished');
    const marketplace = page.locator('pan-marketplace');
    const history = marketplace.locator('[part="history"]');
    // The panel loads its history when the page opens: open it again.
    await marketplace.locator('[part="tab"]', { hasText: 'My integrations' }).click();
    await marketplace.locator('li', { hasText: 'GitHub Issues' }).locator('[part="manage-button"]').click();
    await expect(history.locator('[part="run"]').first()).toContainText(/Succeeded/);
    await history.locator('[part="log-button"]').first().click();
    const log = history.locator('pan-run-log');
    await expect(log.getByText('Issue #7 "Login button misaligned" opened')).toBeVisible();
    await expect(log.getByText(/webhook payload \(application\/json\): \{"action":"opened"/)).toBeVisible();
    expect(cspViolations).toEqual([]);
  });
});
