/**
 * Server-side validation of a tenant's settings against the form `buildSettingsForm` built for it:
 * the same JSON Schema the browser validates with, checked by ajv, failures named by field in
 * words an end user understands (the wording is shared with the browser: `settingsErrorMessage`).
 */
import Ajv2019, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import { ERROR_MESSAGE_KEYWORD, settingsErrorMessage, WRAPPER_KEYWORDS } from '@pan/pandium-yaml';
import type { JsonSchema, SettingsError, SettingsForm } from '@pan/pandium-yaml';

/** Distinct schemas kept compiled; a schema changes with a release or a tenant's dynamic options. */
const CACHE_SIZE = 200;

const ajv = new Ajv2019({
  allErrors: true,
  strict: false,
  // `parentSchema` on every error: the message is made from the schema that failed.
  verbose: true,
  logger: false,
});
addFormats(ajv, ['date', 'time', 'date-time']);

interface Compiled {
  validate: ValidateFunction;
  /** The copy ajv compiled (and keeps in its own cache until we remove it). */
  schema: JsonSchema;
  json: string;
  evicted: boolean;
}

/** Least recently used first: a `Map` keeps insertion order, and a hit re-inserts. */
const byJson = new Map<string, Compiled>();
/**
 * Fast path for the same schema object validated again (no `JSON.stringify`). Forms are built
 * fresh and never changed afterwards; a caller that edits a schema in place must copy it first.
 */
let bySchemaObject = new WeakMap<object, Compiled>();

/**
 * Checks a whole settings object. Returns `[]` when it is valid, else one error per field and
 * message: `field` is the property (`tags[2]`, `a.b` inside one; `''` only when the settings as a
 * whole are not an object).
 */
export function validateSettings(form: SettingsForm, value: unknown): SettingsError[] {
  const { validate } = compile(form.schema);
  if (validate(withoutUndefined(value))) return [];
  return mapErrors(validate.errors ?? [], form);
}

function compile(schema: JsonSchema): Compiled {
  const known = bySchemaObject.get(schema);
  if (known !== undefined && !known.evicted) return touch(known);
  const json = JSON.stringify(schema);
  let compiled = byJson.get(json);
  if (compiled === undefined) {
    // Compile a private copy: ajv keeps what it compiled, and the cache key must stay true to it.
    const copy = JSON.parse(json) as JsonSchema;
    compiled = { validate: ajv.compile(copy), schema: copy, json, evicted: false };
    byJson.set(json, compiled);
    while (byJson.size > CACHE_SIZE) evict(byJson.values().next().value as Compiled);
  } else {
    touch(compiled);
  }
  bySchemaObject.set(schema, compiled);
  return compiled;
}

function touch(compiled: Compiled): Compiled {
  byJson.delete(compiled.json);
  byJson.set(compiled.json, compiled);
  return compiled;
}

function evict(compiled: Compiled): void {
  byJson.delete(compiled.json);
  compiled.evicted = true;
  ajv.removeSchema(compiled.schema);
}

/** For tests: how many schemas are compiled, and a way to start from nothing. */
export const settingsValidatorCache = {
  get size(): number {
    return byJson.size;
  },
  limit: CACHE_SIZE,
  clear(): void {
    for (const compiled of [...byJson.values()]) evict(compiled);
    bySchemaObject = new WeakMap();
  },
};

/** JSON never holds `undefined`, but an in-process caller's object may; it means "not set". */
function withoutUndefined(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  if (!Object.values(value).includes(undefined)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined));
}

interface Candidate {
  field: string;
  /** The top-level property, for ordering. */
  property: string;
  message: string;
  /** From an `errorMessage` beside the rule: says more than any generic message on that field. */
  custom: boolean;
  type: boolean;
}

/** A failure inside one branch of a select's `oneOf`: the `oneOf` error itself says it better. */
const BRANCH_PATH = /\/(?:oneOf|anyOf)\/\d+\//;

function mapErrors(errors: ErrorObject[], form: SettingsForm): SettingsError[] {
  const byField = new Map<string, Candidate[]>();
  for (const error of errors) {
    if (WRAPPER_KEYWORDS.has(error.keyword) || BRANCH_PATH.test(error.schemaPath)) continue;
    const segments = error.instancePath
      .split('/')
      .slice(1)
      .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (error.keyword === 'required') segments.push(String((error.params as { missingProperty: string }).missingProperty));
    if (error.keyword === 'additionalProperties') {
      segments.push(String((error.params as { additionalProperty: string }).additionalProperty));
    }
    const field = fieldName(segments);
    const parentSchema = error.parentSchema as JsonSchema | undefined;
    const custom =
      typeof parentSchema?.[ERROR_MESSAGE_KEYWORD] === 'string' &&
      error.keyword !== 'required' &&
      error.keyword !== 'additionalProperties';
    let message = settingsErrorMessage(error.keyword, parentSchema);
    if (field === '') message = `The settings ${message}`;
    const list = byField.get(field) ?? [];
    list.push({ field, property: segments[0] ?? '', message, custom, type: error.keyword === 'type' });
    byField.set(field, list);
  }

  const result: SettingsError[] = [];
  for (const [field, candidates] of sortFields(byField, form)) {
    // One clear reason per field: the rule's own sentence, else a wrong type, else every message.
    const custom = candidates.filter((candidate) => candidate.custom);
    const typed = candidates.filter((candidate) => candidate.type);
    const kept = custom.length > 0 ? custom : typed.length > 0 ? typed : candidates;
    for (const message of new Set(kept.map((candidate) => candidate.message))) result.push({ field, message });
  }
  return result;
}

/** `['tags', '2']` -> `tags[2]`, `['a', 'b']` -> `a.b`. */
function fieldName(segments: string[]): string {
  let field = '';
  for (const segment of segments) {
    if (field !== '' && /^\d+$/.test(segment)) field += `[${segment}]`;
    else field += field === '' ? segment : `.${segment}`;
  }
  return field;
}

/** The whole-object error first, then the form's order, then fields the form does not have. */
function sortFields(byField: Map<string, Candidate[]>, form: SettingsForm): [string, Candidate[]][] {
  const rank = ([field, candidates]: [string, Candidate[]]): number => {
    if (field === '') return -1;
    const index = form.fields.indexOf(candidates[0]!.property);
    return index === -1 ? form.fields.length : index;
  };
  return [...byField.entries()].sort((a, b) => rank(a) - rank(b));
}
