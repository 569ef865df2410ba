import { css } from 'lit';

export default css`
  :host {
    display: block;
  }

  .run-log {
    display: grid;
    gap: var(--pan-space-xs);
  }

  .toolbar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--pan-space-xs);
    font-size: var(--pan-font-size-s);
  }

  .toolbar__status {
    color: var(--pan-color-text-muted);
  }

  .toolbar__note {
    flex: 1;
    color: var(--pan-color-text-muted);
  }

  .truncated {
    padding: var(--pan-space-2xs) var(--pan-space-xs);
    border-radius: var(--pan-radius-m);
    background: var(--pan-color-surface-muted);
    color: var(--pan-color-text-secondary);
    font-size: var(--pan-font-size-s);
  }

  .log {
    position: relative;
  }

  .lines {
    max-height: var(--pan-run-log-height, 24rem);
    min-height: 3rem;
    overflow: auto;
    padding: var(--pan-space-xs) var(--pan-space-s);
    border-radius: var(--pan-radius-m);
    background: var(--pan-run-log-background, #111827);
    color: var(--pan-run-log-color, #e5e7eb);
    font-family: var(--pan-run-log-font-family, ui-monospace, SFMono-Regular, Menlo, Consolas, monospace);
    font-size: var(--pan-run-log-font-size, var(--pan-font-size-xs, 0.75rem));
    line-height: 1.5;
  }

  .line {
    display: flex;
    gap: var(--pan-space-s);
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }

  .line__time {
    flex: none;
    color: var(--pan-run-log-time-color, #9ca3af);
    user-select: none;
  }

  /* A script's output takes its direction from its own text: in a right-to-left page an English
     line keeps its punctuation where it was written. */
  .line__text {
    unicode-bidi: plaintext;
  }

  .line--pan .line__text {
    font-style: italic;
  }

  .jump {
    position: absolute;
    inset-inline-end: var(--pan-space-s);
    inset-block-end: var(--pan-space-xs);
    box-shadow: var(--pan-shadow-m);
  }

  .empty {
    color: var(--pan-color-text-muted);
    font-size: var(--pan-font-size-s);
  }

  .error {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--pan-space-xs);
    color: var(--pan-color-danger-strong);
    font-size: var(--pan-font-size-s);
  }

  .ansi-bold {
    font-weight: 700;
  }

  /* ANSI colours, readable on the default dark background. */
  .ansi-black {
    color: var(--pan-run-log-black, #9ca3af);
  }
  .ansi-red {
    color: var(--pan-run-log-red, #f87171);
  }
  .ansi-green {
    color: var(--pan-run-log-green, #4ade80);
  }
  .ansi-yellow {
    color: var(--pan-run-log-yellow, #facc15);
  }
  .ansi-blue {
    color: var(--pan-run-log-blue, #60a5fa);
  }
  .ansi-magenta {
    color: var(--pan-run-log-magenta, #e879f9);
  }
  .ansi-cyan {
    color: var(--pan-run-log-cyan, #22d3ee);
  }
  .ansi-white {
    color: var(--pan-run-log-white, #e5e7eb);
  }
  .ansi-bright-black {
    color: var(--pan-run-log-bright-black, #d1d5db);
  }
  .ansi-bright-red {
    color: var(--pan-run-log-bright-red, #fca5a5);
  }
  .ansi-bright-green {
    color: var(--pan-run-log-bright-green, #86efac);
  }
  .ansi-bright-yellow {
    color: var(--pan-run-log-bright-yellow, #fde047);
  }
  .ansi-bright-blue {
    color: var(--pan-run-log-bright-blue, #93c5fd);
  }
  .ansi-bright-magenta {
    color: var(--pan-run-log-bright-magenta, #f0abfc);
  }
  .ansi-bright-cyan {
    color: var(--pan-run-log-bright-cyan, #67e8f9);
  }
  .ansi-bright-white {
    color: var(--pan-run-log-bright-white, #ffffff);
  }
`;
