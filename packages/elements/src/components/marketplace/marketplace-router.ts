import type { ReactiveController } from 'lit';
import type { PanIntegrationRef } from '../../events/pan-install-request.ts';
import type { PanNavigateDetail } from '../../events/pan-navigate.ts';
import type { PanMarketplace } from './marketplace.component.ts';

/** The part of the marketplace shown in `full` mode; `browse` is the catalog or an integration page. */
export type View = 'browse' | 'install' | 'my-integrations' | 'tenant' | 'connections';

type FocusTarget = { kind: 'heading' } | { kind: 'search' } | { kind: 'card'; slug: string };

/**
 * Where the user is in the marketplace: the view, the integration page (the host's `slug`), the
 * installation or install flow shown, the `pan-navigate` event of each move, and where focus goes
 * once the destination has rendered. The views beyond the catalog navigate through `show()` (see
 * marketplace-views.ts).
 */
export class MarketplaceRouter implements ReactiveController {
  /** Back from a full-page sign-in (popups blocked), Connections shows its result. */
  view: View = location.search.includes('pan_oauth') ? 'connections' : 'browse';
  /** The integration of the install flow. */
  installSlug = '';
  /** The installation of the `tenant` view. */
  tenantId = '';

  readonly #host: PanMarketplace;
  /** Whether the request of what is shown is in progress: focus waits for its result. */
  readonly #pending: () => boolean;
  #focusTarget: FocusTarget | undefined;
  /** Focus the view once rendered (it may still be loading). */
  #focusView = false;

  constructor(host: PanMarketplace, pending: () => boolean) {
    this.#host = host;
    this.#pending = pending;
    host.addController(this);
  }

  hostUpdated(): void {
    const root = this.#host.renderRoot;
    const view = root.querySelector<HTMLElement>('#view');
    if (this.#focusView && view) {
      this.#focusView = false;
      view.focus();
    }
    this.#moveFocus(root);
  }

  /** Opens an integration's page and focuses its heading. */
  openPage(slug: string): void {
    this.#host.slug = slug;
    this.#focusTarget = { kind: 'heading' };
    this.#host.emit('pan-navigate', { detail: { view: 'detail', slug } });
  }

  /** From an integration page back to the catalog, focus on the card that opened it. */
  back = (): void => {
    const slug = this.#host.slug;
    this.#host.slug = null;
    this.#focusTarget = slug ? { kind: 'card', slug } : { kind: 'search' };
    this.#host.emit('pan-navigate', { detail: { view: 'catalog', slug: null } });
  };

  /** Focus the search box once rendered. */
  focusSearch(): void {
    this.#focusTarget = { kind: 'search' };
  }

  startInstall(integration: PanIntegrationRef): void {
    this.installSlug = integration.slug;
    this.show('install', { view: 'install', slug: integration.slug });
  }

  showBrowse = (): void => {
    this.#host.slug = null;
    this.show('browse', { view: 'catalog', slug: null });
  };

  showMine = (): void => {
    this.show('my-integrations', { view: 'my-integrations', slug: null });
  };

  showConnections = (): void => {
    this.show('connections', { view: 'connections', slug: null });
  };

  /** Shows `view` (the install flow and an installation read `installSlug` and `tenantId`) and tells the host page. */
  show(view: View, detail: PanNavigateDetail): void {
    this.view = view;
    this.#focusView = view !== 'browse';
    this.#host.requestUpdate();
    this.#host.emit('pan-navigate', { detail });
  }

  #moveFocus(root: HTMLElement | DocumentFragment): void {
    const target = this.#focusTarget;
    if (!target) return;
    let element: HTMLElement | null;
    if (target.kind === 'heading') {
      // The page failed to load without a heading to show: its Retry.
      element = root.querySelector<HTMLElement>('#detail-title') ?? root.querySelector<HTMLElement>('[part="retry-button"]');
    } else if (target.kind === 'card') {
      element = root.querySelector<HTMLElement>(`.card__open[data-slug="${CSS.escape(target.slug)}"]`);
      // The card is gone (filtered out, or the page was opened directly): fall back to the search.
      if (!element && !this.#pending()) element = root.querySelector<HTMLElement>('#search');
    } else {
      element = root.querySelector<HTMLElement>('#search');
    }
    if (element) {
      this.#focusTarget = undefined;
      element.focus();
    }
  }
}
