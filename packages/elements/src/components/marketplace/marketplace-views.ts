/**
 * The marketplace's views beyond the catalog (install flow, installed integrations, settings, runs),
 * loaded on first use so that the catalog's chunk stays small and free of React.
 */
import { html, type TemplateResult } from 'lit';
import type { PanInstalledEvent } from '../../events/pan-installed.ts';
import type { PanNavigateEvent } from '../../events/pan-navigate.ts';
import type { RunApiClient } from '../../internal/api-client.ts';
import '../install-flow/pan-install-flow.ts';
import '../my-integrations/pan-my-integrations.ts';
import '../schedule-editor/pan-schedule-editor.ts';
import '../tenant-page/pan-tenant-page.ts';
import '../settings-form/pan-settings-form.ts';
import '../install-page/pan-install-page.ts';
import '../run-log/pan-run-log.ts';
import '../run-panel/pan-run-panel.ts';

/** What the views need from the marketplace that shows them: its API client, state and navigation. */
export interface MarketplaceViewsHost {
  readonly api: RunApiClient;
  installSlug(): string;
  tenantId(): string;
  onInstalled(event: PanInstalledEvent): void;
  onInstallCancel(): void;
  /** Navigation asked for by a view (open an installation, or the catalog). */
  onNavigate(event: PanNavigateEvent): void;
  onUninstalled(): void;
  showMine(): void;
}

export function renderView(host: MarketplaceViewsHost, view: 'install' | 'my-integrations' | 'tenant'): TemplateResult {
  if (view === 'install') {
    return html`<pan-install-flow
      .api=${host.api}
      slug=${host.installSlug()}
      @pan-installed=${host.onInstalled}
      @pan-install-cancel=${host.onInstallCancel}
      @pan-navigate=${host.onNavigate}
    ></pan-install-flow>`;
  }
  if (view === 'my-integrations') {
    return html`<pan-my-integrations .api=${host.api} @pan-navigate=${host.onNavigate}></pan-my-integrations>`;
  }
  return html`<div class="detail-bar">
      <button type="button" class="button button--ghost" part="back-button" @click=${host.showMine}>
        <svg class="icon" viewBox="0 0 20 20" aria-hidden="true"><path d="M12.5 4.5 7 10l5.5 5.5" /></svg>
        My integrations
      </button>
    </div>
    <pan-tenant-page .api=${host.api} tenant-id=${host.tenantId()} @pan-uninstalled=${host.onUninstalled}></pan-tenant-page>`;
}

/** Install-only mode: the integration's install flow, then its settings page. */
export function renderInstallPage(api: RunApiClient, slug: string): TemplateResult {
  return html`<pan-install-page .api=${api} slug=${slug}></pan-install-page>`;
}
