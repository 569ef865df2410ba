import { afterEach, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import type { InstallRequest, Tenant } from '@pan/contract';
import { axeViolations, cleanup, listen, mountView, newUser, shadowQueryAll } from '../../../test/harness.ts';
import type { RunApiClient } from '../../internal/api-client.ts';

afterEach(cleanup);

const install = (api: RunApiClient, body: InstallRequest) =>
  api.request<Tenant>('POST', '/marketplace/tenants', { body });

/** Each installed integration's row as text: name, status, schedule. */
const rows = (el: Element) =>
  shadowQueryAll(el, '[part="tenant"]').map((row) => ({
    name: row.querySelector('h3')!.textContent!.trim(),
    status: row.querySelector('[part="status"]')!.textContent!.trim(),
    schedule: row.querySelector('[part="status"] + span')!.textContent!.trim(),
  }));

/** A user with HubSpot (default schedule) and Slack Alerts (every 30 minutes) installed. */
async function withTwo() {
  const { api } = await newUser();
  const hubspot = await install(api, { integration: 'hubspot-contacts' });
  const slack = await install(api, {
    integration: 'slack-alerts',
    schedule: { type: 'cron', expression: '*/30 9-17 * * 1-5' },
  });
  const el = await mountView('pan-my-integrations', { api });
  await expect.poll(() => rows(el).length).toBe(2);
  return { api, el, hubspot, slack };
}

describe('<pan-my-integrations>', () => {
  it('has no axe violations, empty or not', async () => {
    const { api } = await newUser();
    const empty = await mountView('pan-my-integrations', { api });
    await expect.element(page.getByText('Nothing installed yet')).toBeVisible();
    expect(await axeViolations(empty)).toEqual([]);
    cleanup();

    const { el } = await withTwo();
    expect(await axeViolations(el)).toEqual([]);
  });

  it('shows an empty state whose Browse integrations opens the catalog', async () => {
    const navigations = listen('pan-navigate');
    const { api } = await newUser();
    const el = await mountView('pan-my-integrations', { api });
    await expect.element(page.getByRole('heading', { level: 2, name: 'My integrations' })).toBeVisible();
    await expect.element(page.getByText('Nothing installed yet')).toBeVisible();
    expect(rows(el)).toEqual([]);
    await page.getByRole('button', { name: 'Browse integrations' }).click();
    expect(navigations.map((e) => e.detail)).toEqual([{ view: 'catalog', slug: null }]);
    expect(navigations[0]!.bubbles && navigations[0]!.composed).toBe(true);
  });

  it('lists the installed integrations with status and schedule', async () => {
    const { el } = await withTwo();
    expect(rows(el)).toEqual([
      { name: 'HubSpot Contacts', status: 'Active', schedule: 'Every hour' },
      {
        name: 'Slack Alerts',
        status: 'Active',
        schedule: expect.stringMatching(/^Every 30 minutes, between 09:00 and 17:59, Monday through Friday \(UTC\)$/),
      },
    ]);
  });

  it('pauses and resumes in place', async () => {
    const saved = listen('pan-settings-saved');
    const navigations = listen('pan-navigate');
    const { api, el, slack } = await withTwo();

    await page.getByRole('button', { name: 'Pause Slack Alerts' }).click();
    await expect.poll(() => rows(el).map((r) => r.status)).toEqual(['Active', 'Paused']);
    await expect.element(page.getByRole('button', { name: 'Resume Slack Alerts' })).toBeVisible();
    await expect.element(page.getByRole('button', { name: 'Pause HubSpot Contacts' })).toBeVisible();
    expect((await api.get<Tenant>(`/marketplace/tenants/${slack.id}`)).status).toBe('paused');
    expect(saved.map((e) => e.detail)).toEqual([
      { tenant: { id: slack.id, integration: { id: expect.any(String), slug: 'slack-alerts', name: 'Slack Alerts' } }, changed: ['status'] },
    ]);

    await page.getByRole('button', { name: 'Resume Slack Alerts' }).click();
    await expect.poll(() => rows(el).map((r) => r.status)).toEqual(['Active', 'Active']);
    expect((await api.get<Tenant>(`/marketplace/tenants/${slack.id}`)).status).toBe('active');
    expect(saved).toHaveLength(2);
    // Still on the list: nothing navigated.
    expect(navigations).toHaveLength(0);
  });

  it('opens an installation with Manage', async () => {
    const navigations = listen('pan-navigate');
    const { hubspot } = await withTwo();
    await page.getByRole('button', { name: 'Manage HubSpot Contacts' }).click();
    expect(navigations.map((e) => e.detail)).toEqual([{ view: 'tenant', slug: 'hubspot-contacts', tenantId: hubspot.id }]);
  });

  it('shows an error state when the list cannot be loaded', async () => {
    const { api } = await newUser();
    const broken = Object.create(api) as RunApiClient;
    broken.get = () => Promise.reject(new Error('offline'));
    const el = await mountView('pan-my-integrations', { api: broken });
    await expect.element(page.getByRole('alert').filter({ hasText: /could not be loaded/ })).toBeVisible();
    await expect.element(page.getByRole('button', { name: 'Retry' })).toBeVisible();
    expect(rows(el)).toEqual([]);
  });
});
