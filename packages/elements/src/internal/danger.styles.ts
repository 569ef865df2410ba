import { css } from 'lit';

/** `.button--danger`, for destructive actions (not in the catalog's first load, which has none). */
export const dangerButtonStyles = css`
  .button--danger {
    color: var(--pan-color-on-accent);
    background: var(--pan-color-danger);
    border-color: var(--pan-color-danger);
  }

  .button--danger:hover {
    background: var(--pan-color-danger-strong);
    border-color: var(--pan-color-danger-strong);
  }
`;
