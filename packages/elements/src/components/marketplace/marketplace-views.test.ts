import { afterEach, describe, expect, it } from 'vitest';
import { commands, page } from 'vitest/browser';
import '../../../test/commands.ts';
import type { Tenant } from '@pan/contract';
import type { PanNavigateDetail } from '../../events/pan-navigate.ts';
import {
  axeViolations,
  card,
  cardButton,
  cleanup,
  fixture,
  focused,
  mountView,
  newUser,
  part,
  parts,
  settled,
  shadowQuery,
  signToken,
  stack,
  text,
  trackPopups,
} from '../../../test/harness.ts';
import type { PanMarketplace } from './marketplace.component.ts';

afterEach(cleanup);

/**
 * A marketplace for a fresh user (installs are per user: a shared fixture user would leak
 * "Installed" into the other tests), and an API client of the same user.
 */
async function marketplaceOfNewUser() {
  const { sub, api } = await newUser('engineering');
  const el = await fixture({ token: await signToken('engineering', { sub }) });
  return { el, api, sub };
}

/** What the host sees: every `name` event dispatched on or through the marketplace. */
function hostEvents<K extends 'pan-navigate' | 'pan-installed' | 'pan-uninstalled' | 'pan-reconnect-needed'>(el: HTMLElement, name: K) {
  const events: GlobalEventHandlersEventMap[K][] = [];
  el.addEventListener(name, (e) => events.push(e as GlobalEventHandlersEventMap[K]));
  return events;
}

const tabs = (el: PanMarketplace) =>
  parts(el, 'tab').map((tab) => ({ name: text(tab), current: tab.getAttribute('aria-current') }));
const view = (el: PanMarketplace) => shadowQuery(el, '#view');
const tenantPage = (el: PanMarketplace) => shadowQuery(el, 'pan-tenant-page');
const next = () => page.getByRole('button', { name: 'Next' }).click();

describe('<pan-marketplace>', () => {
  describe('theming', () => {
    /** An installation's page in My integrations, with its settings form loaded. */
    async function openSettings(el: PanMarketplace) {
      parts(el, 'tab')[1]!.click();
      await page.getByRole('button', { name: 'Manage HubSpot Contacts' }).click();
      await expect.element(page.getByLabelText('Records per page')).toBeVisible();
      const form = shadowQuery(tenantPage(el)!, 'pan-settings-form')!;
      return form.shadowRoot!.querySelector<HTMLInputElement>('input[id$="records_per_page"]')!;
    }

    it("styles the settings form's widgets from the host page through pan-marketplace::part()", async () => {
      const { el, api } = await marketplaceOfNewUser();
      await api.request<Tenant>('POST', '/marketplace/tenants', { body: { integration: 'hubspot-contacts' } });
      const input = await openSettings(el);
      const style = document.createElement('style');
      style.textContent = `
        pan-marketplace::part(field-input) { letter-spacing: 3px; }
        pan-marketplace::part(field-label) { text-transform: uppercase; }
        pan-marketplace::part(group-legend), pan-marketplace::part(field-hint) { word-spacing: 5px; }`;
      document.head.append(style);
      try {
        expect(getComputedStyle(input).letterSpacing).toBe('3px');
        const label = input.getRootNode() as ShadowRoot;
        expect(getComputedStyle(label.querySelector(`label[for="${input.id}"]`)!).textTransform).toBe('uppercase');
      } finally {
        style.remove();
      }
      expect(getComputedStyle(input).letterSpacing).not.toBe('3px');
    });

    /** Colours are read once the theme's transitions (hover and state fades) have ended. */
    const transitionsDone = () =>
      Promise.all(document.getAnimations().filter((a) => a instanceof CSSTransition).map((a) => a.finished));

    it('has no axe violations in dark through the install flow', async () => {
      const { el } = await marketplaceOfNewUser();
      el.setAttribute('theme', 'dark');
      cardButton(el, 'HubSpot Contacts').click();
      await settled(el);
      await transitionsDone();
      expect(await axeViolations(el)).toEqual([]);
      part(el, 'install-button')!.click();
      await expect.element(page.getByRole('heading', { level: 3, name: 'Connect' })).toBeVisible();
      await transitionsDone();
      expect(await axeViolations(el)).toEqual([]);
      await next();
      await expect.element(page.getByLabelText('Records per page')).toBeVisible();
      await transitionsDone();
      expect(await axeViolations(el)).toEqual([]);
    });

    it('maps a host design token in one block, and has no axe violations in dark on the main views', async () => {
      await commands.emulateColorScheme('dark');
      try {
        const { el, api } = await marketplaceOfNewUser();
        await api.request<Tenant>('POST', '/marketplace/tenants', { body: { integration: 'hubspot-contacts' } });
        await transitionsDone();
        expect(getComputedStyle(el).colorScheme).toBe('dark');
        expect(getComputedStyle(el).backgroundColor).toBe('rgb(17, 24, 39)');
        expect(await axeViolations(el)).toEqual([]);
        const input = await openSettings(el);
        await transitionsDone();
        expect(getComputedStyle(input).backgroundColor).toBe('rgb(17, 24, 39)');
        expect(await axeViolations(el)).toEqual([]);
        // The host's choice wins over the user's preference.
        el.setAttribute('theme', 'light');
        await transitionsDone();
        expect(getComputedStyle(el).colorScheme).toBe('light');
        expect(getComputedStyle(input).backgroundColor).toBe('rgb(255, 255, 255)');
        // One block maps the host's own tokens (set on the element, as a host's CSS would).
        el.style.setProperty('--host-brand', 'rgb(1, 2, 3)');
        el.style.setProperty('--pan-color-accent', 'var(--host-brand)');
        await transitionsDone();
        const save = shadowQuery(shadowQuery(tenantPage(el)!, 'pan-settings-form')!, '[part~="submit-button"]')!;
        expect(getComputedStyle(save).backgroundColor).toBe('rgb(1, 2, 3)');
      } finally {
        await commands.emulateColorScheme(null);
      }
    });
  });

  describe('views', () => {
    it('switches between Browse and My integrations with tabs marked aria-current="page"', async () => {
      const { el } = await marketplaceOfNewUser();
      const navigations = hostEvents(el, 'pan-navigate');
      await expect.element(page.getByRole('navigation', { name: 'Marketplace sections' })).toBeVisible();
      expect(tabs(el)).toEqual([
        { name: 'Browse', current: 'page' },
        { name: 'My integrations', current: 'false' },
        { name: 'Connections', current: 'false' },
      ]);

      parts(el, 'tab')[1]!.click();
      await expect.element(page.getByRole('heading', { level: 2, name: 'My integrations' })).toBeVisible();
      expect(tabs(el).map((t) => t.current)).toEqual(['false', 'page', 'false']);
      expect(shadowQuery(el, 'pan-my-integrations')).not.toBeNull();
      expect(part(el, 'search')).toBeNull();
      await expect.element(page.getByText('Nothing installed yet')).toBeVisible();
      expect(await axeViolations(el)).toEqual([]);

      parts(el, 'tab')[0]!.click();
      await settled(el);
      expect(tabs(el).map((t) => t.current)).toEqual(['page', 'false', 'false']);
      expect(part(el, 'search')).not.toBeNull();
      expect(shadowQuery(el, 'pan-my-integrations')).toBeNull();
      expect(navigations.map((e) => e.detail)).toEqual([
        { view: 'my-integrations', slug: null },
        { view: 'catalog', slug: null },
      ]);
    });

    it('Browse integrations in an empty My integrations opens the catalog', async () => {
      const { el } = await marketplaceOfNewUser();
      const navigations = hostEvents(el, 'pan-navigate');
      parts(el, 'tab')[1]!.click();
      await page.getByRole('button', { name: 'Browse integrations' }).click();
      await settled(el);
      expect(part(el, 'search')).not.toBeNull();
      expect(tabs(el).map((t) => t.current)).toEqual(['page', 'false', 'false']);
      // The list's own request is re-emitted by the marketplace, once.
      expect(navigations.map((e) => e.detail.view)).toEqual(['my-integrations', 'catalog']);
      expect(navigations.every((e) => e.target === el)).toBe(true);
    });

    it('opens an installation from My integrations with Manage, and its back button returns to the list', async () => {
      const { el, api } = await marketplaceOfNewUser();
      const tenant = await api.request<Tenant>('POST', '/marketplace/tenants', { body: { integration: 'hubspot-contacts' } });
      const navigations = hostEvents(el, 'pan-navigate');

      parts(el, 'tab')[1]!.click();
      await page.getByRole('button', { name: 'Manage HubSpot Contacts' }).click();
      await expect.element(page.getByRole('heading', { level: 2, name: 'HubSpot Contacts' })).toBeVisible();
      expect(tenantPage(el)?.tenantId).toBe(tenant.id);
      // Still under My integrations.
      expect(tabs(el).map((t) => t.current)).toEqual(['false', 'page', 'false']);
      const back = part(el, 'back-button')!;
      expect(text(back)).toBe('My integrations');
      expect(navigations.map((e) => e.detail)).toEqual([
        { view: 'my-integrations', slug: null },
        { view: 'tenant', slug: 'hubspot-contacts', tenantId: tenant.id },
      ]);
      // One event per navigation, from the marketplace (the list's own one does not leak out).
      expect(navigations.every((e) => e.target === el)).toBe(true);
      await expect.poll(() => focused(el)).toBe(view(el));

      back.click();
      await expect.element(page.getByRole('button', { name: 'Manage HubSpot Contacts' })).toBeVisible();
      expect(tenantPage(el)).toBeNull();
      expect(navigations.at(-1)!.detail).toEqual({ view: 'my-integrations', slug: null });
    });

    it('installs from an integration page through the flow, then shows its page, and the card says Installed', async () => {
      const { el, api } = await marketplaceOfNewUser();
      const installed = hostEvents(el, 'pan-installed');
      const navigations = hostEvents(el, 'pan-navigate');
      expect(card(el, 'HubSpot Contacts').querySelector('[part~="installed-badge"]')).toBeNull();

      cardButton(el, 'HubSpot Contacts').click();
      await settled(el);
      part(el, 'install-button')!.click();
      await expect.element(page.getByRole('heading', { level: 3, name: 'Connect' })).toBeVisible();
      expect(navigations.at(-1)!.detail).toEqual({ view: 'install', slug: 'hubspot-contacts' });
      await next();
      await page.getByLabelText('Records per page').fill('30');
      await next();
      await next();
      await page.getByRole('button', { name: 'Enable' }).click();

      await expect.poll(() => tenantPage(el)).not.toBeNull();
      expect(installed).toHaveLength(1);
      const tenant = installed[0]!.detail.tenant;
      expect(tenant.integration).toEqual({ id: expect.any(String), slug: 'hubspot-contacts', name: 'HubSpot Contacts' });
      expect(tenantPage(el)!.tenantId).toBe(tenant.id);
      expect(navigations.at(-1)!.detail).toEqual<PanNavigateDetail>({ view: 'tenant', slug: 'hubspot-contacts', tenantId: tenant.id });
      expect(navigations.at(-1)!.target).toBe(el);
      await expect.element(page.getByRole('heading', { level: 2, name: 'HubSpot Contacts' })).toBeVisible();
      await expect.element(page.getByLabelText('Records per page')).toHaveValue(30);
      expect(tabs(el).map((t) => t.current)).toEqual(['false', 'page', 'false']);
      expect((await api.get<Tenant>(`/marketplace/tenants/${tenant.id}`)).configs).toMatchObject({ records_per_page: 30 });

      parts(el, 'tab')[0]!.click();
      await settled(el);
      const badge = card(el, 'HubSpot Contacts').querySelector('[part~="installed-badge"]');
      expect(text(badge)).toBe('Installed');
      expect(card(el, 'Slack Alerts').querySelector('[part~="installed-badge"]')).toBeNull();
      // Its page says Installed instead of Install too.
      cardButton(el, 'HubSpot Contacts').click();
      await settled(el);
      expect(part(el, 'install-button')).toBeNull();
      expect(text(part(el, 'installed-badge'))).toBe('Installed');
    });

    it('cancelling the flow returns to the integration page', async () => {
      const { el } = await marketplaceOfNewUser();
      cardButton(el, 'HubSpot Contacts').click();
      await settled(el);
      part(el, 'install-button')!.click();
      await page.getByRole('button', { name: 'Cancel' }).click();
      await settled(el);
      expect(part(el, 'detail-title')?.textContent).toBe('HubSpot Contacts');
      expect(shadowQuery(el, 'pan-install-flow')).toBeNull();
    });

    it('uninstalling from the tenant page goes back to My integrations and clears Installed', async () => {
      const { sub, api } = await newUser('engineering');
      await api.request<Tenant>('POST', '/marketplace/tenants', { body: { integration: 'slack-alerts' } });
      const el = await fixture({ token: await signToken('engineering', { sub }) });
      expect(text(card(el, 'Slack Alerts').querySelector('[part~="installed-badge"]'))).toBe('Installed');
      const uninstalled = hostEvents(el, 'pan-uninstalled');
      parts(el, 'tab')[1]!.click();
      await page.getByRole('button', { name: 'Manage Slack Alerts' }).click();
      await page.getByRole('button', { name: 'Uninstall…' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Uninstall', exact: true }).click();
      await expect.element(page.getByText('Nothing installed yet')).toBeVisible();
      expect(tabs(el).map((t) => t.current)).toEqual(['false', 'page', 'false']);
      expect(tenantPage(el)).toBeNull();
      expect((await api.get<{ tenants: Tenant[] }>('/marketplace/tenants')).tenants).toEqual([]);
      expect(uninstalled.map((e) => e.detail.tenant.integration.slug)).toEqual(['slack-alerts']);

      parts(el, 'tab')[0]!.click();
      await settled(el);
      expect(card(el, 'Slack Alerts').querySelector('[part~="installed-badge"]')).toBeNull();
    });

    describe('Connections', () => {
      it('opens the connections view from its tab, with pan-navigate', async () => {
        const { el } = await marketplaceOfNewUser();
        const navigations = hostEvents(el, 'pan-navigate');
        parts(el, 'tab')[2]!.click();
        await expect.element(page.getByRole('heading', { level: 2, name: 'Connections' })).toBeVisible();
        await expect.element(page.getByRole('button', { name: 'Connect HubSpot' })).toBeVisible();
        expect(tabs(el).map((t) => t.current)).toEqual(['false', 'false', 'page']);
        expect(navigations.map((e) => e.detail)).toEqual([{ view: 'connections', slug: null }]);
        expect(part(el, 'search')).toBeNull();
        await expect.poll(() => focused(el)).toBe(view(el));
        expect(await axeViolations(el)).toEqual([]);
      });

      it('shows a connection that needs reconnecting, tells the host, and the cards follow once reconnected', async () => {
        trackPopups();
        const el = await fixture({ token: await signToken('sales', { sub: stack.reconnectUsers[2]! }) });
        const needed = hostEvents(el, 'pan-reconnect-needed');
        expect(text(card(el, 'HubSpot Contacts').querySelector('[part~="reconnect-badge"]'))).toBe('Reconnect');
        expect(text(parts(el, 'tab')[2]!.querySelector('[part~="reconnect-badge"]'))).toBe('Reconnect');
        parts(el, 'tab')[2]!.click();
        const reconnect = page.getByRole('button', { name: 'Reconnect HubSpot' });
        await expect.element(reconnect).toBeVisible();
        expect(needed.map((e) => e.detail)).toEqual([{ connector: 'hubspot', reason: 'The refresh was refused: invalid_grant' }]);
        expect(await axeViolations(el)).toEqual([]);

        await reconnect.click();
        await expect.element(page.getByRole('button', { name: 'Disconnect HubSpot' }), { timeout: 10_000 }).toBeVisible();
        parts(el, 'tab')[0]!.click();
        await settled(el);
        await expect.poll(() => card(el, 'HubSpot Contacts').querySelector('[part~="reconnect-badge"]')).toBeNull();
        expect(parts(el, 'tab')[2]!.querySelector('[part~="reconnect-badge"]')).toBeNull();
      });

      it('opens on Connections when the page comes back from a full-page sign-in, and shows its result', async () => {
        const back = new URL(location.href);
        back.searchParams.set('pan_oauth', 'error');
        back.searchParams.set('pan_connector', 'acme-crm');
        back.searchParams.set('pan_message', 'Access was denied at Acme CRM; nothing was saved');
        history.replaceState(history.state, '', back);
        try {
          const { el } = await marketplaceOfNewUser();
          await expect.element(page.getByRole('alert')).toHaveTextContent('Access was denied at Acme CRM; nothing was saved');
          expect(tabs(el).map((t) => t.current)).toEqual(['false', 'false', 'page']);
          expect(new URL(location.href).searchParams.get('pan_oauth')).toBeNull();
        } finally {
          back.searchParams.delete('pan_oauth');
          back.searchParams.delete('pan_connector');
          back.searchParams.delete('pan_message');
          history.replaceState(history.state, '', back);
        }
      });
    });

    describe('mode="install"', () => {
      /** An install-only marketplace of `integration`, for a fresh user. */
      async function installOnly(options: { tokenLater?: boolean } = {}) {
        const { sub, api } = await newUser('engineering');
        const token = await signToken('engineering', { sub });
        const el = await mountView('pan-marketplace', {
          apiBase: stack.apiBase,
          mode: 'install',
          slug: 'hubspot-contacts',
          ...(options.tokenLater ? {} : { token }),
        });
        return { el, api, token };
      }

      it('shows only the install flow: no search box, no tabs', async () => {
        const { el } = await installOnly();
        expect(el.getAttribute('mode')).toBe('install');
        await expect.element(page.getByRole('heading', { level: 3, name: 'Connect' })).toBeVisible();
        expect(shadowQuery(el, 'pan-install-page')).not.toBeNull();
        expect(part(el, 'search')).toBeNull();
        expect(parts(el, 'tab')).toEqual([]);
        expect(part(el, 'nav')).toBeNull();
        await expect.element(page.getByRole('searchbox')).not.toBeInTheDocument();
        await expect.element(page.getByRole('navigation')).not.toBeInTheDocument();
        expect(await axeViolations(el)).toEqual([]);
      });

      it('loads when the token is set after the element is connected', async () => {
        const { el, token } = await installOnly({ tokenLater: true });
        await expect.element(page.getByText('Loading…')).toBeVisible();
        el.token = token;
        await expect.element(page.getByRole('heading', { level: 3, name: 'Connect' })).toBeVisible();
        await expect.element(page.getByText(/session has expired/i)).not.toBeInTheDocument();
        await expect.element(page.getByRole('alert')).not.toBeInTheDocument();
      });

      it('installs, then shows the settings page, with pan-installed reaching the host', async () => {
        const { el, api } = await installOnly();
        const installed = hostEvents(el, 'pan-installed');
        await next();
        await next();
        await next();
        await page.getByRole('button', { name: 'Enable' }).click();
        await expect.poll(() => installed.length).toBe(1);
        const { tenant } = installed[0]!.detail;
        await expect.element(page.getByRole('button', { name: 'Save schedule' })).toBeVisible();
        expect(parts(el, 'tab')).toEqual([]);
        expect((await api.get<{ tenants: Tenant[] }>('/marketplace/tenants')).tenants.map((t) => t.id)).toEqual([tenant.id]);
      });

      it('asks for the integration attribute when it is missing', async () => {
        const el = await mountView('pan-marketplace', { apiBase: stack.apiBase, mode: 'install', token: await signToken() });
        // The message comes with the mode's lazy chunk.
        await expect.poll(() => text(part(el, 'error'))).toMatch(/Set the integration attribute/);
      });
    });
  });
});
