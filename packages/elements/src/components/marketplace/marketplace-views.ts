/**
 * The marketplace's views beyond the catalog (install flow, installed integrations, settings, runs,
 * connections) and its install-only and auth-only modes, loaded on first use so that the catalog's
 * chunk stays small and free of React.
 */
import { ContextProvider } from '@lit/context';
import { html, type TemplateResult } from 'lit';
import type { PanInstalledEvent } from '../../events/pan-installed.ts';
import type { PanNavigateEvent } from '../../events/pan-navigate.ts';
import type { RunApiClient } from '../../internal/api-client.ts';
import { apiContext } from '../../internal/api-context.ts';
import { msg } from '../../internal/locale.ts';
import type { PanMarketplace } from './marketplace.component.ts';
import type { MarketplaceRouter, View } from './marketplace-router.ts';
import '../install-flow/pan-install-flow.ts';
import '../my-integrations/pan-my-integrations.ts';
import '../schedule-editor/pan-schedule-editor.ts';
import '../tenant-page/pan-tenant-page.ts';
import '../settings-form/pan-settings-form.ts';
import '../install-page/pan-install-page.ts';
import '../run-log/pan-run-log.ts';
import '../run-panel/pan-run-panel.ts';
import '../connections/pan-connections.ts';
import '../auth-only/pan-auth-only.ts';
import { settingsFormParts } from '../../internal/form-parts.ts';

export interface MarketplaceViewsOptions {
  readonly api: RunApiClient;
  readonly router: MarketplaceRouter;
  /** An integration was installed or uninstalled, or a connection changed: reload what shows them. */
  refresh(): void;
}

/**
 * The views of a marketplace beyond the catalog and an integration page, and what their elements'
 * events mean for its navigation. Their elements take the API client from the marketplace through
 * `@lit/context`: provided from here rather than from the catalog, so that the catalog's first
 * load carries no context provider.
 */
export class MarketplaceViews {
  readonly #marketplace: PanMarketplace;
  readonly #api: RunApiClient;
  readonly #router: MarketplaceRouter;
  readonly #refresh: () => void;

  constructor(marketplace: PanMarketplace, { api, router, refresh }: MarketplaceViewsOptions) {
    this.#marketplace = marketplace;
    this.#api = api;
    this.#router = router;
    this.#refresh = refresh;
    new ContextProvider(marketplace, { context: apiContext, initialValue: api });
  }

  /** A view of `full` mode other than `browse`. */
  renderView(view: Exclude<View, 'browse'>): TemplateResult {
    const router = this.#router;
    if (view === 'install') {
      return html`<pan-install-flow
        exportparts=${settingsFormParts}
        slug=${router.installSlug}
        @pan-installed=${this.#onInstalled}
        @pan-install-cancel=${this.#onInstallCancel}
        @pan-navigate=${this.#onNavigate}
      ></pan-install-flow>`;
    }
    if (view === 'connections') {
      return html`<pan-connections
        heading=${msg('Connections')}
        @pan-connected=${this.#refresh}
        @pan-disconnected=${this.#refresh}
      ></pan-connections>`;
    }
    if (view === 'my-integrations') {
      return html`<pan-my-integrations @pan-navigate=${this.#onNavigate}></pan-my-integrations>`;
    }
    return html`<div class="detail-bar">
        <button type="button" class="button button--ghost" part="back-button" @click=${router.showMine}>
          <svg class="icon icon--directional" viewBox="0 0 20 20" aria-hidden="true"><path d="M12.5 4.5 7 10l5.5 5.5" /></svg>
          ${msg('My integrations')}

        </button>
      </div>
      <pan-tenant-page
        exportparts=${settingsFormParts}
        tenant-id=${router.tenantId}
        @pan-uninstalled=${this.#onUninstalled}></pan-tenant-page>`;
  }

  /**
   * The modes other than `full`: `install` (the install flow of the integration `slug`, then its
   * settings page) and `auth` (the connect buttons of the integrations the token names).
   */
  renderMode(): TemplateResult {
    const { mode, slug, heading: label } = this.#marketplace;
    if (mode !== 'auth' && !slug) {
      return html`<p class="state" part="error" role="alert">${msg('Set the integration attribute to the integration to install.')}</p>`;
    }
    // Nothing to ask the API before the host has set a token.
    if (!this.#api.ready) return html`<div class="state" aria-busy="true"><p class="state__title">${msg('Loading…')}</p></div>`;

    return mode === 'auth'
      ? html`<pan-auth-only heading=${label}></pan-auth-only>`
      : html`<pan-install-page exportparts=${settingsFormParts} slug=${slug!}></pan-install-page>`;
  }

  #onInstalled = (event: PanInstalledEvent): void => {
    const { tenant } = event.detail;
    this.#refresh();
    this.#router.tenantId = tenant.id;
    this.#router.show('tenant', { view: 'tenant', slug: tenant.integration.slug, tenantId: tenant.id });
  };

  #onInstallCancel = (): void => {
    // Back to the integration page the flow started from.
    this.#router.show('browse', { view: 'detail', slug: this.#marketplace.slug });
  };

  #onUninstalled = (): void => {
    this.#refresh();
    this.#router.tenantId = '';
    this.#router.showMine();
  };

  /** Navigation asked for by a view (open an installation, or the catalog). */
  #onNavigate = (event: PanNavigateEvent): void => {
    // Re-emitted from the marketplace, as its target.
    event.stopPropagation();
    const { view, tenantId } = event.detail;
    if (view === 'tenant' && tenantId) {
      this.#router.tenantId = tenantId;
      this.#router.show('tenant', event.detail);
    } else if (view === 'catalog') {
      this.#router.showBrowse();
    }
  };
}
