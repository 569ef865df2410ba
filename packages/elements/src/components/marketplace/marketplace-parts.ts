/**
 * Pieces shared by the catalog (first load) and the integration page (its own chunk).
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { Flag, IntegrationCard } from '@pan/contract';
import { msg } from '../../internal/locale.ts';
import { describeError } from '../../internal/views.ts';

/** The pieces of a card that need the marketplace's state or events: it renders them for both. */
export interface CardParts {
  renderLogo(i: IntegrationCard, part: string, className?: string): TemplateResult;
  renderVisit(i: IntegrationCard, url: string, className: string): TemplateResult;
}

/** The external URL of an external integration if it is http(s); anything else is not opened. */
export function safeUrl(i: IntegrationCard): string | undefined {
  if (i.type !== 'external' || !i.external_url) return undefined;
  try {
    const { protocol } = new URL(i.external_url);
    return protocol === 'https:' || protocol === 'http:' ? i.external_url : undefined;
  } catch {
    return undefined;
  }
}

/** Black or white, whichever contrasts more with a `#rgb`/`#rrggbb` colour (always >= 4.5:1). */
export function readableTextOn(color: string): string | undefined {
  const match = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color.trim());
  if (!match) return undefined;
  const hex = match[1]!.length === 3 ? [...match[1]!].map((c) => c + c).join('') : match[1]!;
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.05 ? '#fff' : '#000';
}

export function renderFlag(flag: Flag | null): TemplateResult | typeof nothing {
  if (!flag) return nothing;
  const valid = typeof CSS !== 'undefined' && CSS.supports('color', flag.color);
  const text = valid ? readableTextOn(flag.color) : undefined;
  // A hex colour fills the badge (with black or white text); any other valid colour outlines it.
  // Set through the CSSOM (a property binding), which a strict style-src CSP allows.
  const style = valid ? `--pan-flag-color:${flag.color};${text ? `--pan-flag-text:${text}` : ''}` : '';
  return html`<span class=${text ? 'flag' : 'flag flag--outline'} part="flag" .style=${style}
    >${flag.name}</span
  >`;
}

export function renderInstalled(): TemplateResult {
  return html`<span class="installed" part="installed-badge">
    <svg class="icon" viewBox="0 0 20 20" aria-hidden="true"><path d="m4.5 10.5 3.5 3.5 7.5-8" /></svg>
    ${msg('Installed')}
  </span>`;
}

/** A connection this integration needs must be made again (its refresh was refused). */
export function renderReconnect(): TemplateResult {
  return html`<span class="installed installed--warn" part="reconnect-badge">${msg('Reconnect')}</span>`;
}

/** A failed request of the catalog or an integration page, with Retry. */
export function renderError(error: unknown, title: string, retry: () => void): TemplateResult {
  return html`<div class="state state--error" part="error" role="alert">
    <p class="state__title">${title}</p>
    <p class="state__text">${describeError(error, msg('This integration is not available.'))}</p>
    <button type="button" class="button" part="retry-button" @click=${retry}>${msg('Retry')}</button>

  </div>`;
}
