/**
 * The one place the component tests reach into shadow DOM, sign tokens and create fixtures.
 */
import axe from 'axe-core';
import { base64url, SignJWT } from 'jose';
import { expect, inject, vi } from 'vitest';
import { fixtureUsers } from '../../run-api/test/support/catalog-fixture.ts';
import '../src/define.ts';
import type { PanMarketplace } from '../src/index.ts';
import type { TriggerStatus } from '@pan/contract';
import { RunApiClient } from '../src/internal/api-client.ts';
import { followTrigger, startRun } from '../src/internal/trigger.ts';
import '../src/components/marketplace/marketplace-views.ts';

export const stack = inject('panStack');
export type UserKey = keyof typeof fixtureUsers;

// ---- tokens --------------------------------------------------------------------------------------

/** An HS256 JWT for a fixture user, as the host's backend would sign it (`xti` adds claims, e.g. `permissions`). */
export async function signToken(
  user: UserKey = 'sales',
  { expired = false, sub: subOverride, xti: extra }: { expired?: boolean; sub?: string; xti?: Record<string, unknown> } = {},
): Promise<string> {
  const { xti } = fixtureUsers[user];
  const sub = subOverride ?? fixtureUsers[user].sub;
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ xti: { ...xti, ...extra } })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(stack.issuer)
    .setAudience(stack.audience)
    .setSubject(sub)
    .setIssuedAt(expired ? now - 3600 : now)
    .setExpirationTime(expired ? now - 1800 : '5m')
    .sign(base64url.decode(stack.hs256Secret));
}

// ---- fixtures ------------------------------------------------------------------------------------

const mounted: HTMLElement[] = [];

export interface FixtureOptions {
  user?: UserKey;
  /** A token to use instead of a fresh one for `user`; `null` sets none. */
  token?: string | null;
  tokenProvider?: () => Promise<string>;
  /** Open this integration's page directly (the `integration` attribute). */
  integration?: string;
  /** Do not wait for the first load to finish. */
  noWait?: boolean;
}

/** Creates a `<pan-marketplace>` pointed at the test API, appends it and awaits its first load. */
export async function fixture(options: FixtureOptions = {}): Promise<PanMarketplace> {
  const el = document.createElement('pan-marketplace');
  el.apiBase = stack.apiBase;
  if (options.integration) el.setAttribute('integration', options.integration);
  if (options.tokenProvider) el.tokenProvider = options.tokenProvider;
  const token = options.token === undefined ? await signToken(options.user) : options.token;
  if (token) el.token = token;
  document.body.append(el);
  mounted.push(el);
  await el.updateComplete;
  if (!options.noWait) await settled(el);
  return el;
}

/** Removes every fixture, closes the sign-in windows opened, and restores spies (call it in `afterEach`). */
export function cleanup(): void {
  for (const el of mounted.splice(0)) el.remove();
  for (const remove of listeners.splice(0)) remove();
  for (const popup of popups.splice(0)) popup?.close();
  vi.restoreAllMocks();
}

/** Waits until no request of the current view is pending and the result is rendered. */
export async function settled(el: PanMarketplace): Promise<void> {
  await el.updateComplete;
  await expect.poll(() => el.matches(':state(loading)'), { timeout: 10_000 }).toBe(false);
  await el.updateComplete;
}

// ---- shadow DOM queries --------------------------------------------------------------------------

export function root(el: Element): ShadowRoot {
  if (!el.shadowRoot) throw new Error(`no shadow root in <${el.localName}>`);
  return el.shadowRoot;
}

/** The first match of `selector` in `el`'s shadow root. */
export function shadowQuery<K extends keyof HTMLElementTagNameMap>(el: Element, selector: K): HTMLElementTagNameMap[K] | null;
export function shadowQuery<T extends Element = HTMLElement>(el: Element, selector: string): T | null;
export function shadowQuery(el: Element, selector: string): Element | null {
  return root(el).querySelector(selector);
}

/** Every match of `selector` in `el`'s shadow root. */
export function shadowQueryAll<K extends keyof HTMLElementTagNameMap>(el: Element, selector: K): HTMLElementTagNameMap[K][];
export function shadowQueryAll<T extends Element = HTMLElement>(el: Element, selector: string): T[];
export function shadowQueryAll(el: Element, selector: string): Element[] {
  return [...root(el).querySelectorAll(selector)];
}

/** The first element with this part name. */
export function part<T extends HTMLElement = HTMLElement>(el: Element, name: string): T | null {
  return shadowQuery<T>(el, `[part~="${name}"]`);
}

/** Every element with this part name. */
export function parts<T extends HTMLElement = HTMLElement>(el: Element, name: string): T[] {
  return shadowQueryAll<T>(el, `[part~="${name}"]`);
}

const text = (node: Element | null | undefined) => node?.textContent?.replace(/\s+/g, ' ').trim() ?? '';

/** The names on the cards, in order. */
export function cardNames(el: PanMarketplace): string[] {
  return parts(el, 'card-title').map(text);
}

/** The button that opens a card, by integration name. */
export function cardButton(el: PanMarketplace, name: string): HTMLButtonElement {
  const button = parts<HTMLButtonElement>(el, 'card-button').find((b) => text(b) === name);
  if (!button) throw new Error(`no card named ${name}; cards: ${cardNames(el).join(', ')}`);
  return button;
}

/** The card (article) of an integration, by name. */
export function card(el: PanMarketplace, name: string): HTMLElement {
  return cardButton(el, name).closest<HTMLElement>('[part~="card"]')!;
}

/** A category button or tag chip by its visible name (without the count). */
export function filterButton(el: PanMarketplace, kind: 'category' | 'tag', name: string): HTMLButtonElement {
  const button = parts<HTMLButtonElement>(el, kind).find(
    (b) => (b.dataset.category !== undefined ? text(b.querySelector('.nav__name')) : b.dataset.tag) === name,
  );
  if (!button) throw new Error(`no ${kind} ${name}`);
  return button;
}

/** The search input. */
export function searchInput(el: PanMarketplace): HTMLInputElement {
  return part<HTMLInputElement>(el, 'search')!;
}

/** The element focused inside `el`'s shadow root, if any. */
export function focused(el: Element): Element | null {
  return root(el).activeElement;
}

export { text };

// ---- network & accessibility ---------------------------------------------------------------------

/** Counts the element's requests to the API paths containing `fragment` (and lets them through). */
export function countRequests(fragment: string): { readonly count: number; readonly urls: string[] } {
  const urls: string[] = [];
  const original = globalThis.fetch.bind(globalThis);
  vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url.includes(fragment)) urls.push(url);
    return original(input, init);
  });
  return {
    get count() {
      return urls.length;
    },
    urls,
  };
}

/** Rewrites the JSON answers of requests whose URL contains `fragment`. */
export function rewriteResponses(fragment: string, rewrite: (body: any) => unknown): void {
  const original = globalThis.fetch.bind(globalThis);
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const response = await original(input, init);
    const url = input instanceof Request ? input.url : String(input);
    if (!url.includes(fragment) || !response.ok) return response;
    const body = rewrite(await response.json());
    return new Response(JSON.stringify(body), { status: response.status, headers: response.headers });
  });
}

/** axe-core's violations for the element and its shadow root, as readable lines. */
export async function axeViolations(el: HTMLElement): Promise<string[]> {
  const results = await axe.run(el, { resultTypes: ['violations'] });
  return results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} -> ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`,
  );
}

// ---- events --------------------------------------------------------------------------------------

const listeners: Array<() => void> = [];

/** Records every `name` event that reaches the document (they are composed) until `cleanup()`. */
export function listen<K extends keyof GlobalEventHandlersEventMap>(
  name: K,
  handler?: (event: GlobalEventHandlersEventMap[K]) => void,
): GlobalEventHandlersEventMap[K][] {
  const events: GlobalEventHandlersEventMap[K][] = [];
  const listener = (event: GlobalEventHandlersEventMap[K]) => {
    events.push(event);
    handler?.(event);
  };
  document.addEventListener(name, listener);
  listeners.push(() => document.removeEventListener(name, listener));
  return events;
}

/** Resolves with the next `name` event that reaches the document: await it instead of polling for it. */
export function nextEvent<K extends keyof GlobalEventHandlersEventMap>(name: K): Promise<GlobalEventHandlersEventMap[K]> {
  return new Promise((resolve) => {
    const listener = (event: GlobalEventHandlersEventMap[K]) => resolve(event);
    document.addEventListener(name, listener, { once: true });
    listeners.push(() => document.removeEventListener(name, listener));
  });
}

// ---- views beyond the catalog ----------------------------------------------------------------------

/**
 * A fresh end user (tenants are per user, so each test gets its own) and an API client for them;
 * `xti` adds claims to their token (e.g. `{permissions: ['run', 'logs']}`).
 */
export async function newUser(
  user: UserKey = 'engineering',
  xti?: Record<string, unknown>,
): Promise<{ sub: string; api: RunApiClient; token: string }> {
  return userApi(`view-test-${crypto.randomUUID()}`, user, xti);
}

/** An API client (and its token) for the end user `sub`, in the fixture group of `user`. */
export async function userApi(
  sub: string,
  user: UserKey = 'engineering',
  xti?: Record<string, unknown>,
): Promise<{ sub: string; api: RunApiClient; token: string }> {
  const token = await signToken(user, { sub, ...(xti ? { xti } : {}) });
  const api = new RunApiClient({
    baseUrl: () => stack.apiBase,
    token: () => token,
    tokenProvider: () => undefined,
    onTokenRefreshed: () => {},
    onTokenExpired: () => {},
  });
  return { sub, api, token };
}

/** Queues a run of the tenant through the API and waits until it ended: its trigger's final state. */
export async function runToEnd(api: RunApiClient, tenantId: string, mode: 'init' | 'normal' = 'normal'): Promise<TriggerStatus> {
  const triggerId = await startRun(api, tenantId, mode);
  return followTrigger(api, triggerId);
}

/** Creates `<tag>`, sets its properties, appends it and awaits its first render (its `updateComplete`). */
export async function mountView<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  properties: Partial<HTMLElementTagNameMap[K]> & Record<string, unknown>,
): Promise<HTMLElementTagNameMap[K]> {
  const el = document.createElement(tag);
  Object.assign(el, properties);
  document.body.append(el);
  mounted.push(el);
  await (el as unknown as { updateComplete: Promise<unknown> }).updateComplete;
  return el;
}

/** The text of the first match of `selector` in `el`'s shadow root ('' when none). */
export function shadowText(el: Element, selector: string): string {
  return text(el.shadowRoot?.querySelector(selector));
}

// ---- connections ---------------------------------------------------------------------------------

const popups: Array<Window | null> = [];

/**
 * Lets `window.open` through and records each call and the window it returned (`null` when
 * `blocked`); the windows are closed by `cleanup()`.
 */
export function trackPopups({ blocked = false }: { blocked?: boolean } = {}): {
  calls: Array<[string | URL | undefined, string | undefined, string | undefined]>;
  windows: Array<Window | null>;
} {
  const calls: Array<[string | URL | undefined, string | undefined, string | undefined]> = [];
  const windows: Array<Window | null> = [];
  const original = window.open.bind(window);
  vi.spyOn(window, 'open').mockImplementation((url, target, features) => {
    calls.push([url, target, features]);
    const opened = blocked ? null : original(url, target, features);
    windows.push(opened);
    popups.push(opened);
    return opened;
  });
  return { calls, windows };
}

/** The row of `connector` in a `<pan-connections>` (by its name, e.g. `acme-billing`). */
export function connectionRow(el: Element, connector: string): HTMLElement | null {
  return el.shadowRoot?.querySelector<HTMLElement>(`[part~="connection"][data-connector="${CSS.escape(connector)}"]`) ?? null;
}

/** The status badge text of `connector` in a `<pan-connections>` ('' when it is not shown). */
export function connectionStatus(el: Element, connector: string): string {
  return text(connectionRow(el, connector)?.querySelector('[part~="status"]'));
}

/** Every `<pan-connections>` inside `el`'s shadow root, and in theirs. */
export function connectionsElements(el: Element): HTMLElementTagNameMap['pan-connections'][] {
  const found: HTMLElementTagNameMap['pan-connections'][] = [];
  const visit = (root: ShadowRoot | null | undefined) => {
    for (const child of root?.querySelectorAll('*') ?? []) {
      if (child.localName === 'pan-connections') found.push(child as HTMLElementTagNameMap['pan-connections']);
      visit(child.shadowRoot);
    }
  };
  visit(el.shadowRoot);
  return found;
}
