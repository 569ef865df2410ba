import { afterEach, describe, expect, it, vi } from 'vitest';
import { userEvent } from 'vitest/browser';
import {
  axeViolations,
  card,
  cardButton,
  cardNames,
  cleanup,
  countRequests,
  filterButton,
  fixture,
  focused,
  listen,
  part,
  parts,
  rewriteResponses,
  searchInput,
  settled,
  shadowQuery,
  signToken,
  stack,
  text,
} from '../../../test/harness.ts';
import { PanMarketplace } from './marketplace.component.ts';

const SALES_CATALOG = ['HubSpot Contacts', 'Salesforce Leads', 'Slack Alerts', 'Zapier'];
const ENG_CATALOG = ['HubSpot Contacts', 'S3 Export', 'Slack Alerts', 'Zapier'];

/** Opens an integration page by clicking its card, and waits for it to load. */
async function openPage(el: PanMarketplace, name: string): Promise<void> {
  cardButton(el, name).click();
  await settled(el);
}

/** Presses Tab until `predicate` holds for the focused element inside the marketplace. */
async function tabUntil(el: PanMarketplace, predicate: (active: Element) => boolean): Promise<Element> {
  for (let i = 0; i < 40; i++) {
    await userEvent.tab();
    const active = focused(el);
    if (active && predicate(active)) return active;
  }
  throw new Error('never reached the expected element with Tab');
}

afterEach(cleanup);

describe('<pan-marketplace>', () => {
  describe('accessibility (axe)', () => {
    it('has no violations in the catalog', async () => {
      const el = await fixture();
      expect(cardNames(el)).toEqual(SALES_CATALOG);
      expect(await axeViolations(el)).toEqual([]);
    });

    it('has no violations on an integration page', async () => {
      const el = await fixture();
      await openPage(el, 'HubSpot Contacts');
      expect(part(el, 'detail-title')?.textContent).toBe('HubSpot Contacts');
      expect(await axeViolations(el)).toEqual([]);
      // An external integration's page too (Visit instead of Install).
      part(el, 'back-button')!.click();
      await settled(el);
      await openPage(el, 'Zapier');
      expect(await axeViolations(el)).toEqual([]);
    });

    it('has no violations in the empty state', async () => {
      const el = await fixture();
      await userEvent.type(searchInput(el), 'no-such-integration');
      await expect.poll(() => part(el, 'empty')).not.toBeNull();
      await settled(el);
      expect(await axeViolations(el)).toEqual([]);
    });

    it('has no violations in the error state', async () => {
      const el = await fixture({ token: await signToken('sales', { expired: true }) });
      expect(part(el, 'error')).not.toBeNull();
      expect(await axeViolations(el)).toEqual([]);
    });
  });

  describe('registration', () => {
    it('registers once and tolerates being defined again', async () => {
      expect(customElements.get('pan-marketplace')).toBeDefined();
      expect(() => PanMarketplace.define('pan-marketplace')).not.toThrow();
      // A second copy of the module (two bundles on one page) defines nothing and does not throw.
      const copy = `./marketplace.component.ts?copy=${Date.now()}`;
      type Module = typeof import('./marketplace.component.ts');
      const { PanMarketplace: Copy } = (await import(/* @vite-ignore */ copy)) as Module;
      expect(Copy).not.toBe(PanMarketplace);
      expect(() => Copy.define('pan-marketplace')).not.toThrow();
      expect(customElements.get('pan-marketplace')).not.toBe(Copy);
      await expect(import('../../define.ts')).resolves.toBeDefined();
      // The same class under a second tag works too (through a subclass).
      PanMarketplace.define('pan-marketplace-again');
      expect(document.createElement('pan-marketplace-again')).toBeInstanceOf(PanMarketplace);
    });
  });

  describe('defaults', () => {
    it('has documented default properties', () => {
      const el = document.createElement('pan-marketplace');
      expect(el.apiBase).toBeUndefined();
      expect(el.token).toBeUndefined();
      expect(el.tokenProvider).toBeUndefined();
      expect(el.slug).toBeNull();
      expect(el.label).toBeUndefined();
    });

    it('requests nothing until a token is set, then loads', async () => {
      const requests = countRequests('/marketplace/');
      const el = await fixture({ token: null });
      expect(requests.count).toBe(0);
      expect(el.matches(':state(loading)')).toBe(false);
      expect(part(el, 'results')?.getAttribute('aria-busy')).toBe('true');

      el.token = await signToken('sales');
      await settled(el);
      expect(requests.count).toBe(1);
      expect(cardNames(el)).toEqual(SALES_CATALOG);
    });

    it('reloads when the token changes (another user)', async () => {
      const el = await fixture({ user: 'sales' });
      el.token = await signToken('engineering');
      await settled(el);
      expect(cardNames(el)).toEqual(ENG_CATALOG);
    });

    it('renders categories with counts, tags, flags and initials', async () => {
      const el = await fixture();
      const categories = parts(el, 'category').map(text);
      expect(categories).toEqual(['All , 4', 'CRM , 3', 'Messaging , 2']);
      expect(part(el, 'nav')?.getAttribute('aria-label')).toBe('Categories');
      expect(parts(el, 'tag').map((t) => t.dataset.tag)).toEqual(
        expect.arrayContaining(['contacts', 'leads', 'no-code', 'notifications', 'two-way']),
      );
      expect(parts(el, 'tag').every((t) => t.getAttribute('aria-pressed') === 'false')).toBe(true);

      const hubspot = card(el, 'HubSpot Contacts');
      const flag = hubspot.querySelector<HTMLElement>('[part~="flag"]')!;
      expect(text(flag)).toBe('Popular');
      const flagStyle = getComputedStyle(flag);
      expect(flagStyle.backgroundColor).toBe('rgb(180, 83, 9)'); // #b45309
      expect(flagStyle.color).toBe('rgb(255, 255, 255)'); // readable on it
      expect(text(hubspot.querySelector('[part~="card-logo"]'))).toBe('HC');
      expect(text(hubspot.querySelector('[part~="card-description"]'))).toBe(
        'Sync contacts both ways with HubSpot.',
      );
      expect(el.matches(':state(loading)')).toBe(false);
      expect(el.matches(':state(error)')).toBe(false);
    });
  });

  describe('attributes', () => {
    it('reads api-base into apiBase', () => {
      const el = document.createElement('pan-marketplace');
      el.setAttribute('api-base', 'https://api.example.com');
      expect(el.apiBase).toBe('https://api.example.com');
    });

    it('never reflects the token, nor reads it from an attribute', async () => {
      const token = await signToken('sales');
      const requests = countRequests('/marketplace/');
      const el = await fixture({ token });
      expect(el.hasAttribute('token')).toBe(false);
      expect(el.outerHTML).not.toContain(token);
      expect([...el.attributes].some((a) => a.value.includes(token))).toBe(false);
      expect(requests.urls.some((url) => url.includes(token))).toBe(false);

      const other = document.createElement('pan-marketplace');
      other.setAttribute('token', token);
      expect(other.token).toBeUndefined();
    });

    it('sends the token only in the Authorization header', async () => {
      const token = await signToken('sales');
      const spy = vi.spyOn(globalThis, 'fetch');
      await fixture({ token });
      expect(spy).toHaveBeenCalledTimes(1);
      const [url, init] = spy.mock.calls[0]!;
      expect(String(url)).toBe(`${stack.apiBase}/marketplace/catalog`);
      expect(String(url)).not.toContain(token);
      expect(new Headers(init?.headers).get('authorization')).toBe(`Bearer ${token}`);
    });

    it('opens an integration page from the integration attribute', async () => {
      const el = await fixture({ integration: 'slack-alerts' });
      expect(el.slug).toBe('slack-alerts');
      expect(part(el, 'detail-title')?.textContent).toBe('Slack Alerts');
      expect(el.hasAttribute('integration')).toBe(true);
    });

    it('shows an error with Retry for an integration that is not visible', async () => {
      const el = await fixture({ integration: 's3-export' }); // engineering only
      expect(part(el, 'error')).not.toBeNull();
      expect(el.matches(':state(error)')).toBe(true);
      expect(part(el, 'retry-button')?.textContent?.trim()).toBe('Retry');
    });
  });

  describe('events', () => {
    it('emits a cancelable pan-install-request and, if not canceled, opens the install flow', async () => {
      const requests = listen('pan-install-request');
      const el = await fixture();
      await openPage(el, 'HubSpot Contacts');
      part(el, 'install-button')!.click();
      expect(requests).toHaveLength(1);
      const event = requests[0]!;
      expect(event.cancelable).toBe(true);
      expect(event.bubbles && event.composed).toBe(true);
      expect(event.detail).toEqual({
        integration: { id: expect.any(String), slug: 'hubspot-contacts', name: 'HubSpot Contacts' },
      });
      await expect.poll(() => shadowQuery(el, 'pan-install-flow')?.getAttribute('slug')).toBe('hubspot-contacts');
    });

    it('stays on the integration page when the host cancels pan-install-request', async () => {
      listen('pan-install-request', (event) => event.preventDefault());
      const el = await fixture();
      await openPage(el, 'HubSpot Contacts');
      part(el, 'install-button')!.click();
      await el.updateComplete;
      expect(shadowQuery(el, 'pan-install-flow')).toBeNull();
      expect(part(el, 'install-button')).not.toBeNull();
    });

    it('shows Installed instead of Install for installed integrations', async () => {
      const installed = (i: { slug: string; installed: boolean }) => ({
        ...i,
        installed: i.slug === 'slack-alerts',
      });
      rewriteResponses('/marketplace/', (body) =>
        body.integrations ? { ...body, integrations: body.integrations.map(installed) } : installed(body),
      );
      const el = await fixture();
      expect(card(el, 'Slack Alerts').querySelector('[part~="installed-badge"]')).not.toBeNull();
      expect(card(el, 'HubSpot Contacts').querySelector('[part~="installed-badge"]')).toBeNull();
      await openPage(el, 'Slack Alerts');
      expect(part(el, 'install-button')).toBeNull();
      expect(text(part(el, 'installed-badge'))).toBe('Installed');
    });

    it('marks the cards of integrations whose connection needs reconnecting', async () => {
      // This user's HubSpot connection had its refresh refused (seeded by the browser setup).
      const el = await fixture({ token: await signToken('sales', { sub: stack.reconnectUsers[0]! }) });
      const badge = card(el, 'HubSpot Contacts').querySelector('[part~="reconnect-badge"]');
      expect(text(badge)).toBe('Reconnect');
      expect(badge!.classList.contains('installed')).toBe(true);
      for (const name of ['Salesforce Leads', 'Slack Alerts', 'Zapier']) {
        expect(card(el, name).querySelector('[part~="reconnect-badge"]')).toBeNull();
      }
      expect(await axeViolations(el)).toEqual([]);
      // Another user's connections are not theirs.
      const other = await fixture();
      expect(parts(other, 'reconnect-badge')).toEqual([]);
    });

    it('emits pan-navigate when opening a page and going back', async () => {
      const navigations = listen('pan-navigate');
      const el = await fixture();
      await openPage(el, 'Slack Alerts');
      part(el, 'back-button')!.click();
      await settled(el);
      expect(navigations.map((e) => e.detail)).toEqual([
        { view: 'detail', slug: 'slack-alerts' },
        { view: 'catalog', slug: null },
      ]);
      expect(el.slug).toBeNull();
      expect(cardNames(el)).toEqual(SALES_CATALOG);
    });

    it('emits pan-token-expired and shows an error when the token expired and there is no provider', async () => {
      const expired = listen('pan-token-expired');
      const el = await fixture({ token: await signToken('sales', { expired: true }) });
      expect(expired.map((e) => e.detail)).toEqual([{ reason: 'no-provider' }]);
      expect(el.matches(':state(error)')).toBe(true);
      expect(text(part(el, 'error'))).toMatch(/session has expired/);

      // The host answers with a new token: the element reloads.
      el.token = await signToken('sales');
      await settled(el);
      expect(el.matches(':state(error)')).toBe(false);
      expect(cardNames(el)).toEqual(SALES_CATALOG);
    });

    it('renews an expired token through tokenProvider once and retries the request', async () => {
      const expired = listen('pan-token-expired');
      const fresh = await signToken('sales');
      const tokenProvider = vi.fn(async () => fresh);
      const requests = countRequests('/marketplace/catalog');
      const el = await fixture({ token: await signToken('sales', { expired: true }), tokenProvider });
      expect(tokenProvider).toHaveBeenCalledTimes(1);
      expect(requests.count).toBe(2);
      expect(el.token).toBe(fresh);
      expect(cardNames(el)).toEqual(SALES_CATALOG);
      expect(expired).toHaveLength(0);

      // The renewed token is used from then on, without another renewal.
      await openPage(el, 'Zapier');
      expect(tokenProvider).toHaveBeenCalledTimes(1);
      expect(part(el, 'detail-title')?.textContent).toBe('Zapier');
    });

    it('emits pan-token-expired when tokenProvider fails', async () => {
      const expired = listen('pan-token-expired');
      const tokenProvider = vi.fn(async (): Promise<string> => {
        throw new Error('host is offline');
      });
      const el = await fixture({ token: await signToken('sales', { expired: true }), tokenProvider });
      expect(tokenProvider).toHaveBeenCalledTimes(1);
      expect(expired.map((e) => e.detail)).toEqual([{ reason: 'provider-failed' }]);
      expect(part(el, 'error')).not.toBeNull();
    });

    it('retries only once when the renewed token is expired too', async () => {
      const expired = listen('pan-token-expired');
      const stale = await signToken('sales', { expired: true });
      const tokenProvider = vi.fn(async () => stale);
      const requests = countRequests('/marketplace/catalog');
      const el = await fixture({ token: await signToken('sales', { expired: true }), tokenProvider });
      expect(tokenProvider).toHaveBeenCalledTimes(1);
      expect(requests.count).toBe(2);
      expect(expired.map((e) => e.detail)).toEqual([{ reason: 'still-expired' }]);
      expect(el.matches(':state(error)')).toBe(true);
    });

    it('opens an external integration in a new tab, unless pan-external-open is canceled', async () => {
      const open = vi.spyOn(window, 'open').mockReturnValue(null);
      const opened = listen('pan-external-open');
      const el = await fixture();
      const visit = card(el, 'Zapier').querySelector<HTMLButtonElement>('[part~="visit-button"]')!;
      expect(visit.textContent).toMatch(/Visit\s+Zapier \(opens in a new tab\)/);
      visit.click();
      const url = 'https://zapier.com/apps/example/integrations';
      expect(open).toHaveBeenCalledExactlyOnceWith(url, '_blank', 'noopener');
      expect(opened).toHaveLength(1);
      expect(opened[0]!.cancelable).toBe(true);
      expect(opened[0]!.detail).toEqual({
        integration: { id: expect.any(String), slug: 'zapier', name: 'Zapier' },
        url,
      });

      // On its page, the action is Visit too (no Install).
      await openPage(el, 'Zapier');
      expect(part(el, 'install-button')).toBeNull();
      listen('pan-external-open', (event) => event.preventDefault());
      part<HTMLButtonElement>(el, 'visit-button')!.click();
      expect(opened).toHaveLength(2);
      expect(open).toHaveBeenCalledTimes(1);
    });
  });

  describe('keyboard', () => {
    it('opens a card with Enter, focuses the page heading, and Back returns focus to the card', async () => {
      const el = await fixture();
      const active = await tabUntil(el, (e) => e.getAttribute('part') === 'card-button');
      expect(text(active)).toBe('HubSpot Contacts');
      await userEvent.keyboard('{Enter}');
      await settled(el);
      const heading = part(el, 'detail-title')!;
      expect(heading.textContent).toBe('HubSpot Contacts');
      expect(focused(el)).toBe(heading);

      // The next Tab stop is Install; Back is the one before (the heading is not a Tab stop).
      await userEvent.tab();
      expect(focused(el)).toBe(part(el, 'install-button'));
      await userEvent.tab({ shift: true });
      expect(focused(el)).toBe(part(el, 'back-button'));
      await userEvent.keyboard('{Enter}');
      await settled(el);
      expect(focused(el)).toBe(cardButton(el, 'HubSpot Contacts'));
    });

    it('opens a card with Space', async () => {
      const el = await fixture();
      cardButton(el, 'Slack Alerts').focus();
      await userEvent.keyboard(' ');
      await settled(el);
      expect(focused(el)).toBe(part(el, 'detail-title'));
      expect(part(el, 'detail-title')?.textContent).toBe('Slack Alerts');
    });

    it('reaches every category with Tab', async () => {
      const el = await fixture();
      const reached: string[] = [];
      await tabUntil(el, (e) => {
        if (e.getAttribute('part')?.startsWith('category')) reached.push((e as HTMLElement).dataset.category!);
        return e.getAttribute('part')?.startsWith('tag') ?? false;
      });
      expect(reached).toEqual(['', 'crm', 'messaging']);
    });
  });

  describe('search', () => {
    it('debounces typing into one request and filters the cards', async () => {
      const el = await fixture();
      const requests = countRequests('/marketplace/catalog');
      await userEvent.type(searchInput(el), 'slack');
      await expect.poll(() => requests.count).toBe(1);
      await settled(el);
      expect(requests.count).toBe(1);
      expect(new URL(requests.urls[0]!).searchParams.get('q')).toBe('slack');
      expect(cardNames(el)).toEqual(['Slack Alerts']);
      expect(text(part(el, 'results')?.querySelector('[role="status"]'))).toBe('1 integration');
    });

    it('has a labelled search box', async () => {
      const el = await fixture();
      const input = searchInput(el);
      expect(input.type).toBe('search');
      expect(input.labels?.[0]?.textContent).toBe('Search integrations');
    });
  });

  describe('filters', () => {
    it('filters by category', async () => {
      const el = await fixture();
      const crm = filterButton(el, 'category', 'CRM');
      crm.click();
      await settled(el);
      expect(cardNames(el)).toEqual(['HubSpot Contacts', 'Salesforce Leads', 'Zapier']);
      expect(crm.getAttribute('aria-current')).toBe('true');
      expect(filterButton(el, 'category', 'All').getAttribute('aria-current')).toBe('false');

      filterButton(el, 'category', 'All').click();
      await settled(el);
      expect(cardNames(el)).toEqual(SALES_CATALOG);
    });

    it('toggles tag filters', async () => {
      const el = await fixture();
      const noCode = filterButton(el, 'tag', 'no-code');
      noCode.click();
      await settled(el);
      expect(noCode.getAttribute('aria-pressed')).toBe('true');
      expect(cardNames(el)).toEqual(['Zapier']);

      noCode.click();
      await settled(el);
      expect(noCode.getAttribute('aria-pressed')).toBe('false');
      expect(cardNames(el)).toEqual(SALES_CATALOG);
    });

    it('combines tags (every selected tag must match)', async () => {
      const el = await fixture();
      const requests = countRequests('/marketplace/catalog');
      filterButton(el, 'tag', 'contacts').click();
      await settled(el);
      filterButton(el, 'tag', 'two-way').click();
      await settled(el);
      expect(new URL(requests.urls.at(-1)!).searchParams.getAll('tag')).toEqual(['contacts', 'two-way']);
      expect(cardNames(el)).toEqual(['HubSpot Contacts']);
      filterButton(el, 'tag', 'leads').click();
      await settled(el);
      expect(part(el, 'empty')).not.toBeNull();
    });

    it('shows the empty state, and Clear filters brings everything back', async () => {
      const el = await fixture();
      filterButton(el, 'category', 'Messaging').click();
      await settled(el);
      const input = searchInput(el);
      input.value = 'hubspot';
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await expect.poll(() => part(el, 'empty')).not.toBeNull();
      expect(text(part(el, 'empty'))).toMatch(/No integrations match/);
      expect(el.matches(':state(empty)')).toBe(true);

      part(el, 'clear-filters-button')!.click();
      await settled(el);
      expect(cardNames(el)).toEqual(SALES_CATALOG);
      expect(searchInput(el).value).toBe('');
      expect(focused(el)).toBe(searchInput(el));
    });
  });

  describe('logos', () => {
    it('shows the logo image, and initials when it is missing or fails to load', async () => {
      const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>';
      const logo = `data:image/svg+xml,${encodeURIComponent(svg)}`;
      const logos: Record<string, string> = {
        'hubspot-contacts': logo,
        'slack-alerts': `${stack.apiBase}/no-such-logo.png`,
      };
      rewriteResponses('/marketplace/catalog', (body) => ({
        ...body,
        integrations: body.integrations.map((i: { slug: string }) => ({ ...i, logo_url: logos[i.slug] ?? null })),
      }));
      const el = await fixture();
      const hubspotLogo = card(el, 'HubSpot Contacts').querySelector('[part~="card-logo"]')!;
      expect(hubspotLogo.tagName).toBe('IMG');
      expect(hubspotLogo.getAttribute('alt')).toBe('');
      await expect
        .poll(() => text(card(el, 'Slack Alerts').querySelector('[part~="card-logo"]')))
        .toBe('SA');
      expect(text(card(el, 'Zapier').querySelector('[part~="card-logo"]'))).toBe('Z');
    });
  });

  describe('integration page', () => {
    it('shows the long description as text paragraphs, categories, tags and connectors', async () => {
      const el = await fixture();
      await openPage(el, 'HubSpot Contacts');
      const paragraphs = [...part(el, 'description')!.querySelectorAll('p')].map(text);
      expect(paragraphs).toEqual(['Keeps your contacts in step with HubSpot.', 'Runs every hour by default.']);
      const meta = text(part(el, 'meta'));
      expect(meta).toContain('CRM');
      expect(meta).toContain('two-way');
      expect(meta).toContain('hubspot');
      expect(text(part(el, 'flag'))).toBe('Popular');
    });

    it('styles the page, whose renderers and styles arrive in their own chunk, in every marketplace', async () => {
      const first = await fixture();
      const second = await fixture();
      await openPage(first, 'HubSpot Contacts');
      await openPage(second, 'Slack Alerts');
      for (const el of [first, second]) {
        expect(getComputedStyle(part(el, 'detail-title')!).letterSpacing).not.toBe('normal');
        // The catalog's own styles are still there next to the page's.
        expect(getComputedStyle(part(el, 'back-button')!).cursor).toBe('pointer');
        expect(getComputedStyle(part(el, 'meta')!).display).toBe('grid');
      }
    });

    it('never renders the long description as HTML', async () => {
      rewriteResponses('/marketplace/integrations/', (body) => ({
        ...body,
        long_description: '<img src=x onerror="window.__pwned=1"><b>bold</b>\n\nsecond',
      }));
      const el = await fixture();
      await openPage(el, 'Slack Alerts');
      const description = part(el, 'description')!;
      expect(description.querySelector('img, b')).toBeNull();
      expect(description.querySelectorAll('p')[0]!.textContent).toContain('<b>bold</b>');
    });
  });

  describe('group visibility', () => {
    it('shows sales users salesforce-leads and not s3-export', async () => {
      const el = await fixture({ user: 'sales' });
      expect(cardNames(el)).toContain('Salesforce Leads');
      expect(cardNames(el)).not.toContain('S3 Export');
    });

    it('shows engineering users s3-export and not salesforce-leads', async () => {
      const el = await fixture({ user: 'engineering' });
      expect(cardNames(el)).toContain('S3 Export');
      expect(cardNames(el)).not.toContain('Salesforce Leads');
      expect(parts(el, 'category').map((c) => c.dataset.category)).toEqual(['', 'crm', 'messaging', 'storage']);
    });
  });
});
