import { initialState, Task, TaskStatus } from '@lit/task';
import { adoptStyles, html, nothing, type TemplateResult } from 'lit';
import type { Catalog, IntegrationCard, IntegrationDetail } from '@pan/contract';
import type {} from '../../events/events.ts';
import type { PanIntegrationRef } from '../../events/pan-install-request.ts';
import type { PanInstalledEvent } from '../../events/pan-installed.ts';
import type { PanNavigateDetail, PanNavigateEvent } from '../../events/pan-navigate.ts';
import { PanApiError, RunApiClient } from '../../internal/api-client.ts';
import { PanElement } from '../../internal/pan-element.ts';
import { describeError, initials } from '../../internal/views.ts';
import type { IntegrationPageHost } from './integration-page.ts';
import type { MarketplaceViewsHost } from './marketplace-views.ts';
import { renderFlag, renderInstalled, renderReconnect, safeUrl } from './marketplace-parts.ts';
import styles from './marketplace.styles.ts';

/** Delay between the last keystroke in the search box and the catalog request. */
const SEARCH_DELAY_MS = 250;
const SKELETON_CARDS = 6;

type FocusTarget = { kind: 'heading' } | { kind: 'search' } | { kind: 'card'; slug: string };
type View = 'browse' | 'install' | 'my-integrations' | 'tenant' | 'connections';

/**
 * @summary An embedded integration marketplace: a searchable, filterable catalog of the account's
 * integrations and a page per integration, loaded from the run API with the end user's token;
 * the install flow, My integrations and Connections (the user's accounts in other systems).
 *
 * Modes (the `mode` attribute): `full` (the default), `install` (one integration's install flow,
 * from the `integration` attribute) and `auth` (only the connect buttons of the integrations the
 * token's `xti.auth_only` names, each installed with its preset settings as soon as its connections
 * are made; settings are never shown). The views beyond the catalog and the other modes load lazily.
 *
 * Back from a full-page sign-in (when popups are blocked, a connector's sign-in leaves the page and
 * comes back with `pan_oauth`, `pan_connector` and `pan_message` in the URL), it opens on
 * Connections, which shows the result and removes those parameters from the URL.
 *
 * @event {PanInstallRequestEvent} pan-install-request - The user pressed Install. Cancelable;
 *   `detail: {integration: {id, slug, name}}`. If not canceled, the element continues the install
 *   itself: it opens the install flow.
 * @event {PanExternalOpenEvent} pan-external-open - The user pressed Visit on an external
 *   integration. Cancelable (prevents opening the tab); `detail: {integration: {id, slug, name}, url}`.
 * @event {PanNavigateEvent} pan-navigate - The user opened an integration page or went back;
 *   `detail: {view: 'catalog' | 'detail', slug: string | null}`.
 * @event {PanTokenExpiredEvent} pan-token-expired - The token expired and could not be renewed
 *   through `tokenProvider`; `detail: {reason: 'no-provider' | 'provider-failed' | 'still-expired'}`.
 *   Set a new `token` to reload.
 * @event {PanConnectedEvent} pan-connected - The user connected an account (Connections, the install
 *   flow's Connect step, an installation's page, or auth mode); `detail: {connector}`.
 * @event {PanDisconnectedEvent} pan-disconnected - The user disconnected one; `detail: {connector}`.
 * @event {PanReconnectNeededEvent} pan-reconnect-needed - A connection shown needs the user to sign in
 *   again (its refresh was refused); `detail: {connector, reason}`.
 * @event {PanInstalledEvent} pan-installed - An integration was installed (install flow, or auth mode
 *   once its connections are made); `detail: {tenant: {id, integration}}`.
 *
 * @csspart base - The wrapper of everything (a labelled region).
 * @csspart heading - The catalog's title.
 * @csspart search - The search `<input type="search">`.
 * @csspart nav - The category navigation.
 * @csspart category - A category button (also `category-current` when selected).
 * @csspart tags - The group of tag filters.
 * @csspart tag - A tag filter toggle (also `tag-pressed` when on).
 * @csspart results - The area that holds the cards, or the loading, empty or error state.
 * @csspart card - An integration card.
 * @csspart card-logo - A card's logo image, or its initials when there is none.
 * @csspart card-title - A card's heading.
 * @csspart card-button - The button in a card's heading that opens its page (covers the card).
 * @csspart card-description - A card's short description.
 * @csspart flag - A flag badge (its colour is the flag's).
 * @csspart installed-badge - The "Installed" marker.
 * @csspart reconnect-badge - The "Reconnect" marker of a card (and of the Connections tab) whose connection needs the user to sign in again.
 * @csspart tabs - The sections' navigation (Browse, My integrations, Connections), in full mode.
 * @csspart tab - One of its buttons (`aria-current="page"` on the current one).
 * @csspart visit-button - Visit, on external integrations.
 * @csspart empty - The state shown when no integration matches.
 * @csspart clear-filters-button - Clears the search and filters (in the empty state).
 * @csspart error - The error state.
 * @csspart retry-button - Retries the failed request.
 * @csspart detail - An integration page.
 * @csspart back-button - Goes back from an integration page to the catalog.
 * @csspart detail-logo - The integration page's logo.
 * @csspart detail-title - The integration page's heading.
 * @csspart description - The integration page's long description.
 * @csspart meta - Categories, tags, connectors and version on an integration page.
 * @csspart install-button - Install, on an integration page.
 *
 * @cssproperty --pan-font-family - Global token: the font stack.
 * @cssproperty --pan-color-primary-50 - Global token: the lightest primary tint (also -100, -600, -700).
 * @cssproperty --pan-color-primary-600 - Global token: the primary colour (buttons, selection, focus).
 * @cssproperty --pan-color-neutral-0 - Global token: the surface colour (also -50 ... -900 for greys and text).
 * @cssproperty --pan-color-danger-600 - Global token: errors (also -50 and -700: the "Reconnect" marker).
 * @cssproperty --pan-color-success-700 - Global token: the "Installed" marker (with -50).
 * @cssproperty --pan-radius-s - Global token: small radius (also -m, -l, -pill).
 * @cssproperty --pan-space-s - Global token: spacing (also -2xs, -xs, -m, -l, -xl).
 * @cssproperty --pan-shadow-s - Global token: resting shadow (also -m for hover).
 * @cssproperty --pan-focus-ring - Global token: the focus outline.
 * @cssproperty --pan-marketplace-card-gap - The gap between cards.
 * @cssproperty --pan-marketplace-card-min-width - The narrowest a card gets before the grid drops a column.
 * @cssproperty --pan-marketplace-card-background - The cards' background.
 * @cssproperty --pan-marketplace-card-radius - The cards' corner radius.
 * @cssproperty --pan-marketplace-card-padding - The space inside a card.
 * @cssproperty --pan-marketplace-logo-size - The size of the logos on cards.
 * @cssproperty --pan-marketplace-nav-width - The width of the category column on wide layouts.
 *
 * @cssstate loading - A request for the current view (or the code that shows it) is in progress.
 * @cssstate error - The current view failed to load.
 * @cssstate empty - The catalog loaded and nothing matches.
 */
export class PanMarketplace extends PanElement {
  static override styles = styles;

  // Declared here rather than with decorators: the catalog's first load then needs no decorator
  // helpers (the lazy views still use them).
  static override properties = {
    apiBase: { attribute: 'api-base' },
    token: { attribute: false },
    tokenProvider: { attribute: false },
    slug: { attribute: 'integration' },
    label: {},
    mode: { reflect: true },
    query: { state: true },
    searchTerm: { state: true },
    category: { state: true },
    selectedTags: { state: true },
    view: { state: true },
    installSlug: { state: true },
    tenantId: { state: true },
    refreshEpoch: { state: true },
  };

  /** The run API's base URL, e.g. `https://marketplace.example.com/api`. */
  apiBase?: string;

  /**
   * The end user's JWT, signed by the host's backend. A property only: it is never read from or
   * reflected to an attribute, and it is only sent in the `Authorization` header. Nothing is
   * requested until it is set; setting a new token reloads.
   */
  get token(): string | undefined {
    return this.#token;
  }
  set token(value: string | undefined) {
    if (value !== this.#token) this.#authEpoch++;
    this.#token = value;
  }

  /**
   * Called when the API answers that the token expired: resolve with a fresh token and the request
   * is retried once. Without it (or if it fails), `pan-token-expired` is emitted.
   */
  tokenProvider?: () => Promise<string>;

  /** The integration page shown, by slug; `null` shows the catalog. Set it to open a page directly. */
  slug: string | null = null;

  /** The marketplace's title and accessible name. */
  label = 'Integrations';

  /**
   * `full`: catalog, integration pages, install flow, My integrations and Connections. `install`: only
   * the install flow of the `integration` attribute's integration, then its settings page. `auth`:
   * only the connect buttons of the integrations the token's `xti.auth_only` names, each installed
   * with its preset settings once connected (no catalog, no settings shown).
   */
  mode: 'full' | 'install' | 'auth' = 'full';

  private query = '';
  private searchTerm = '';
  private category = '';
  private selectedTags: readonly string[] = [];
  /**
   * Which part of the marketplace is shown; `browse` is the catalog or an integration page. Back
   * from a full-page sign-in (popups blocked), Connections shows its result.
   */
  private view: View = location.search.includes('pan_oauth') ? 'connections' : 'browse';
  private installSlug = '';
  private tenantId = '';
  /** Bumped after an install or uninstall so the catalog's Installed markers follow. */
  private refreshEpoch = 0;

  #token: string | undefined;
  /** Bumped when the host sets a new token (not when `tokenProvider` renews it): reloads. */
  #authEpoch = 0;
  #searchTimer: ReturnType<typeof setTimeout> | undefined;
  /** The last catalog received: its facets stay on screen while a new request is pending. */
  #lastCatalog: Catalog | undefined;
  #totalCount: number | undefined;
  /** The card that opened the page, shown until the full detail arrives. */
  #preview: IntegrationCard | undefined;
  #focusTarget: FocusTarget | undefined;
  readonly #brokenLogos = new Set<string>();
  readonly #internals: ElementInternals | undefined =
    typeof this.attachInternals === 'function' ? this.attachInternals() : undefined;

  readonly #api = new RunApiClient({
    baseUrl: () => this.apiBase,
    token: () => this.#token,
    tokenProvider: () => this.tokenProvider,
    onTokenRefreshed: (token) => {
      this.#token = token;
    },
    onTokenExpired: (reason) => {
      this.emit('pan-token-expired', { detail: { reason } });
    },
  });

  readonly #catalog = new Task(this, {
    args: () =>
      [this.apiBase, this.#authEpoch + this.refreshEpoch, this.searchTerm, this.category, this.selectedTags, this.mode] as const,
    task: async ([, , q, category, tags, mode], { signal }) => {
      // The other modes show no catalog: nothing to load.
      if (!this.#api.ready || mode !== 'full') return initialState;
      return this.#api.get<Catalog>('/marketplace/catalog', { q, category, tag: [...tags] }, signal);
    },
    // Only the latest request completes here (superseded ones are ignored by the task).
    onComplete: (catalog) => {
      this.#lastCatalog = catalog;
      // The catalog is on screen: fetch the integration page's chunk before anyone opens one.
      this.#loadPage();
      if (!this.#filtered) this.#totalCount = catalog.integrations.length;
    },
  });

  readonly #detail = new Task(this, {
    args: () => [this.apiBase, this.#authEpoch + this.refreshEpoch, this.slug, this.mode] as const,
    task: async ([, , slug, mode], { signal }) => {
      // The other modes show no integration page: nothing to load.
      if (!slug || !this.#api.ready || mode !== 'full') return initialState;
      return this.#api.get<IntegrationDetail>(
        `/marketplace/integrations/${encodeURIComponent(slug)}`,
        {},
        signal,
      );
    },
  });

  /** The views beyond the catalog (install flow, My integrations, a tenant), once loaded. */
  #views: typeof import('./marketplace-views.ts') | undefined;
  #viewsLoading: Promise<unknown> | undefined;
  /** The integration page's module, once loaded (see #loadPage). */
  #page: typeof import('./integration-page.ts') | undefined;
  #pageLoading: Promise<unknown> | undefined;

  /** Loads the integration page's renderers and adds its styles to this shadow root. */
  #loadPage(): void {
    this.#pageLoading ??= import('./integration-page.ts').then((page) => {
      adoptStyles(this.renderRoot as ShadowRoot, [...PanMarketplace.elementStyles, page.styles]);
      this.#page = page;
      this.requestUpdate();
    });
  }

  #loadViews(): void {
    this.#viewsLoading ??= import('./marketplace-views.ts').then((views) => {
      this.#views = views;
      this.requestUpdate();
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#searchTimer);
  }

  #focusView = false;

  protected override willUpdate(): void {
    if (this.mode !== 'full' || this.view !== 'browse') this.#loadViews();
    else if (this.slug) this.#loadPage();
  }

  protected override updated(): void {
    if (this.#focusView && this.#views) {
      this.#focusView = false;
      this.renderRoot.querySelector<HTMLElement>('#view')?.focus();
    }
    const task = this.slug ? this.#detail : this.#catalog;
    // An integration page is still loading while its chunk is: it shows nothing of the detail before.
    const pagePending = this.mode === 'full' && this.view === 'browse' && !!this.slug && !this.#page;
    const pending = task.status === TaskStatus.PENDING || pagePending;
    this.#setState('loading', pending);
    this.#setState('error', task.status === TaskStatus.ERROR);
    this.#setState(
      'empty',
      !this.slug && task.status === TaskStatus.COMPLETE && !this.#catalog.value?.integrations.length,
    );
    this.#moveFocus(pending);
  }

  /** Opens the install flow (connect, settings, schedule, enable) once the host let `pan-install-request` through. */
  protected startInstall(integration: PanIntegrationRef): void {
    this.installSlug = integration.slug;
    this.#show('install', { view: 'install', slug: integration.slug });
  }

  override render(): TemplateResult {
    return html`<section class="marketplace" part="base" aria-label=${this.label}>
      ${this.mode === 'full'
        ? html`${this.#renderTabs()}${this.#renderFullMode()}`
        : this.#views
          ? this.#views.renderMode(this.#api, this)
          : this.#renderViewLoading()}
    </section>`;
  }

  #renderFullMode(): TemplateResult {
    if (this.view === 'browse') return this.slug ? this.#renderDetail(this.slug) : this.#renderCatalog();
    if (!this.#views) return this.#renderViewLoading();
    return html`<div class="view" id="view" tabindex="-1">${this.#views.renderView(this.#viewsHost, this.view)}</div>`;
  }

  readonly #viewsHost: MarketplaceViewsHost = {
    api: this.#api,
    installSlug: () => this.installSlug,
    tenantId: () => this.tenantId,
    onInstalled: (event) => this.#onInstalled(event),
    onInstallCancel: () => this.#onInstallCancel(),
    onNavigate: (event) => this.#onChildNavigate(event),
    onUninstalled: () => this.#onUninstalled(),
    showMine: () => this.#showMine(),
    onConnectionChange: () => this.refreshEpoch++,
  };

  #renderTabs(): TemplateResult {
    const view = this.view;
    const mine = view === 'my-integrations' || view === 'tenant';
    return html`<nav class="tabs" part="tabs" aria-label="Marketplace sections">
      <button type="button" class="tab" part="tab" aria-current=${mine || view === 'connections' ? 'false' : 'page'} @click=${this.#showBrowse}>
        Browse
      </button>
      <button type="button" class="tab" part="tab" aria-current=${mine ? 'page' : 'false'} @click=${this.#showMine}>
        My integrations
      </button>
      <button type="button" class="tab" part="tab" aria-current=${view === 'connections' ? 'page' : 'false'} @click=${this.#showConnections}>
        Connections ${this.#catalog.value?.integrations.some((i) => i.reconnect_needed) ? renderReconnect() : nothing}
      </button>
    </nav>`;
  }

  #renderViewLoading(): TemplateResult {
    return html`<div class="state" aria-busy="true"><p class="state__title">Loading…</p></div>`;
  }

  #show(view: View, detail: PanNavigateDetail): void {
    this.view = view;
    this.#focusView = view !== 'browse';
    this.emit('pan-navigate', { detail });
  }

  #showBrowse = (): void => {
    this.slug = null;
    this.#show('browse', { view: 'catalog', slug: null });
  };

  #showMine = (): void => {
    this.#show('my-integrations', { view: 'my-integrations', slug: null });
  };

  #showConnections = (): void => {
    this.#show('connections', { view: 'connections', slug: null });
  };

  #onInstalled = (event: PanInstalledEvent): void => {
    this.refreshEpoch++;
    this.tenantId = event.detail.tenant.id;
    this.#show('tenant', { view: 'tenant', slug: event.detail.tenant.integration.slug, tenantId: this.tenantId });
  };

  #onInstallCancel = (): void => {
    // Back to the integration page the flow started from.
    this.#show('browse', { view: 'detail', slug: this.slug });
  };

  #onUninstalled = (): void => {
    this.refreshEpoch++;
    this.tenantId = '';
    this.#showMine();
  };

  /** Navigation asked for by a view (open an installation, or the catalog). */
  #onChildNavigate = (event: PanNavigateEvent): void => {
    // Re-emitted from here with the marketplace as its target.
    event.stopPropagation();
    const { view, tenantId } = event.detail;
    if (view === 'tenant' && tenantId) {
      this.tenantId = tenantId;
      this.#show('tenant', event.detail);
    } else if (view === 'catalog') {
      this.#showBrowse();
    }
  };

  // ---- catalog -----------------------------------------------------------------------------------

  #renderCatalog(): TemplateResult {
    const status = this.#catalog.status;
    const catalog = this.#lastCatalog;
    const busy = status === TaskStatus.PENDING || status === TaskStatus.INITIAL;
    return html`
      <header class="header">
        <h2 class="header__title" part="heading">${this.label}</h2>
        <form class="search" role="search" @submit=${this.#onSearchSubmit}>
          <label class="sr-only" for="search">Search integrations</label>
          <svg class="search__icon" viewBox="0 0 20 20" aria-hidden="true">
            <circle cx="8.5" cy="8.5" r="5.5" /><path d="m13 13 4.5 4.5" />
          </svg>
          <input
            id="search"
            class="search__input"
            part="search"
            type="search"
            placeholder="Search integrations"
            autocomplete="off"
            maxlength="200"
            .value=${this.query}
            @input=${this.#onSearchInput}
          />
        </form>
      </header>
      <div class="layout">
        ${catalog ? this.#renderNav(catalog) : nothing}
        <div class="main">
          ${catalog?.tags.length ? this.#renderTags(catalog) : nothing}
          <div class="results" part="results" aria-busy=${busy ? 'true' : 'false'}>
            <p class="results__summary" role="status">${this.#summary(status)}</p>
            ${this.#catalog.render({
              initial: () => this.#renderSkeleton(),
              pending: () =>
                this.#catalog.value ? this.#renderGrid(this.#catalog.value, true) : this.#renderSkeleton(),
              complete: (value) => this.#renderGrid(value, false),
              error: (error) =>
                this.#renderError(error, "Couldn't load integrations", () => this.#catalog.run()),
            })}
          </div>
        </div>
      </div>
    `;
  }

  #summary(status: TaskStatus): string {
    if (status === TaskStatus.ERROR) return '';
    if (status !== TaskStatus.COMPLETE) return 'Loading integrations…';
    const count = this.#catalog.value?.integrations.length ?? 0;
    return `${count} ${count === 1 ? 'integration' : 'integrations'}`;
  }

  #renderNav(catalog: Catalog): TemplateResult {
    const item = (slug: string, name: string, count: number | undefined) => {
      const current = this.category === slug;
      return html`<li>
        <button
          type="button"
          class="nav__item"
          part=${current ? 'category category-current' : 'category'}
          aria-current=${current ? 'true' : 'false'}
          data-category=${slug}
          @click=${this.#onCategoryClick}
        >
          <span class="nav__name">${name}</span>
          ${count === undefined
            ? nothing
            : html`<span class="count"><span class="sr-only">, </span>${count}</span>`}
        </button>
      </li>`;
    };
    return html`<nav class="nav" part="nav" aria-label="Categories">
      <ul class="nav__list" role="list">
        ${item('', 'All', this.#totalCount)}
        ${catalog.categories.map((c) => item(c.slug, c.name, c.count))}
      </ul>
    </nav>`;
  }

  #renderTags(catalog: Catalog): TemplateResult {
    return html`<div class="tags" part="tags" role="group" aria-label="Filter by tag">
      ${catalog.tags.map((tag) => {
        const pressed = this.selectedTags.includes(tag.name);
        return html`<button
          type="button"
          class="tag"
          part=${pressed ? 'tag tag-pressed' : 'tag'}
          aria-pressed=${pressed ? 'true' : 'false'}
          data-tag=${tag.name}
          @click=${this.#onTagClick}
        >
          ${tag.name}<span class="count"><span class="sr-only">, </span>${tag.count}</span>
        </button>`;
      })}
    </div>`;
  }

  #renderGrid(catalog: Catalog, stale: boolean): TemplateResult {
    if (!catalog.integrations.length) return this.#renderEmpty();
    return html`<ul class=${stale ? 'grid grid--stale' : 'grid'} role="list">
      ${catalog.integrations.map((i) => html`<li class="grid__item">${this.#renderCard(i)}</li>`)}
    </ul>`;
  }

  #renderCard(i: IntegrationCard): TemplateResult {
    const url = safeUrl(i);
    return html`<article class="card" part="card">
      <div class="card__top">${this.#renderLogo(i, 'card-logo')} ${renderFlag(i.flag)}</div>
      <h3 class="card__title" part="card-title">
        <button
          type="button"
          class="card__open"
          part="card-button"
          data-slug=${i.slug}
          aria-describedby=${`card-desc-${i.slug}`}
          @click=${this.#onCardClick}
        >
          ${i.name}
        </button>
      </h3>
      <p class="card__description" part="card-description" id=${`card-desc-${i.slug}`}>
        ${i.short_description}
      </p>
      ${i.installed || i.reconnect_needed || url
        ? html`<div class="card__footer">
            ${i.installed ? renderInstalled() : nothing} ${i.reconnect_needed ? renderReconnect() : nothing}
            ${url ? this.#renderVisit(i, url, 'button button--small card__visit') : nothing}
          </div>`
        : nothing}
    </article>`;
  }

  #renderSkeleton(): TemplateResult {
    return html`<ul class="grid" role="list" aria-hidden="true">
      ${Array.from(
        { length: SKELETON_CARDS },
        () => html`<li class="card card--skeleton">
          <span class="skeleton skeleton--logo"></span>
          <span class="skeleton skeleton--title"></span>
          <span class="skeleton skeleton--line"></span>
          <span class="skeleton skeleton--line skeleton--short"></span>
        </li>`,
      )}
    </ul>`;
  }

  get #filtered(): boolean {
    return Boolean(this.searchTerm || this.category || this.selectedTags.length);
  }

  #renderEmpty(): TemplateResult {
    const filtered = this.#filtered;
    return html`<div class="state" part="empty">
      <p class="state__title">${filtered ? 'No integrations match' : 'No integrations yet'}</p>
      <p class="state__text">
        ${filtered
          ? 'Try another search, or clear the filters to see everything.'
          : 'Integrations will appear here once they are published.'}
      </p>
      ${filtered
        ? html`<button
            type="button"
            class="button"
            part="clear-filters-button"
            @click=${this.#clearFilters}
          >
            Clear filters
          </button>`
        : nothing}
    </div>`;
  }

  #renderError(error: unknown, title: string, retry: () => void): TemplateResult {
    return html`<div class="state state--error" part="error" role="alert">
      <p class="state__title">${title}</p>
      <p class="state__text">${describeError(error, 'This integration is not available.')}</p>
      <button type="button" class="button" part="retry-button" @click=${retry}>Retry</button>
    </div>`;
  }

  // ---- detail ------------------------------------------------------------------------------------

  #renderDetail(slug: string): TemplateResult {
    const page = this.#page;
    const status = this.#detail.status;
    const value = this.#detail.value;
    const detail = status !== TaskStatus.ERROR && value?.slug === slug ? value : undefined;
    const head = page && (detail ?? (this.#preview?.slug === slug ? this.#preview : undefined));
    const body = page && detail;
    return html`
      <div class="detail-bar">
        <button type="button" class="button button--ghost" part="back-button" @click=${this.#onBack}>
          <svg class="icon" viewBox="0 0 20 20" aria-hidden="true"><path d="M12.5 4.5 7 10l5.5 5.5" /></svg>
          All integrations
        </button>
      </div>
      <article
        class="detail"
        part="detail"
        aria-labelledby=${head ? 'detail-title' : nothing}
        aria-label=${head ? nothing : 'Integration'}
        aria-busy=${body || status === TaskStatus.ERROR ? 'false' : 'true'}
      >
        ${head ? page.renderHeader(this.#pageHost, head) : nothing}
        ${status === TaskStatus.ERROR
          ? this.#renderError(this.#detail.error, "Couldn't load this integration", () =>
              this.#detail.run(),
            )
          : body
            ? page.renderBody(body, new Map(this.#lastCatalog?.categories.map((c) => [c.slug, c.name])))
            : html`<div class="detail__loading" aria-hidden="true">
                ${head ? nothing : html`<span class="skeleton skeleton--logo"></span>`}
                <span class="skeleton skeleton--title"></span>
                <span class="skeleton skeleton--line"></span>
                <span class="skeleton skeleton--line"></span>
                <span class="skeleton skeleton--line skeleton--short"></span>
              </div>`}
      </article>
    `;
  }

  readonly #pageHost: IntegrationPageHost = {
    renderLogo: (i, part, className) => this.#renderLogo(i, part, className),
    renderVisit: (i, url, className) => this.#renderVisit(i, url, className),
    install: (i) => this.#onInstall(i),
  };

  // ---- shared pieces -----------------------------------------------------------------------------

  #renderLogo(i: IntegrationCard, part: string, className = 'logo'): TemplateResult {
    if (i.logo_url && !this.#brokenLogos.has(i.logo_url)) {
      return html`<img
        class=${className}
        part=${part}
        src=${i.logo_url}
        alt=""
        loading="lazy"
        @error=${this.#onLogoError}
      />`;
    }
    return html`<span class=${`${className} logo--initials`} part=${part} aria-hidden="true"
      >${initials(i.name)}</span
    >`;
  }

  #renderVisit(i: IntegrationCard, url: string, className: string): TemplateResult {
    return html`<button
      type="button"
      class=${className}
      part="visit-button"
      @click=${() => this.#onVisit(i, url)}
    >
      Visit<span class="sr-only"> ${i.name} (opens in a new tab)</span>
      <svg class="icon" viewBox="0 0 20 20" aria-hidden="true">
        <path d="M8 4.5H4.5v11h11V12M11 4.5h4.5V9M15.5 4.5 9 11" />
      </svg>
    </button>`;
  }

  // ---- behaviour ---------------------------------------------------------------------------------

  #onSearchInput = (event: Event): void => {
    this.query = (event.target as HTMLInputElement).value;
    clearTimeout(this.#searchTimer);
    this.#searchTimer = setTimeout(() => {
      this.searchTerm = this.query.trim();
    }, SEARCH_DELAY_MS);
  };

  #onSearchSubmit = (event: Event): void => {
    event.preventDefault();
    clearTimeout(this.#searchTimer);
    this.searchTerm = this.query.trim();
  };

  #onCategoryClick = (event: Event): void => {
    this.category = (event.currentTarget as HTMLElement).dataset.category ?? '';
  };

  #onTagClick = (event: Event): void => {
    const tag = (event.currentTarget as HTMLElement).dataset.tag ?? '';
    this.selectedTags = this.selectedTags.includes(tag)
      ? this.selectedTags.filter((t) => t !== tag)
      : [...this.selectedTags, tag];
  };

  #clearFilters = (): void => {
    clearTimeout(this.#searchTimer);
    this.query = '';
    this.searchTerm = '';
    this.category = '';
    this.selectedTags = [];
    this.#focusTarget = { kind: 'search' };
  };

  #onCardClick = (event: Event): void => {
    const slug = (event.currentTarget as HTMLElement).dataset.slug;
    const card = this.#lastCatalog?.integrations.find((i) => i.slug === slug);
    if (!card) return;
    this.#preview = card;
    this.slug = card.slug;
    this.#focusTarget = { kind: 'heading' };
    this.emit('pan-navigate', { detail: { view: 'detail', slug: card.slug } });
  };

  #onBack = (): void => {
    const slug = this.slug;
    this.slug = null;
    this.#focusTarget = slug ? { kind: 'card', slug } : { kind: 'search' };
    this.emit('pan-navigate', { detail: { view: 'catalog', slug: null } });
  };

  #onInstall(i: IntegrationCard): void {
    const integration = ref(i);
    const event = this.emit('pan-install-request', { detail: { integration }, cancelable: true });
    if (!event.defaultPrevented) this.startInstall(integration);
  }

  #onVisit(i: IntegrationCard, url: string): void {
    const event = this.emit('pan-external-open', {
      detail: { integration: ref(i), url },
      cancelable: true,
    });
    if (!event.defaultPrevented) window.open(url, '_blank', 'noopener');
  }

  #onLogoError = (event: Event): void => {
    this.#brokenLogos.add((event.target as HTMLImageElement).getAttribute('src') ?? '');
    this.requestUpdate();
  };

  #moveFocus(pending: boolean): void {
    const target = this.#focusTarget;
    if (!target) return;
    const root = this.renderRoot;
    let element: HTMLElement | null = null;
    if (target.kind === 'heading') {
      element = root.querySelector<HTMLElement>('#detail-title');
    } else if (target.kind === 'card') {
      element = root.querySelector<HTMLElement>(`.card__open[data-slug="${CSS.escape(target.slug)}"]`);
      // The card is gone (filtered out, or the page was opened directly): fall back to the search.
      if (!element && !pending) element = root.querySelector<HTMLElement>('#search');
    } else {
      element = root.querySelector<HTMLElement>('#search');
    }
    if (element) {
      this.#focusTarget = undefined;
      element.focus();
    } else if (!pending && target.kind === 'heading' && this.#detail.status === TaskStatus.ERROR) {
      this.#focusTarget = undefined;
      root.querySelector<HTMLElement>('[part="retry-button"]')?.focus();
    }
  }

  #setState(name: string, on: boolean): void {
    const states = this.#internals?.states;
    if (!states) return;
    try {
      if (on) states.add(name);
      else states.delete(name);
    } catch {
      // Browsers that only accept `--dashed` state names: no custom states there.
    }
  }
}

// ---- helpers (pure) ------------------------------------------------------------------------------

function ref(i: IntegrationCard): PanIntegrationRef {
  return { id: i.id, slug: i.slug, name: i.name };
}

