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
    color: var(--pan-color-neutral-600);
    font-size: var(--pan-font-size-s);
  }

  .step__number {
    display: grid;
    place-items: center;
    width: 1.75rem;
    height: 1.75rem;
    border: 2px solid var(--pan-color-neutral-300);
    border-radius: var(--pan-radius-pill);
    font-weight: 600;
  }

  .step--current {
    color: var(--pan-color-neutral-900);
    font-weight: 600;
  }

  .step--current .step__number {
    border-color: var(--pan-color-primary-600);
    background: var(--pan-color-primary-600);
    color: var(--pan-color-neutral-0);
  }

  .step--done .step__number {
    border-color: var(--pan-color-primary-600);
    color: var(--pan-color-primary-700);
  }

  .panel {
    display: grid;
    gap: var(--pan-space-m);
    padding: var(--pan-space-l);
    background: var(--pan-color-neutral-0);
    border: 1px solid var(--pan-color-neutral-200);
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
    color: var(--pan-color-neutral-600);
    font-size: var(--pan-font-size-s);
  }

  .panel__hint--warning {
    margin-block-start: var(--pan-space-xs);
    color: var(--pan-color-danger-700);
  }

  .review,
  .review__settings {
    display: grid;
    gap: var(--pan-space-s);
  }

  .review__row {
    display: grid;
    grid-template-columns: minmax(7rem, 10rem) 1fr;
    gap: var(--pan-space-m);
  }

  .review dt {
    font-weight: 600;
  }

  .review__settings > div {
    display: grid;
    grid-template-columns: minmax(8rem, 1fr) 2fr;
    gap: var(--pan-space-s);
  }

  .review__settings dt {
    font-weight: 400;
    color: var(--pan-color-neutral-600);
  }

  .problem {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--pan-space-s);
    padding: var(--pan-space-s);
    color: var(--pan-color-danger-700);
    background: var(--pan-color-danger-50);
    border-radius: var(--pan-radius-m);
  }

  .actions {
    display: flex;
    gap: var(--pan-space-xs);
    align-items: center;
  }

  .actions__spacer {
    flex: 1;
  }
`;
