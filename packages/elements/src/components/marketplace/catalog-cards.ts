/**
 * What the catalog renders once it has loaded: categories, tag filters, the cards and the empty
 * state. A lazy chunk, fetched in parallel with the catalog's request (see catalog-view.ts), so
 * the first load stays in its budget and the cards still paint as soon as the data arrives.
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import type { Catalog, IntegrationCard } from '@pan/contract';
import type * as ListingLocale from '../../internal/listing-locale.ts';
import { currentLocale, msg } from '../../internal/locale.ts';
import { renderFlag, renderInstalled, renderReconnect, safeUrl, type CardParts } from './marketplace-parts.ts';

export type CardsStyles = typeof styles;

/** The catalog's state and handlers that its rendering needs. */
export interface CardsContext {
  readonly parts: CardParts;
  readonly category: string;
  readonly selectedTags: readonly string[];
  readonly totalCount: number | undefined;
  readonly filtered: boolean;
  readonly listingLocale: typeof ListingLocale | undefined;
  readonly onCategoryClick: (event: Event) => void;
  readonly onTagClick: (event: Event) => void;
  readonly onCardClick: (event: Event) => void;
  readonly clearFilters: () => void;
}

export function renderNav(ctx: CardsContext, catalog: Catalog): TemplateResult {
  const item = (slug: string, name: string, count: number | undefined) => {
    const current = ctx.category === slug;
    return html`<li>
      <button
        type="button"
        class="nav__item"
        part=${current ? 'category category-current' : 'category'}
        aria-current=${current ? 'true' : 'false'}
        data-category=${slug}
        @click=${ctx.onCategoryClick}
      >
        <span class="nav__name">${name}</span>
        ${count === undefined ? nothing : html`<span class="count"><span class="sr-only">, </span>${count}</span>`}
      </button>
    </li>`;
  };
  return html`<nav class="nav" part="nav" aria-label=${msg('Categories')}>
    <ul class="nav__list" role="list">
      ${item('', msg('All'), ctx.totalCount)} ${catalog.categories.map((c) => item(c.slug!, c.name!, c.count))}
    </ul>
  </nav>`;
}

export function renderTags(ctx: CardsContext, catalog: Catalog): TemplateResult {
  return html`<div class="tags" part="tags" role="group" aria-label=${msg('Filter by tag')}>
    ${catalog.tags.map((tag) => {
      const pressed = ctx.selectedTags.includes(tag.name!);
      return html`<button
        type="button"
        class="tag"
        part=${pressed ? 'tag tag-pressed' : 'tag'}
        aria-pressed=${pressed ? 'true' : 'false'}
        data-tag=${tag.name}
        @click=${ctx.onTagClick}
      >
        ${tag.name}<span class="count"><span class="sr-only">, </span>${tag.count}</span>
      </button>`;
    })}
  </div>`;
}

export function renderGrid(ctx: CardsContext, catalog: Catalog, stale: boolean): TemplateResult {
  if (!catalog.integrations.length) return renderEmpty(ctx);
  return html`<ul class=${stale ? 'grid grid--stale' : 'grid'} role="list">
    ${catalog.integrations.map((i) => html`<li class="grid__item">${renderCard(ctx, i)}</li>`)}
  </ul>`;
}

function renderCard(ctx: CardsContext, card: IntegrationCard): TemplateResult {
  const i = ctx.listingLocale?.localizedListing(card, currentLocale()) ?? card;
  const url = safeUrl(i);
  return html`<article class="card" part="card">
    <div class="card__top">${ctx.parts.renderLogo(i, 'card-logo')} ${renderFlag(i.flag)}</div>
    <h3 class="card__title" part="card-title">
      <button
        type="button"
        class="card__open"
        part="card-button"
        data-slug=${i.slug}
        aria-describedby=${`card-desc-${i.slug}`}
        @click=${ctx.onCardClick}
      >
        ${i.name}
      </button>
    </h3>
    <p class="card__description" part="card-description" id=${`card-desc-${i.slug}`}>${i.short_description}</p>
    ${i.installed || i.reconnect_needed || url
      ? html`<div class="card__footer">
          ${i.installed ? renderInstalled() : nothing} ${i.reconnect_needed ? renderReconnect() : nothing}
          ${url ? ctx.parts.renderVisit(i, url, 'button button--small card__visit') : nothing}
        </div>`
      : nothing}
  </article>`;
}

function renderEmpty(ctx: CardsContext): TemplateResult {
  const filtered = ctx.filtered;
  return html`<div class="state" part="empty">
    <p class="state__title">${filtered ? msg('No integrations match') : msg('No integrations yet')}</p>
    <p class="state__text">
      ${filtered
        ? msg('Try another search, or clear the filters to see everything.')
        : msg('Integrations will appear here once they are published.')}
    </p>
    ${filtered
      ? html`<button type="button" class="button" part="clear-filters-button" @click=${ctx.clearFilters}>
          ${msg('Clear filters')}
        </button>`
      : nothing}
  </div>`;
}

/**
 * The styles of what this module renders (the skeleton's, `.grid` and `.card`, are in the first
 * load). `.card__open::after` stretches the title button over the whole card (one big target).
 */
export const styles = css`
  .nav__list {
    display: flex;
    flex-wrap: wrap;
    gap: var(--pan-space-2xs);
    padding: 2px;
  }

  .nav__item {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: var(--pan-space-xs);
    padding: var(--pan-space-xs) var(--pan-space-s);
    font-size: var(--pan-font-size-s);
    font-weight: 500;
    white-space: nowrap;
    text-align: start;
    color: var(--pan-color-text-secondary);
    background: transparent;
    border: 0;
    border-radius: var(--pan-radius-m);
    cursor: pointer;
  }

  .nav__item:hover {
    background: var(--pan-color-surface-muted);
    color: var(--pan-color-text);
  }

  .nav__item[aria-current='true'] {
    background: var(--pan-color-accent-subtle);
    color: var(--pan-color-accent-strong);
    font-weight: 600;
  }

  .count {
    min-width: 1.5rem;
    padding: 0 var(--pan-space-2xs);
    font-size: var(--pan-font-size-xs);
    font-weight: 600;
    line-height: 1.25rem;
    text-align: center;
    /* Secondary, not muted: muted text on the muted surface is under 4.5:1 in the dark theme. */
    color: var(--pan-color-text-secondary);
    background: var(--pan-color-surface-muted);
    border-radius: var(--pan-radius-pill);
  }

  [aria-current='true'] > .count {
    color: var(--pan-color-accent-strong);
    background: var(--pan-color-surface);
  }


  .tags {
    display: flex;
    flex-wrap: wrap;
    gap: var(--pan-space-xs);
  }

  .tag {
    display: inline-flex;
    align-items: center;
    gap: var(--pan-space-2xs);
    padding-block: var(--pan-space-2xs);
    padding-inline: var(--pan-space-s) var(--pan-space-2xs);
    font-size: var(--pan-font-size-s);
    line-height: 1.25rem;
    color: var(--pan-color-text-secondary);
    background: var(--pan-color-surface);
    border: 1px solid var(--pan-color-border-strong);
    border-radius: var(--pan-radius-pill);
    cursor: pointer;
  }

  .tag:hover {
    border-color: var(--pan-color-text-subtle);
  }

  .tag[aria-pressed='true'] {
    color: var(--pan-color-on-accent);
    background: var(--pan-color-accent);
    border-color: var(--pan-color-accent);
  }

  .tag[aria-pressed='true'] > .count {
    color: var(--pan-color-accent-strong);
    background: var(--pan-color-surface);
  }


  .grid--stale {
    opacity: 0.6;
  }

  .grid__item {
    display: flex;
  }


  .card:not(.card--skeleton):hover {
    border-color: var(--pan-color-border-strong);
    box-shadow: var(--pan-shadow-m);
    transform: translateY(-2px);
  }

  .card:has(.card__open:focus-visible) {
    outline: var(--pan-focus-ring);
    outline-offset: 2px;
  }

  .card__top {
    display: flex;
    align-items: flex-start;
    justify-content: space-between;
    gap: var(--pan-space-xs);
    margin-block-end: var(--pan-space-2xs);
  }

  .card__title {
    font-size: var(--pan-font-size-m);
    font-weight: 600;
    line-height: 1.4;
  }

  .card__open {
    padding: 0;
    font-weight: inherit;
    text-align: start;
    background: none;
    border: 0;
    cursor: pointer;
  }

  .card__open::after {
    content: '';
    position: absolute;
    inset: 0;
    border-radius: inherit;
  }

  .card__open:focus-visible {
    outline: none;
  }

  .card__description {
    flex: 1;
    font-size: var(--pan-font-size-s);
    color: var(--pan-color-text-muted);
  }

  .card__footer {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: var(--pan-space-xs);
    margin-block-start: var(--pan-space-xs);
  }

  .card__visit {
    position: relative;
    z-index: 1;
    margin-inline-start: auto;
  }

  @media (prefers-reduced-motion: reduce) {
    .card:not(.card--skeleton):hover {
      transform: none;
    }
  }
  @container (min-width: 48rem) {
    .nav__list {
      flex-direction: column;
    }

    .nav__item {
      width: 100%;
    }
  }
`;
