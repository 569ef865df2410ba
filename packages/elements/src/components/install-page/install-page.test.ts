import { afterEach, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import type { Tenant } from '@pan/contract';
import { axeViolations, cleanup, listen, mountView, newUser, shadowQuery } from '../../../test/harness.ts';

afterEach(cleanup);

const next = () => page.getByRole('button', { name: 'Next' }).click();
/** The view the install page shows: the flow, the tenant page, or neither yet. */
const shown = (el: Element) =>
  shadowQuery(el, 'pan-install-flow') ? 'flow' : shadowQuery(el, 'pan-tenant-page') ? 'tenant' : 'none';

describe('<pan-install-page>', () => {
  it('shows the install flow when the integration is not installed', async () => {
    const { api } = await newUser();
    const el = await mountView('pan-install-page', { api, slug: 'hubspot-contacts' });
    await expect.poll(() => shown(el)).toBe('flow');
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
    await expect.poll(() => shown(el)).toBe('tenant');
    expect(shadowQuery(el, 'pan-tenant-page')!.tenantId).toBe(tenant.id);
    await expect.element(page.getByRole('heading', { level: 2, name: 'HubSpot Contacts' })).toBeVisible();
    await expect.element(page.getByRole('button', { name: 'Save schedule' })).toBeVisible();
  });

  it('shows the tenant page once installed through the flow, and the flow again after an uninstall', async () => {
    const installed = listen('pan-installed');
    const uninstalled = listen('pan-uninstalled');
    const { api } = await newUser();
    const el = await mountView('pan-install-page', { api, slug: 'hubspot-contacts' });
    await expect.poll(() => shown(el)).toBe('flow');
    await next();
    await next();
    await next();
    await page.getByRole('button', { name: 'Enable' }).click();
    await expect.poll(() => installed.length).toBe(1);
    const { tenant } = installed[0]!.detail;
    await expect.poll(() => shown(el)).toBe('tenant');
    expect(shadowQuery(el, 'pan-tenant-page')!.tenantId).toBe(tenant.id);
    await expect.element(page.getByRole('heading', { level: 2, name: 'HubSpot Contacts' })).toBeVisible();

    await page.getByRole('button', { name: 'Uninstall…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Uninstall', exact: true }).click();
    await expect.poll(() => uninstalled.length).toBe(1);
    await expect.poll(() => shown(el)).toBe('flow');
    await expect.element(page.getByRole('heading', { level: 3, name: 'Connect' })).toBeVisible();
    expect((await api.get<{ tenants: Tenant[] }>('/marketplace/tenants')).tenants).toEqual([]);
  });

  it('opens the existing installation from the flow when it was installed elsewhere meanwhile', async () => {
    const { api } = await newUser();
    const el = await mountView('pan-install-page', { api, slug: 'hubspot-contacts' });
    await expect.poll(() => shown(el)).toBe('flow');
    const existing = await api.request<Tenant>('POST', '/marketplace/tenants', { body: { integration: 'hubspot-contacts' } });
    await next();
    await next();
    await next();
    await page.getByRole('button', { name: 'Enable' }).click();
    await page.getByRole('button', { name: 'Open it' }).click();
    await expect.poll(() => shown(el)).toBe('tenant');
    expect(shadowQuery(el, 'pan-tenant-page')!.tenantId).toBe(existing.id);
  });

  it('shows an error when the installations cannot be loaded', async () => {
    const broken = await newUser();
    broken.api.get = () => Promise.reject(new Error('offline'));
    const failed = await mountView('pan-install-page', { api: broken.api, slug: 'hubspot-contacts' });
    await expect.element(page.getByRole('alert')).toHaveTextContent(/Couldn't load this integration/);
    expect(shown(failed)).toBe('none');
  });
});
