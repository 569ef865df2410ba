/**
 * The marketplace's views beyond the catalog (install flow, installed integrations, settings, runs,
 * connections) and its install-only and auth-only modes, loaded on first use so that the catalog's
 * chunk stays small and free of React.
 */
import { ContextProvider } from '@lit/context';
import { html, type ReactiveElement, type TemplateResult } from 'lit';
import type { PanInstalledEvent } from '../../events/pan-installed.ts';
import type { PanNavigateEvent } from '../../events/pan-navigate.ts';
import type { RunApiClient } from '../../internal/api-client.ts';
import { apiContext } from '../../internal/api-context.ts';
import type { PanMarketplace } from './marketplace.component.ts';
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

/**
 * Hands the marketplace's API client to the elements of these views, which ask for it through
 * `@lit/context`. Set up with the views rather than with the catalog: the catalog's first load
 * then carries no context provider.
 */
export function provideApi(marketplace: ReactiveElement, api: RunApiClient): void {
  new ContextProvider(marketplace, { context: apiContext, initialValue: api });
}

/** What the views need from the marketplace that shows them: its state and navigation. */
export interface MarketplaceViewsHost {
  installSlug(): string;
  tenantId(): string;
  onInstalled(event: PanInstalledEvent): void;
  onInstallCancel(): void;
  /** Navigation asked for by a view (open an installation, or the catalog). */
  onNavigate(event: PanNavigateEvent): void;
  onUninstalled(): void;
  showMine(): void;
  /** A connection was made or removed: the catalog's Reconnect badges may change. */
  onConnectionChange(): void;
}

export function renderView(
  host: MarketplaceViewsHost,
  view: 'install' | 'my-integrations' | 'tenant' | 'connections',
): TemplateResult {
  if (view === 'install') {
    return html`<pan-install-flow
      slug=${host.installSlug()}
      @pan-installed=${host.onInstalled}
      @pan-install-cancel=${host.onInstallCancel}
      @pan-navigate=${host.onNavigate}
    ></pan-install-flow>`;
  }
  if (view === 'connections') {
    return html`<pan-connections
      heading="Connections"
      @pan-connected=${host.onConnectionChange}
      @pan-disconnected=${host.onConnectionChange}
    ></pan-connections>`;
  }
  if (view === 'my-integrations') {
    return html`<pan-my-integrations @pan-navigate=${host.onNavigate}></pan-my-integrations>`;
  }
  return html`<div class="detail-bar">
      <button type="button" class="button button--ghost" part="back-button" @click=${host.showMine}>
        <svg class="icon" viewBox="0 0 20 20" aria-hidden="true"><path d="M12.5 4.5 7 10l5.5 5.5" /></svg>
        My integrations
      </button>
    </div>
    <pan-tenant-page tenant-id=${host.tenantId()} @pan-uninstalled=${host.onUninstalled}></pan-tenant-page>`;
}

/**
 * The modes other than `full`: `install` (the install flow of the integration `slug`, then its
 * settings page) and `auth` (the connect buttons of the integrations the token names).
 */
export function renderMode(api: RunApiClient, { mode, slug, label }: Pick<PanMarketplace, 'mode' | 'slug' | 'label'>): TemplateResult {
  if (mode !== 'auth' && !slug) {
    return html`<p class="state" part="error" role="alert">Set the integration attribute to the integration to install.</p>`;
  }
  // Nothing to ask the API before the host has set a token.
  if (!api.ready) return html`<div class="state" aria-busy="true"><p class="state__title">Loading…</p></div>`;
  return mode === 'auth'
    ? html`<pan-auth-only heading=${label}></pan-auth-only>`
    : html`<pan-install-page slug=${slug!}></pan-install-page>`;
}
