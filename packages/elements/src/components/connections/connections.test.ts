import { afterEach, describe, expect, it, vi } from 'vitest';
import { page } from 'vitest/browser';
import type { Connection, Tenant } from '@pan/contract';
import {
  axeViolations,
  cleanup,
  connectionRow,
  connectionsElements,
  connectionStatus,
  countRequests,
  focused,
  listen,
  mountView,
  newUser,
  root,
  shadowQuery,
  shadowQueryAll,
  shadowText,
  stack,
  trackPopups,
  userApi,
} from '../../../test/harness.ts';
import type { RunApiClient } from '../../internal/api-client.ts';
import { navigation } from '../../internal/oauth.ts';
import type { PanConnections } from './connections.component.ts';

afterEach(() => {
  cleanup();
  // A test that failed half-way may leave a sign-in result in the URL.
  const url = new URL(location.href);
  for (const name of ['pan_oauth', 'pan_connector', 'pan_message']) url.searchParams.delete(name);
  history.replaceState(history.state, '', url);
});

const button = (name: string) => page.getByRole('button', { name, exact: true });
const stored = async (api: RunApiClient, connector: string) => api.get<Connection>(`/marketplace/connections/${connector}`);
const apiOrigin = new URL(stack.apiBase).origin;
const providerOrigin = new URL(stack.oauthProvider).origin;

async function mountConnections(properties: Partial<PanConnections> = {}, user?: { api: RunApiClient }) {
  const { api } = user ?? (await newUser('sales'));
  const el = await mountView('pan-connections', { api, ...properties });
  await expect.poll(() => el.connections.length).toBeGreaterThan(0);
  return { el, api };
}

describe('<pan-connections>', () => {
  it('has no axe violations and lists every connector of the account with its status', async () => {
    const { el } = await mountConnections({ heading: 'Connections' });
    await expect.element(page.getByRole('heading', { level: 2, name: 'Connections' })).toBeVisible();
    expect(el.connections.map((c) => [c.connector, connectionStatus(el, c.connector)])).toEqual([
      ['acme-billing', 'Not connected'],
      ['acme-crm', 'Not connected'],
      ['acme-files', 'Not connected'],
      ['hubspot', 'Not connected'],
    ]);
    await expect.element(button('Connect HubSpot')).toBeVisible();
    expect(await axeViolations(el)).toEqual([]);
  });

  it('shows only the connectors asked for, in that order, and says when one does not exist', async () => {
    const { el } = await mountConnections();
    el.setAttribute('connectors', 'hubspot no-such-thing acme-billing');
    await el.updateComplete;
    expect(el.connectors).toEqual(['hubspot', 'no-such-thing', 'acme-billing']);
    const rows = shadowQueryAll(el, '[part~="connection"]').map((row) => shadowName(row));
    expect(rows).toEqual(['HubSpot', 'no-such-thing', 'Acme Billing']);
    const unknown = shadowQuery(el, '[part~="connection-unknown"]')!;
    expect(unknown.textContent).toMatch(/“no-such-thing” is not set up in this marketplace, so it can't be connected/);
    expect(unknown.querySelector('button')).toBeNull();
    expect(el.connections.map((c) => c.connector)).toEqual(['hubspot', 'acme-billing']);
    expect(await axeViolations(el)).toEqual([]);
  });

  describe('an API-key connector', () => {
    it('shows its form: labels, help, masked secrets, required fields', async () => {
      const { el } = await mountConnections({ connectors: ['acme-billing'] });
      await button('Connect Acme Billing').click();
      const key = page.getByLabelText('API key');
      await expect.poll(() => focusedIn(el)).toBe('#field-acme-billing-api_key');
      await expect.element(key).toHaveAttribute('type', 'password');
      await expect.element(key).toBeRequired();
      await expect.element(key).toHaveAccessibleDescription('Settings → API in Acme Billing');
      await expect.element(page.getByLabelText('Account ID')).toHaveAttribute('type', 'text');
      expect(shadowText(el, 'label[for$="api_key"]')).toBe('API key*');
      expect(await axeViolations(el)).toEqual([]);

      await button('Cancel').click();
      expect(shadowQuery(el, 'form')).toBeNull();
      await expect.poll(() => focusedIn(el)).toBe('Connect Acme Billing');
    });

    it('shows the API’s field errors, then connects, and the values never stay in the page', async () => {
      const connected = listen('pan-connected');
      const { el, api } = await mountConnections({ connectors: ['acme-billing'] });
      await button('Connect Acme Billing').click();
      await button('Save Acme Billing').click();

      const key = page.getByLabelText('API key');
      await expect.element(page.getByText('API key is required')).toBeVisible();
      await expect.element(key).toHaveAttribute('aria-invalid', 'true');
      await expect.element(key).toHaveAccessibleDescription('Settings → API in Acme Billing API key is required');
      await expect.element(page.getByLabelText('Account ID')).toHaveAccessibleDescription('Account ID is required');
      await expect.poll(() => focusedIn(el)).toBe('#field-acme-billing-api_key');
      expect(await axeViolations(el)).toEqual([]);

      const secret = `sk_live_${crypto.randomUUID()}`;
      await key.fill(secret);
      await button('Save Acme Billing').click();
      await expect.element(page.getByLabelText('Account ID')).toHaveAccessibleDescription('Account ID is required');
      await expect.element(key).toHaveAttribute('aria-invalid', 'false');
      expect(connected).toHaveLength(0);

      await page.getByLabelText('Account ID').fill('acct-42');
      await button('Save Acme Billing').click();
      await expect.poll(() => connectionStatus(el, 'acme-billing')).toBe('Connected');
      expect(connected.map((e) => e.detail)).toEqual([{ connector: 'acme-billing' }]);
      expect(shadowText(el, '[part="notice"]')).toBe('Acme Billing connected.');
      expect(text(connectionRow(el, 'acme-billing')!.querySelector('[part="detail"]'))).toBe('Saved: Account ID, API key');
      await expect.poll(() => focusedIn(el)).toBe('Update Acme Billing');
      // The form is gone with its values; nothing in the element holds the secret.
      expect(shadowQuery(el, 'form')).toBeNull();
      expect(root(el).innerHTML).not.toContain(secret);
      expect(shadowQueryAll(el, 'input').map((i) => i.value)).toEqual([]);
      expect(JSON.stringify(el.connections)).not.toContain(secret);

      const saved = await stored(api, 'acme-billing');
      expect(saved).toMatchObject({ status: 'connected', stored_fields: ['account_id', 'api_key'] });
      expect(JSON.stringify(saved)).not.toContain(secret);

      // Updating opens an empty form: stored values are never shown again.
      await button('Update Acme Billing').click();
      await expect.element(page.getByLabelText('API key')).toHaveValue('');
    });

    it('disconnects after a confirmation', async () => {
      const disconnected = listen('pan-disconnected');
      const user = await newUser('sales');
      await user.api.request('PUT', '/marketplace/connections/acme-billing', { body: { fields: { api_key: 'k', account_id: 'a' } } });
      const { el } = await mountConnections({ connectors: ['acme-billing'] }, user);
      expect(connectionStatus(el, 'acme-billing')).toBe('Connected');

      await button('Disconnect Acme Billing').click();
      await expect.element(page.getByRole('group', { name: /Disconnect Acme Billing\?/ })).toBeVisible();
      await expect.poll(() => focusedIn(el)).toBe('Cancel');
      expect(await axeViolations(el)).toEqual([]);
      await button('Cancel').click();
      expect(connectionStatus(el, 'acme-billing')).toBe('Connected');
      await expect.poll(() => focusedIn(el)).toBe('Disconnect Acme Billing');

      await button('Disconnect Acme Billing').click();
      await button('Yes, disconnect').click();
      await expect.poll(() => connectionStatus(el, 'acme-billing')).toBe('Not connected');
      expect(disconnected.map((e) => e.detail)).toEqual([{ connector: 'acme-billing' }]);
      expect(shadowText(el, '[part="notice"]')).toBe('Acme Billing disconnected.');
      expect((await stored(user.api, 'acme-billing')).status).toBe('not_connected');
    });
  });

  describe('an OAuth2 connector', () => {
    it('signs in in a popup: the callback page’s message from the run API connects it', async () => {
      const popups = trackPopups();
      const connected = listen('pan-connected');
      const { el, api } = await mountConnections({ connectors: ['hubspot'] });
      await button('Connect HubSpot').click();
      await expect.poll(() => connectionStatus(el, 'hubspot'), { timeout: 10_000 }).toBe('Connected');
      expect(popups.calls).toEqual([['', 'pan-oauth', 'popup,width=520,height=680']]);
      expect(connected.map((e) => e.detail)).toEqual([{ connector: 'hubspot' }]);
      expect(shadowText(el, '[part="notice"]')).toBe('HubSpot connected.');
      expect((await stored(api, 'hubspot')).status).toBe('connected');
      // The callback page closed its window.
      await expect.poll(() => popups.windows[0]!.closed).toBe(true);
      await expect.poll(() => focusedIn(el)).toBe('Disconnect HubSpot');
    });

    it('says why when the provider denies access, and stays not connected', async () => {
      trackPopups();
      const connected = listen('pan-connected');
      const { el } = await mountConnections({ connectors: ['acme-crm'] });
      await button('Connect Acme CRM').click();
      await expect
        .element(page.getByRole('alert'), { timeout: 10_000 })
        .toHaveTextContent('Access was denied at Acme CRM; nothing was saved');
      expect(connectionStatus(el, 'acme-crm')).toBe('Not connected');
      expect(connected).toHaveLength(0);
      expect(await axeViolations(el)).toEqual([]);
    });

    describe('while the sign-in window is open', () => {
      /** Acme Files' provider page never answers: the window stays open until closed. */
      async function waiting() {
        const popups = trackPopups();
        const connected = listen('pan-connected');
        const { el, api } = await mountConnections({ connectors: ['acme-files'] });
        await button('Connect Acme Files').click();
        await expect.element(button('Cancel signing in to Acme Files')).toBeVisible();
        await expect.poll(() => popupUrl(popups.windows[0]!)).toContain(providerOrigin);
        return { el, api, popup: popups.windows[0]!, connected };
      }

      const result = (status: 'connected' | 'error', extra: Record<string, unknown> = {}) => ({
        type: 'pan-oauth-result',
        connector: 'acme-files',
        status,
        ...extra,
      });

      it('ignores results from any other origin or window', async () => {
        const { el, popup, connected } = await waiting();
        const seen: MessageEvent[] = [];
        const record = (e: MessageEvent) => seen.push(e);
        window.addEventListener('message', record);

        // A real message from another origin (a frame on the test provider's).
        const frame = document.createElement('iframe');
        frame.title = 'Other origin';
        frame.src = `${stack.oauthProvider}/post-message?data=${encodeURIComponent(JSON.stringify(result('connected')))}`;
        document.body.append(frame);
        await expect.poll(() => seen.some((e) => e.origin === providerOrigin)).toBe(true);
        frame.remove();
        window.removeEventListener('message', record);

        // The run API's origin, but not from the sign-in window; the sign-in window, but another origin.
        window.dispatchEvent(new MessageEvent('message', { data: result('connected'), origin: apiOrigin, source: window }));
        window.dispatchEvent(new MessageEvent('message', { data: result('connected'), origin: providerOrigin, source: popup }));
        window.dispatchEvent(new MessageEvent('message', { data: result('error', { message: 'spoofed' }), origin: location.origin, source: popup }));
        // The right origin and window, but not a result for this connector.
        window.dispatchEvent(new MessageEvent('message', { data: { ...result('error', { message: 'other' }), connector: 'hubspot' }, origin: apiOrigin, source: popup }));
        window.dispatchEvent(new MessageEvent('message', { data: 'pan-oauth-result', origin: apiOrigin, source: popup }));
        await el.updateComplete;

        expect(connected).toHaveLength(0);
        expect(shadowQuery(el, '[part~="problem"]')).toBeNull();
        await expect.element(button('Cancel signing in to Acme Files')).toBeVisible();
        expect(connectionStatus(el, 'acme-files')).toBe('Not connected');
      });

      it('shows the message of a result from the run API in the sign-in window (an expired sign-in)', async () => {
        const { el, popup, connected } = await waiting();
        const message = 'This sign-in link was already used or has expired: start connecting again';
        window.dispatchEvent(new MessageEvent('message', { data: result('error', { message }), origin: apiOrigin, source: popup }));
        await expect.element(page.getByRole('alert')).toHaveTextContent(message);
        expect(connectionStatus(el, 'acme-files')).toBe('Not connected');
        expect(connected).toHaveLength(0);
        await expect.element(button('Connect Acme Files')).toBeVisible();
      });

      it('believes the API, not the message: a "connected" result it cannot confirm is not a connection', async () => {
        const { el, popup, connected } = await waiting();
        window.dispatchEvent(new MessageEvent('message', { data: result('connected'), origin: apiOrigin, source: popup }));
        await expect.element(page.getByRole('alert')).toHaveTextContent('Acme Files is still not connected. Please try again.');
        expect(connectionStatus(el, 'acme-files')).toBe('Not connected');
        expect(connected).toHaveLength(0);
      });

      it('closing the window says "Not connected", without an error', async () => {
        const { el, popup, connected } = await waiting();
        popup.close();
        await expect
          .poll(() => shadowText(el, '[part="notice"]'))
          .toBe('The sign-in window was closed before Acme Files was connected.');
        expect(connectionStatus(el, 'acme-files')).toBe('Not connected');
        expect(shadowQuery(el, '[role="alert"]')).toBeNull();
        expect(connected).toHaveLength(0);
        await expect.poll(() => focusedIn(el)).toBe('Connect Acme Files');
      });

      it('Cancel stops waiting and closes the window', async () => {
        const { el, popup } = await waiting();
        await button('Cancel signing in to Acme Files').click();
        await expect.element(button('Connect Acme Files')).toBeVisible();
        await expect.poll(() => popup.closed).toBe(true);
        expect(shadowText(el, '[part="notice"]')).toBe('');
        expect(shadowQuery(el, '[role="alert"]')).toBeNull();
      });
    });

    it('asks the API again when the user comes back, if the window looked closed before any result came', async () => {
      // Some providers cut the window's link to this page (Cross-Origin-Opener-Policy): to the page
      // it looks closed at once, and the callback page cannot post its result.
      let authorization = '';
      const severed = {
        closed: false,
        focus() {},
        close() {},
        location: {
          replace: (url: string) => {
            authorization = url;
            severed.closed = true;
          },
        },
      };
      vi.spyOn(window, 'open').mockImplementation(() => severed as unknown as Window);
      const connected = listen('pan-connected');
      const user = await newUser('sales');
      const { el } = await mountConnections({ connectors: ['hubspot'] }, user);
      await button('Connect HubSpot').click();
      await expect.poll(() => shadowText(el, '[part="notice"]')).toBe('The sign-in window was closed before HubSpot was connected.');
      expect(connected).toHaveLength(0);

      // The user signs in anyway (in the window the page lost track of)...
      await fetch(authorization, { mode: 'no-cors', credentials: 'omit' });
      await expect.poll(async () => (await stored(user.api, 'hubspot')).status).toBe('connected');
      // ...and comes back to the page.
      window.dispatchEvent(new Event('focus'));
      await expect.poll(() => connected.map((e) => e.detail)).toEqual([{ connector: 'hubspot' }]);
      expect(connectionStatus(el, 'hubspot')).toBe('Connected');
      expect(shadowText(el, '[part="notice"]')).toBe('HubSpot connected.');
      window.dispatchEvent(new Event('focus'));
      await el.refresh();
      expect(connected).toHaveLength(1);
    });

    describe('when popups are blocked', () => {
      it('goes to the provider in the page, and reads the result from the URL when the page comes back', async () => {
        const popups = trackPopups({ blocked: true });
        const assign = vi.spyOn(navigation, 'assign').mockImplementation(() => {});
        const user = await newUser('sales');
        const first = await mountConnections({ connectors: ['hubspot'] }, user);
        await button('Connect HubSpot').click();
        await expect.poll(() => assign.mock.calls.length).toBe(1);
        expect(popups.calls).toHaveLength(1);
        const authorization = new URL(assign.mock.calls[0]![0]);
        expect(authorization.origin + authorization.pathname).toBe(`${stack.oauthProvider}/authorize`);
        expect(authorization.searchParams.get('client_id')).toBe('approve');
        expect(authorization.searchParams.get('redirect_uri')).toBe(`${stack.apiBase}/oauth/callback`);

        // What the browser would do: the provider, then the run API's callback, which stores the connection...
        await fetch(authorization, { mode: 'no-cors', credentials: 'omit' });
        await expect.poll(async () => (await stored(user.api, 'hubspot')).status).toBe('connected');
        first.el.remove();

        // ...and sends the page back with the result in its URL: the element reads it and removes it.
        const connected = listen('pan-connected');
        const back = new URL(location.href);
        back.searchParams.set('keep', '1');
        back.searchParams.set('pan_oauth', 'connected');
        back.searchParams.set('pan_connector', 'hubspot');
        history.replaceState(history.state, '', back);
        const el = await mountView('pan-connections', { api: user.api, connectors: ['hubspot'] });
        await expect.poll(() => connected.map((e) => e.detail)).toEqual([{ connector: 'hubspot' }]);
        expect(connectionStatus(el, 'hubspot')).toBe('Connected');
        expect(shadowText(el, '[part="notice"]')).toBe('HubSpot connected.');
        const now = new URL(location.href).searchParams;
        expect([now.get('pan_oauth'), now.get('pan_connector'), now.get('keep')]).toEqual([null, null, '1']);
      });

      it('shows an error brought back in the URL (a denial), and leaves results for other connectors alone', async () => {
        const connected = listen('pan-connected');
        const back = new URL(location.href);
        back.searchParams.set('pan_oauth', 'error');
        back.searchParams.set('pan_connector', 'acme-crm');
        back.searchParams.set('pan_message', 'Access was denied at Acme CRM; nothing was saved');
        history.replaceState(history.state, '', back);

        const other = await mountConnections({ connectors: ['hubspot'] });
        expect(new URL(location.href).searchParams.get('pan_connector')).toBe('acme-crm');
        expect(shadowQuery(other.el, '[role="alert"]')).toBeNull();

        const { el } = await mountConnections({ connectors: ['acme-crm'] });
        await expect.element(page.getByRole('alert')).toHaveTextContent('Access was denied at Acme CRM; nothing was saved');
        expect(connectionStatus(el, 'acme-crm')).toBe('Not connected');
        expect(new URL(location.href).searchParams.get('pan_oauth')).toBeNull();
        expect(connected).toHaveLength(0);
      });
    });
  });

  describe('a connection that needs reconnecting', () => {
    it('is flagged with its reason, reported once, and reconnects through the sign-in window', async () => {
      trackPopups();
      const needed = listen('pan-reconnect-needed');
      const connected = listen('pan-connected');
      const user = await userApi(stack.reconnectUsers[1]!, 'sales');
      const { el } = await mountConnections({ connectors: ['hubspot'] }, user);
      expect(connectionStatus(el, 'hubspot')).toBe('Reconnect needed');
      expect(text(connectionRow(el, 'hubspot')!.querySelector('[part="detail"]'))).toBe(
        'The refresh was refused: invalid_grant Runs that need HubSpot fail until you reconnect it.',
      );
      expect(needed.map((e) => e.detail)).toEqual([{ connector: 'hubspot', reason: 'The refresh was refused: invalid_grant' }]);
      expect(await axeViolations(el)).toEqual([]);
      await el.refresh();
      expect(needed).toHaveLength(1);

      await button('Reconnect HubSpot').click();
      await expect.poll(() => connectionStatus(el, 'hubspot'), { timeout: 10_000 }).toBe('Connected');
      expect(connected.map((e) => e.detail)).toEqual([{ connector: 'hubspot' }]);
      expect((await stored(user.api, 'hubspot')).status).toBe('connected');
    });
  });

  it('keeps every list in the page up to date when one of them changes a connection', async () => {
    const user = await newUser('sales');
    const { el: all } = await mountConnections({}, user);
    const { el: one } = await mountConnections({ connectors: ['acme-billing'] }, user);
    // The second "Connect Acme Billing" is the one of `one` (mounted after `all`).
    await page.getByRole('button', { name: 'Connect Acme Billing' }).nth(1).click();
    await page.getByLabelText('API key').fill('k');
    await page.getByLabelText('Account ID').fill('a');
    await button('Save Acme Billing').click();
    await expect.poll(() => connectionStatus(one, 'acme-billing')).toBe('Connected');
    await expect.poll(() => connectionStatus(all, 'acme-billing')).toBe('Connected');
  });
});

describe('<pan-tenant-page> Connections section', () => {
  it("shows the integration's connections, made for this installation", async () => {
    const { api } = await newUser('sales');
    const tenant = await api.request<Tenant>('POST', '/marketplace/tenants', { body: { integration: 'hubspot-contacts' } });
    const el = await mountView('pan-tenant-page', { api, tenantId: tenant.id });
    await expect.element(page.getByRole('heading', { level: 3, name: 'Connections' })).toBeVisible();
    await expect.element(page.getByRole('button', { name: 'Connect HubSpot' })).toBeVisible();
    const [connections] = connectionsElements(el);
    expect(connections!.connectors).toEqual(['hubspot']);
    expect(connections!.tenantId).toBe(tenant.id);
    expect(await axeViolations(el)).toEqual([]);

    // The sign-in is started for this installation (the API checks it is the user's).
    trackPopups();
    const starts = countRequests('/oauth');
    await page.getByRole('button', { name: 'Connect HubSpot' }).click();
    await expect.element(page.getByRole('button', { name: 'Disconnect HubSpot' }), { timeout: 10_000 }).toBeVisible();
    expect(starts.urls).toEqual([`${stack.apiBase}/marketplace/connections/hubspot/oauth`]);
  });
});

function text(node: Element | null | undefined): string {
  return node?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
}

/** What has focus inside `el`'s shadow root: `#id`, or its text. */
function focusedIn(el: Element): string {
  const active = focused(el);
  if (!active) return '';
  return active.id ? `#${active.id}` : text(active);
}

function shadowName(row: Element): string {
  return text(row.querySelector('[part~="connection-name"]'));
}

/** The sign-in window's URL while it is on this origin, or the provider's origin once it went there. */
function popupUrl(popup: Window): string {
  try {
    return popup.location.href;
  } catch {
    return providerOrigin;
  }
}
