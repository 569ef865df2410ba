import { css } from 'lit';

export default css`
  :host {
    display: block;
  }

  .mine {
    display: grid;
    gap: var(--pan-space-m);
  }

  .mine__title {
    font-size: var(--pan-font-size-xl);
    line-height: 1.2;
  }

  .mine__title:focus {
    outline: none;
  }

  .problem:empty {
    display: none;
  }

  .problem {
    color: var(--pan-color-danger-strong);
  }

  .list {
    display: grid;
    gap: var(--pan-space-s);
  }

  .tenant {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: var(--pan-space-m);
    padding: var(--pan-space-m) var(--pan-space-l);
    background: var(--pan-color-surface);
    border: 1px solid var(--pan-color-border);
    border-radius: var(--pan-radius-l);
    box-shadow: var(--pan-shadow-s);
  }

  .tenant__name {
    font-size: var(--pan-font-size-m);
  }

  .tenant__meta {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--pan-space-xs);
    color: var(--pan-color-text-muted);
    font-size: var(--pan-font-size-s);
  }

  .tenant__actions {
    display: flex;
    gap: var(--pan-space-xs);
  }
`;
