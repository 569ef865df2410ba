import { css } from 'lit';

export default css`
  :host {
    display: block;
  }

  .flow {
    display: grid;
    gap: var(--pan-space-l);
    max-width: 46rem;
    container-type: inline-size;
  }

  .flow__title {
    font-size: var(--pan-font-size-xl);
    line-height: 1.2;
  }

  .steps {
    display: flex;
    flex-wrap: wrap;
    gap: var(--pan-space-xs) var(--pan-space-l);
    margin: 0;
    padding: 0;
    list-style: none;
    counter-reset: step;
  }

  .step {
    display: flex;
    align-items: center;
    gap: var(--pan-space-xs);
    color: var(--pan-color-text-muted);
    font-size: var(--pan-font-size-s);
  }

  .step__number {
    display: grid;
    place-items: center;
    width: 1.75rem;
    height: 1.75rem;
    border: 2px solid var(--pan-color-border-strong);
    border-radius: var(--pan-radius-pill);
    font-weight: 600;
  }

  .step--current {
    color: var(--pan-color-text);
    font-weight: 600;
  }

  .step--current .step__number {
    border-color: var(--pan-color-accent);
    background: var(--pan-color-accent);
    color: var(--pan-color-on-accent);
  }

  .step--done .step__number {
    border-color: var(--pan-color-accent);
    color: var(--pan-color-accent-strong);
  }

  .panel {
    display: grid;
    gap: var(--pan-space-m);
    padding: var(--pan-space-l);
    background: var(--pan-color-surface);
    border: 1px solid var(--pan-color-border);
    border-radius: var(--pan-radius-l);
    box-shadow: var(--pan-shadow-s);
  }

  .panel__title {
    font-size: var(--pan-font-size-l);
  }

  .panel__title:focus {
    outline: none;
  }

  .panel__hint {
    color: var(--pan-color-text-muted);
    font-size: var(--pan-font-size-s);
  }

  .panel__hint--warning {
    margin-block-start: var(--pan-space-xs);
    color: var(--pan-color-danger-strong);
  }

  .review,
  .review__settings {
    display: grid;
    gap: var(--pan-space-s);
  }

  .review__row {
    display: grid;
    grid-template-columns: minmax(7rem, 10rem) minmax(0, 1fr);
    gap: var(--pan-space-m);
  }

  .review dt {
    font-weight: 600;
  }

  .review__settings > div {
    display: grid;
    grid-template-columns: minmax(8rem, 1fr) minmax(0, 2fr);
    gap: var(--pan-space-s);
  }

  /* A phone or a side panel: each term above its value. */
  @container (max-width: 30rem) {
    .review__row,
    .review__settings > div {
      grid-template-columns: minmax(0, 1fr);
      gap: var(--pan-space-2xs);
    }
  }

  .review dd {
    overflow-wrap: anywhere;
  }

  .review__settings dt {
    font-weight: 400;
    color: var(--pan-color-text-muted);
  }

  .problem {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--pan-space-s);
    padding: var(--pan-space-s);
    color: var(--pan-color-danger-strong);
    background: var(--pan-color-danger-subtle);
    border-radius: var(--pan-radius-m);
  }

  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: var(--pan-space-xs);
    align-items: center;
  }

  .actions__spacer {
    flex: 1;
  }
`;
