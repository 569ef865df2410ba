/**
 * The words a settings error is shown in, shared by the server's ajv mapper and the browser's
 * validator so that both say the same thing about the same mistake. Pure; no validator imports.
 */
import type { JsonSchema } from './contract.ts';

/** Beside a rule whose failure needs a sentence of its own; see `JsonSchema` in contract.ts. */
export const ERROR_MESSAGE_KEYWORD = 'errorMessage';

/**
 * `HH:MM` or `HH:MM:SS`, no time zone: what a time input gives. Used instead of `format: time`
 * because ajv-formats and @cfworker/json-schema both require a time zone for that format.
 */
export const TIME_PATTERN = '^(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?$';

/**
 * Beside `format: date-time`: the offset must be `Z` or `±HH:MM`. ajv-formats also accepts
 * `+0200`, @cfworker/json-schema does not; with this pattern both refuse it.
 */
export const DATE_TIME_ZONE_PATTERN = '(?:[Zz]|[+-][0-9]{2}:[0-9]{2})$';

export const NOT_LOADED_MESSAGE = 'Options are not loaded yet';
export const NO_OPTIONS_MESSAGE = 'There are no options to choose from';
export const UNKNOWN_FIELD_MESSAGE = 'is not a setting of this integration';
export const REQUIRED_MESSAGE = 'is required';

/** `Choose "Food type" first`: a dependent field sent without its parent. */
export function chooseParentFirstMessage(parentTitle: string): string {
  return fillTemplate(SETTINGS_MESSAGE_TEMPLATES.chooseParentFirst, [parentTitle]);
}

/** A dependent field sent with a parent value that has no options for it. */
export function noOptionsForParentMessage(parentTitle: string): string {
  return fillTemplate(SETTINGS_MESSAGE_TEMPLATES.noOptionsForParent, [parentTitle]);
}

/**
 * Keywords whose failure only means "something inside failed"; the inner failure is reported on
 * its own, so these are dropped (ajv: `if`; @cfworker/json-schema also `properties`, `items`, ...).
 */
export const WRAPPER_KEYWORDS: ReadonlySet<string> = new Set([
  'if',
  'then',
  'else',
  'allOf',
  'anyOf',
  'properties',
  'items',
  'prefixItems',
  'additionalItems',
  'dependentSchemas',
  '$ref',
]);

const MAX_LISTED_OPTIONS = 10;

/**
 * A value put into a message template: kept apart from the words so that a translation can format
 * it in its own locale (numbers and lists through `Intl`); `formatSettingsMessage` gives English.
 */
export type SettingsMessageArg =
  /** Shown as is: a pattern, a format's name, a field's title. */
  | { kind: 'text'; value: string }
  /** A number from the schema (a string only when the schema holds something else there). */
  | { kind: 'number'; value: number | string }
  /** The allowed values, one of which is meant ("a, b or c"); `partial` when only the first are listed. */
  | { kind: 'list'; values: string[]; partial?: boolean }
  /** JSON types as words (`TYPE_WORDS`' English, each a template of its own), one of which is meant. */
  | { kind: 'types'; values: string[] }
  /** A message inside another ("The settings %1"). */
  | { kind: 'message'; message: SettingsMessage };

/**
 * One settings error as an English template and its values: `%1`, `%2`… stand for `args`, as in
 * rjsf's `translateString`. The template is also the key a translation is looked up by.
 * `custom` marks the schema's own `errorMessage`, shown as written (the author's strings are
 * translated by the PANDIUM.yaml `i18n` block, not here).
 */
export interface SettingsMessage {
  template: string;
  args: SettingsMessageArg[];
  custom?: boolean;
}

/**
 * Every template `settingsErrorTemplate` (and the form's own refusals) can give: the list a
 * translation must cover. `TYPE_WORDS` are templates too (the parts of a `types` value).
 */
export const SETTINGS_MESSAGE_TEMPLATES = {
  required: REQUIRED_MESSAGE,
  unknownField: UNKNOWN_FIELD_MESSAGE,
  notLoaded: NOT_LOADED_MESSAGE,
  noOptions: NO_OPTIONS_MESSAGE,
  chooseParentFirst: 'Choose "%1" first',
  noOptionsForParent: 'There are no options for the chosen "%1"',
  wholeValue: 'The settings %1',
  type: 'must be %1',
  minimum: 'must be at least %1',
  maximum: 'must be at most %1',
  exclusiveMinimum: 'must be greater than %1',
  exclusiveMaximum: 'must be less than %1',
  multipleOf: 'must be a multiple of %1',
  oneOf: 'must be one of: %1',
  oneOfPartial: 'must be one of: %1, … (%2 in all)',
  notAnOption: 'is not one of the options',
  notAllowedValue: 'is not one of the allowed values',
  const: 'must be %1',
  date: 'must be a date (YYYY-MM-DD)',
  time: 'must be a time (HH:MM or HH:MM:SS)',
  dateTime: 'must be a date and time with a time zone (YYYY-MM-DDTHH:MM:SSZ)',
  format: 'must be a valid %1',
  pattern: 'must match the pattern %1',
  minLengthOne: 'must be at least %1 character',
  minLength: 'must be at least %1 characters',
  maxLengthOne: 'must be at most %1 character',
  maxLength: 'must be at most %1 characters',
  minItemsOne: 'must have at least %1 item',
  minItems: 'must have at least %1 items',
  maxItemsOne: 'must have at most %1 item',
  maxItems: 'must have at most %1 items',
  minOptionsOne: 'must have at least %1 option',
  minOptions: 'must have at least %1 options',
  maxOptionsOne: 'must have at most %1 option',
  maxOptions: 'must have at most %1 options',
  uniqueItems: 'must not list the same value twice',
  notAllowed: 'is not allowed',
  notValid: 'is not valid',
} as const;

const T = SETTINGS_MESSAGE_TEMPLATES;

/**
 * The plain-English message for one failed keyword, given the schema object that holds it
 * (ajv's `parentSchema`; for cfworker, the schema at the error's `keywordLocation` minus its last
 * segment). The field is named separately, so the message never repeats it. The server's words
 * (its 422s keep them); the browser formats `settingsErrorTemplate` in the user's language.
 */
export function settingsErrorMessage(keyword: string, schema: unknown): string {
  return formatSettingsMessage(settingsErrorTemplate(keyword, schema));
}

/** `settingsErrorMessage` before it is put into words: its template and values. */
export function settingsErrorTemplate(keyword: string, schema: unknown): SettingsMessage {
  const s: JsonSchema = isRecord(schema) ? schema : {};
  const custom = s[ERROR_MESSAGE_KEYWORD];
  if (typeof custom === 'string' && custom !== '') return ownRefusal(custom) ?? { template: custom, args: [], custom: true };
  const num = (value: unknown): SettingsMessageArg =>
    typeof value === 'number' ? { kind: 'number', value } : { kind: 'text', value: String(value) };
  const counted = (one: string, many: string, count: unknown): SettingsMessage => ({
    template: count === 1 ? one : many,
    args: [num(count)],
  });
  const is = (template: string, ...args: SettingsMessageArg[]): SettingsMessage => ({ template, args });
  switch (keyword) {
    case 'type':
      return typeTemplate(s.type);
    case 'required':
      return is(T.required);
    case 'additionalProperties':
      return is(T.unknownField);
    case 'minimum':
      return is(T.minimum, num(s.minimum));
    case 'maximum':
      return is(T.maximum, num(s.maximum));
    case 'exclusiveMinimum':
      return is(T.exclusiveMinimum, num(s.exclusiveMinimum));
    case 'exclusiveMaximum':
      return is(T.exclusiveMaximum, num(s.exclusiveMaximum));
    case 'multipleOf':
      return is(T.multipleOf, num(s.multipleOf));
    case 'enum':
      return Array.isArray(s.enum) ? oneOfTemplate(s.enum.map(formatValue)) : is(T.notAnOption);
    case 'const':
      return is(T.const, { kind: 'text', value: formatValue(s.const) });
    case 'oneOf':
    case 'anyOf': {
      const options = Array.isArray(s[keyword]) ? (s[keyword] as unknown[]) : [];
      const labels = options.filter((option) => isRecord(option) && 'const' in option).map(optionLabel);
      return labels.length > 0 ? oneOfTemplate(labels) : is(T.notAllowedValue);
    }
    case 'format':
      return formatTemplate(s.format);
    case 'pattern':
      if (s.format === 'date-time') return formatTemplate('date-time');
      if (s.pattern === TIME_PATTERN) return formatTemplate('time');
      return is(T.pattern, { kind: 'text', value: String(s.pattern) });
    case 'minLength':
      return counted(T.minLengthOne, T.minLength, s.minLength);
    case 'maxLength':
      return counted(T.maxLengthOne, T.maxLength, s.maxLength);
    case 'minItems':
      return options(s) ? counted(T.minOptionsOne, T.minOptions, s.minItems) : counted(T.minItemsOne, T.minItems, s.minItems);
    case 'maxItems':
      return options(s) ? counted(T.maxOptionsOne, T.maxOptions, s.maxItems) : counted(T.maxItemsOne, T.maxItems, s.maxItems);
    case 'uniqueItems':
      return is(T.uniqueItems);
    case 'not':
    case 'false schema':
    case 'false':
      return is(T.notAllowed);
    default:
      return is(T.notValid);
  }
}

/**
 * The refusals `buildSettingsForm` writes into a schema as its `errorMessage` are ours, not the
 * author's: known again here by their templates, so that they are translated like the rest.
 */
function ownRefusal(message: string): SettingsMessage | undefined {
  if (message === NOT_LOADED_MESSAGE || message === NO_OPTIONS_MESSAGE) return { template: message, args: [] };
  for (const template of [T.chooseParentFirst, T.noOptionsForParent]) {
    const [before, after] = template.split('%1') as [string, string];
    if (message.length > before.length + after.length && message.startsWith(before) && message.endsWith(after)) {
      return { template, args: [{ kind: 'text', value: message.slice(before.length, message.length - after.length) }] };
    }
  }
  return undefined;
}

/** The message for a whole settings value that is wrong (not an object): "The settings must be …". */
export function wholeValueTemplate(message: SettingsMessage): SettingsMessage {
  return { template: T.wholeValue, args: [{ kind: 'message', message }] };
}

/**
 * A message in English: each `%n` replaced by its value (numbers as JavaScript writes them, lists
 * joined by commas), the words the server answers with.
 */
export function formatSettingsMessage(message: SettingsMessage): string {
  return fillTemplate(message.template, message.args.map(englishArg));
}

/** `%1`, `%2`… replaced by `values` (rjsf's `replaceStringParameters` reads them the same way). */
export function fillTemplate(template: string, values: readonly string[]): string {
  return template.replace(/%(\d+)/g, (whole, n: string) => values[Number(n) - 1] ?? whole);
}

function englishArg(arg: SettingsMessageArg): string {
  switch (arg.kind) {
    case 'text':
      return arg.value;
    case 'number':
      return String(arg.value);
    case 'list':
      return arg.values.join(', ');
    case 'types':
      return arg.values.join(' or ');
    case 'message':
      return formatSettingsMessage(arg.message);
  }
}

export function formatMessage(format: unknown): string {
  return formatSettingsMessage(formatTemplate(format));
}

function formatTemplate(format: unknown): SettingsMessage {
  switch (format) {
    case 'date':
      return { template: T.date, args: [] };
    case 'time':
      return { template: T.time, args: [] };
    case 'date-time':
      return { template: T.dateTime, args: [] };
    default:
      return { template: T.format, args: [{ kind: 'text', value: String(format) }] };
  }
}

/** The English words for JSON types; each is a template of its own for the browser's translations. */
export const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: 'text',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  null: 'empty',
};

function typeTemplate(type: unknown): SettingsMessage {
  const types = Array.isArray(type) ? type : [type];
  return { template: T.type, args: [{ kind: 'types', values: types.map((t) => TYPE_WORDS[String(t)] ?? String(t)) }] };
}

function oneOfTemplate(values: string[]): SettingsMessage {
  if (values.length <= MAX_LISTED_OPTIONS) return { template: T.oneOf, args: [{ kind: 'list', values }] };
  return {
    template: T.oneOfPartial,
    args: [
      { kind: 'list', values: values.slice(0, MAX_LISTED_OPTIONS), partial: true },
      { kind: 'number', value: values.length },
    ],
  };
}

function formatValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function optionLabel(option: unknown): string {
  const { const: value, title } = option as { const: unknown; title?: unknown };
  const shown = formatValue(value);
  return typeof title === 'string' && title !== '' && title !== shown ? `${title} (${shown})` : shown;
}

/** A list of options (its items have an `enum` or a `oneOf`), not of free items. */
function options(schema: JsonSchema): boolean {
  const items = schema.items;
  return isRecord(items) && (Array.isArray(items.enum) || Array.isArray(items.oneOf));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
