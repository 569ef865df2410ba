import { css } from 'lit';

export default css`
  :host {
    display: block;
  }

  .tenant {
    display: grid;
    gap: var(--pan-space-l);
    max-width: 46rem;
  }

  .tenant__header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: var(--pan-space-m);
  }

  .tenant__intro {
    display: flex;
    align-items: center;
    gap: var(--pan-space-s);
  }

  .tenant__title {
    font-size: var(--pan-font-size-xl);
    line-height: 1.2;
  }

  .tenant__title:focus {
    outline: none;
  }

  .release {
    display: grid;
    gap: var(--pan-space-xs);
    margin-block-end: var(--pan-space-m);
  }

  .release__label {
    font-weight: 600;
  }

  .release__select {
    max-inline-size: 100%;
    padding: var(--pan-space-xs) var(--pan-space-s);
    border: 1px solid var(--pan-color-text-muted);
    border-radius: var(--pan-radius-m);
    background: var(--pan-color-surface);
    color: var(--pan-color-text);
    font: inherit;
  }

  .release__hint {
    color: var(--pan-color-text-muted);
    font-size: var(--pan-font-size-s);
  }

  .notice:empty {
    display: none;
  }

  .notice {
    padding: var(--pan-space-xs) var(--pan-space-s);
    border-radius: var(--pan-radius-m);
    background: var(--pan-color-accent-subtle);
    font-size: var(--pan-font-size-s);
  }

  .notice--error {
    color: var(--pan-color-danger-strong);
  }

  .section {
    display: grid;
    gap: var(--pan-space-m);
    padding: var(--pan-space-l);
    background: var(--pan-color-surface);
    border: 1px solid var(--pan-color-border);
    border-radius: var(--pan-radius-l);
  }

  .section--danger {
    border-color: var(--pan-color-danger);
  }

  .section__title {
    font-size: var(--pan-font-size-l);
  }

  .section__text {
    color: var(--pan-color-text-muted);
  }

  .section__actions {
    display: flex;
    justify-content: flex-end;
    gap: var(--pan-space-xs);
  }

  dialog {
    max-width: min(28rem, calc(100vw - 2rem));
    padding: var(--pan-space-l);
    border: 0;
    border-radius: var(--pan-radius-l);
    box-shadow: var(--pan-shadow-m);
    color: inherit;
    font: inherit;
  }

  dialog::backdrop {
    background: rgb(17 24 39 / 0.45);
  }

  .dialog {
    display: grid;
    gap: var(--pan-space-m);
  }
`;
