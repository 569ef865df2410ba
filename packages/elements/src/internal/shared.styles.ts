import { css } from 'lit';

/*
 * Styles every pan element shares. Tokens (--pan-*) are declared by the outermost element
 * (e.g. <pan-marketplace>) and inherited: nested elements must not declare them again, or a
 * host's theme set on the outer element would stop reaching them.
 */

/** Box sizing, margins, focus ring, `.sr-only`, `.icon`. */
export const baseStyles = css`
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }

  p,
  h2,
  h3,
  ul,
  dl,
  dd {
    margin: 0;
  }

  ul {
    padding: 0;
    list-style: none;
  }

  button {
    font: inherit;
    color: inherit;
  }

  :focus-visible {
    outline: var(--pan-focus-ring);
    outline-offset: 2px;
  }

  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }

  .icon {
    width: 1em;
    height: 1em;
    flex: none;
    fill: none;
    stroke: currentColor;
    stroke-width: 2;
    stroke-linecap: round;
    stroke-linejoin: round;
  }

  /* An arrow along the reading direction (Back) points the other way in right-to-left text. */
  .icon--directional:dir(rtl) {
    transform: scaleX(-1);
  }
`;

/** `.button` and its variants: `--primary`, `--ghost`, `--small` (`--danger`: `danger.styles.ts`). */
export const buttonStyles = css`
  .button {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: var(--pan-space-xs);
    padding: var(--pan-space-xs) var(--pan-space-m);
    font-size: var(--pan-font-size-s);
    font-weight: 600;
    line-height: 1.25rem;
    color: var(--pan-color-text);
    background: var(--pan-color-surface);
    border: 1px solid var(--pan-color-border-strong);
    border-radius: var(--pan-radius-m);
    box-shadow: var(--pan-shadow-s);
    cursor: pointer;
  }

  .button:hover {
    background: var(--pan-color-surface-alt);
    border-color: var(--pan-color-text-subtle);
  }

  .button--primary {
    color: var(--pan-color-on-accent);
    background: var(--pan-color-accent);
    border-color: var(--pan-color-accent);
  }

  .button--primary:hover {
    background: var(--pan-color-accent-strong);
    border-color: var(--pan-color-accent-strong);
  }

  .button--ghost {
    padding-inline: var(--pan-space-xs);
    color: var(--pan-color-text-secondary);
    background: transparent;
    border-color: transparent;
    box-shadow: none;
  }

  .button--ghost:hover {
    color: var(--pan-color-text);
    background: var(--pan-color-surface-muted);
    border-color: transparent;
  }

  .button--small {
    padding: var(--pan-space-2xs) var(--pan-space-s);
    font-size: var(--pan-font-size-xs);
  }

  .button:disabled {
    cursor: not-allowed;
    opacity: 0.55;
  }
`;

/** Loading, empty and error states: `.state`, `.state__title`, `.state__text`, `.state--error`. */
export const stateStyles = css`
  .state {
    display: grid;
    justify-items: center;
    gap: var(--pan-space-xs);
    padding: var(--pan-space-xl) var(--pan-space-l);
    text-align: center;
    background: var(--pan-color-surface-alt);
    border: 1px dashed var(--pan-color-border-strong);
    border-radius: var(--pan-radius-l);
  }

  .state__title {
    font-size: var(--pan-font-size-l);
    font-weight: 600;
  }

  .state__text {
    max-width: 32rem;
    color: var(--pan-color-text-muted);
  }

  .state .button {
    margin-block-start: var(--pan-space-xs);
  }

  .state--error {
    background: var(--pan-color-danger-subtle);
    border: 1px solid var(--pan-color-danger);
  }

  .state--error .state__title {
    color: var(--pan-color-danger-strong);
  }
`;
