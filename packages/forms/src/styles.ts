/**
 * The theme's CSS, for the shadow root the form renders in (adopted as a constructable style sheet:
 * nothing goes to `document.head`, no inline `style` attribute, so `style-src 'self'` holds).
 * It reads the `--pan-*` tokens the host element declares (see `@pan/elements`), and the knobs
 * `--pan-settings-form-*`.
 */
export const settingsFormCss = `
.settings-form {
  display: block;
}

/* Flow layout with margins rather than grid gaps: a long form lays out much faster. */
.settings-form > * + *,
.layout > * + * {
  margin-block-start: var(--pan-settings-form-gap, var(--pan-space-l));
}

/* No specificity: a fieldset with a class of its own (.layout--group) keeps its padding and border. */
:where(.settings-form) fieldset {
  min-width: 0;
  margin: 0;
  padding: 0;
  border: 0;
}

:where(.settings-form) legend {
  padding: 0;
}

.settings-form p,
.settings-form h3,
.settings-form ol {
  margin: 0;
}

.settings-form .sr-only {
  position: absolute;
  width: 1px;
  height: 1px;
  padding: 0;
  margin: -1px;
  overflow: hidden;
  clip: rect(0 0 0 0);
  white-space: nowrap;
  border: 0;
}

.layout {
  display: block;
  min-width: 0;
}

.layout--horizontal {
  display: grid;
  grid-template-columns: repeat(auto-fit, minmax(min(100%, 12rem), 1fr));
  align-items: start;
  gap: var(--pan-space-m);
}

.layout--horizontal > * + * {
  margin-block-start: 0;
}

.layout--section {
  padding-block-start: var(--pan-space-m);
  border-block-start: 1px solid var(--pan-color-border);
}

.layout--root > .layout--section:first-child {
  padding-block-start: 0;
  border-block-start: 0;
}

.layout--group {
  padding: var(--pan-space-m);
  border: 1px solid var(--pan-color-border);
  border-radius: var(--pan-radius-m);
  background: var(--pan-settings-form-group-background, var(--pan-color-surface-alt));
}

/*
 * A fieldset draws its legend across its top border, above the panel's padding; floated, the
 * legend is laid out like any first child, inside the panel. The next child clears it.
 */
.layout--group > .layout__title {
  float: inline-start;
  inline-size: 100%;
  margin-block-end: var(--pan-space-s);
}

.layout--group > .layout__title + * {
  clear: both;
  margin-block-start: 0;
}

.layout__title {
  font-size: var(--pan-font-size-m);
  font-weight: 600;
  line-height: 1.4;
  color: var(--pan-color-text);
}

.layout__hint,
.layout__label {
  font-size: var(--pan-font-size-s);
  color: var(--pan-color-text-muted);
}

.layout__label {
  font-weight: 500;
  color: var(--pan-color-text-secondary);
}

.layout__divider {
  width: 100%;
  margin: 0;
  border: 0;
  border-block-start: 1px solid var(--pan-color-border);
}

.field {
  display: block;
  min-width: 0;
}

.field > * + * {
  margin-block-start: var(--pan-space-2xs);
}

.field__label {
  display: block;
  font-size: var(--pan-font-size-s);
  font-weight: 600;
  color: var(--pan-color-text);
}

.field__required {
  margin-inline-start: 0.2em;
  color: var(--pan-color-danger-strong);
}

.field__hint,
.field__help {
  font-size: var(--pan-font-size-s);
  color: var(--pan-color-text-muted);
}

.field__error > * + * {
  margin-block-start: var(--pan-space-2xs);
}

.field__error-message {
  display: flex;
  align-items: flex-start;
  gap: var(--pan-space-2xs);
  font-size: var(--pan-font-size-s);
  font-weight: 500;
  color: var(--pan-color-danger-strong);
}

.field__error-icon {
  width: 1.125em;
  height: 1.125em;
  flex: none;
  margin-block-start: 0.1em;
  fill: none;
  stroke: currentColor;
  stroke-width: 2;
  stroke-linecap: round;
}

.field__status {
  display: flex;
  align-items: center;
  gap: var(--pan-space-xs);
  font-size: var(--pan-font-size-s);
  color: var(--pan-color-text-muted);
}

.field__status:empty {
  display: none;
}

.input,
.select {
  width: 100%;
  min-height: 2.5rem;
  padding: var(--pan-space-xs) var(--pan-space-s);
  font: inherit;
  font-size: var(--pan-font-size-s);
  line-height: 1.5;
  color: var(--pan-color-text);
  background: var(--pan-settings-form-input-background, var(--pan-color-surface));
  border: 1px solid var(--pan-color-border-strong);
  border-radius: var(--pan-settings-form-input-radius, var(--pan-radius-m));
  box-shadow: var(--pan-shadow-s);
  transition: 150ms ease;
  transition-property: border-color, box-shadow;
}

.field .input,
.field .select {
  max-width: var(--pan-settings-form-field-width, 32rem);
}

.field--full .input,
.field--full .select,
.layout--horizontal .input,
.layout--horizontal .select {
  max-width: none;
}

.input--multiline {
  min-height: 5rem;
  resize: vertical;
}

/* The elements' focus ring (the soft glow alone is under 3:1 against the surface), plus the glow. */
.input:focus-visible,
.select:focus-visible {
  outline: var(--pan-focus-ring, 2px solid currentColor);
  outline-offset: 1px;
  border-color: var(--pan-color-accent);
  box-shadow: 0 0 0 3px var(--pan-color-accent-muted);
}

.input[aria-invalid='true'],
.select[aria-invalid='true'] {
  border-color: var(--pan-color-danger);
}

.input[aria-invalid='true']:focus-visible,
.select[aria-invalid='true']:focus-visible {
  box-shadow: 0 0 0 3px var(--pan-color-danger-subtle);
}

.input:disabled,
.select:disabled {
  color: var(--pan-color-text-muted);
  background: var(--pan-color-surface-muted);
  cursor: not-allowed;
  box-shadow: none;
}

.choices > legend {
  margin-block-end: var(--pan-space-xs);
}

.choice + .choice {
  margin-block-start: var(--pan-space-xs);
}

.choice {
  display: flex;
  align-items: flex-start;
  gap: var(--pan-space-xs);
}

.choice__input {
  flex: none;
  width: 1.125rem;
  height: 1.125rem;
  margin: 0.15rem 0 0;
  accent-color: var(--pan-color-accent);
}

.choice__label {
  font-size: var(--pan-font-size-s);
  color: var(--pan-color-text);
}

.group > * + * {
  margin-block-start: var(--pan-space-s);
}

.group__title {
  font-size: var(--pan-font-size-s);
  font-weight: 600;
  margin-block-end: var(--pan-space-xs);
}

.array__items {
  padding: 0;
  list-style: none;
}

.array__items > * + * {
  margin-block-start: var(--pan-space-s);
}

.array__item {
  display: flex;
  align-items: flex-end;
  gap: var(--pan-space-xs);
  padding: var(--pan-space-s);
  border: 1px solid var(--pan-color-border);
  border-radius: var(--pan-radius-m);
}

.array__item-body {
  flex: 1;
  min-width: 0;
}

.array__toolbar {
  display: flex;
  gap: var(--pan-space-2xs);
}


.button--icon {
  min-width: 2rem;
  padding: var(--pan-space-2xs);
}

.button__glyph {
  font-size: var(--pan-font-size-m);
  line-height: 1;
}

.button--danger-ghost:hover {
  color: var(--pan-color-danger-strong);
  border-color: var(--pan-color-danger);
}

.dynamic {
  display: flex;
  flex-wrap: wrap;
  align-items: center;
  gap: var(--pan-space-xs) var(--pan-space-s);
  padding: var(--pan-space-s) var(--pan-space-m);
  background: var(--pan-color-surface-alt);
  border: 1px dashed var(--pan-color-border-strong);
  border-radius: var(--pan-radius-m);
}

.dynamic__text {
  flex: 1 1 12rem;
  font-size: var(--pan-font-size-s);
  color: var(--pan-color-text-secondary);
}

.dynamic__load[aria-disabled='true'] {
  cursor: progress;
  opacity: 0.55;
}

.field--dynamic.field--invalid .dynamic {
  border-color: var(--pan-color-danger);
}

.spinner {
  width: 1rem;
  height: 1rem;
  flex: none;
  border: 2px solid var(--pan-color-border);
  border-block-start-color: var(--pan-color-accent);
  border-radius: 50%;
  animation: pan-spin 0.8s linear infinite;
}

@keyframes pan-spin {
  to {
    transform: rotate(1turn);
  }
}

@media (prefers-reduced-motion: reduce) {
  .spinner {
    animation-duration: 2.4s;
  }
}

.form__actions {
  display: flex;
  flex-wrap: wrap;
  justify-content: flex-end;
  gap: var(--pan-space-xs);
}

.error-summary {
  padding: var(--pan-space-s) var(--pan-space-m);
  color: var(--pan-color-danger-strong);
  background: var(--pan-color-danger-subtle);
  border: 1px solid var(--pan-color-danger);
  border-radius: var(--pan-radius-m);
}
`;

let sheet: CSSStyleSheet | undefined;

/** The theme's style sheet, created once, to adopt into a shadow root. */
export function settingsFormStyles(): CSSStyleSheet {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(settingsFormCss);
  }
  return sheet;
}

/** Adopts the theme's style sheet into `root` unless it is there already. */
export function adoptSettingsFormStyles(root: ShadowRoot): void {
  const styles = settingsFormStyles();
  if (!root.adoptedStyleSheets.includes(styles)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, styles];
}
