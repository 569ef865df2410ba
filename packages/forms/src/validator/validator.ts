/**
 * An rjsf `ValidatorType` over `@cfworker/json-schema`: no code generation (`new Function`, `eval`),
 * so it works under a strict `script-src 'self'` CSP and with schemas built at run time (dynamic
 * options). Draft 2019-09, every error (no short-circuit), rjsf's `.a.b` error paths, `required`
 * errors on the missing property, and the server's wording (`settingsErrorMessage`, shared with
 * the ajv mapper in the run API).
 */
import { dereference, validate, type OutputUnit, type Schema } from '@cfworker/json-schema';
import type {
  CustomValidator,
  ErrorTransformer,
  FormContextType,
  RJSFSchema,
  RJSFValidationError,
  StrictRJSFSchema,
  UiSchema,
  ValidationData,
  ValidatorType,
} from '@rjsf/utils';
import {
  createErrorHandler,
  getDefaultFormState,
  getUiOptions,
  ROOT_SCHEMA_PREFIX,
  toErrorSchema,
  unwrapErrorHandler,
  validationDataMerge,
  withIdRefPrefix,
} from '@rjsf/utils';
import { ERROR_MESSAGE_KEYWORD, formatSettingsMessage, settingsErrorTemplate, wholeValueTemplate, WRAPPER_KEYWORDS } from '@pan/pandium-yaml';
import type { SettingsError, SettingsForm, SettingsMessage } from '@pan/pandium-yaml';

const DRAFT = '2019-09';

/** One failure, by path from the root of the data. */
export interface SchemaError {
  /** Property names and array indexes from the root, e.g. `['repos', 2, 'name']`; `[]` for the root. */
  path: (string | number)[];
  /** The JSON Schema keyword that failed (`additionalProperties` for an unknown property). */
  keyword: string;
  /** The friendly message, without the field's label: "must be at least 1". */
  message: string;
  /** `message` as a template and its values, for showing it in another language. */
  template?: SettingsMessage;
  /** Where in the schema, as a JSON pointer (`#/properties/a/minimum`). */
  schemaPath: string;
}

interface Compiled {
  schema: Schema;
  lookup: ReturnType<typeof dereference>;
}

/** Keywords whose unit only wraps the errors that follow it (the shared list, plus cfworker's own). */
const WRAPPERS: ReadonlySet<string> = new Set([
  ...WRAPPER_KEYWORDS,
  'patternProperties',
  'unevaluatedItems',
  '$recursiveRef',
  'propertyNames',
]);

/** Keywords whose subschemas' own failures are noise (cfworker reports them; ajv does not). */
const SWALLOWING: ReadonlySet<string> = new Set(['not', 'contains']);

// ---- data and schema helpers ---------------------------------------------------------------------

/**
 * rjsf's form data as cfworker accepts it: `undefined` properties dropped, `undefined` array items
 * as `null` (cfworker throws on `undefined`; ajv reports such an item as the wrong type too). The
 * value itself when it holds no `undefined` (rjsf validates often: no copy then).
 */
export function cleanData(value: unknown): unknown {
  return holdsUndefined(value) ? withoutUndefined(value) : value;
}

function holdsUndefined(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return value === undefined;
  for (const item of Array.isArray(value) ? value : Object.values(value)) if (holdsUndefined(item)) return true;
  return false;
}

function withoutUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : withoutUndefined(item)));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = withoutUndefined(item);
    return out;
  }
  return value;
}

function decodeSegment(segment: string): string {
  return decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~');
}

/** `#/a/b` -> `['a', 'b']` */
function pointerSegments(pointer: string): string[] {
  const body = pointer.replace(/^[^#]*#/, '');
  return body ? body.split('/').slice(1).map(decodeSegment) : [];
}

/** The schema value a keyword location points at, following `$ref`s into the root. */
function schemaAt(root: unknown, pointer: string): unknown {
  let node: unknown = root;
  for (const segment of pointerSegments(pointer)) {
    if (node === null || typeof node !== 'object') return undefined;
    const record = node as Record<string, unknown>;
    if (segment === '$ref' && typeof record.$ref === 'string') {
      const target = record.$ref.replace(ROOT_SCHEMA_PREFIX, '');
      node = target.startsWith('#') ? schemaAt(root, target) : undefined;
      continue;
    }
    node = record[segment];
  }
  return node;
}

/** Data path segments from an instance location, with array indexes as numbers. */
function dataPath(instanceLocation: string, data: unknown): (string | number)[] {
  const path: (string | number)[] = [];
  let node: unknown = data;
  for (const segment of pointerSegments(instanceLocation)) {
    if (Array.isArray(node) && /^\d+$/.test(segment)) {
      path.push(Number(segment));
      node = node[Number(segment)];
    } else {
      path.push(segment);
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined;
    }
  }
  return path;
}

const quoted = (text: string) => [...text.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!);

/** The schema object that holds the keyword a unit failed on. */
function holderOf(keywordLocation: string, root: unknown): unknown {
  return schemaAt(root, keywordLocation.replace(/\/[^/]*$/, ''));
}

/** A failure inside one option of a `oneOf`/`anyOf`: the keyword's own error says it better. */
const BRANCH_PATH = /\/(?:oneOf|anyOf)\/\d+\//;

interface Candidate extends SchemaError {
  /** From an `errorMessage` beside the rule: says more than any generic message on the field. */
  custom: boolean;
}

/**
 * Turns cfworker's output units into the errors the run API reports for the same value (see
 * `validateSettings` in the run API): wrapper units and failures inside an option dropped;
 * `required` on the missing property and an unknown property (`additionalProperties: false`) on
 * that property; each message from the schema object that holds the failing keyword; then one
 * clear reason per field (the rule's own sentence, else a wrong type, else every message), the
 * whole value first, then the fields in `order`.
 */
export function toSchemaErrors(
  units: readonly OutputUnit[],
  data: unknown,
  root: unknown,
  order: readonly string[] = [],
): SchemaError[] {
  const byField = new Map<string, Candidate[]>();
  const swallowed: string[] = [];
  let previous: OutputUnit | undefined;
  for (const unit of units) {
    const before = previous;
    previous = unit;
    const { keyword, keywordLocation, instanceLocation } = unit;
    if (swallowed.some((prefix) => keywordLocation.startsWith(prefix))) continue;
    if (WRAPPERS.has(keyword) || BRANCH_PATH.test(keywordLocation)) continue;
    if (keyword === 'additionalProperties' || keyword === 'unevaluatedProperties') continue;
    if (keyword === 'dependencies' && !unit.error.includes('does not have')) continue;
    if (SWALLOWING.has(keyword)) swallowed.push(`${keywordLocation}/`);

    let path = dataPath(instanceLocation, data);
    let name = keyword;
    let holder = holderOf(keywordLocation, root);
    if (keyword === 'required') {
      const key = quoted(unit.error)[0];
      if (key !== undefined) path = [...path, key];
    } else if (keyword === 'dependentRequired' || keyword === 'dependencies') {
      const missing = quoted(unit.error)[1];
      if (missing !== undefined) path = [...path, missing];
      name = 'required';
    } else if (keyword === 'false') {
      const wrapper = before?.keyword;
      if (wrapper === 'additionalProperties' || wrapper === 'unevaluatedProperties') {
        name = 'additionalProperties';
        holder = holderOf(before!.keywordLocation, root);
      }
    }
    const custom =
      typeof (holder as Record<string, unknown> | undefined)?.[ERROR_MESSAGE_KEYWORD] === 'string' &&
      name !== 'required' &&
      name !== 'additionalProperties';
    let template = settingsErrorTemplate(name, holder);
    if (path.length === 0) template = wholeValueTemplate(template);
    const message = formatSettingsMessage(template);
    const field = fieldName(path);
    const list = byField.get(field) ?? [];
    list.push({ path, keyword: name, message, template, schemaPath: keywordLocation, custom });
    byField.set(field, list);
  }

  const rank = (field: string, candidates: Candidate[]) => {
    if (field === '') return -1;
    const index = order.indexOf(String(candidates[0]!.path[0]));
    return index === -1 ? order.length : index;
  };
  const out: SchemaError[] = [];
  for (const [, candidates] of [...byField].sort(([a, ca], [b, cb]) => rank(a, ca) - rank(b, cb))) {
    const custom = candidates.filter((c) => c.custom);
    const typed = candidates.filter((c) => c.keyword === 'type');
    const kept = custom.length ? custom : typed.length ? typed : candidates;
    const seen = new Set<string>();
    for (const { custom: _, ...error } of kept) {
      if (seen.has(error.message)) continue;
      seen.add(error.message);
      out.push(error);
    }
  }
  return out;
}

/** rjsf's property string for a path: `.a.b.2` (what `toPath`/`toErrorSchema` read). */
export function rjsfProperty(path: readonly (string | number)[]): string {
  return path.map((segment) => `.${segment}`).join('');
}

/** The field name the server uses for a path: `a`, `a.b`, `a[2]`, `a[2].b`. */
export function fieldName(path: readonly (string | number)[]): string {
  let out = '';
  for (const segment of path) {
    const text = String(segment);
    if (out !== '' && /^\d+$/.test(text)) out += `[${text}]`;
    else out += out === '' ? text : `.${text}`;
  }
  return out;
}

// ---- the validator -------------------------------------------------------------------------------

/**
 * Each schema object is copied and dereferenced once (cfworker writes into the schemas it is given
 * and refuses the same `$id` twice), then cached by identity.
 */
export class CfworkerValidator<T = any, S extends StrictRJSFSchema = RJSFSchema, F extends FormContextType = any>
  implements ValidatorType<T, S, F>
{
  #plain = new WeakMap<object, Compiled>();
  #withRoot = new WeakMap<object, WeakMap<object, Compiled>>();

  /** Forgets every compiled schema. */
  reset(): void {
    this.#plain = new WeakMap();
    this.#withRoot = new WeakMap();
  }

  #compile(schema: S, rootSchema?: S): Compiled {
    // Without references there is nothing to look up, and cfworker writes nothing into the schema:
    // validate the schema itself (rjsf builds many short-lived sub-schemas; copying each is costly).
    if (!hasRef(schema)) return { schema: schema as Schema, lookup: NO_LOOKUP };
    const root = rootSchema !== undefined && rootSchema !== schema ? rootSchema : undefined;
    if (root === undefined) {
      let compiled = this.#plain.get(schema);
      if (!compiled) {
        const copy = structuredClone(schema) as Schema;
        compiled = { schema: copy, lookup: dereference(copy) };
        this.#plain.set(schema, compiled);
      }
      return compiled;
    }
    let byRoot = this.#withRoot.get(schema);
    if (!byRoot) this.#withRoot.set(schema, (byRoot = new WeakMap()));
    let compiled = byRoot.get(root);
    if (!compiled) {
      const copy = structuredClone(withIdRefPrefix<S>(schema)) as Schema;
      const lookup = dereference(copy);
      dereference({ ...(structuredClone(root) as Schema), $id: ROOT_SCHEMA_PREFIX }, lookup);
      compiled = { schema: copy, lookup };
      byRoot.set(root, compiled);
    }
    return compiled;
  }

  /** cfworker's raw output units (every error), or the error that stopped validation. */
  rawValidation<Result = OutputUnit>(schema: S, formData?: T): { errors?: Result[]; validationError?: Error } {
    try {
      const { schema: compiled, lookup } = this.#compile(schema);
      const result = validate(cleanData(formData), compiled, DRAFT, lookup, false);
      return { errors: result.errors as Result[] };
    } catch (error) {
      return { validationError: error instanceof Error ? error : new Error(String(error)) };
    }
  }

  /** The failures of `formData` against `schema`, one per field and problem. */
  schemaErrors(schema: S, formData: unknown, order?: readonly string[]): SchemaError[] {
    const { errors = [], validationError } = this.rawValidation<OutputUnit>(schema, formData as T);
    if (validationError) throw validationError;
    return toSchemaErrors(errors, cleanData(formData), schema, order);
  }

  validateFormData(
    formData: T | undefined,
    schema: S,
    customValidate?: CustomValidator<T, S, F>,
    transformErrors?: ErrorTransformer<T, S, F>,
    uiSchema?: UiSchema<T, S, F>,
  ): ValidationData<T> {
    const { errors: units = [], validationError } = this.rawValidation<OutputUnit>(schema, formData);
    const order = (uiSchema as { 'ui:order'?: unknown } | undefined)?.['ui:order'];
    const fields = Array.isArray(order) ? order.map(String) : [];
    let errors: RJSFValidationError[] = toSchemaErrors(units, cleanData(formData), schema, fields).map((e) =>
      toRjsfError(e, schema, uiSchema),
    );
    if (validationError) errors.push({ stack: validationError.message });
    if (typeof transformErrors === 'function') errors = transformErrors(errors, uiSchema);
    let errorSchema = toErrorSchema<T>(errors);
    if (validationError) errorSchema = { ...errorSchema, $schema: { __errors: [validationError.message] } };
    if (typeof customValidate !== 'function') return { errors, errorSchema };
    const data = getDefaultFormState<T, S, F>(this, schema, formData, schema, true) as T;
    const handler = customValidate(data, createErrorHandler<T>(data), uiSchema, errorSchema);
    return validationDataMerge<T>({ errors, errorSchema }, unwrapErrorHandler<T>(handler));
  }

  isValid(schema: S, formData: T | undefined, rootSchema: S): boolean {
    try {
      const { schema: compiled, lookup } = this.#compile(schema, rootSchema);
      return validate(cleanData(formData), compiled, DRAFT, lookup, true).valid;
    } catch {
      return false;
    }
  }
}

const NO_LOOKUP: Compiled['lookup'] = Object.freeze(Object.create(null));
const refCache = new WeakMap<object, boolean>();

/** Whether a schema holds a `$ref`/`$recursiveRef` (an `$id` alone needs no lookup: rjsf's "junk option" has one). */
function hasRef(schema: unknown): boolean {
  if (schema === null || typeof schema !== 'object') return false;
  let found = refCache.get(schema);
  if (found === undefined) {
    found = false;
    for (const [key, item] of Object.entries(schema)) {
      if (key === '$ref' || key === '$recursiveRef' || hasRef(item)) {
        found = true;
        break;
      }
    }
    refCache.set(schema, found);
  }
  return found;
}

/**
 * The label of the field at `path`: its `ui:title`, else the schema's `title`, else its name. An
 * item of a list is named by its list.
 */
export function fieldLabel(path: readonly (string | number)[], schema: unknown, uiSchema?: unknown): string {
  let ui: any = uiSchema;
  let node: any = schema;
  let label = '';
  for (const segment of path) {
    node = typeof segment === 'number' ? node?.items : node?.properties?.[segment];
    ui = typeof segment === 'number' ? ui?.items : ui?.[segment];
    if (typeof segment === 'number') continue;
    const title = getUiOptions(ui as UiSchema | undefined).title ?? node?.title;
    label = typeof title === 'string' && title ? title : segment;
  }
  return label;
}

/**
 * A message as a field shows it: a phrase ("is required", "must be at least 1") after the field's
 * label ("Count must be at least 1"); a sentence of its own ("Options are not loaded yet") as is.
 */
export function displayMessage(label: string, message: string): string {
  return label && /^[a-z]/.test(message) ? `${label} ${message}` : message;
}

/** What an rjsf error's `params` hold for the form to show it in its language (`localizeErrors`). */
export interface SettingsErrorParams {
  settingsMessage: SettingsMessage;
}

function toRjsfError(error: SchemaError, schema: unknown, uiSchema?: unknown): RJSFValidationError {
  const title = error.path.length ? fieldLabel(error.path, schema, uiSchema) : '';
  const message = displayMessage(title, error.message);
  return {
    name: error.keyword,
    property: rjsfProperty(error.path),
    message,
    stack: message,
    schemaPath: error.schemaPath,
    title,
    ...(error.template ? { params: { settingsMessage: error.template } satisfies SettingsErrorParams } : {}),
  };
}

/** A ready validator (one per page is enough; it caches compiled schemas by identity). */
export function createValidator<
  T = any,
  S extends StrictRJSFSchema = RJSFSchema,
  F extends FormContextType = any,
>(): CfworkerValidator<T, S, F> {
  return new CfworkerValidator<T, S, F>();
}

const defaultValidator = createValidator();
export default defaultValidator;

/**
 * The errors of a settings value, as the run API reports them (`{field, message}`, the message
 * without the field's label), so a host can check a value without rendering the form.
 */
export function validateSettings(form: SettingsForm, value: unknown): SettingsError[] {
  return defaultValidator
    .schemaErrors(form.schema as RJSFSchema, value, form.fields)
    .map((error) => ({ field: fieldName(error.path), message: error.message }));
}

/**
 * A fast `isValid` for one form's schema, for validity after every keystroke: each top-level
 * property is validated against its own schema only when its value changed, the root's other
 * keywords (`required`, `allOf`, `dependencies`, ...) on every call, and unknown keys are checked
 * directly. The same answer as validating the whole value (JSON Schema keywords are independent);
 * schemas where that does not hold (`$ref`, `patternProperties`, `unevaluated*`) are validated whole.
 */
export function validityChecker(schema: object): (value: unknown) => boolean {
  const root = schema as Record<string, unknown>;
  const whole = () => (value: unknown) => defaultValidator.isValid(schema as RJSFSchema, value, schema as RJSFSchema);
  if (
    hasRef(schema) ||
    'patternProperties' in root ||
    'unevaluatedProperties' in root ||
    root.type !== 'object' ||
    root.properties === null ||
    typeof root.properties !== 'object'
  ) {
    return whole();
  }
  const properties = root.properties as Record<string, Schema>;
  const closed = root.additionalProperties === false;
  if (!closed && root.additionalProperties !== undefined) return whole();
  const { properties: _, additionalProperties: __, ...rest } = root;
  const rules = rest as Schema;
  const known = new Map<string, { value: unknown; valid: boolean }>();
  return (value: unknown) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
    const data = cleanData(value) as Record<string, unknown>;
    for (const key of Object.keys(data)) {
      if (!Object.hasOwn(properties, key)) {
        if (closed) return false;
        continue;
      }
      const item = data[key];
      const last = known.get(key);
      let valid: boolean;
      if (last && last.value === item) valid = last.valid;
      else {
        valid = validate(item, properties[key]!, DRAFT, NO_LOOKUP, true).valid;
        known.set(key, { value: item, valid });
      }
      if (!valid) return false;
    }
    return validate(data, rules, DRAFT, NO_LOOKUP, true).valid;
  };
}
