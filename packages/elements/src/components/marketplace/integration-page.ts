/**
 * An integration page's header and body, with their styles: loaded when a page first opens (or
 * once the catalog has rendered), so the catalog's first load does not carry them.
 */
import { initialState, Task, TaskStatus } from '@lit/task';
import { css, html, nothing, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { IntegrationCard, IntegrationDetail } from '@pan/contract';
import type * as paths from '@pan/contract/paths';
import type { RunApiClient } from '../../internal/api-client.ts';
import { localizedListing } from '../../internal/listing-locale.ts';
import { currentLocale, msg } from '../../internal/locale.ts';
import { renderError, renderFlag, renderInstalled, safeUrl, type CardParts } from './marketplace-parts.ts';

/** What the page borrows from the marketplace that shows it. */
export interface IntegrationPageHost extends CardParts {
  install(i: IntegrationCard): void;
}

/** What the page needs of the marketplace that shows it. */
export interface IntegrationPageOptions {
  api: RunApiClient;
  parts: IntegrationPageHost;
  /** What the detail depends on: the API's base URL, the token's epoch, the slug, the mode. */
  args(): readonly [string | undefined, number, string | null, string];
  /** The card the page was opened from, shown until the detail arrives. */
  preview(): IntegrationCard | undefined;
  /** The catalog's categories, for their names. */
  categories(): readonly { slug?: string; name?: string }[] | undefined;
}

/**
 * An integration's page: its detail (loaded from the run API) and how it renders below the
 * marketplace's back bar. The marketplace creates it once this chunk has arrived.
 */
export class IntegrationPage {
  readonly #options: IntegrationPageOptions;

  readonly task: Task<readonly [string | undefined, number, string | null, string], IntegrationDetail>;

  constructor(host: ReactiveControllerHost, options: IntegrationPageOptions) {
    this.#options = options;
    this.task = new Task(host, {
      args: options.args,
      task: async ([, , slug, mode], { signal }) => {
        // The other modes show no integration page: nothing to load.
        if (!slug || !options.api.ready || mode !== 'full') return initialState;
        return options.api.get<IntegrationDetail>(
          `/marketplace/integrations/${encodeURIComponent(slug)}` satisfies ReturnType<typeof paths.integration>,
          {},
          signal,
        );
      },
    });
  }

  /** The page of `slug`: header, then body, skeleton or error. */
  render(slug: string): TemplateResult {
    const { status, value } = this.task;
    const failed = status === TaskStatus.ERROR;
    const detail = !failed && value?.slug === slug ? value : undefined;
    const preview = this.#options.preview();
    const shown = detail ?? (preview?.slug === slug ? preview : undefined);
    const head = shown && localizedListing(shown, currentLocale());
    const body = detail && localizedListing(detail, currentLocale());
    return html`<article
      class="detail"
      part="detail"
      aria-labelledby=${head ? 'detail-title' : nothing}
      aria-label=${head ? nothing : msg('Integration')}
      aria-busy=${body || failed ? 'false' : 'true'}
    >
      ${head ? renderHeader(this.#options.parts, head) : nothing}
      ${failed
        ? renderError(this.task.error, msg("Couldn't load this integration"), () => this.task.run())
        : body
          ? renderBody(body, new Map(this.#options.categories()?.map((c) => [c.slug!, c.name!])))
          : html`<div class="detail__loading" aria-hidden="true">
              ${head ? nothing : html`<span class="skeleton skeleton--logo"></span>`}
              <span class="skeleton skeleton--title"></span>
              <span class="skeleton skeleton--line"></span>
              <span class="skeleton skeleton--line"></span>
              <span class="skeleton skeleton--line skeleton--short"></span>
            </div>`}
    </article>`;
  }
}

export function renderHeader(host: IntegrationPageHost, i: IntegrationCard): TemplateResult {
  return html`<header class="detail__header">
    ${host.renderLogo(i, 'detail-logo', 'logo logo--large')}
    <div class="detail__intro">
      <h2 id="detail-title" class="detail__title" part="detail-title" tabindex="-1">${i.name}</h2>
      <p class="detail__summary">${i.short_description}</p>
      ${i.flag ? html`<div class="detail__badges">${renderFlag(i.flag)}</div>` : nothing}
    </div>
    <div class="detail__actions">${renderAction(host, i)}</div>
  </header>`;
}

function renderAction(host: IntegrationPageHost, i: IntegrationCard): TemplateResult | typeof nothing {
  const url = safeUrl(i);
  if (url) return host.renderVisit(i, url, 'button button--primary');
  if (i.type === 'external') return nothing;
  if (i.installed) return renderInstalled();
  return html`<button type="button" class="button button--primary" part="install-button" @click=${() => host.install(i)}>
    ${msg('Install')}
  </button>`;
}

/** `categoryNames`: slug to display name, from the catalog (a slug is shown when it is missing). */
export function renderBody(i: IntegrationDetail, categoryNames: ReadonlyMap<string, string>): TemplateResult {
  const row = (term: string, items: readonly string[]) =>
    items.length
      ? html`<div class="meta__row">
          <dt>${term}</dt>
          <dd>
            <ul class="meta__list" role="list">
              ${items.map((item) => html`<li class="chip">${item}</li>`)}
            </ul>
          </dd>
        </div>`
      : nothing;
  return html`<div class="detail__body">
    <div class="detail__description" part="description">
      ${paragraphs(i.long_description).map((p) => html`<p>${p}</p>`)}
    </div>
    <dl class="meta" part="meta">
      ${row(msg('Categories'), i.categories.map((slug) => categoryNames.get(slug) ?? slug))}
      ${row(msg('Tags'), i.tags)} ${row(msg('Connects to'), i.connectors)}
      ${i.default_release
        ? html`<div class="meta__row">
            <dt>${msg('Version')}</dt>

            <dd>${i.default_release.version}</dd>
          </div>`
        : nothing}
    </dl>
  </div>`;
}

/** Plain-text paragraphs: split on blank lines, never parsed as HTML. */
export function paragraphs(text: string): string[] {
  return text
    .split(/\r?\n\s*\r?\n/)
    .map((p) => p.trim())
    .filter(Boolean);
}

export const styles = css`
  .detail {
    display: grid;
    gap: var(--pan-space-l);
    padding: var(--pan-space-l);
    background: var(--pan-marketplace-card-background);
    border: 1px solid var(--pan-color-border);
    border-radius: var(--pan-marketplace-card-radius);
    box-shadow: var(--pan-shadow-s);
  }

  @container (min-width: 40rem) {
    .detail {
      padding: var(--pan-space-xl);
    }
  }

  .detail__loading {
    display: grid;
    gap: var(--pan-space-s);
  }

  .logo--large {
    --pan-marketplace-logo-size: 4.5rem;
    border-radius: var(--pan-radius-l);
  }

  .detail__header {
    display: flex;
    flex-wrap: wrap;
    align-items: flex-start;
    gap: var(--pan-space-l);
    padding-block-end: var(--pan-space-l);
    border-block-end: 1px solid var(--pan-color-border);
  }

  .detail__intro {
    display: grid;
    gap: var(--pan-space-xs);
    flex: 1 1 16rem;
  }

  .detail__title {
    justify-self: start;
    font-size: var(--pan-font-size-xl);
    font-weight: 700;
    letter-spacing: -0.02em;
    line-height: 1.2;
  }

  .detail__title:focus {
    outline: none;
  }

  .detail__title:focus-visible {
    outline: var(--pan-focus-ring);
    outline-offset: 4px;
    border-radius: var(--pan-radius-s);
  }

  .detail__summary {
    color: var(--pan-color-text-muted);
  }

  .detail__badges {
    display: flex;
    flex-wrap: wrap;
    gap: var(--pan-space-xs);
  }

  .detail__actions {
    display: flex;
    align-items: center;
    gap: var(--pan-space-xs);
  }

  .detail__actions .button {
    padding: var(--pan-space-xs) var(--pan-space-l);
    font-size: var(--pan-font-size-m);
  }

  .detail__actions .installed {
    padding: var(--pan-space-2xs) var(--pan-space-s);
    font-size: var(--pan-font-size-s);
  }

  .detail__body {
    display: grid;
    gap: var(--pan-space-xl);
  }

  @container (min-width: 48rem) {
    .detail__body {
      grid-template-columns: minmax(0, 1fr) 16rem;
    }
  }

  .detail__description {
    display: grid;
    align-content: start;
    gap: var(--pan-space-m);
    max-width: 65ch;
    color: var(--pan-color-text-secondary);
  }

  .detail__description p {
    white-space: pre-line;
  }

  .meta {
    display: grid;
    gap: var(--pan-space-m);
    align-content: start;
  }

  .meta__row {
    display: grid;
    gap: var(--pan-space-2xs);
  }

  .meta dt {
    font-size: var(--pan-font-size-xs);
    font-weight: 600;
    letter-spacing: 0.06em;
    text-transform: uppercase;
    color: var(--pan-color-text-muted);
  }

  .meta dd {
    font-size: var(--pan-font-size-s);
  }

  .meta__list {
    display: flex;
    flex-wrap: wrap;
    gap: var(--pan-space-2xs);
  }

  .chip {
    padding: 0 var(--pan-space-xs);
    line-height: 1.5rem;
    color: var(--pan-color-text-secondary);
    background: var(--pan-color-surface-muted);
    border-radius: var(--pan-radius-s);
  }
`;
