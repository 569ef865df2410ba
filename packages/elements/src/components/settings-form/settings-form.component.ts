import { html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { SettingsError, SettingsForm } from '@pan/pandium-yaml';
import type { SettingsFormController, SettingsFormProps } from '@pan/forms';
import type {} from '../../events/events.ts';
import { msg, renderIn, resolveLocale } from '../../internal/locale.ts';
import { PanElement } from '../../internal/pan-element.ts';
import { formStrings } from './form-strings.ts';
import styles from './settings-form.styles.ts';

type FormsModule = typeof import('@pan/forms');
type Settings = Record<string, unknown>;
type Status = 'idle' | 'loading' | 'ready' | 'error';

/** The form module (React, rjsf, the validator): loaded on first use, once per page. */
let formsModule: Promise<FormsModule> | undefined;

const equal = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);
const copy = <T>(value: T): T => structuredClone(value);

/**
 * @summary The settings form of an integration, generated from its PANDIUM.yaml (a `SettingsForm`
 * built by `buildSettingsForm`): labelled, validated as the user goes (the same rules and words as
 * the run API), with dynamic and dependent selectors. React and rjsf load lazily, only when a form
 * is shown, so a page that never opens one never downloads them.
 *
 * @event {PanSettingsChangeEvent} pan-settings-change - The user changed a setting;
 *   `detail: {value, valid}`. Also once when the form fills in defaults the value lacked.
 * @event {PanSettingsSubmitEvent} pan-settings-submit - The user submitted valid settings;
 *   `detail: {value}`. Cancelable: `preventDefault()` while you save (e.g. to show `serverErrors`
 *   after a 422); not canceled, the value counts as saved (`serverErrors` cleared, not dirty).
 * @event {PanLoadOptionsEvent} pan-load-options - "Load options" on a dynamic selector with no
 *   options yet; `detail: {definition, field}`. Run the init run, set `loadingOptions` meanwhile,
 *   then a new `form`.
 *
 * @csspart base - The wrapper of everything.
 * @csspart form - Where the form renders (its fields are styled by the tokens below).
 * @csspart submit-button - The built-in submit button (absent with `no-submit`).
 * @csspart loading - Shown while the form module loads.
 * @csspart error - Shown when the form module failed to load.
 * @csspart retry-button - Loads the form module again.
 * @csspart field - A field: its label, control, hint, errors and help.
 * @csspart field-label - A field's label (the legend of a checkbox or radio group).
 * @csspart field-input - A text, number, date or time input, or a textarea.
 * @csspart field-select - A select.
 * @csspart field-checkbox - A checkbox (alone, or one of a group).
 * @csspart field-radio - A radio button.
 * @csspart field-choice-label - The label of a checkbox or radio button.
 * @csspart field-hint - A field's, Section's or Group's hint (description).
 * @csspart field-help - A field's help text.
 * @csspart field-error - A field's errors.
 * @csspart error-summary - The list of all errors above the form.
 * @csspart group - A Group, list or object: a `<fieldset>` panel.
 * @csspart group-legend - A Group's, list's or object's title (its `<legend>`).
 * @csspart section - A Section.
 * @csspart section-title - A Section's heading.
 * @csspart layout-label - A Label element of the layout.
 * @csspart array-add-button - Adds an item to a list.
 * @csspart array-remove-button - Removes an item from a list (also array-move-up-button,
 *   array-move-down-button, array-copy-button).
 * @csspart clear-button - Clears a value.
 * @csspart load-options-button - Loads the options of a dynamic selector.
 *   Elements that contain a form (`<pan-install-flow>`, `<pan-tenant-page>`, `<pan-install-page>`,
 *   `<pan-marketplace>`) forward these parts with `exportparts`: `pan-marketplace::part(field-input)`.
 *
 * @cssproperty --pan-font-family - Global token: the font stack (all `--pan-*` tokens of
 *   `<pan-marketplace>` apply; a standalone form declares their defaults, a `nested` one inherits them).
 * @cssproperty --pan-color-accent - Semantic token: buttons, focus, checked boxes (also -accent-strong, -accent-muted, -on-accent).
 * @cssproperty --pan-color-surface - Semantic token: inputs (also -surface-alt for Groups).
 * @cssproperty --pan-color-text - Semantic token: text (also -text-muted for help text).
 * @cssproperty --pan-color-border - Semantic token: borders (also -border-strong for inputs).
 * @cssproperty --pan-color-danger - Semantic token: invalid fields (with -danger-strong for the text, -danger-subtle).
 * @cssproperty --pan-color-primary-600 - Primitive: the primary scale the semantic tokens come from (also neutral, danger, success).
 * @cssproperty --pan-radius-m - Global token: radius of inputs and groups (also -s, -l, -pill).
 * @cssproperty --pan-space-m - Global token: spacing (also -2xs, -xs, -s, -l, -xl).
 * @cssproperty --pan-shadow-s - Global token: resting shadow of inputs and buttons.
 * @cssproperty --pan-focus-ring - Global token: the focus outline.
 * @cssproperty --pan-settings-form-gap - The space between fields and sections.
 * @cssproperty --pan-settings-form-input-background - The background of inputs and selects.
 * @cssproperty --pan-settings-form-input-radius - The corner radius of inputs and selects.
 * @cssproperty --pan-settings-form-group-background - The background of Groups.
 *
 * @cssstate loading - The form module is loading.
 * @cssstate error - The form module failed to load.
 * @cssstate dirty - The value differs from the one last set by the host or submitted.
 * @cssstate invalid - The current value does not pass validation (known after the first change).
 */
export class PanSettingsForm extends PanElement {
  static override styles = styles;

  /** Loads the form module. Replace it to load from elsewhere (or, in tests, to fail). */
  static loadForms: () => Promise<FormsModule> = () => import('@pan/forms');

  /** The form to show (`settings_form` from the run API); `null` shows nothing and loads nothing. */
  @property({ attribute: false }) form: SettingsForm | null = null;

  /**
   * The settings. Setting it replaces what the form shows; the object you pass is never changed.
   * Reading it gives the current settings as the user edited them (a plain object: replace it,
   * do not edit it). Keys the form does not have are dropped. Setting an equal copy of the
   * settings last set (say, after a refresh) keeps what the user typed.
   */
  @property({ attribute: false })
  get value(): Settings {
    return this.#value;
  }
  set value(value: Settings | null | undefined) {
    const next = value ?? {};
    // Changes nothing: a host storing what `pan-settings-change` gave it and setting it back, or
    // setting again the settings it set before (a page refreshed in the background brings a fresh
    // copy of the same stored settings, which must not wipe what the user is typing).
    if (equal(next, this.#value) || equal(next, this.#given)) {
      this.#given = copy(next);
      return;
    }
    const old = this.#value;
    this.#value = copy(next);
    this.#given = this.#value;
    this.#pristine = this.#value;
    this.#seed = this.#value;
    this.requestUpdate('value', old);
  }

  /** Errors from the run API (a 422's `errors`), shown on their fields until those fields change. */
  @property({ attribute: false }) serverErrors: SettingsError[] = [];

  /** Every field (and the submit button) disabled. */
  @property({ type: Boolean, reflect: true }) disabled = false;

  /** The submit button's text (default: "Save", in the element's language). */
  @property({ attribute: 'submit-label' }) submitLabel?: string;

  /** No built-in submit button: drive the form with `reportValidity()` and `value` (a wizard). */
  @property({ type: Boolean, attribute: 'no-submit', reflect: true }) noSubmit = false;

  /** Definitions whose options are loading (an init run in progress): their fields say so. */
  @property({ attribute: false }) loadingOptions: string[] = [];

  /**
   * Set inside another pan element that declares the `--pan-*` tokens: the form then declares
   * none and inherits them (so a theme set on the outer element applies).
   */
  @property({ type: Boolean, reflect: true }) nested = false;

  /**
   * `light` or `dark` (also sets `color-scheme`) when standing alone; unset, the theme follows
   * `prefers-color-scheme`. A `nested` form takes its theme from the element around it.
   */
  @property({ reflect: true }) theme?: 'light' | 'dark';

  @state() private status: Status = 'idle';

  #value: Settings = {};
  /** The settings the host last set (or set back): setting them again keeps the user's edits. */
  #given: Settings = {};
  /** What "not dirty" means: the last value the host set, or the last one submitted. */
  #pristine: Settings = {};
  /** What the form starts from: replaced (a new object) when the host sets a value. */
  #seed: Settings = {};
  #valid: boolean | undefined;
  #loading: Promise<void> | undefined;
  #forms: FormsModule | undefined;
  #controller: SettingsFormController | undefined;

  /**
   * Validates the current value, shows every error and focuses the first invalid field. True when
   * valid; false also while the form is still loading. With no `form`, there is nothing to check.
   */
  reportValidity(): boolean {
    if (!this.form) return true;
    return this.#controller?.reportValidity() ?? false;
  }

  /** Whether the current value is valid, without showing anything (false while loading). */
  checkValidity(): boolean {
    if (!this.form) return true;
    return this.#controller?.checkValidity() ?? false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Mounted again after being moved: render the form again.
    if (this.#controller === undefined && this.status === 'ready') this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unmount();
  }

  protected override willUpdate(): void {
    if (this.form && this.status === 'idle') this.#load();
  }

  /** Also waits for the form module and the form's first render. */
  protected override async getUpdateComplete(): Promise<boolean> {
    let done = await super.getUpdateComplete();
    while (this.#loading) {
      await this.#loading;
      done = await super.getUpdateComplete();
    }
    return done;
  }

  protected override updated(): void {
    this.toggleState('loading', this.status === 'loading');
    this.toggleState('error', this.status === 'error');
    this.toggleState('dirty', !equal(this.#value, this.#pristine));
    this.toggleState('invalid', this.#valid === false);
    if (!this.form) {
      this.#unmount();
      return;
    }
    if (this.status !== 'ready' || !this.#forms) return;
    const container = this.renderRoot.querySelector<HTMLElement>('.form');
    if (!container) return;
    // The form speaks the element's language: rjsf's strings, the form's own and the author's
    // translations (PANDIUM.yaml `i18n`). A new language, like a new form (options loaded), keeps
    // what the user typed: only a new `value` replaces it.
    const locale = resolveLocale(this);
    const props: SettingsFormProps = {
      form: this.form,
      value: this.#seed,
      serverErrors: this.serverErrors ?? [],
      disabled: this.disabled,
      ...(this.submitLabel === undefined ? {} : { submitLabel: this.submitLabel }),
      noSubmit: this.noSubmit,
      locale,
      strings: renderIn(this, formStrings),
      loadingOptions: this.loadingOptions ?? [],
      onChange: this.#onChange,
      onSubmit: this.#onSubmit,
      onLoadOptions: this.#onLoadOptions,
    };
    if (this.#controller) this.#controller.update(props);
    else this.#controller = this.#forms.renderSettingsForm(container, props);
  }

  override render(): TemplateResult {
    return html`<div class="base" part="base" aria-busy=${this.status === 'loading' ? 'true' : 'false'}>
      ${this.status === 'loading'
        ? html`<div class="state state--loading" part="loading" role="status">
            <span class="spinner" aria-hidden="true"></span>${msg('Loading the settings form…')}
          </div>`
        : nothing}
      ${this.status === 'error'
        ? html`<div class="state state--error" part="error" role="alert">
            <p class="state__title">${msg("Couldn't load the settings form")}</p>
            <p class="state__text">${msg('Check your connection and try again.')}</p>
            <button type="button" class="button" part="retry-button" @click=${this.#retry}>${msg('Retry')}</button>

          </div>`
        : nothing}
      <div class="form" part="form" ?hidden=${this.status !== 'ready' || !this.form}></div>
    </div>`;
  }

  #load(): void {
    this.status = 'loading';
    formsModule ??= PanSettingsForm.loadForms();
    const loading: Promise<void> = formsModule
      .then(
        (module) => {
          this.#forms = module;
          this.status = 'ready';
        },
        () => {
          formsModule = undefined;
          this.status = 'error';
        },
      )
      .finally(() => {
        if (this.#loading === loading) this.#loading = undefined;
      });
    this.#loading = loading;
  }

  #retry = (): void => {
    this.status = 'idle';
    this.requestUpdate();
  };

  #unmount(): void {
    this.#controller?.unmount();
    this.#controller = undefined;
  }

  #onChange = (value: Settings, valid: boolean): void => {
    this.#value = value;
    this.#valid = valid;
    this.toggleState('dirty', !equal(value, this.#pristine));
    this.toggleState('invalid', !valid);
    this.emit('pan-settings-change', { detail: { value: copy(value), valid } });
  };

  #onSubmit = (value: Settings): void => {
    this.#value = value;
    const event = this.emit('pan-settings-submit', { detail: { value: copy(value) }, cancelable: true });
    if (event.defaultPrevented) return;
    this.#pristine = value;
    this.toggleState('dirty', false);
    if (this.serverErrors?.length) this.serverErrors = [];
  };

  #onLoadOptions = (definition: string, field: string): void => {
    this.emit('pan-load-options', { detail: { definition, field } });
  };
}
