/**
 * The settings form: rjsf with this theme and the no-eval validator, wired the way
 * `<pan-settings-form>` needs it. rjsf keeps the data while the user types (the host's `value` only
 * seeds it); errors show once a field was left or the user tried to submit; dependent values the
 * parent no longer allows are cleared; server errors show on their fields until those change.
 */
import { useCallback, useEffect, useImperativeHandle, useMemo, useRef, useState, type Ref } from 'react';
import { flushSync } from 'react-dom';
// Not from '@rjsf/core' itself: its index also exports getTestRegistry, which imports
// @rjsf/validator-ajv8, a dev dependency of rjsf's, so a host's bundler fails to resolve it.
import withTheme from '@rjsf/core/lib/withTheme.js';
import type { IChangeEvent } from '@rjsf/core';
import type Form from '@rjsf/core';
import {
  deepEquals,
  ErrorSchemaBuilder,
  toPath,
  type ErrorSchema,
  type RJSFValidationError,
  type UiSchema,
} from '@rjsf/utils';
import { clearInvalidDependents, localizeSettingsForm, type SettingsError, type SettingsForm } from '@pan/pandium-yaml';
import { createRootDataStore, type SettingsFormContext } from './context.ts';
import { FormString, localizeErrors, serverMessageText, stringTranslator, type Translate } from './strings.ts';
import { generateTheme } from './Theme/Theme.ts';
import validator, { cleanData, displayMessage, fieldLabel, validityChecker } from './validator/validator.ts';

export type SettingsValue = Record<string, unknown>;

export interface SettingsFormProps {
  form: SettingsForm;
  /** The initial value. A new object (by identity) replaces what the user typed. Never mutated. */
  value: SettingsValue;
  /** Errors from the server (a 422), shown on their fields until the user changes those fields. */
  serverErrors?: readonly SettingsError[];
  disabled?: boolean;
  /** The submit button's text. Default "Save" in `locale`. */
  submitLabel?: string;
  /** No submit button (a wizard drives the form with `reportValidity()`). */
  noSubmit?: boolean;
  /** Definitions whose options are loading (an init run in progress). */
  loadingOptions?: readonly string[];
  /** The prefix of every field id. Default `pan-settings`. */
  idPrefix?: string;
  /**
   * The locale the form speaks (a BCP 47 tag), set as its `lang`; `<pan-settings-form>` passes the
   * locale its element resolved. The integration author's strings show in it where `form.i18n`
   * has them (`de-AT` falls back to `de`, then to the author's own words).
   */
  locale?: string | undefined;
  /**
   * Translations of the form's strings, keyed by their English text: rjsf's `TranslatableString`
   * values and `FormString`'s (strings.ts), with `%1`-style parameters. Missing ones stay English.
   */
  strings?: Readonly<Record<string, string>>;
  /** Every change the user makes (after dependent values were cleared), with its validity. */
  onChange?: (value: SettingsValue, valid: boolean) => void;
  /** A submit with a valid value. */
  onSubmit?: (value: SettingsValue) => void;
  /** "Load options" on a dynamic selector with no options yet. */
  onLoadOptions?: (definition: string, field: string) => void;
}

export interface SettingsFormHandle {
  /** Validates, shows every error, focuses the first invalid field; true when valid. */
  reportValidity(): boolean;
  /** Whether the current value is valid (nothing shown). */
  checkValidity(): boolean;
  /** The current value (a plain copy). */
  readonly value: SettingsValue;
}

const ThemedForm = withTheme<SettingsValue, any, SettingsFormContext>(generateTheme());
const DEFAULT_ID_PREFIX = 'pan-settings';
/** No select is pre-filled with its first option: only `default` fills a field in. */
const DEFAULT_BEHAVIOR = { constAsDefaults: 'never' } as const;

/** Only the properties the form has: a stale key (an old release's, or an admin's) is dropped. */
function seedFor(form: SettingsForm, value: SettingsValue | null | undefined): SettingsValue {
  const properties = (form.schema.properties ?? {}) as Record<string, unknown>;
  const seed: SettingsValue = {};
  for (const [key, item] of Object.entries(value ?? {})) {
    if (Object.hasOwn(properties, key) && item !== undefined) seed[key] = structuredClone(item);
  }
  return seed;
}

/** Server errors as rjsf `extraErrors`, worded like the browser's own, in the form's language. */
function serverErrorSchema(form: SettingsForm, errors: readonly SettingsError[], translate: Translate, locale?: string): ErrorSchema<SettingsValue> {
  const builder = new ErrorSchemaBuilder<SettingsValue>();
  for (const { field, message } of errors) {
    const path = toPath(field);
    const segments = path.map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    const label = fieldLabel(segments, form.schema, form.uiSchema);
    const text = serverMessageText(message, translate, locale);
    // A phrase follows the field's label ("%1 %2"), as in the browser's own errors.
    builder.addErrors(label && /^[a-z]/.test(message) ? translate(FormString.LabelAndPhrase, [label, text]) : displayMessage(label, text), path);
  }
  return builder.ErrorSchema;
}

/** `value` without the properties of `form` (theirs come from the form's own data). */
function withoutFieldsOf(form: SettingsForm, value: SettingsValue): SettingsValue {
  const properties = (form.schema.properties ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(value).filter(([key]) => !Object.hasOwn(properties, key)));
}

function sameField(a: SettingsValue, b: SettingsValue, field: string): boolean {
  const top = toPath(field)[0] ?? '';
  return deepEquals(a[top], b[top]);
}

export function SettingsFormView(props: SettingsFormProps & { ref?: Ref<SettingsFormHandle> }) {
  const { form: authorForm, value, serverErrors, disabled, noSubmit, loadingOptions, locale, strings, ref } = props;
  // Translated before anything reads it: labels, hints, titles and option titles in `locale`.
  const form = useMemo(() => localizeSettingsForm(authorForm, locale), [authorForm, locale]);
  const translateString = useMemo(() => stringTranslator(strings), [strings]);
  const submitLabel = props.submitLabel ?? translateString(FormString.Save);
  // Validation messages in `locale` too; without a locale or strings, the validator's English.
  const transformErrors = useMemo(
    () => (locale === undefined && strings === undefined ? undefined : localizeErrors(translateString, locale)),
    [translateString, locale, strings],
  );
  // Errors on screen follow new strings (a catalogue that arrives after the form is checked).
  const shownIn = useRef(transformErrors);
  useEffect(() => {
    if (shownIn.current === transformErrors) return;
    shownIn.current = transformErrors;
    if (!submitted.current) return;
    quiet.current = true;
    if (formRef.current?.validateForm() !== false) quiet.current = false;
  }, [transformErrors]);

  const idPrefix = props.idPrefix ?? DEFAULT_ID_PREFIX;
  const formRef = useRef<Form<SettingsValue, any, SettingsFormContext>>(null);
  const callbacks = useRef(props);
  callbacks.current = props;

  // The data rjsf starts from; replaced when the host sets a new value or form.
  const [seeded, setSeeded] = useState({ form, value, data: seedFor(form, value), generation: 0 });
  // Errors first show when the user submits (Save, or a wizard's Next through reportValidity), then
  // follow every change. Never on blur: an error appearing or clearing as a field loses focus moves
  // the layout under a pointer already pressed on a button, and the click is lost.
  const submitted = useRef(false);
  /** A re-validation after a change is under way: its errors are shown, focus stays put. */
  const quiet = useRef(false);
  const current = useRef<SettingsValue>(seeded.data);
  // What rjsf shows, handed back to it on every render: rjsf re-derives its data from `formData`
  // whenever any other prop changes (disabled while saving, a new language, options loading), so
  // passing the seed there would put the seed back over what the user typed.
  const [formData, setFormData] = useState(seeded.data);
  // Every value known, for a switch of forms: this form's data, and what the host's value or an
  // earlier form held for fields this one lacks (switching back to that form finds them again).
  const known = useRef<SettingsValue>(value);
  const lastReported = useRef<SettingsValue | undefined>(undefined);
  if (seeded.form !== form || seeded.value !== value) {
    // A new value from the host starts the fields afresh (rjsf's number fields keep what was typed
    // while it reads as the same number: '500' stays on screen for 5). A new form (options loaded,
    // another release's, another language's) keeps what the user typed, in the same fields.
    const fresh = seeded.value !== value;
    if (fresh) known.current = value;
    const data = seedFor(form, known.current);
    const generation = fresh ? seeded.generation + 1 : seeded.generation;
    setSeeded({ form, value, data, generation });
    setFormData(data);
    submitted.current = false;
    current.current = data;
    lastReported.current = undefined;
  }

  // Server errors stay on a field until its value changes.
  const [server, setServer] = useState({ errors: serverErrors, baseline: current.current, shown: serverErrors ?? [] });
  if (server.errors !== serverErrors) {
    setServer({ errors: serverErrors, baseline: current.current, shown: serverErrors ?? [] });
  }
  const extraErrors = useMemo(
    () => (server.shown.length ? serverErrorSchema(form, server.shown, translateString, locale) : undefined),
    [form, server.shown, translateString, locale],
  );

  const labels = useMemo(() => {
    const out: Record<string, string> = {};
    for (const field of form.fields) out[field] = fieldLabel([field], form.schema, form.uiSchema);
    return out;
  }, [form]);
  const [rootData] = useState(createRootDataStore);
  const formContext = useMemo<SettingsFormContext>(
    () => ({
      rootData,
      labels,
      loadingOptions: loadingOptions ?? [],
      onLoadOptions: (definition, field) => callbacks.current.onLoadOptions?.(definition, field),
      ...(locale === undefined ? {} : { locale }),
      ...(strings === undefined ? {} : { strings }),
    }),
    [rootData, labels, loadingOptions, locale, strings],

  );


  const focusFirstInvalid = useCallback(() => {
    const invalid = formRef.current?.formElement.current?.querySelector('.field--invalid') as HTMLElement | null;
    invalid?.querySelector<HTMLElement>('input, select, textarea, button')?.focus();
  }, []);

  const check = useMemo(() => validityChecker(form.schema), [form]);

  const onChange = useCallback(
    (event: IChangeEvent<SettingsValue>) => {
      const data = cleanData(event.formData ?? {}) as SettingsValue;
      const cleared = clearInvalidDependents(form, data);
      if (cleared !== data) {
        // Clear the children in rjsf too; its next change reports the cleared value.
        for (const key of Object.keys(data)) {
          if (!deepEquals(data[key], cleared[key])) formRef.current?.setFieldValue([key], cleared[key] as any);
        }
      }
      current.current = cleared;
      setFormData(cleared);
      known.current = { ...withoutFieldsOf(form, known.current), ...cleared };
      if (submitted.current) {
        // After a submit, errors follow the data as it changes (an onError follows only when invalid).
        quiet.current = true;
        if (formRef.current?.validateForm() !== false) quiet.current = false;
      }
      if (server.shown.length) {
        const shown = server.shown.filter((e) => sameField(cleared, server.baseline, e.field));
        if (shown.length !== server.shown.length) setServer({ ...server, shown });
      }
      if (lastReported.current !== undefined && deepEquals(lastReported.current, cleared)) return;
      const initial = lastReported.current === undefined;
      lastReported.current = cleared;
      // rjsf's first report only fills in defaults: the value changes, but the user did nothing.
      if (initial && deepEquals(cleared, seeded.data)) return;
      callbacks.current.onChange?.(cleared, check(cleared));
    },
    [form, check, seeded.data, server],
  );

  const onSubmit = useCallback((event: IChangeEvent<SettingsValue>) => {
    const data = cleanData(event.formData ?? {}) as SettingsValue;
    current.current = data;
    callbacks.current.onSubmit?.(data);
  }, []);

  useImperativeHandle(
    ref,
    () => ({
      reportValidity() {
        submitted.current = true;
        let valid = true;
        flushSync(() => {
          valid = formRef.current?.validateForm() ?? check(current.current);
        });
        if (!valid) focusFirstInvalid();
        return valid;
      },
      checkValidity() {
        return check(current.current);
      },
      get value() {
        return structuredClone(current.current);
      },
    }),
    [check, focusFirstInvalid],
  );

  const uiSchema = form.uiSchema as UiSchema<SettingsValue, any, SettingsFormContext>;
  return (
    <div
      className="settings-form__wrapper"
      lang={locale}
      onSubmitCapture={() => {
        submitted.current = true;
      }}
    >
      <ThemedForm
        key={seeded.generation}
        ref={formRef}
        className="settings-form"
        schema={form.schema as any}
        uiSchema={uiSchema}
        formData={formData}
        formContext={formContext}
        validator={validator}
        idPrefix={idPrefix}
        disabled={disabled}
        translateString={translateString}
        {...(transformErrors ? { transformErrors } : {})}

        noHtml5Validate
        showErrorList={false}
        focusOnFirstError={false}
        experimental_defaultFormStateBehavior={DEFAULT_BEHAVIOR}
        extraErrors={extraErrors}
        onChange={onChange}
        onSubmit={onSubmit}
        onError={() => {
          if (quiet.current) quiet.current = false;
          else focusFirstInvalid();
        }}
      >
        {noSubmit ? (
          <></>
        ) : (
          <div className="form__actions">
            <button type="submit" className="button button--primary" part="submit-button" disabled={disabled}>
              {submitLabel}
            </button>
          </div>
        )}
      </ThemedForm>
    </div>
  );
}
