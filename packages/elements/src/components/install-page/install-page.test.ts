import { afterEach, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import type { Tenant } from '@pan/contract';
import { axeViolations, cleanup, mountView, newUser, nextEvent, shadowQuery } from '../../../test/harness.ts';

afterEach(cleanup);

const next = () => page.getByRole('button', { name: 'Next' }).click();
/**
 * The view the install page shows: the flow, the tenant page, or neither. Read it once the page is
 * settled: `mountView` and `updateComplete` wait for the installations to load and the view to render.
 */
const shown = (el: Element) =>
  shadowQuery(el, 'pan-install-flow') ? 'flow' : shadowQuery(el, 'pan-tenant-page') ? 'tenant' : 'none';

describe('<pan-install-page>', () => {
  it('shows the install flow when the integration is not installed', async () => {
    const { api } = await newUser();
    const el = await mountView('pan-install-page', { api, slug: 'hubspot-contacts' });
    expect(shown(el)).toBe('flow');
    const flow = shadowQuery(el, 'pan-install-flow')!;
    expect(flow.slug).toBe('hubspot-contacts');
    expect(flow.api).toBe(api);
    await expect.element(page.getByRole('heading', { level: 3, name: 'Connect' })).toBeVisible();
    expect(await axeViolations(el)).toEqual([]);
  });

  it('shows the tenant page of an existing installation', async () => {
    const { api } = await newUser();
    const tenant = await api.request<Tenant>('POST', '/marketplace/tenants', { body: { integration: 'hubspot-contacts' } });
    // Another integration's installation does not count.
    await api.request<Tenant>('POST', '/marketplace/tenants', { body: { integration: 'slack-alerts' } });
    const el = await mountView('pan-install-page', { api, slug: 'hubspot-contacts' });
    expect(shown(el)).toBe('tenant');
    expect(shadowQuery(el, 'pan-tenant-page')!.tenantId).toBe(tenant.id);
    await expect.element(page.getByRole('heading', { level: 2, name: 'HubSpot Contacts' })).toBeVisible();
    await expect.element(page.getByRole('button', { name: 'Save schedule' })).toBeVisible();
  });

  it('shows the tenant page once installed through the flow, and the flow again after an uninstall', async () => {
    const { api } = await newUser();
    const el = await mountView('pan-install-page', { api, slug: 'hubspot-contacts' });
    expect(shown(el)).toBe('flow');
    await next();
    await next();
    await next();
    const installed = nextEvent('pan-installed');
    await page.getByRole('button', { name: 'Enable' }).click();
    const { tenant } = (await installed).detail;
    await el.updateComplete;
    expect(shown(el)).toBe('tenant');
    expect(shadowQuery(el, 'pan-tenant-page')!.tenantId).toBe(tenant.id);
    await expect.element(page.getByRole('heading', { level: 2, name: 'HubSpot Contacts' })).toBeVisible();

    const uninstalled = nextEvent('pan-uninstalled');
    await page.getByRole('button', { name: 'Uninstall…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Uninstall', exact: true }).click();
    await uninstalled;
    await el.updateComplete;
    expect(shown(el)).toBe('flow');
    await expect.element(page.getByRole('heading', { level: 3, name: 'Connect' })).toBeVisible();
    expect((await api.get<{ tenants: Tenant[] }>('/marketplace/tenants')).tenants).toEqual([]);
  });

  it('opens the existing installation from the flow when it was installed elsewhere meanwhile', async () => {
    const { api } = await newUser();
    const el = await mountView('pan-install-page', { api, slug: 'hubspot-contacts' });
    expect(shown(el)).toBe('flow');
    const existing = await api.request<Tenant>('POST', '/marketplace/tenants', { body: { integration: 'hubspot-contacts' } });
    await next();
    await next();
    await next();
    await page.getByRole('button', { name: 'Enable' }).click();
    const navigated = nextEvent('pan-navigate');
    await page.getByRole('button', { name: 'Open it' }).click();
    await navigated;
    await el.updateComplete;
    expect(shown(el)).toBe('tenant');
    expect(shadowQuery(el, 'pan-tenant-page')!.tenantId).toBe(existing.id);
  });

  it('settles (updateComplete) only once the installations have loaded, however long that takes', async () => {
    const { api } = await newUser();
    const get = api.get.bind(api);
    let answer!: () => void;
    const held = new Promise<void>((resolve) => (answer = resolve));
    api.get = (async (...args: Parameters<typeof get>) => {
      await held;
      return get(...args);
    }) as typeof api.get;
    const mounting = mountView('pan-install-page', { api, slug: 'hubspot-contacts' });
    await expect.element(page.getByText('Loading…')).toBeVisible();
    answer();
    expect(shown(await mounting)).toBe('flow');
  });

  it('shows an error when the installations cannot be loaded', async () => {
    const broken = await newUser();
    broken.api.get = () => Promise.reject(new Error('offline'));
    const failed = await mountView('pan-install-page', { api: broken.api, slug: 'hubspot-contacts' });
    await expect.element(page.getByRole('alert')).toHaveTextContent(/Couldn't load this integration/);
    expect(shown(failed)).toBe('none');
  });
});
