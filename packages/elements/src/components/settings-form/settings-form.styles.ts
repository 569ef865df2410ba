import { css } from 'lit';
import { baseStyles, buttonStyles, stateStyles } from '../../internal/shared.styles.ts';
import { darkTokenDeclarations, tokenDeclarations } from '../../internal/tokens.styles.ts';

/*
 * The element's own styles; the form's (fields, layouts, errors) come with the lazily loaded
 * form module and are adopted into the same shadow root. Tokens are declared here only when the
 * element stands alone: inside another pan element (`nested`) it inherits that element's, so a
 * theme set on the outer element reaches the form too.
 */

export default [
  baseStyles,
  buttonStyles,
  stateStyles,
  css`
    :host(:not([nested])) {
      ${tokenDeclarations}
    }

    :host([theme='dark']:not([nested])) {
      ${darkTokenDeclarations}
    }

    @media (prefers-color-scheme: dark) {
      :host(:not([theme='light'], [nested])) {
        ${darkTokenDeclarations}
      }
    }

    :host {
      --pan-settings-form-gap: var(--pan-space-l);
      --pan-settings-form-input-background: var(--pan-color-surface);
      --pan-settings-form-input-radius: var(--pan-radius-m);
      --pan-settings-form-group-background: var(--pan-color-surface-alt);

      display: block;
      font-family: var(--pan-font-family);
      font-size: var(--pan-font-size-m);
      line-height: 1.5;
      color: var(--pan-color-text);
    }

    :host([hidden]) {
      display: none;
    }

    .form[hidden] {
      display: none;
    }

    .state {
      justify-items: center;
    }

    .state--loading {
      display: flex;
      align-items: center;
      justify-content: center;
      gap: var(--pan-space-xs);
      color: var(--pan-color-text-muted);
    }

    .spinner {
      width: 1.25rem;
      height: 1.25rem;
      flex: none;
      border: 2px solid var(--pan-color-border);
      border-block-start-color: var(--pan-color-accent);
      border-radius: 50%;
      animation: spin 0.8s linear infinite;
    }

    @keyframes spin {
      to {
        transform: rotate(1turn);
      }
    }

    @media (prefers-reduced-motion: reduce) {
      .spinner {
        animation-duration: 2.4s;
      }
    }
  `,
];
