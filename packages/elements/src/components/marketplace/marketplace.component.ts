import { TaskStatus } from '@lit/task';
import { adoptStyles, html, nothing, type CSSResultGroup, type CSSResultOrNative, type TemplateResult } from 'lit';
import type { IntegrationCard } from '@pan/contract';
import type {} from '../../events/events.ts';
import type { PanIntegrationRef } from '../../events/pan-install-request.ts';
import { RunApiClient } from '../../internal/api-client.ts';
import { msg, setTokenLocale, str } from '../../internal/locale.ts';


import { PanElement } from '../../internal/pan-element.ts';
import { initials } from '../../internal/views.ts';
import { CatalogView } from './catalog-view.ts';
import type { IntegrationPage, IntegrationPageHost } from './integration-page.ts';
import { MarketplaceRouter } from './marketplace-router.ts';
import type { MarketplaceViews } from './marketplace-views.ts';
import { renderError, renderReconnect } from './marketplace-parts.ts';
import styles from './marketplace.styles.ts';

// Lazy chunks. Module-level functions: tsc rewrites `.ts` to `.js` in these imports (for the
// published dist/), but not in an import() on the right of `??=`.
const loadIntegrationPage = () => import('./integration-page.ts');
const loadMarketplaceViews = () => import('./marketplace-views.ts');

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
 * @csspart field-input - A settings form's input; every part of `<pan-settings-form>`'s form (field,
 *   field-label, field-select, group-legend, array-add-button, ...) is forwarded with `exportparts`.
 *
 * @cssproperty --pan-font-family - Global token: the font stack.
 * @cssproperty --pan-color-surface - Semantic token: backgrounds of cards, inputs and buttons (also
 *   -surface-alt, -surface-muted). Semantic tokens (`--pan-color-surface`, `-text`, `-text-muted`,
 *   `-accent`, `-border`, `-danger`, `-success`, `-focus`, ...) are what components use; each is
 *   defined from a primitive, and the dark theme switches them to other primitives.
 * @cssproperty --pan-color-text - Semantic token: body text (also -text-secondary, -text-muted, -text-subtle).
 * @cssproperty --pan-color-accent - Semantic token: buttons, selection, links (also -accent-strong, -accent-subtle, -accent-muted, and -on-accent for text on it).
 * @cssproperty --pan-color-border - Semantic token: borders (also -border-strong).
 * @cssproperty --pan-color-danger - Semantic token: errors (also -danger-strong for text, -danger-subtle).
 * @cssproperty --pan-color-success - Semantic token: the "Installed" marker (with -success-subtle).
 * @cssproperty --pan-color-focus - Semantic token: the focus outline's colour.
 * @cssproperty --pan-color-primary-600 - Primitive: the primary scale (-50, -100, -300, -400, -600, -700, -900, -950).
 * @cssproperty --pan-color-neutral-0 - Primitive: the grey scale (-0, -50 ... -900).
 * @cssproperty --pan-color-danger-600 - Primitive: the red scale (-50, -300, -400, -600, -700, -950).
 * @cssproperty --pan-color-success-700 - Primitive: the green scale (-50, -300, -700, -950).
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
 * @attr theme - `light` or `dark`; without it the theme follows the user's `prefers-color-scheme`.
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
    theme: { reflect: true },
    refreshEpoch: { state: true },
  };

  /** `light` or `dark` (also sets `color-scheme`); unset, the theme follows `prefers-color-scheme`. */
  theme?: 'light' | 'dark';

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

  /** The marketplace's title and accessible name (default: "Integrations", in the element's language). */
  label?: string;

  /** `label`, else its default in the language rendering now. @internal */
  get heading(): string {
    return this.label ?? msg('Integrations');
  }


  /**
   * `full`: catalog, integration pages, install flow, My integrations and Connections. `install`: only
   * the install flow of the `integration` attribute's integration, then its settings page. `auth`:
   * only the connect buttons of the integrations the token's `xti.auth_only` names, each installed
   * with its preset settings once connected (no catalog, no settings shown).
   */
  mode: 'full' | 'install' | 'auth' = 'full';

  /** Bumped after an install or uninstall so the catalog's Installed markers follow. */
  private refreshEpoch = 0;

  #token: string | undefined;
  /** Bumped when the host sets a new token (not when `tokenProvider` renews it): reloads. */
  #authEpoch = 0;
  /** The card that opened the page, shown until the full detail arrives. */
  #preview: IntegrationCard | undefined;
  readonly #brokenLogos = new Set<string>();

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
    onLocale: setTokenLocale,
  });

  readonly #router: MarketplaceRouter = new MarketplaceRouter(
    this,
    () => (this.slug ? this.#pageStatus() : this.#catalog.task.status) === TaskStatus.PENDING,
  );

  /** What the catalog and the integration page borrow: the pieces that need this element's state or events. */
  readonly #cardParts: IntegrationPageHost = {
    renderLogo: (i, part, className = 'logo') =>
      i.logo_url && !this.#brokenLogos.has(i.logo_url)
        ? html`<img
            class=${className}
            part=${part}
            src=${i.logo_url}
            alt=""
            loading="lazy"
            @error=${this.#onLogoError}
          />`
        : html`<span class=${`${className} logo--initials`} part=${part} aria-hidden="true"
            >${initials(i.name)}</span
          >`,
    renderVisit: (i, url, className) => html`<button
      type="button"
      class=${className}
      part="visit-button"
      @click=${() => this.#onVisit(i, url)}
    >
      ${msg('Visit')}<span class="sr-only"> ${msg(str`${i.name} (opens in a new tab)`)}</span>
      <svg class="icon" viewBox="0 0 20 20" aria-hidden="true">
        <path d="M8 4.5H4.5v11h11V12M11 4.5h4.5V9M15.5 4.5 9 11" />
      </svg>
    </button>`,
    install: (i) => {
      const integration = ref(i);
      const event = this.emit('pan-install-request', { detail: { integration }, cancelable: true });
      if (!event.defaultPrevented) this.startInstall(integration);
    },
  };

  readonly #catalog: CatalogView = new CatalogView(this, {
    api: this.#api,
    parts: this.#cardParts,
    epoch: () => this.#authEpoch + this.refreshEpoch,
    // The catalog is on screen: fetch the integration page's chunk before anyone opens one.
    loaded: () => this.#loadPage(),
    open: (card) => {
      this.#preview = card;
      this.#router.openPage(card.slug);
    },
    focusSearch: () => this.#router.focusSearch(),
    addStyles: (styles) => this.#addStyles(styles),
  });

  /** The views beyond the catalog (install flow, My integrations, a tenant), once loaded. */
  #views: MarketplaceViews | undefined;
  #viewsLoading: Promise<unknown> | undefined;
  /** The integration page (its detail and renderers), once its chunk has loaded (see #loadPage). */
  #page: IntegrationPage | undefined;
  #pageLoading: Promise<void> | undefined;
  /** Why the page's chunk did not load (offline, say): shown with Retry. */
  #pageFailed: unknown;

  /** Styles that arrived with lazy chunks (the card renderer's, the integration page's). */
  readonly #lazyStyles: CSSResultGroup[] = [];

  /** Adds a lazy chunk's styles to this shadow root, after the element's own. */
  #addStyles(styles: CSSResultGroup): void {
    if (this.#lazyStyles.includes(styles)) return;
    this.#lazyStyles.push(styles);
    adoptStyles(this.renderRoot as ShadowRoot, [...PanMarketplace.elementStyles, ...this.#lazyStyles] as CSSResultOrNative[]);
  }

  /** Loads the integration page's chunk and adds its styles to this shadow root. */
  #loadPage(): void {
    this.#pageLoading ??= loadIntegrationPage().then(
      ({ IntegrationPage, styles }) => {
        this.#addStyles(styles);
        this.#page = new IntegrationPage(this, {
          api: this.#api,
          parts: this.#cardParts,
          args: () => [this.apiBase, this.#authEpoch + this.refreshEpoch, this.slug, this.mode],
          preview: () => this.#preview,
          categories: () => this.#catalog.last?.categories,
        });
        this.requestUpdate();
      },
      (error: unknown) => {
        this.#pageLoading = undefined;
        this.#pageFailed = error;
        this.requestUpdate();
      },
    );
  }

  /** The integration page's: pending until its chunk has loaded. */
  #pageStatus(): TaskStatus {
    return this.#pageFailed !== undefined ? TaskStatus.ERROR : (this.#page?.task.status ?? TaskStatus.PENDING);
  }

  #loadViews(): void {
    this.#viewsLoading ??= loadMarketplaceViews().then(({ MarketplaceViews }) => {
      this.#views = new MarketplaceViews(this, {
        api: this.#api,
        router: this.#router,
        refresh: () => this.refreshEpoch++,
      });
      this.requestUpdate();
    });
  }

  protected override willUpdate(): void {
    // An integration page's chunk is loaded when one opens (and prefetched once the catalog shows).
    if (this.slug) this.#loadPage();
    if (this.mode !== 'full' || this.#router.view !== 'browse') this.#loadViews();
  }

  protected override updated(): void {
    const catalog = this.#catalog.task;
    const status = this.slug ? this.#pageStatus() : catalog.status;
    this.toggleState('loading', status === TaskStatus.PENDING);
    this.toggleState('error', status === TaskStatus.ERROR);
    this.toggleState('empty', !this.slug && catalog.status === TaskStatus.COMPLETE && !catalog.value?.integrations.length);
  }

  /** Opens the install flow (connect, settings, schedule, enable) once the host let `pan-install-request` through. */
  protected startInstall(integration: PanIntegrationRef): void {
    this.#router.startInstall(integration);
  }

  override render(): TemplateResult {
    return html`<section class="marketplace" part="base" aria-label=${this.heading}>
      ${this.mode === 'full'
        ? html`${this.#renderTabs()}${this.#renderFullMode()}`
        : this.#views
          ? this.#views.renderMode()
          : this.#renderViewLoading()}
    </section>`;
  }

  #renderFullMode(): TemplateResult {
    const view = this.#router.view;
    if (view === 'browse') return this.slug ? this.#renderDetail(this.slug) : this.#catalog.render();
    if (!this.#views) return this.#renderViewLoading();
    return html`<div class="view" id="view" tabindex="-1">${this.#views.renderView(view)}</div>`;
  }

  #renderTabs(): TemplateResult {
    const router = this.#router;
    const view = router.view;
    const mine = view === 'my-integrations' || view === 'tenant';
    return html`<nav class="tabs" part="tabs" aria-label=${msg('Marketplace sections')}>
      <button type="button" class="tab" part="tab" aria-current=${mine || view === 'connections' ? 'false' : 'page'} @click=${router.showBrowse}>
        ${msg('Browse')}
      </button>
      <button type="button" class="tab" part="tab" aria-current=${mine ? 'page' : 'false'} @click=${router.showMine}>
        ${msg('My integrations')}
      </button>
      <button type="button" class="tab" part="tab" aria-current=${view === 'connections' ? 'page' : 'false'} @click=${router.showConnections}>
        ${msg('Connections')} ${this.#catalog.task.value?.integrations.some((i) => i.reconnect_needed) ? renderReconnect() : nothing}
      </button>
    </nav>`;
  }

  #renderViewLoading(): TemplateResult {
    return html`<div class="state" aria-busy="true"><p class="state__title">${msg('Loading…')}</p></div>`;
  }

  // ---- integration page --------------------------------------------------------------------------

  #renderDetail(slug: string): TemplateResult {
    const page = this.#page;
    return html`
      <div class="detail-bar">
        <button type="button" class="button button--ghost" part="back-button" @click=${this.#router.back}>
          <svg class="icon icon--directional" viewBox="0 0 20 20" aria-hidden="true"><path d="M12.5 4.5 7 10l5.5 5.5" /></svg>
          ${msg('All integrations')}
        </button>
      </div>
      ${page
        ? page.render(slug)
        : this.#pageFailed !== undefined
          ? renderError(this.#pageFailed, msg("Couldn't load this integration"), () => {
              this.#pageFailed = undefined;
              this.requestUpdate();
            })
          : this.#renderViewLoading()}
    `;
  }

  // ---- behaviour ---------------------------------------------------------------------------------

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
}

// ---- helpers (pure) ------------------------------------------------------------------------------

function ref(i: IntegrationCard): PanIntegrationRef {
  return { id: i.id, slug: i.slug, name: i.name };
}
