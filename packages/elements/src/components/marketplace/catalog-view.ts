/**
 * The catalog: search, categories, tag filters and the integration cards, loaded from the run API
 * as the filters change. The search box and the loading state are in the marketplace's first load;
 * what renders a loaded catalog (catalog-cards.ts) is a lazy chunk, fetched with the catalog.
 */
import { initialState, Task, TaskStatus } from '@lit/task';
import { html, nothing, type ReactiveController, type TemplateResult } from 'lit';
import type { Catalog, IntegrationCard } from '@pan/contract';
import type { RunApiClient } from '../../internal/api-client.ts';
import { currentLocale, msg, str } from '../../internal/locale.ts';
import type * as Cards from './catalog-cards.ts';
import { renderError, type CardParts } from './marketplace-parts.ts';
import type { PanMarketplace } from './marketplace.component.ts';
import type * as paths from '@pan/contract/paths';

/**
 * The host's translations of listings (their names and descriptions per locale): a lazy chunk,
 * loaded with a catalog that has some. A catalog without any renders as it comes.
 */
const loadListingLocale = () => import('../../internal/listing-locale.ts');
/**
 * Renders a loaded catalog: fetched together with the catalog's first request, never after it.
 * (An object, so that a test can make one load fail as a network would.)
 */
export const cardsChunk = { load: () => import('./catalog-cards.ts') };

/** Delay between the last keystroke in the search box and the catalog request. */
const SEARCH_DELAY_MS = 250;
const SKELETON_CARDS = 6;

/** What the catalog borrows from the marketplace that shows it. */
export interface CatalogHost {
  readonly api: RunApiClient;
  readonly parts: CardParts;
  /** Changes when the catalog must load again (a new token, an install). */
  epoch(): number;
  /** A catalog is on screen. */
  loaded(): void;
  /** The user opened a card. */
  open(card: IntegrationCard): void;
  /** The filters were cleared: the search box should take the focus. */
  focusSearch(): void;
  /** Adds the styles of a lazy chunk (the card renderer's) to the marketplace's. */
  addStyles(styles: Cards.CardsStyles): void;
}

/** The catalog of a `<pan-marketplace>`: its filters, its request and what it renders. */
export class CatalogView implements ReactiveController {
  readonly #host: PanMarketplace;
  readonly #borrowed: CatalogHost;
  #query = '';
  #searchTerm = '';
  #category = '';
  #selectedTags: readonly string[] = [];
  #searchTimer: ReturnType<typeof setTimeout> | undefined;
  /** The last catalog received: its facets stay on screen while a new request is pending. */
  last: Catalog | undefined;
  #totalCount: number | undefined;
  /** listing-locale.ts, once a catalog with translations has loaded it. */
  #listingLocale: typeof import('../../internal/listing-locale.ts') | undefined;
  /** catalog-cards.ts, once loaded (a completed task implies it). */
  #cards: typeof Cards | undefined;

  readonly task: Task<unknown[], Catalog>;

  constructor(host: PanMarketplace, borrowed: CatalogHost) {
    this.#host = host;
    this.#borrowed = borrowed;
    host.addController(this);
    this.task = new Task(host, {
      args: () => [host.apiBase, host.mode, borrowed.epoch(), this.#searchTerm, this.#category, this.#selectedTags],
      task: async (_, { signal }) => {
        // The other modes show no catalog: nothing to load.
        if (!borrowed.api.ready || host.mode !== 'full') return initialState;
        // The first load has a size budget: the catalog's two paths are written out (as the
        // contract's functions, shared with the lazy views, they cost it ~20 B gzip) and
        // `satisfies` checks them against @pan/contract/paths.
        // The renderer's chunk and the data in parallel: the cards paint when both have arrived.
        // If the chunk fails to load, the task fails and its error state offers Retry.
        const [catalog, cards] = await Promise.all([
          borrowed.api.get<Catalog>(
            '/marketplace/catalog' satisfies typeof paths.catalog,
            { q: this.#searchTerm, category: this.#category, tag: [...this.#selectedTags] },
            signal,
          ),
          this.#cards ?? cardsChunk.load(),
        ]);
        if (!this.#cards) borrowed.addStyles(cards.styles);
        this.#cards = cards;
        // Translated listings render translated from the start: their code arrives first. (If it
        // cannot load, they show as they are.)
        if (!this.#listingLocale && catalog.integrations.some((i) => i.translations)) {
          this.#listingLocale = await loadListingLocale().catch(() => undefined);
        }
        return catalog;
      },
      // Only the latest request completes here (superseded ones are ignored by the task).
      onComplete: (catalog) => {
        this.last = catalog;
        borrowed.loaded();
        if (!this.#filtered) this.#totalCount = catalog.integrations.length;
      },
    });
  }

  hostDisconnected(): void {
    clearTimeout(this.#searchTimer);
  }

  render(): TemplateResult {
    const status = this.task.status;
    const catalog = this.last;
    const busy = status === TaskStatus.PENDING || status === TaskStatus.INITIAL;
    const cards = this.#cards;
    const context = this.#context();
    return html`
      <header class="header">
        <h2 class="header__title" part="heading">${this.#host.heading}</h2>
        <form class="search" role="search" @submit=${this.#onSearchSubmit}>
          <label class="sr-only" for="search">${msg('Search integrations')}</label>
          <svg class="search__icon" viewBox="0 0 20 20" aria-hidden="true">
            <circle cx="8.5" cy="8.5" r="5.5" /><path d="m13 13 4.5 4.5" />
          </svg>
          <input
            id="search"
            class="search__input"
            part="search"
            type="search"
            placeholder=${msg('Search integrations')}
            autocomplete="off"
            maxlength="200"
            .value=${this.#query}
            @input=${this.#onSearchInput}
          />
        </form>
      </header>
      <div class="layout">
        ${catalog && cards ? cards.renderNav(context, catalog) : nothing}
        <div class="main">
          ${catalog?.tags.length && cards ? cards.renderTags(context, catalog) : nothing}
          <div class="results" part="results" aria-busy=${busy ? 'true' : 'false'}>
            <p class="results__summary" role="status">${this.#summary(status)}</p>
            ${this.task.render({
              initial: () => this.#renderSkeleton(),
              pending: () =>
                this.task.value && cards ? cards.renderGrid(context, this.task.value, true) : this.#renderSkeleton(),
              complete: (value) => (cards ? cards.renderGrid(context, value, false) : this.#renderSkeleton()),
              error: (error) => renderError(error, msg("Couldn't load integrations"), () => this.task.run()),
            })}
          </div>
        </div>
      </div>
    `;
  }

  #summary(status: TaskStatus): string {
    if (status === TaskStatus.ERROR) return '';
    if (status !== TaskStatus.COMPLETE) return msg('Loading integrations…');
    const count = this.task.value?.integrations.length ?? 0;
    return count === 1 ? msg('1 integration') : msg(str`${count.toLocaleString(currentLocale())} integrations`);
  }

  /** What catalog-cards.ts renders from. */
  #context(): Cards.CardsContext {
    return {
      parts: this.#borrowed.parts,
      category: this.#category,
      selectedTags: this.#selectedTags,
      totalCount: this.#totalCount,
      filtered: this.#filtered,
      listingLocale: this.#listingLocale,
      onCategoryClick: this.#onCategoryClick,
      onTagClick: this.#onTagClick,
      onCardClick: this.#onCardClick,
      clearFilters: this.#clearFilters,
    };
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
    return Boolean(this.#searchTerm || this.#category || this.#selectedTags.length);
  }

  // ---- behaviour ---------------------------------------------------------------------------------

  #onSearchInput = (event: Event): void => {
    this.#query = (event.target as HTMLInputElement).value;
    clearTimeout(this.#searchTimer);
    this.#searchTimer = setTimeout(() => this.#search(), SEARCH_DELAY_MS);
  };

  #onSearchSubmit = (event: Event): void => {
    event.preventDefault();
    clearTimeout(this.#searchTimer);
    this.#search();
  };

  #search(): void {
    this.#searchTerm = this.#query.trim();
    this.#host.requestUpdate();
  }

  #onCategoryClick = (event: Event): void => {
    this.#category = (event.currentTarget as HTMLElement).dataset.category ?? '';
    this.#host.requestUpdate();
  };

  #onTagClick = (event: Event): void => {
    const tag = (event.currentTarget as HTMLElement).dataset.tag ?? '';
    this.#selectedTags = this.#selectedTags.includes(tag)
      ? this.#selectedTags.filter((t) => t !== tag)
      : [...this.#selectedTags, tag];
    this.#host.requestUpdate();
  };

  #clearFilters = (): void => {
    clearTimeout(this.#searchTimer);
    this.#query = '';
    this.#searchTerm = '';
    this.#category = '';
    this.#selectedTags = [];
    this.#borrowed.focusSearch();
    this.#host.requestUpdate();
  };

  #onCardClick = (event: Event): void => {
    const slug = (event.currentTarget as HTMLElement).dataset.slug;
    const card = this.last?.integrations.find((i) => i.slug === slug);
    if (card) this.#borrowed.open(card);
  };
}
