/**
 * What the catalog renders once it has loaded: categories, tag filters, the cards and the empty
 * state. A lazy chunk, fetched in parallel with the catalog's request (see catalog-view.ts), so
 * the first load stays in its budget and the cards still paint as soon as the data arrives.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { Catalog, IntegrationCard } from '@pan/contract';
import type * as ListingLocale from '../../internal/listing-locale.ts';
import { currentLocale, msg } from '../../internal/locale.ts';
import { renderFlag, renderInstalled, renderReconnect, safeUrl, type CardParts } from './marketplace-parts.ts';

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
