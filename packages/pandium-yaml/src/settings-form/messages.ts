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
  return `Choose "${parentTitle}" first`;
}

/** A dependent field sent with a parent value that has no options for it. */
export function noOptionsForParentMessage(parentTitle: string): string {
  return `There are no options for the chosen "${parentTitle}"`;
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
 * The plain-English message for one failed keyword, given the schema object that holds it
 * (ajv's `parentSchema`; for cfworker, the schema at the error's `keywordLocation` minus its last
 * segment). The field is named separately, so the message never repeats it.
 */
export function settingsErrorMessage(keyword: string, schema: unknown): string {
  const s: JsonSchema = isRecord(schema) ? schema : {};
  const custom = s[ERROR_MESSAGE_KEYWORD];
  if (typeof custom === 'string' && custom !== '') return custom;
  switch (keyword) {
    case 'type':
      return `must be ${describeType(s.type)}`;
    case 'required':
      return REQUIRED_MESSAGE;
    case 'additionalProperties':
      return UNKNOWN_FIELD_MESSAGE;
    case 'minimum':
      return `must be at least ${String(s.minimum)}`;
    case 'maximum':
      return `must be at most ${String(s.maximum)}`;
    case 'exclusiveMinimum':
      return `must be greater than ${String(s.exclusiveMinimum)}`;
    case 'exclusiveMaximum':
      return `must be less than ${String(s.exclusiveMaximum)}`;
    case 'multipleOf':
      return `must be a multiple of ${String(s.multipleOf)}`;
    case 'enum':
      return Array.isArray(s.enum) ? `must be one of: ${listValues(s.enum.map(formatValue))}` : 'is not one of the options';
    case 'const':
      return `must be ${formatValue(s.const)}`;
    case 'oneOf':
    case 'anyOf': {
      const options = Array.isArray(s[keyword]) ? (s[keyword] as unknown[]) : [];
      const labels = options.filter((option) => isRecord(option) && 'const' in option).map(optionLabel);
      return labels.length > 0 ? `must be one of: ${listValues(labels)}` : 'is not one of the allowed values';
    }
    case 'format':
      return formatMessage(s.format);
    case 'pattern':
      if (s.format === 'date-time') return formatMessage('date-time');
      if (s.pattern === TIME_PATTERN) return formatMessage('time');
      return `must match the pattern ${String(s.pattern)}`;
    case 'minLength':
      return `must be at least ${countOf(s.minLength, 'character')}`;
    case 'maxLength':
      return `must be at most ${countOf(s.maxLength, 'character')}`;
    case 'minItems':
      return `must have at least ${countOf(s.minItems, itemNoun(s))}`;
    case 'maxItems':
      return `must have at most ${countOf(s.maxItems, itemNoun(s))}`;
    case 'uniqueItems':
      return 'must not list the same value twice';
    case 'not':
    case 'false schema':
    case 'false':
      return 'is not allowed';
    default:
      return 'is not valid';
  }
}

export function formatMessage(format: unknown): string {
  switch (format) {
    case 'date':
      return 'must be a date (YYYY-MM-DD)';
    case 'time':
      return 'must be a time (HH:MM or HH:MM:SS)';
    case 'date-time':
      return 'must be a date and time with a time zone (YYYY-MM-DDTHH:MM:SSZ)';
    default:
      return `must be a valid ${String(format)}`;
  }
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  null: 'empty',
};

function describeType(type: unknown): string {
  const types = Array.isArray(type) ? type : [type];
  const words = types.map((t) => TYPE_WORDS[String(t)] ?? String(t));
  return words.join(' or ');
}

function formatValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function optionLabel(option: unknown): string {
  const { const: value, title } = option as { const: unknown; title?: unknown };
  const shown = formatValue(value);
  return typeof title === 'string' && title !== '' && title !== shown ? `${title} (${shown})` : shown;
}

function listValues(values: string[]): string {
  if (values.length <= MAX_LISTED_OPTIONS) return values.join(', ');
  return `${values.slice(0, MAX_LISTED_OPTIONS).join(', ')}, … (${values.length} in all)`;
}

function countOf(count: unknown, noun: string): string {
  return `${String(count)} ${noun}${count === 1 ? '' : 's'}`;
}

function itemNoun(schema: JsonSchema): string {
  const items = schema.items;
  return isRecord(items) && (Array.isArray(items.enum) || Array.isArray(items.oneOf)) ? 'option' : 'item';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
