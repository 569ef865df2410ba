import { afterEach, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import type { Tenant } from '@pan/contract';
import {
  axeViolations,
  cleanup,
  connectionsElements,
  countRequests,
  listen,
  mountView,
  newUser,
  shadowQuery,
  shadowQueryAll,
  signToken,
  stack,
  trackPopups,
} from '../../../test/harness.ts';

afterEach(cleanup);

const HUBSPOT_PRESET = { direction: 'to_hubspot', records_per_page: 7 };
const SLACK_PRESET = { mention_here: true };

/** `<pan-marketplace mode="auth">` for a fresh user whose token names `integrations` in `xti.auth_only`. */
async function authOnly(integrations: Array<{ slug: string; configs?: Record<string, unknown> }> | undefined) {
  const { sub, api } = await newUser('engineering');
  const token = await signToken('engineering', { sub, ...(integrations ? { xti: { auth_only: { integrations } } } : {}) });
  const mount = () =>
    mountView('pan-marketplace', { apiBase: stack.apiBase, mode: 'auth', token, label: 'Connect your tools' });
  return { el: await mount(), api, mount };
}

/** Each integration's name and status, as shown. */
const groups = (el: Element) => {
  const inner = shadowQuery(el, 'pan-auth-only');
  return (inner ? shadowQueryAll(inner, '[part="integration"]') : []).map((group) => [
    group.querySelector('[part="integration-name"]')!.textContent!.trim(),
    group.querySelector('[part="integration-status"]')!.textContent!.trim(),
  ]);
};
const tenants = async (api: Awaited<ReturnType<typeof newUser>>['api']) =>
  (await api.get<{ tenants: Tenant[] }>('/marketplace/tenants')).tenants;

describe('<pan-marketplace mode="auth">', () => {
  it('shows only the connect buttons of the integrations the token names, and installs each with its presets once connected', async () => {
    trackPopups();
    const installed = listen('pan-installed');
    const connected = listen('pan-connected');
    const { el, api } = await authOnly([
      { slug: 'hubspot-contacts', configs: HUBSPOT_PRESET },
      { slug: 'slack-alerts', configs: SLACK_PRESET },
    ]);
    expect(el.getAttribute('mode')).toBe('auth');
    await expect.element(page.getByRole('heading', { level: 2, name: 'Connect your tools' })).toBeVisible();
    await expect.element(page.getByRole('button', { name: 'Connect HubSpot' })).toBeVisible();
    // Slack Alerts needs no connection: it is set up at once.
    await expect.poll(() => groups(el)).toEqual([
      ['HubSpot Contacts', 'Not set up'],
      ['Slack Alerts', 'Installed'],
    ]);
    expect(connectionsElements(el).map((c) => c.connectors)).toEqual([['hubspot']]);
    // No catalog, no tabs, no settings.
    await expect.element(page.getByRole('searchbox')).not.toBeInTheDocument();
    await expect.element(page.getByRole('navigation')).not.toBeInTheDocument();
    await expect.element(page.getByLabelText('Records per page')).not.toBeInTheDocument();
    expect(await axeViolations(el)).toEqual([]);

    await page.getByRole('button', { name: 'Connect HubSpot' }).click();
    await expect.poll(() => groups(el), { timeout: 10_000 }).toEqual([
      ['HubSpot Contacts', 'Installed'],
      ['Slack Alerts', 'Installed'],
    ]);
    expect(connected.map((e) => e.detail)).toEqual([{ connector: 'hubspot' }]);
    expect(installed.map((e) => e.detail.tenant.integration)).toEqual([
      { id: expect.any(String), slug: 'slack-alerts', name: 'Slack Alerts' },
      { id: expect.any(String), slug: 'hubspot-contacts', name: 'HubSpot Contacts' },
    ]);
    const mine = await tenants(api);
    const bySlug = Object.fromEntries(mine.map((t) => [t.integration.slug, t]));
    expect(bySlug['hubspot-contacts']!.configs).toEqual(HUBSPOT_PRESET);
    expect(bySlug['slack-alerts']!.configs).toEqual(SLACK_PRESET);
    expect(installed.map((e) => e.detail.tenant.id).sort()).toEqual(mine.map((t) => t.id).sort());
    await expect.element(page.getByLabelText('Records per page')).not.toBeInTheDocument();
    expect(await axeViolations(el)).toEqual([]);
  });

  it('installs nothing again once installed, and asks for nothing but its view', async () => {
    const { el, mount } = await authOnly([{ slug: 'slack-alerts', configs: SLACK_PRESET }]);
    await expect.poll(() => groups(el)).toEqual([['Slack Alerts', 'Installed']]);
    el.remove();
    const requests = countRequests('/marketplace/');
    const again = await mount();
    await expect.poll(() => groups(again)).toEqual([['Slack Alerts', 'Installed']]);
    // No install, and no catalog: only what auth-only mode shows.
    expect(requests.urls.map((url) => new URL(url).pathname)).toEqual(['/marketplace/auth-only']);
  });

  it('says why an integration could not be set up', async () => {
    const installed = listen('pan-installed');
    const { el, api } = await authOnly([{ slug: 'slack-alerts', configs: { mention_here: 'yes please' } }]);
    await expect.element(page.getByRole('alert')).toHaveTextContent(/^Slack Alerts could not be set up: /);
    expect(groups(el)).toEqual([['Slack Alerts', 'Not set up']]);
    expect(installed).toHaveLength(0);
    expect(await tenants(api)).toEqual([]);
    expect(await axeViolations(el)).toEqual([]);
  });

  it('has nothing to show when the token names no integration', async () => {
    const { el } = await authOnly(undefined);
    await expect.element(page.getByText('There is nothing to connect here')).toBeVisible();
    expect(groups(el)).toEqual([]);
  });
});
