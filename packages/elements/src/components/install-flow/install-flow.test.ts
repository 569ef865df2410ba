import { afterEach, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import type { Tenant } from '@pan/contract';
import {
  axeViolations,
  cleanup,
  connectionsElements,
  listen,
  mountView,
  newUser,
  rewriteResponses,
  shadowQuery,
  shadowText,
  trackPopups,
} from '../../../test/harness.ts';

afterEach(cleanup);

/** What the server sends for a uischema of one Section with a title and hint text and no Control. */
const SECTIONS_ONLY_FORM = {
  schema: { type: 'object', properties: {}, additionalProperties: false },
  uiSchema: {
    'ui:order': [],
    'ui:options': {
      layout: {
        type: 'VerticalLayout',
        elements: [{ type: 'Section', label: 'Before you start', hint: 'Ask your Acme admin to turn on API access.', elements: [] }],
      },
    },
  },
  fields: [],
  dependents: {},
};

/** Waits until the flow's step indicator marks `title` as the current step. */
const onStep = (flow: Element, title: string) =>
  expect.poll(() => shadowText(flow, '[aria-current="step"]')).toContain(title);
const next = () => page.getByRole('button', { name: 'Next' }).click();

describe('<pan-install-flow>', () => {
  it('has no axe violations on any step', async () => {
    const { api } = await newUser();
    const flow = await mountView('pan-install-flow', { api, slug: 'hubspot-contacts' });
    for (const step of ['Connect', 'Settings', 'Schedule', 'Review and enable']) {
      await onStep(flow, step);
      await expect.element(page.getByRole('heading', { level: 3, name: step })).toBeVisible();
      await shadowQuery(flow, 'pan-settings-form')?.updateComplete;
      expect(await axeViolations(flow)).toEqual([]);
      if (step !== 'Review and enable') await next();
    }
  });

  it('validates settings before moving on, keeps values going back, and enables with them', async () => {
    const { api } = await newUser();
    const installed = listen('pan-installed');
    const flow = await mountView('pan-install-flow', { api, slug: 'hubspot-contacts' });
    await expect.element(page.getByRole('button', { name: 'Connect HubSpot' })).toBeVisible();
    await next();

    const perPage = page.getByLabelText('Records per page');
    await perPage.fill('500');
    await next();
    await expect.element(page.getByText(/must be at most 100/)).toBeVisible();
    await onStep(flow, 'Settings');

    await perPage.fill('50');
    await next();
    await onStep(flow, 'Schedule');
    await page.getByRole('button', { name: 'Back' }).click();
    await expect.element(page.getByLabelText('Records per page')).toHaveValue(50);
    await next();
    await next();
    await onStep(flow, 'Review');
    await expect.element(page.getByText('Both ways')).toBeVisible();
    await expect.element(page.getByText('Every hour')).toBeVisible();
    expect(installed).toHaveLength(0);

    await page.getByRole('button', { name: 'Enable' }).click();
    await expect.poll(() => installed.length).toBe(1);
    const { tenant } = installed[0]!.detail;
    expect(tenant.integration).toEqual({ id: expect.any(String), slug: 'hubspot-contacts', name: 'HubSpot Contacts' });
    const stored = await api.get<Tenant>(`/marketplace/tenants/${tenant.id}`);
    expect(stored.configs).toMatchObject({ direction: 'both', records_per_page: 50 });
    expect(stored.schedule_is_default).toBe(true);
    // No tz claim in the token: the browser's zone.
    expect(stored.time_zone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(stored.missed_fires).toBe('once');
  });

  it('shows the connect buttons on the Connect step; continuing unconnected is allowed and the review says so', async () => {
    const { api } = await newUser();
    const installed = listen('pan-installed');
    const flow = await mountView('pan-install-flow', { api, slug: 'hubspot-contacts' });
    await expect.element(page.getByRole('button', { name: 'Connect HubSpot' })).toBeVisible();
    expect(connectionsElements(flow).map((c) => c.connectors)).toEqual([['hubspot']]);
    expect(shadowText(flow, '.panel__hint')).toMatch(/its runs won't have their credentials/);
    await next();
    await next();
    await next();
    await onStep(flow, 'Review');
    expect(shadowText(flow, '[part="connect-warning"]')).toBe(
      "Not connected: HubSpot. You can enable it anyway, but its runs won't have access to it until you connect it on its page.",
    );
    expect(await axeViolations(flow)).toEqual([]);
    await page.getByRole('button', { name: 'Enable' }).click();
    await expect.poll(() => installed.length).toBe(1);
  });

  it('connects on the Connect step (OAuth2 sign-in window), and the review has no warning', async () => {
    trackPopups();
    const connected = listen('pan-connected');
    const { api } = await newUser();
    const flow = await mountView('pan-install-flow', { api, slug: 'hubspot-contacts' });
    await page.getByRole('button', { name: 'Connect HubSpot' }).click();
    await expect.element(page.getByRole('button', { name: 'Disconnect HubSpot' }), { timeout: 10_000 }).toBeVisible();
    expect(connected.map((e) => e.detail)).toEqual([{ connector: 'hubspot' }]);
    await next();
    await next();
    await next();
    await onStep(flow, 'Review');
    expect(shadowText(flow, '.review')).toContain('Connects to HubSpot');
    expect(shadowQuery(flow, '[part="connect-warning"]')).toBeNull();
  });

  it('cancels without saving anything', async () => {
    const { api } = await newUser();
    const cancelled = listen('pan-install-cancel');
    await mountView('pan-install-flow', { api, slug: 'hubspot-contacts' });
    await next();
    await page.getByLabelText('Records per page').fill('42');
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect(cancelled.map((e) => e.detail.integration.slug)).toEqual(['hubspot-contacts']);
    expect((await api.get<{ tenants: Tenant[] }>('/marketplace/tenants')).tenants).toEqual([]);
  });

  it('says when it is already installed and offers to open it', async () => {
    const { api } = await newUser();
    const existing = await api.request<Tenant>('POST', '/marketplace/tenants', { body: { integration: 'hubspot-contacts' } });
    const navigations = listen('pan-navigate');
    await mountView('pan-install-flow', { api, slug: 'hubspot-contacts' });
    await next();
    await next();
    await next();
    await page.getByRole('button', { name: 'Enable' }).click();
    await expect.element(page.getByRole('alert').filter({ hasText: /already installed/i })).toBeVisible();
    await page.getByRole('button', { name: 'Open it' }).click();
    expect(navigations.map((e) => e.detail)).toEqual([{ view: 'tenant', slug: 'hubspot-contacts', tenantId: existing.id }]);
  });

  it('starts at Settings when nothing needs connecting, and a dynamic field offers to load its options', async () => {
    const { api } = await newUser();
    const loads = listen('pan-load-options');
    const flow = await mountView('pan-install-flow', { api, slug: 'slack-alerts' });
    await onStep(flow, 'Step 1 of 3: Settings');
    await page.getByRole('button', { name: /Load options/ }).click();
    expect(loads.map((e) => e.detail)).toEqual([{ definition: 'channels', field: 'channel' }]);
  });

  it('shows the Section title and hint text of a settings page without Controls', async () => {
    const { api } = await newUser();
    rewriteResponses('/marketplace/integrations/slack-alerts/install', (plan) => ({ ...plan, settings_form: SECTIONS_ONLY_FORM }));
    const flow = await mountView('pan-install-flow', { api, slug: 'slack-alerts' });
    await onStep(flow, 'Settings');
    await expect.element(page.getByText('Before you start')).toBeVisible();
    await expect.element(page.getByText('Ask your Acme admin to turn on API access.')).toBeVisible();
    expect(shadowText(flow, '.panel')).not.toMatch(/needs no settings/);
    expect(await axeViolations(flow)).toEqual([]);
  });

  it('explains an integration that cannot be installed', async () => {
    const { api } = await newUser();
    await mountView('pan-install-flow', { api, slug: 'zapier' });
    await expect.element(page.getByRole('alert')).toHaveTextContent(/can't be installed/);
  });
});
