import { css } from 'lit';

export default css`
  :host {
    display: block;
  }

  .panel {
    display: grid;
    gap: var(--pan-run-panel-gap, var(--pan-space-m));
  }

  .run-now {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--pan-space-s);
  }

  .run-now__mode {
    display: inline-flex;
    align-items: center;
    gap: var(--pan-space-xs);
    font-size: var(--pan-font-size-s);
    font-weight: 600;
  }

  .run-now__mode select {
    padding: var(--pan-space-2xs) var(--pan-space-xs);
    font: inherit;
    font-weight: 400;
    color: inherit;
    background: var(--pan-color-surface);
    border: 1px solid var(--pan-color-border-strong);
    border-radius: var(--pan-radius-m);
  }

  .run-now__reason {
    color: var(--pan-color-text-muted);
    font-size: var(--pan-font-size-s);
  }

  .problem:empty {
    display: none;
  }

  .problem {
    color: var(--pan-color-danger-strong);
    font-size: var(--pan-font-size-s);
  }

  .current {
    font-weight: 600;
  }

  .history {
    display: grid;
    gap: var(--pan-space-xs);
  }

  .history__title {
    font-weight: 600;
  }

  .history__empty {
    color: var(--pan-color-text-muted);
    font-size: var(--pan-font-size-s);
  }

  .history__list {
    display: grid;
    gap: var(--pan-space-xs);
  }

  .run {
    display: grid;
    gap: var(--pan-space-xs);
    padding: var(--pan-space-xs) var(--pan-space-s);
    border: 1px solid var(--pan-color-border);
    border-radius: var(--pan-radius-l);
  }

  .run__summary {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--pan-space-xs) var(--pan-space-s);
    font-size: var(--pan-font-size-s);
  }

  .run__duration,
  .run__sources {
    color: var(--pan-color-text-muted);
  }

  .run__replay {
    color: var(--pan-color-text-muted);
    font-style: italic;
  }

  .run__log-button {
    margin-inline-start: auto;
  }

  .run__log:empty {
    display: none;
  }

  .more {
    justify-self: start;
  }
`;
