import { css } from 'lit';

export default css`
  :host {
    display: block;
  }

  .flow {
    display: grid;
    gap: var(--pan-space-l);
    max-width: 46rem;
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

  /* Term beside value; in a narrow host (a phone, a side panel) the value wraps below its term.
     Flex wrapping rather than a container query: the element stays sizable by its content. */
  .review__row,
  .review__settings > div {
    display: flex;
    flex-wrap: wrap;
    gap: var(--pan-space-2xs) var(--pan-space-m);
  }

  .review__row > dt {
    flex: 0 0 10rem;
  }

  .review__row > dd {
    flex: 1 1 14rem;
    min-width: 0;
  }

  .review dt {
    font-weight: 600;
  }

  .review__settings > div > dt {
    flex: 1 1 8rem;
  }

  .review__settings > div > dd {
    flex: 2 1 12rem;
    min-width: 0;
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
