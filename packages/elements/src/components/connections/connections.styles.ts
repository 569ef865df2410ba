import { css } from 'lit';

export default css`
  :host {
    display: block;
  }

  .connections {
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

  .notice:empty {
    display: none;
  }

  .notice {
    color: var(--pan-color-text-secondary);
  }

  .list {
    display: grid;
    gap: var(--pan-space-s);
  }

  .connection {
    display: grid;
    gap: var(--pan-space-xs);
    padding: var(--pan-space-s) var(--pan-space-m);
    background: var(--pan-color-surface);
    border: 1px solid var(--pan-color-border);
    border-radius: var(--pan-radius-l);
  }

  .connection__head {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--pan-space-xs) var(--pan-space-s);
  }

  .connection__name {
    font-weight: 600;
  }

  .connection__actions {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--pan-space-xs);
    margin-inline-start: auto;
  }

  .connection__waiting,
  .connection__detail,
  .form__intro,
  .field__help {
    color: var(--pan-color-text-muted);
    font-size: var(--pan-font-size-s);
  }

  .connection__problem,
  .form__errors,
  .field__error {
    color: var(--pan-color-danger-strong);
    font-size: var(--pan-font-size-s);
  }

  .connection__problem {
    padding: var(--pan-space-xs) var(--pan-space-s);
    background: var(--pan-color-danger-subtle);
    border-radius: var(--pan-radius-m);
  }

  .status--off {
    background: var(--pan-color-surface-muted);
    color: var(--pan-color-text-secondary);
  }

  .status--warn {
    background: var(--pan-color-danger-subtle);
    color: var(--pan-color-danger-strong);
  }

  .confirm,
  .form {
    display: grid;
    gap: var(--pan-space-s);
    padding: var(--pan-space-s);
    background: var(--pan-color-surface-alt);
    border-radius: var(--pan-radius-m);
  }

  .confirm__actions,
  .form__actions {
    display: flex;
    flex-wrap: wrap;
    gap: var(--pan-space-xs);
  }

  .field {
    display: grid;
    gap: var(--pan-space-2xs);
  }

  .field__label {
    font-weight: 600;
    font-size: var(--pan-font-size-s);
  }

  .field__required {
    margin-inline-start: var(--pan-space-2xs);
    color: var(--pan-color-danger-strong);
  }

  .field__input {
    max-width: 28rem;
    padding: var(--pan-space-xs) var(--pan-space-s);
    font: inherit;
    color: var(--pan-color-text);
    background: var(--pan-color-surface);
    border: 1px solid var(--pan-color-text-subtle);
    border-radius: var(--pan-radius-m);
  }

  .field__input[aria-invalid='true'] {
    border-color: var(--pan-color-danger);
  }

  .form__errors {
    padding-inline-start: var(--pan-space-m);
    list-style: disc;
  }
`;
