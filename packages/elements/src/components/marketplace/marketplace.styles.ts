import { css } from 'lit';
import { baseStyles, buttonStyles, stateStyles } from '../../internal/shared.styles.ts';
import { darkTokenDeclarations, tokenDeclarations } from '../../internal/tokens.styles.ts';

/*
 * Global tokens (--pan-*) first, then the component knobs (--pan-marketplace-*): set either on the
 * element to theme it. The cards', categories' and tags' own rules arrive with their renderer
 * (catalog-cards.ts). Notes kept out of the template so they do not ship:
 * - .main sits in the last column, also before the categories have loaded;
 */

export default [
  baseStyles,
  buttonStyles,
  stateStyles,
  css`
  :host {
    ${tokenDeclarations}

    --pan-marketplace-card-gap: var(--pan-space-m);
    --pan-marketplace-card-min-width: 15rem;
    --pan-marketplace-card-background: var(--pan-color-surface);
    --pan-marketplace-card-radius: var(--pan-radius-l);
    --pan-marketplace-card-padding: var(--pan-space-l);
    --pan-marketplace-logo-size: 2.75rem;
    --pan-marketplace-nav-width: 13rem;

    display: block;
    container-type: inline-size;
    font-family: var(--pan-font-family);
    font-size: var(--pan-font-size-m);
    line-height: 1.5;
    color: var(--pan-color-text);
  }

  :host([theme='dark']) {
    ${darkTokenDeclarations}
  }

  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      ${darkTokenDeclarations}
    }
  }

  :host([hidden]) {
    display: none;
  }


  .search__input,
  .nav__item,
  .tag,
  .card,
  .button {
    transition: 150ms ease;
    transition-property: background, border-color, box-shadow, color, transform;
  }




  .header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: var(--pan-space-m);
    margin-block-end: var(--pan-space-l);
  }

  .header__title {
    font-size: var(--pan-font-size-xl);
    font-weight: 700;
    letter-spacing: -0.02em;
    line-height: 1.2;
  }

  .search {
    position: relative;
    flex: 0 1 22rem;
    min-width: min(100%, 14rem);
  }

  .search__icon {
    position: absolute;
    inset-block-start: 50%;
    inset-inline-start: var(--pan-space-s);
    width: 1.125rem;
    height: 1.125rem;
    transform: translateY(-50%);
    fill: none;
    stroke: var(--pan-color-text-subtle);
    stroke-width: 2;
    stroke-linecap: round;
    pointer-events: none;
  }

  .search__input {
    width: 100%;
    padding-block: var(--pan-space-xs);
    padding-inline: 2.5rem var(--pan-space-s);
    font: inherit;
    font-size: var(--pan-font-size-s);
    line-height: 1.5rem;
    color: var(--pan-color-text);
    background: var(--pan-color-surface);
    border: 1px solid var(--pan-color-border-strong);
    border-radius: var(--pan-radius-m);
    box-shadow: var(--pan-shadow-s);
  }

  .search__input::placeholder {
    color: var(--pan-color-text-subtle);
  }

  /* The shared focus ring (the soft glow alone is under 3:1 against the surface), plus the glow. */
  .search__input:focus-visible {
    outline-offset: 1px;
    border-color: var(--pan-color-accent);
    box-shadow: 0 0 0 3px var(--pan-color-accent-muted);
  }


  .layout {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: var(--pan-space-l);
  }

  .nav {
    min-width: 0;
  }

  @container (min-width: 48rem) {
    .layout {
      grid-template-columns: var(--pan-marketplace-nav-width) minmax(0, 1fr);
      align-items: start;
    }

    .nav {
      position: sticky;
      inset-block-start: var(--pan-space-m);
    }

  }

  .main {
    grid-column: -2;
    display: grid;
    gap: var(--pan-space-m);
    min-width: 0;
  }


  .results {
    display: grid;
    gap: var(--pan-space-s);
  }

  .results__summary {
    font-size: var(--pan-font-size-s);
    color: var(--pan-color-text-muted);
  }

  .grid {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(min(100%, var(--pan-marketplace-card-min-width)), 1fr));
    gap: var(--pan-marketplace-card-gap);
  }

  .card {
    position: relative;
    display: flex;
    flex: 1;
    flex-direction: column;
    gap: var(--pan-space-xs);
    padding: var(--pan-marketplace-card-padding);
    background: var(--pan-marketplace-card-background);
    border: 1px solid var(--pan-color-border);
    border-radius: var(--pan-marketplace-card-radius);
    box-shadow: var(--pan-shadow-s);
  }

  .logo {
    display: grid;
    place-items: center;
    flex: none;
    width: var(--pan-marketplace-logo-size);
    height: var(--pan-marketplace-logo-size);
    object-fit: contain;
    background: var(--pan-color-surface);
    border: 1px solid var(--pan-color-border);
    border-radius: var(--pan-radius-m);
  }


  .logo--initials {
    font-weight: 700;
    font-size: calc(var(--pan-marketplace-logo-size) * 0.36);
    letter-spacing: 0.02em;
    color: var(--pan-color-accent-strong);
    background: linear-gradient(135deg, var(--pan-color-accent-subtle), var(--pan-color-accent-muted));
    border-color: var(--pan-color-accent-muted);
  }

  .flag {
    display: inline-flex;
    align-items: center;
    gap: var(--pan-space-2xs);
    padding: 0 var(--pan-space-xs);
    font-size: var(--pan-font-size-xs);
    font-weight: 600;
    line-height: 1.375rem;
    white-space: nowrap;
    color: var(--pan-flag-text, var(--pan-color-surface));
    background: var(--pan-flag-color, var(--pan-color-accent));
    border: 1px solid var(--pan-flag-color, var(--pan-color-accent));
    border-radius: var(--pan-radius-pill);
  }

  .flag--outline {
    color: var(--pan-color-text);
    background: var(--pan-color-surface);
  }

  .flag--outline::before {
    content: '';
    width: 0.5rem;
    height: 0.5rem;
    border-radius: 50%;
    background: var(--pan-flag-color, var(--pan-color-text-subtle));
  }

  .installed {
    display: inline-flex;
    align-items: center;
    gap: var(--pan-space-2xs);
    padding: 0 var(--pan-space-xs);
    font-size: var(--pan-font-size-xs);
    font-weight: 600;
    line-height: 1.5rem;
    color: var(--pan-color-success);
    background: var(--pan-color-success-subtle);
    border-radius: var(--pan-radius-pill);
  }

  .installed--warn {
    color: var(--pan-color-danger-strong);
    background: var(--pan-color-danger-subtle);
  }






  .card--skeleton {
    min-height: 11rem;
    box-shadow: none;
  }

  .skeleton {
    display: block;
    height: 0.875rem;
    border-radius: var(--pan-radius-s);
    background: linear-gradient(
      90deg,
      var(--pan-color-surface-muted) 25%,
      var(--pan-color-border) 50%,
      var(--pan-color-surface-muted) 75%
    );
    background-size: 200% 100%;
    animation: shimmer 1.4s ease-in-out infinite;
  }

  .skeleton--logo {
    width: var(--pan-marketplace-logo-size);
    height: var(--pan-marketplace-logo-size);
    border-radius: var(--pan-radius-m);
    margin-block-end: var(--pan-space-2xs);
  }

  .skeleton--title {
    width: 55%;
    height: 1.125rem;
  }

  .skeleton--short {
    width: 70%;
  }

  @keyframes shimmer {
    from {
      background-position: 100% 0;
    }
    to {
      background-position: -100% 0;
    }
  }

  @media (prefers-reduced-motion: reduce) {
    .skeleton {
      animation: none;
    }

    .card,
    .card:not(.card--skeleton):hover {
      transition: none;
      transform: none;
    }
  }


  .detail-bar {
    margin-block-end: var(--pan-space-m);
  }


  .tabs {
    display: flex;
    flex-wrap: wrap;
    gap: var(--pan-space-2xs);
    margin-block-end: var(--pan-space-l);
    border-block-end: 1px solid var(--pan-color-border);
  }

  .tab {
    padding: var(--pan-space-xs) var(--pan-space-m);
    margin-block-end: -1px;
    font-weight: 600;
    color: var(--pan-color-text-muted);
    background: none;
    border: 0;
    border-block-end: 2px solid transparent;
    cursor: pointer;
  }

  /* A phone's width keeps the three tabs on one row; narrower still, they wrap (never cut off). */
  @container (max-width: 30rem) {
    .tab {
      padding-inline: var(--pan-space-xs);
      font-size: var(--pan-font-size-s);
    }
  }

  .tab:hover {
    color: var(--pan-color-text);
  }

  .tab[aria-current='page'] {
    color: var(--pan-color-accent-strong);
    border-block-end-color: var(--pan-color-accent);
  }

  .view:focus {
    outline: none;
  }
`,
];
