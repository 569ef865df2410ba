import { css } from 'lit';

/** The Active/Paused badge of an installed integration: `.status`, `.status--paused`. */
export const statusStyles = css`
  .status {
    padding: 0.125rem var(--pan-space-xs);
    border-radius: var(--pan-radius-pill);
    background: var(--pan-color-success-subtle);
    color: var(--pan-color-success);
    font-size: var(--pan-font-size-xs);
    font-weight: 700;
    text-transform: uppercase;
    letter-spacing: 0.04em;
  }

  .status--paused {
    background: var(--pan-color-surface-muted);
    color: var(--pan-color-text-secondary);
  }
`;
