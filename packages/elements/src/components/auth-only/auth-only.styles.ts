import { css } from 'lit';

export default css`
  :host {
    display: block;
  }

  .auth {
    display: grid;
    gap: var(--pan-space-m);
  }

  .title {
    font-size: var(--pan-font-size-xl);
    line-height: 1.2;
  }

  .title:focus {
    outline: none;
  }

  .intro,
  .integration__text {
    color: var(--pan-color-text-muted);
  }

  .list {
    display: grid;
    gap: var(--pan-space-m);
  }

  .integration {
    display: grid;
    gap: var(--pan-space-s);
    padding: var(--pan-space-m) var(--pan-space-l);
    background: var(--pan-color-surface);
    border: 1px solid var(--pan-color-border);
    border-radius: var(--pan-radius-l);
    box-shadow: var(--pan-shadow-s);
  }

  .integration__head {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--pan-space-s);
  }

  .integration__name {
    font-size: var(--pan-font-size-l);
  }

  .logo {
    display: grid;
    place-items: center;
    flex: none;
    width: 2.5rem;
    height: 2.5rem;
    object-fit: contain;
    background: var(--pan-color-surface);
    border: 1px solid var(--pan-color-border);
    border-radius: var(--pan-radius-m);
  }

  .logo--initials {
    font-weight: 700;
    color: var(--pan-color-accent-strong);
    background: var(--pan-color-accent-subtle);
  }

  .status--off {
    background: var(--pan-color-surface-muted);
    color: var(--pan-color-text-secondary);
  }

  .problem {
    padding: var(--pan-space-xs) var(--pan-space-s);
    color: var(--pan-color-danger-strong);
    background: var(--pan-color-danger-subtle);
    border-radius: var(--pan-radius-m);
  }
`;
