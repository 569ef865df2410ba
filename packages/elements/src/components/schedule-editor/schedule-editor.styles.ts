import { css } from 'lit';

export default css`
  :host {
    display: block;
  }

  fieldset {
    display: grid;
    gap: var(--pan-space-s);
    margin: 0;
    padding: 0;
    border: 0;
  }

  legend {
    margin-block-end: var(--pan-space-xs);
    padding: 0;
    font-weight: 600;
  }

  .option {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: var(--pan-space-2xs) var(--pan-space-xs);
    align-items: center;
    padding: var(--pan-space-s);
    border: 1px solid var(--pan-color-border);
    border-radius: var(--pan-radius-m);
  }

  .option:has(input[type='radio']:checked) {
    border-color: var(--pan-color-accent);
    background: var(--pan-color-accent-subtle);
  }

  .option__hint {
    grid-column: 2;
    color: var(--pan-color-text-muted);
    font-size: var(--pan-font-size-s);
  }

  /* The zone and the missed-fire policy apply to every choice: below them, not inside one. */
  .zone {
    display: flex;
    flex-wrap: wrap;
    gap: var(--pan-space-xs);
    align-items: center;
    min-inline-size: 0;
  }

  .zone select {
    max-inline-size: 100%;
  }

  .option__controls {
    grid-column: 2;
    display: flex;
    flex-wrap: wrap;
    gap: var(--pan-space-xs);
    align-items: center;
  }

  input[type='number'],
  input[type='text'],
  select {
    font: inherit;
    padding: var(--pan-space-2xs) var(--pan-space-xs);
    border: 1px solid var(--pan-color-border-strong);
    border-radius: var(--pan-radius-s);
    background: var(--pan-color-surface);
    color: inherit;
  }

  input[type='number'] {
    width: 6rem;
  }

  input[type='text'] {
    width: min(100%, 16rem);
    font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
  }

  [aria-invalid='true'] {
    border-color: var(--pan-color-danger);
  }

  .preview {
    padding: var(--pan-space-s);
    background: var(--pan-color-surface-alt);
    border-radius: var(--pan-radius-m);
    font-size: var(--pan-font-size-s);
  }

  .preview__summary {
    font-weight: 600;
  }

  .preview ol {
    margin: var(--pan-space-2xs) 0 0;
    padding-inline-start: 1.25rem;
    color: var(--pan-color-text-secondary);
  }

  .error {
    color: var(--pan-color-danger-strong);
    font-size: var(--pan-font-size-s);
  }
`;
