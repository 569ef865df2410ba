import { replaceStringParameters, type RJSFValidationError, type TranslatableString } from '@rjsf/utils';
import { SETTINGS_MESSAGE_TEMPLATES, type SettingsMessage } from '@pan/pandium-yaml';
import type { SettingsErrorParams } from './validator/validator.ts';

/**
 * The form's own strings besides rjsf's (`TranslatableString`): like rjsf's, an English text that
 * is also its key, so one `translateString` and one table (`SettingsFormProps.strings`) cover both.
 */
export const FormString = {
  LoadOptions: 'Load options',
  LoadingOptions: 'Loading options…',
  OptionsNotLoaded: 'The options for this field are not loaded yet.',
  Choose: 'Choose…',
  Save: 'Save',
  /** A dependent field whose parent has no value yet. */
  ChooseParentFirst: 'Choose %1 first',
  /** A field's label, then a phrase about it ("Count must be at least 1"). */
  LabelAndPhrase: '%1 %2',
} as const;

/**
 * rjsf's `translateString` over a table of translations keyed by the English text (rjsf's
 * `TranslatableString` values and `FormString`'s); what the table lacks stays English. `%1`, `%2`…
 * are replaced by the parameters, as rjsf's English translator does.
 */
export function stringTranslator(strings: Readonly<Record<string, string>> | undefined) {
  return (key: TranslatableString | string, params?: string[]): string =>
    replaceStringParameters(strings?.[key] ?? key, params);
}

// ---- validation messages in the form's language -------------------------------------------------

/** A translator as `stringTranslator` makes it: key (the English text) and `%1`-style parameters. */
export type Translate = (key: string, params?: string[]) => string;

const intl = new Map<string, { number: Intl.NumberFormat; or: Intl.ListFormat; comma: string }>();

/** The locale's number and list formats, cached; English where the tag is not one `Intl` knows. */
function formatsFor(locale: string | undefined) {
  const key = locale ?? '';
  let formats = intl.get(key);
  if (!formats) {
    let tag: string | undefined = locale;
    try {
      new Intl.NumberFormat(tag);
    } catch {
      tag = 'en';
    }
    // The locale's own comma ("、" in Japanese, "، " in Arabic), for a list cut short with "…":
    // the first separator of a list of three, without its "and" where the locale puts one there.
    const first = (type: 'conjunction' | 'unit') =>
      new Intl.ListFormat(tag, { type, style: 'short' }).formatToParts(['a', 'b', 'c']).find((p) => p.type === 'literal')?.value ?? ', ';
    let comma = first('conjunction');
    if (/\p{L}/u.test(comma)) comma = first('unit').replace(/\p{L}+/gu, '').trimEnd() + ' ';
    formats = { number: new Intl.NumberFormat(tag), or: new Intl.ListFormat(tag, { type: 'disjunction' }), comma };
    intl.set(key, formats);
  }
  return formats;
}

/**
 * A settings error's message (the validator's template and values, @pan/pandium-yaml's
 * `SettingsMessage`) in the form's language: the template through `translate`, numbers and lists
 * through `Intl` in `locale`. The schema's own `errorMessage` is shown as written.
 */
export function settingsMessageText(message: SettingsMessage, translate: Translate, locale?: string): string {
  if (message.custom) return message.template;
  const formats = formatsFor(locale);
  const args = message.args.map((arg): string => {
    switch (arg.kind) {
      case 'text':
        return arg.value;
      case 'number':
        return typeof arg.value === 'number' ? formats.number.format(arg.value) : arg.value;
      case 'list':
        return arg.partial ? arg.values.join(formats.comma) : formats.or.format(arg.values);
      case 'types':
        return formats.or.format(arg.values.map((word) => translate(word)));
      case 'message':
        return settingsMessageText(arg.message, translate, locale);
    }
  });
  return translate(message.template, args);
}

/**
 * rjsf's `transformErrors` for the form's language: each error the validator made (its `params`
 * hold the message's template, see `SettingsErrorParams`) is put into words again, with the
 * field's label before a phrase ("%1 %2": "Anzahl muss mindestens 1 sein").
 */
export function localizeErrors(translate: Translate, locale?: string) {
  return (errors: RJSFValidationError[]): RJSFValidationError[] =>
    errors.map((error) => {
      const settingsMessage = (error.params as Partial<SettingsErrorParams> | undefined)?.settingsMessage;
      if (!settingsMessage || settingsMessage.custom) return error;
      const text = settingsMessageText(settingsMessage, translate, locale);
      const phrase = /^[a-z]/.test(settingsMessage.template);
      const message = error.title && phrase ? translate(FormString.LabelAndPhrase, [error.title, text]) : text;
      return { ...error, message, stack: message };
    });
}

// ---- the run API's messages (a 422's `errors`) in the form's language --------------------------

/** The validator's templates as patterns, the most specific first ("must be at least %1" before "must be %1"). */
let serverPatterns: Array<{ template: string; pattern: RegExp }> | undefined;

/**
 * A message of the run API (its words are the same templates as the browser's, filled in English)
 * in the form's language: matched back to its template, whose values are put into words again
 * (a number through `Intl`, a phrase inside a phrase in turn). A message no template gives (the
 * schema's own `errorMessage`) is shown as written.
 */
export function serverMessageText(message: string, translate: Translate, locale?: string): string {
  serverPatterns ??= [...new Set(Object.values(SETTINGS_MESSAGE_TEMPLATES))]
    .sort((a, b) => b.replace(/%\d/g, '').length - a.replace(/%\d/g, '').length)
    .map((template) => ({
      template,
      pattern: new RegExp(`^${template.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%\d/g, '(.+)')}$`, 's'),
    }));
  for (const { template, pattern } of serverPatterns) {
    const match = pattern.exec(message);
    if (match) return translate(template, match.slice(1).map((value) => serverValueText(value, translate, locale)));
  }
  return message;
}

function serverValueText(value: string, translate: Translate, locale?: string): string {
  if (/^-?\d+(\.\d+)?$/.test(value)) return formatsFor(locale).number.format(Number(value));
  const phrase = serverMessageText(value, translate, locale);
  // A kind of value ("a whole number") is a template of its own.
  return phrase === value ? translate(value) : phrase;
}
