import { css } from 'lit';

/** `.button--danger`, for destructive actions (not in the catalog's first load, which has none). */
export const dangerButtonStyles = css`
  .button--danger {
    color: var(--pan-color-neutral-0);
    background: var(--pan-color-danger-600);
    border-color: var(--pan-color-danger-600);
  }

  .button--danger:hover {
    background: var(--pan-color-danger-700);
    border-color: var(--pan-color-danger-700);
  }
`;
