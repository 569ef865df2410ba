/**
 * PANDIUM.yaml `configs` (JSON Forms-style uischema, JSON-Schema-like schema) -> one JSON Schema
 * both validators use and the rjsf uiSchema that draws it. Pure: no I/O, runs in the browser too.
 *
 * Choices worth knowing (the tests pin each one):
 * - Only properties a visible Control points at are in the schema; `additionalProperties: false`.
 * - A Control seen twice is drawn once (rjsf renders each property once), at its first place.
 * - A layout that held Controls but lost all of them to `admin: true` is dropped for end users.
 * - `format: time` becomes a `pattern` (see `TIME_PATTERN`); unknown formats are dropped.
 * - Defaults that do not fit the field (wrong type, not among its options) are dropped, so that
 *   rjsf never pre-fills a value the validators refuse.
 * - A dynamic field whose options are not loaded, or loaded but empty, refuses every value and is
 *   never required; an array field refuses every non-empty list (rjsf may fill in `[]`).
 */
import { localizeConfigs } from '../i18n.ts';
import { definitionNameFromRef, propertyNameFromScope } from '../refs.ts';
import { settingsFormTranslations } from './localize.ts';
import type { ConfigsSection, EnumValue, OneOfOption, PropertyType } from '../types.ts';
import type {
  BuildSettingsFormOptions,
  DynamicFieldInfo,
  FieldUiOptions,
  JsonSchema,
  LayoutNode,
  SettingsForm,
} from './contract.ts';
import {
  chooseParentFirstMessage,
  DATE_TIME_ZONE_PATTERN,
  ERROR_MESSAGE_KEYWORD,
  NO_OPTIONS_MESSAGE,
  noOptionsForParentMessage,
  NOT_LOADED_MESSAGE,
  TIME_PATTERN,
} from './messages.ts';

type Dict = Record<string, unknown>;
type ScalarType = Exclude<PropertyType, 'array'>;

interface Option {
  const: EnumValue;
  title?: string;
}

interface OptionSet {
  options: Option[];
  /** Came as `{title, const}`: drawn as `oneOf`, else as `enum`. */
  labelled: boolean;
}

/** Where a field's values may come from. */
type OptionState =
  | { kind: 'free' }
  | { kind: 'static'; set: OptionSet }
  | { kind: 'dynamic'; definition: string; set: OptionSet | undefined }
  | {
      kind: 'dependent';
      definition: string;
      parent: string;
      /** Parent value (as the init run printed the key) -> options; absent: not loaded. */
      byParent: Map<string, OptionSet> | undefined;
    };

/** What one visible Control asked for. */
interface ControlFacts {
  label: string | false | undefined;
  hint: string | undefined;
  multiLine: boolean;
  fullWidth: boolean;
  adminOnly: boolean;
  multiSelect: boolean;
  widget: string | undefined;
  placeholder: string | undefined;
}

/** One field, built before the dependent rules that need its parent's values. */
interface FieldPlan {
  name: string;
  title: string;
  isArray: boolean;
  type: ScalarType | undefined;
  state: OptionState;
  required: boolean;
}

const PLACEHOLDER = 'placeholder';
const SCALAR_TYPES: readonly string[] = ['boolean', 'integer', 'number', 'string'];
const LAYOUT_TYPES: readonly string[] = ['VerticalLayout', 'HorizontalLayout', 'Section', 'Group'];
/** rjsf widgets a real file may name with `ui:widget` on a Control, and what they fit. */
const PASSTHROUGH_WIDGETS: Record<string, (plan: FieldPlan) => boolean> = {
  textarea: (plan) => isFreeText(plan),
  password: (plan) => isFreeText(plan),
  radio: (plan) => !plan.isArray && plan.state.kind !== 'free',
  select: (plan) => !plan.isArray && plan.state.kind !== 'free',
  checkboxes: (plan) => plan.isArray && plan.state.kind !== 'free',
  updown: (plan) => !plan.isArray && plan.state.kind === 'free' && isNumeric(plan.type),
  range: (plan) => !plan.isArray && plan.state.kind === 'free' && isNumeric(plan.type),
};

export function buildSettingsForm(configs: ConfigsSection | undefined, options: BuildSettingsFormOptions): SettingsForm {
  const form = buildForm(configs, options);
  const i18n = options.i18n;
  if (!configs || !isRecord(i18n)) return form;
  const translations = settingsFormTranslations(form, Object.keys(i18n), (tag) => buildForm(localizeConfigs(configs, i18n, tag), options));
  return Object.keys(translations).length > 0 ? { ...form, i18n: translations } : form;
}

function buildForm(configs: ConfigsSection | undefined, options: BuildSettingsFormOptions): SettingsForm {
  const configSchema: Dict = isRecord(configs?.schema) ? configs.schema : {};
  const properties: Dict = isRecord(configSchema.properties) ? configSchema.properties : {};
  const definitions: Dict = isRecord(configSchema.definitions) ? configSchema.definitions : {};
  const requiredNames = new Set(Array.isArray(configSchema.required) ? configSchema.required.filter(isString) : []);
  const audience = options.audience === 'admin' ? 'admin' : 'user';
  const dynamicOptions: Dict = isRecord(options.dynamicOptions) ? options.dynamicOptions : {};

  // The layout first: it decides which properties exist for this audience, and in which order.
  const controls = new Map<string, ControlFacts>();
  const isProperty = (name: string) => hasOwn(properties, name) && isRecord(properties[name]) && !name.startsWith('ui:');
  const root = isRecord(configs?.uischema) ? configs.uischema : undefined;
  const rootNode = root ? layoutNode(root, { audience, controls, isProperty }, true) : undefined;
  const layout: LayoutNode =
    rootNode === undefined
      ? { type: 'VerticalLayout', elements: [] }
      : 'elements' in rootNode
        ? rootNode
        : { type: 'VerticalLayout', elements: [rootNode] };
  const fields = [...controls.keys()];

  const plans = new Map<string, FieldPlan>();
  const schemaProperties: Dict = {};
  const uiSchema: Dict = {};
  const required: string[] = [];
  const dependents: Record<string, string> = {};

  for (const name of fields) {
    const control = controls.get(name)!;
    const property = properties[name] as Dict;
    const plan = planField(name, property, control, { definitions, dynamicOptions, isProperty, requiredNames });
    plans.set(name, plan);
    setOwn(schemaProperties, name, fieldSchema(plan, property, definitions));
    setOwn(uiSchema, name, fieldUiSchema(plan, control, property));
    if (plan.state.kind === 'dependent') setOwn(dependents, name, plan.state.parent);
    if (plan.required && rootRequired(plan)) required.push(name);
  }

  const rules: JsonSchema[] = [];
  for (const plan of plans.values()) {
    if (plan.state.kind === 'dependent') rules.push(...dependentRules(plan, plans, properties));
  }

  const schema: JsonSchema = { type: 'object', properties: schemaProperties };
  if (required.length > 0) schema.required = required;
  schema.additionalProperties = false;
  if (rules.length > 0) schema.allOf = rules;
  uiSchema['ui:order'] = [...fields];
  uiSchema['ui:options'] = { layout };
  return { schema, uiSchema, fields, dependents };
}

/**
 * The options a dependent field offers for one value of its parent; `[]` when that value has none
 * (or is unset). `undefined` when `child` is not a dependent field or its options are not loaded.
 */
export function dependentOptions(form: SettingsForm, child: string, parentValue: unknown): OneOfOption[] | undefined {
  const parent = hasOwn(form.dependents, child) ? form.dependents[child] : undefined;
  if (parent === undefined) return undefined;
  const ui = form.uiSchema[child];
  const dynamic = isRecord(ui) && isRecord(ui['ui:options']) ? ui['ui:options'].dynamic : undefined;
  if (!isRecord(dynamic) || dynamic.loaded !== true) return undefined;
  if (parentValue === undefined) return [];
  const rules = Array.isArray(form.schema.allOf) ? form.schema.allOf : [];
  for (const rule of rules) {
    const condition = pathOf(rule, 'if', 'properties', parent);
    const then = pathOf(rule, 'then', 'properties', child);
    if (!isRecord(condition) || !('const' in condition) || !isRecord(then)) continue;
    if (condition.const !== parentValue) continue;
    const holder = isRecord(then.items) ? then.items : then;
    if (Array.isArray(holder.enum)) return holder.enum.map((value) => ({ const: value as EnumValue, title: String(value) }));
    if (Array.isArray(holder.oneOf)) return holder.oneOf.filter(isRecord).map((o) => ({ const: o.const as EnumValue, title: o.title as string }));
  }
  return [];
}

/**
 * Removes dependent values the parents' current values no longer allow (list values lose the
 * items that are no longer allowed). Returns `value` itself when nothing changed, else a copy.
 */
export function clearInvalidDependents<T>(form: SettingsForm, value: T): T {
  if (!isRecord(value)) return value;
  let result: Dict = value;
  const pairs = Object.entries(form.dependents);
  // A chain (a -> b -> c) settles in at most one pass per link.
  for (let pass = 0; pass <= pairs.length; pass++) {
    let changed = false;
    for (const [child, parent] of pairs) {
      if (!hasOwn(result, child) || result[child] === undefined) continue;
      const allowed = dependentOptions(form, child, result[parent]);
      if (allowed === undefined) continue;
      const allowedValues = allowed.map((option) => option.const);
      const current = result[child];
      if (Array.isArray(current)) {
        const kept = current.filter((item) => allowedValues.includes(item as EnumValue));
        if (kept.length === current.length) continue;
        result = result === value ? { ...result } : result;
        result[child] = kept;
      } else {
        if (allowedValues.includes(current as EnumValue)) continue;
        result = result === value ? { ...result } : result;
        delete result[child];
      }
      changed = true;
    }
    if (!changed) break;
  }
  return result as T;
}

// ---------------------------------------------------------------------------------------------
// Layout

interface LayoutContext {
  audience: 'user' | 'admin';
  controls: Map<string, ControlFacts>;
  isProperty: (name: string) => boolean;
}

function layoutNode(element: Dict, context: LayoutContext, isRoot = false): LayoutNode | undefined {
  const type = element.type;
  if (type === 'Control' || type === 'MultiSelectControl') {
    const property = typeof element.scope === 'string' ? propertyNameFromScope(element.scope) : undefined;
    if (property === undefined || !context.isProperty(property)) return undefined;
    if (element.admin === true && context.audience === 'user') return undefined;
    if (context.controls.has(property)) return undefined;
    context.controls.set(property, controlFacts(element, type === 'MultiSelectControl'));
    return { type: 'Control', property };
  }
  if (type === 'Label') {
    const text = nonEmptyString(element.text) ?? nonEmptyString(element.title);
    return text === undefined ? undefined : { type: 'Label', text };
  }
  if (type === 'Divider') return { type: 'Divider' };
  if (typeof type !== 'string' || !LAYOUT_TYPES.includes(type)) {
    // A root without a known type is a VerticalLayout (the parser normalises it so too).
    if (!isRoot) return undefined;
  }
  const children = Array.isArray(element.elements) ? element.elements.filter(isRecord) : [];
  const elements = children.map((child) => layoutNode(child, context)).filter((node) => node !== undefined);
  if (!isRoot && children.some(holdsControl) && !elements.some(hasControlNode)) return undefined;
  if (type === 'Section' || type === 'Group') {
    const label = nonEmptyString(element.label);
    const hint = nonEmptyString(element.subtitle) ?? nonEmptyString(element.hintText);
    return {
      type,
      ...(label === undefined ? {} : { label }),
      ...(hint === undefined ? {} : { hint }),
      elements,
    };
  }
  return { type: type === 'HorizontalLayout' ? 'HorizontalLayout' : 'VerticalLayout', elements };
}

function controlFacts(element: Dict, multiSelect: boolean): ControlFacts {
  const options = isRecord(element.options) ? element.options : {};
  let label: string | false | undefined;
  if (element.label === false) label = false;
  else if (typeof element.label === 'string') label = nonEmptyString(element.label);
  else if (isRecord(element.label)) {
    // JSON Forms also allows `label: {text, show}`.
    label = element.label.show === false ? false : nonEmptyString(element.label.text);
  }
  const widget = element['ui:widget'];
  return {
    label,
    hint: nonEmptyString(element.hintText),
    multiLine: options.multi === true || widget === 'textarea',
    fullWidth: options.trim === false,
    adminOnly: element.admin === true,
    multiSelect,
    widget: typeof widget === 'string' && hasOwn(PASSTHROUGH_WIDGETS, widget) ? widget : undefined,
    placeholder: nonEmptyString(element['ui:placeholder']),
  };
}

function holdsControl(element: Dict): boolean {
  if (element.type === 'Control' || element.type === 'MultiSelectControl') return true;
  return Array.isArray(element.elements) && element.elements.some((child) => isRecord(child) && holdsControl(child));
}

function hasControlNode(node: LayoutNode): boolean {
  if (node.type === 'Control') return true;
  return 'elements' in node && node.elements.some(hasControlNode);
}

// ---------------------------------------------------------------------------------------------
// Fields

interface PlanContext {
  definitions: Dict;
  dynamicOptions: Dict;
  isProperty: (name: string) => boolean;
  requiredNames: Set<string>;
}

/** The part of a property that holds its value's type and options: itself, or its `items`. */
interface ValueSource {
  own: Dict;
  definitionName: string | undefined;
  definition: Dict | undefined;
}

function planField(name: string, property: Dict, control: ControlFacts, context: PlanContext): FieldPlan {
  const ref = resolveRef(property.$ref, context.definitions);
  const arrayType = (knownType(property.type) ?? knownType(ref.definition?.type)) === 'array';
  const source = arrayType ? itemsSource(property, ref, context.definitions) : { own: property, ...ref };
  const state = optionState(name, source, context);
  const type = valueType(source, state);
  const title = control.label || nonEmptyString(property.title) || humanize(name);
  return { name, title, isArray: arrayType, type, state, required: context.requiredNames.has(name) };
}

function resolveRef(ref: unknown, definitions: Dict): { definitionName: string | undefined; definition: Dict | undefined } {
  const name = typeof ref === 'string' ? definitionNameFromRef(ref) : undefined;
  if (name === undefined || !hasOwn(definitions, name) || !isRecord(definitions[name])) {
    return { definitionName: undefined, definition: undefined };
  }
  return { definitionName: name, definition: definitions[name] };
}

/** An array's elements: `items` (maybe with its own `$ref`), else the options of the array's `$ref`. */
function itemsSource(property: Dict, ref: ReturnType<typeof resolveRef>, definitions: Dict): ValueSource {
  const items = isRecord(property.items) ? property.items : isRecord(ref.definition?.items) ? ref.definition.items : {};
  const itemsRef = resolveRef(items.$ref, definitions);
  if (itemsRef.definition !== undefined) return { own: items, ...itemsRef };
  if (ref.definition !== undefined && (hasOptionKeys(ref.definition) || isDependentDefinition(ref.definition))) {
    return { own: items, ...ref };
  }
  return { own: items, definitionName: undefined, definition: undefined };
}

function optionState(field: string, source: ValueSource, context: PlanContext): OptionState {
  const { own, definition, definitionName } = source;
  const ownOptions = staticOptions(own);
  if (definition === undefined || definitionName === undefined) {
    return ownOptions ? { kind: 'static', set: ownOptions } : { kind: 'free' };
  }
  const published = hasOwn(context.dynamicOptions, definitionName) ? context.dynamicOptions[definitionName] : undefined;
  const parent = typeof definition.dependsOn === 'string' ? definition.dependsOn : undefined;
  if (parent !== undefined && parent !== field && context.isProperty(parent)) {
    return { kind: 'dependent', definition: definitionName, parent, byParent: optionMap(published) };
  }
  if (isPlaceholderDefinition(definition) || parent !== undefined) {
    return { kind: 'dynamic', definition: definitionName, set: optionList(published) };
  }
  // A plain definition; an init run may still replace its options (SPEC: "each value replaces").
  const replaced = optionList(published);
  if (replaced !== undefined && replaced.options.length > 0) return { kind: 'static', set: replaced };
  const set = ownOptions ?? staticOptions(definition);
  return set ? { kind: 'static', set } : { kind: 'free' };
}

/** The value's JSON type: the property's own when its options fit it, else what the options are. */
function valueType(source: ValueSource, state: OptionState): ScalarType | undefined {
  const ownType = scalarType(source.own.type);
  const definitionType = scalarType(source.definition?.type);
  let values: EnumValue[];
  switch (state.kind) {
    case 'free':
      return ownType ?? definitionType ?? 'string';
    case 'static':
      values = state.set.options.map((option) => option.const);
      break;
    case 'dynamic':
      values = state.set?.options.map((option) => option.const) ?? [];
      break;
    case 'dependent':
      values = [...(state.byParent?.values() ?? [])].flatMap((set) => set.options.map((option) => option.const));
      break;
  }
  if (values.length === 0) {
    // Nothing loaded: the placeholder says what the definition's `type` may not (pokemon-of-the-day).
    if (ownType !== undefined) return ownType;
    const placeholders = source.definition ? (staticOptions(source.definition)?.options.map((option) => option.const) ?? []) : [];
    return inferType(placeholders) ?? definitionType ?? 'string';
  }
  if (ownType !== undefined && values.every((value) => fitsType(value, ownType))) return ownType;
  if (ownType === undefined && definitionType !== undefined && values.every((value) => fitsType(value, definitionType))) {
    return definitionType;
  }
  return inferType(values);
}

function rootRequired(plan: FieldPlan): boolean {
  const { state } = plan;
  if (state.kind === 'dependent') return false; // required inside its parent's rules
  if (state.kind === 'dynamic') return state.set !== undefined && state.set.options.length > 0;
  return true;
}

/** Whether the field can take no value at all: options not loaded, or loaded and empty. */
function refusal(plan: FieldPlan): string | undefined {
  const { state } = plan;
  if (state.kind === 'dynamic') {
    if (state.set === undefined) return NOT_LOADED_MESSAGE;
    if (state.set.options.length === 0) return NO_OPTIONS_MESSAGE;
  }
  if (state.kind === 'dependent' && state.byParent === undefined) return NOT_LOADED_MESSAGE;
  return undefined;
}

function fieldSchema(plan: FieldPlan, property: Dict, definitions: Dict): JsonSchema {
  const ref = resolveRef(property.$ref, definitions);
  const valueSource: Dict = plan.isArray ? (isRecord(property.items) ? property.items : {}) : property;
  const refused = refusal(plan);
  const value: JsonSchema = {};
  if (plan.type !== undefined) value.type = plan.type;
  const set = optionsOf(plan.state);
  if (set !== undefined && set.options.length > 0 && refused === undefined) Object.assign(value, optionKeywords(set));
  if (plan.state.kind === 'free' && plan.type !== undefined) {
    Object.assign(value, freeConstraints(plan.type, valueSource, plan.isArray ? undefined : ref.definition));
  }

  const schema: JsonSchema = plan.isArray ? { type: 'array', items: value } : value;
  schema.title = plan.title;
  const description = nonEmptyString(property.description);
  if (description !== undefined) schema.description = description;
  if (plan.isArray) {
    const unique = property.uniqueItems ?? ref.definition?.uniqueItems;
    if (unique === true || (unique === undefined && plan.state.kind !== 'free')) schema.uniqueItems = true;
    if (plan.required && rootRequired(plan) && refused === undefined) schema.minItems = 1;
  }
  if (refused !== undefined) {
    if (plan.isArray) schema.maxItems = 0;
    else schema.not = {};
    schema[ERROR_MESSAGE_KEYWORD] = refused;
  } else {
    const fallback = property.default !== undefined ? property.default : ref.definition?.default;
    if (fallback !== undefined && defaultFits(fallback, plan, schema)) schema.default = fallback;
  }
  return schema;
}

function optionsOf(state: OptionState): OptionSet | undefined {
  return state.kind === 'static' || state.kind === 'dynamic' ? state.set : undefined;
}

function optionKeywords(set: OptionSet): JsonSchema {
  return set.labelled
    ? { oneOf: set.options.map((option) => ({ const: option.const, title: option.title ?? String(option.const) })) }
    : { enum: set.options.map((option) => option.const) };
}

/** Bounds, formats and lengths of a field with no options. */
function freeConstraints(type: ScalarType, own: Dict, definition: Dict | undefined): JsonSchema {
  const pick = (key: string) => (own[key] !== undefined ? own[key] : definition?.[key]);
  const out: JsonSchema = {};
  if (type === 'integer' || type === 'number') {
    const minimum = pick('min') ?? pick('minimum');
    const maximum = pick('max') ?? pick('maximum');
    if (isFiniteNumber(minimum)) out.minimum = minimum;
    if (isFiniteNumber(maximum)) out.maximum = maximum;
  }
  if (type === 'string') {
    const format = pick('format');
    if (format === 'date') out.format = 'date';
    if (format === 'date-time') {
      out.format = 'date-time';
      out.pattern = DATE_TIME_ZONE_PATTERN;
    }
    if (format === 'time') out.pattern = TIME_PATTERN;
    const minLength = pick('minLength');
    const maxLength = pick('maxLength');
    if (isCount(minLength)) out.minLength = minLength;
    if (isCount(maxLength)) out.maxLength = maxLength;
    const pattern = pick('pattern');
    if (out.pattern === undefined && typeof pattern === 'string' && isValidPattern(pattern)) out.pattern = pattern;
  }
  return out;
}

function defaultFits(value: unknown, plan: FieldPlan, schema: JsonSchema): boolean {
  const set = optionsOf(plan.state);
  if (plan.state.kind === 'dependent') return false; // its options depend on another field's value
  const fitsValue = (item: unknown): boolean => {
    if (!isEnumValue(item)) return false;
    if (plan.type !== undefined && !fitsType(item, plan.type)) return false;
    if (set !== undefined && !set.options.some((option) => option.const === item)) return false;
    const bounds: JsonSchema = plan.isArray ? (schema.items as JsonSchema) : schema;
    if (typeof item === 'number') {
      if (isFiniteNumber(bounds.minimum) && item < bounds.minimum) return false;
      if (isFiniteNumber(bounds.maximum) && item > bounds.maximum) return false;
    }
    return true;
  };
  if (!plan.isArray) return fitsValue(value);
  return Array.isArray(value) && value.every(fitsValue) && new Set(value).size === value.length;
}

function fieldUiSchema(plan: FieldPlan, control: ControlFacts, property: Dict): Dict {
  const ui: Dict = { 'ui:title': plan.title };
  if (control.hint !== undefined) ui['ui:description'] = control.hint;
  const widget = fieldWidget(plan, control, property);
  if (widget !== undefined) ui['ui:widget'] = widget;
  if (control.placeholder !== undefined) ui['ui:placeholder'] = control.placeholder;
  const options: FieldUiOptions = {};
  if (control.label === false || control.multiSelect) options.label = false;
  if (control.fullWidth) options.fullWidth = true;
  if (control.adminOnly) options.adminOnly = true;
  const { state } = plan;
  if (state.kind === 'dynamic') {
    options.dynamic = { definition: state.definition, loaded: state.set !== undefined };
  } else if (state.kind === 'dependent') {
    const dynamic: DynamicFieldInfo = { definition: state.definition, loaded: state.byParent !== undefined, dependsOn: state.parent };
    options.dynamic = dynamic;
  }
  if (Object.keys(options).length > 0) ui['ui:options'] = options;
  return ui;
}

function fieldWidget(plan: FieldPlan, control: ControlFacts, property: Dict): string | undefined {
  if (plan.isArray && plan.state.kind !== 'free') return 'checkboxes';
  if (control.multiLine && isFreeText(plan)) return 'textarea';
  if (isFreeText(plan) && property.format === 'time') return 'time';
  if (control.widget !== undefined && PASSTHROUGH_WIDGETS[control.widget]!(plan)) return control.widget;
  return undefined;
}

function isFreeText(plan: FieldPlan): boolean {
  return !plan.isArray && plan.state.kind === 'free' && plan.type === 'string';
}

function isNumeric(type: ScalarType | undefined): boolean {
  return type === 'integer' || type === 'number';
}

// ---------------------------------------------------------------------------------------------
// Dependent selectors

/**
 * For child C of parent P (options loaded):
 *   { if: {properties: {P: {const: v}}, required: [P]}, then: {properties: {C: <v's options>}, required?: [C]} }
 *   per parent value v with options, then
 *   { if: {not: {required: [P]}}, then: {properties: {C: <refuse: choose P first>}} }
 *   { if: {properties: {P: {not: {enum: [v...]}}}, required: [P]}, then: {properties: {C: <refuse: no options>}} }
 * C is required (when the configs say so) only inside the first kind of rule.
 */
function dependentRules(plan: FieldPlan, plans: Map<string, FieldPlan>, properties: Dict): JsonSchema[] {
  const state = plan.state;
  if (state.kind !== 'dependent' || state.byParent === undefined) return [];
  const parent = state.parent;
  const parentPlan = plans.get(parent);
  const parentTitle = parentPlan?.title ?? humanize(parent);
  const parentValues = parentPlan ? knownValues(parentPlan) : undefined;
  const parentType = parentPlan?.type ?? scalarType((properties[parent] as Dict | undefined)?.type);
  const child = plan.name;

  const rules: JsonSchema[] = [];
  const valuesWithOptions: EnumValue[] = [];
  for (const [key, set] of state.byParent) {
    if (set.options.length === 0) continue;
    const parentValue = parentValueForKey(key, parentValues, parentType);
    if (parentValue === undefined || valuesWithOptions.includes(parentValue)) continue;
    valuesWithOptions.push(parentValue);
    const childSchema: JsonSchema = plan.isArray ? { items: optionKeywords(set) } : optionKeywords(set);
    if (plan.isArray && plan.required) childSchema.minItems = 1;
    const then: JsonSchema = { properties: { [child]: childSchema } };
    if (plan.required) then.required = [child];
    rules.push({ if: { properties: { [parent]: { const: parentValue } }, required: [parent] }, then });
  }
  const refuse = (message: string): JsonSchema =>
    plan.isArray ? { maxItems: 0, [ERROR_MESSAGE_KEYWORD]: message } : { not: {}, [ERROR_MESSAGE_KEYWORD]: message };
  rules.push({
    if: { not: { required: [parent] } },
    then: { properties: { [child]: refuse(chooseParentFirstMessage(parentTitle)) } },
  });
  const withoutOptions: JsonSchema =
    valuesWithOptions.length > 0
      ? { properties: { [parent]: { not: { enum: valuesWithOptions } } }, required: [parent] }
      : { required: [parent] };
  rules.push({ if: withoutOptions, then: { properties: { [child]: refuse(noOptionsForParentMessage(parentTitle)) } } });
  return rules;
}

/** Every value a field may take, when it has a known list (a dependent field: all its lists). */
function knownValues(plan: FieldPlan): EnumValue[] | undefined {
  const { state } = plan;
  if (state.kind === 'static') return state.set.options.map((option) => option.const);
  if (state.kind === 'dynamic') return state.set?.options.map((option) => option.const);
  if (state.kind === 'dependent' && state.byParent) {
    return [...state.byParent.values()].flatMap((set) => set.options.map((option) => option.const));
  }
  return undefined;
}

/** JSON object keys are strings; find the parent value the init run meant by one. */
function parentValueForKey(key: string, parentValues: EnumValue[] | undefined, parentType: ScalarType | undefined): EnumValue | undefined {
  if (parentValues !== undefined) return parentValues.find((value) => String(value) === key);
  switch (parentType) {
    case 'integer':
    case 'number': {
      const number = Number(key);
      return key.trim() !== '' && fitsType(number, parentType) ? number : undefined;
    }
    case 'boolean':
      return key === 'true' ? true : key === 'false' ? false : undefined;
    default:
      return key;
  }
}

// ---------------------------------------------------------------------------------------------
// Options

/** `{enum}` or `{oneOf}` written in PANDIUM.yaml. */
function staticOptions(schema: Dict): OptionSet | undefined {
  if (Array.isArray(schema.oneOf)) {
    const set = optionList(schema.oneOf);
    if (set && set.options.length > 0) return { ...set, labelled: true };
  }
  if (Array.isArray(schema.enum)) {
    const set = optionList(schema.enum);
    if (set && set.options.length > 0) return set;
  }
  return undefined;
}

/**
 * An option list as an init run printed it: plain values and/or `{title, const}`. Anything else
 * in it (null, nested objects, a `const` that is not a plain value) is skipped; duplicates too.
 * `undefined` when it is not a list at all.
 */
function optionList(raw: unknown): OptionSet | undefined {
  if (!Array.isArray(raw)) return undefined;
  const options: Option[] = [];
  let labelled = false;
  for (const item of raw) {
    let option: Option | undefined;
    if (isEnumValue(item)) option = { const: item };
    else if (isRecord(item) && isEnumValue(item.const)) {
      labelled = true;
      option = { const: item.const };
      const title = typeof item.title === 'string' ? item.title : isEnumValue(item.title) ? String(item.title) : undefined;
      if (title !== undefined) option.title = title;
    }
    if (option !== undefined && !options.some((known) => known.const === option.const)) options.push(option);
  }
  return { options, labelled };
}

/** A dependent definition's published map; `undefined` (not loaded) unless a plain object. */
function optionMap(raw: unknown): Map<string, OptionSet> | undefined {
  if (!isRecord(raw)) return undefined;
  const map = new Map<string, OptionSet>();
  for (const [key, list] of Object.entries(raw)) {
    const set = optionList(list);
    if (set !== undefined) map.set(key, set);
  }
  return map;
}

function isPlaceholderDefinition(definition: Dict): boolean {
  const set = staticOptions(definition);
  return (
    set !== undefined &&
    set.options.every((option) => typeof option.const === 'string' && option.const.trim().toLowerCase() === PLACEHOLDER)
  );
}

function isDependentDefinition(definition: Dict): boolean {
  return typeof definition.dependsOn === 'string';
}

function hasOptionKeys(schema: Dict): boolean {
  return Array.isArray(schema.enum) || Array.isArray(schema.oneOf);
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function knownType(type: unknown): PropertyType | undefined {
  return type === 'array' ? 'array' : scalarType(type);
}

function scalarType(type: unknown): ScalarType | undefined {
  return typeof type === 'string' && SCALAR_TYPES.includes(type) ? (type as ScalarType) : undefined;
}

function inferType(values: EnumValue[]): ScalarType | undefined {
  if (values.length === 0) return undefined;
  if (values.every((value) => typeof value === 'string')) return 'string';
  if (values.every((value) => typeof value === 'boolean')) return 'boolean';
  if (values.every((value) => typeof value === 'number')) {
    return values.every((value) => Number.isInteger(value)) ? 'integer' : 'number';
  }
  return undefined; // mixed: leave `type` out and let the options decide
}

function fitsType(value: unknown, type: ScalarType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return isFiniteNumber(value);
  }
}

function isEnumValue(value: unknown): value is EnumValue {
  return typeof value === 'string' || typeof value === 'boolean' || isFiniteNumber(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isCount(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0;
}

function isValidPattern(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}

function isRecord(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function hasOwn(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/** Plain assignment would turn a property named `__proto__` into a prototype. */
function setOwn(object: Dict, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

function pathOf(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (!isRecord(current) || !hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

/** `s3_bucket_name` -> `S3 bucket name`, `slackUser` -> `Slack user`. */
function humanize(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[_\-\s]+/)
    .filter((word) => word !== '')
    .map((word) => (/^[A-Z0-9]+$/.test(word) ? word : word.toLowerCase()));
  const text = words.join(' ');
  return text === '' ? name : text.charAt(0).toUpperCase() + text.slice(1);
}
