import { isMap, type YAMLMap } from 'yaml';
import type { Location } from './diagnostics.ts';
import { propertyNameFromScope } from './refs.ts';
import type { SchemaIndex } from './validate-schema.ts';
import { closestMatch, didYouMean } from './suggest.ts';
import { LAYOUT_ELEMENT_TYPES, UI_ELEMENT_TYPES, type UiElementType } from './types.ts';
import { describeNode, scalarValue, type MapEntry, type YamlNode, type YamlReader } from './yaml-nodes.ts';

const CONTROL_KEYS = ['type', 'scope', 'label', 'admin', 'options', 'hintText'];
const LAYOUT_KEYS = ['type', 'elements'];

/** The keys each element type understands (JSON Forms style, plus PANDIUM's `admin` and `hintText`). */
const ELEMENT_KEYS: Record<UiElementType, readonly string[]> = {
  Control: CONTROL_KEYS,
  MultiSelectControl: CONTROL_KEYS,
  Label: ['type', 'text', 'title'],
  Divider: ['type'],
  Section: [...LAYOUT_KEYS, 'label', 'subtitle', 'hintText'],
  // `hintText` on a Group is not documented, but real files have it.
  Group: [...LAYOUT_KEYS, 'label', 'hintText'],
  VerticalLayout: LAYOUT_KEYS,
  HorizontalLayout: LAYOUT_KEYS,
};
const REQUIRED_KEYS: Partial<Record<UiElementType, readonly string[]>> = {
  Control: ['scope'],
  MultiSelectControl: ['scope'],
};
const ALL_ELEMENT_KEYS = [...new Set(Object.values(ELEMENT_KEYS).flat())];
const OPTION_KEYS = ['multi', 'trim'];

/**
 * Validates `configs.uischema` against the properties of `configs.schema` and returns the names of
 * the properties some control shows.
 */
export function validateUiSchema(reader: YamlReader, root: YAMLMap, path: string, schema: SchemaIndex): Set<string> {
  const shown = new Set<string>();
  validateElement(reader, schema, shown, root, root, path, true);
  return shown;
}

function validateElement(
  reader: YamlReader,
  schema: SchemaIndex,
  shown: Set<string>,
  node: YamlNode | null,
  at: Location,
  path: string,
  isRoot: boolean,
): void {
  if (node === null || !isMap(node)) {
    reader.report.error(at, path, `an element must be a mapping with a \`type\`, got ${describeNode(node)}`);
    return;
  }
  const entries = reader.entries(node, path);
  const byKey = new Map(entries.map((entry) => [entry.key, entry]));

  const typeEntry = byKey.get('type');
  let type: UiElementType | undefined;
  if (typeEntry === undefined) {
    if (isRoot) type = 'VerticalLayout'; // the root can only sensibly be the vertical layout
  } else {
    const typeName = reader.expectString(typeEntry, 'an element type such as `Control`');
    if (typeName === undefined) return;
    if (!isElementType(typeName)) {
      reader.report.error(
        typeEntry.at,
        typeEntry.path,
        `unknown element type \`${typeName}\`${didYouMean(closestMatch(typeName, UI_ELEMENT_TYPES))}; expected one of ${UI_ELEMENT_TYPES.join(', ')}`,
      );
      return;
    }
    type = typeName;
  }
  if (isRoot && type !== undefined) {
    if (!isLayoutType(type)) {
      reader.report.error(typeEntry?.at, typeEntry?.path ?? path, `the uischema root must be a layout such as \`VerticalLayout\`, got \`${type}\``);
      return;
    }
    if (type !== 'VerticalLayout') reader.report.warn(typeEntry?.at, typeEntry?.path ?? path, `the uischema root is normally a \`VerticalLayout\`, not a \`${type}\``);
  }

  const knownKeys = type === undefined ? ALL_ELEMENT_KEYS : ELEMENT_KEYS[type];
  const requiredKeys = type === undefined ? ['type'] : (REQUIRED_KEYS[type] ?? []);
  const missingKeys = new Set(requiredKeys.filter((key) => !byKey.has(key)));
  const elementName = type ?? 'element';

  for (const entry of entries) {
    if (entry.key === 'type') continue;
    if (entry.key.startsWith('ui:')) {
      warnRjsfKey(reader, entry);
    } else if (knownKeys.includes(entry.key)) {
      validateElementValue(reader, schema, shown, entry, type);
    } else if (ALL_ELEMENT_KEYS.includes(entry.key)) {
      reader.report.warn(entry.keyNode, entry.path, `\`${entry.key}\` is not used on a ${elementName}`);
    } else {
      const suggestion = closestMatch(entry.key, knownKeys);
      const message = `unknown key \`${entry.key}\` on a ${elementName}${didYouMean(suggestion)}`;
      // A typo of a key the element cannot work without is fatal; any other typo only loses a nicety.
      if (suggestion !== undefined && missingKeys.delete(suggestion)) reader.report.error(entry.keyNode, entry.path, message);
      else reader.report.warn(entry.keyNode, entry.path, `${message} is ignored`);
    }
  }

  for (const missing of missingKeys) {
    const message =
      missing === 'type'
        ? 'element has no `type` (e.g. `type: Control`)'
        : `${elementName} needs a \`${missing}\` such as \`'#/properties/<name>'\``;
    reader.report.error(node, path, message);
  }
  if (type !== undefined) checkElementShape(reader, schema, node, path, type, byKey);
}

function validateElementValue(
  reader: YamlReader,
  schema: SchemaIndex,
  shown: Set<string>,
  entry: MapEntry,
  type: UiElementType | undefined,
): void {
  switch (entry.key) {
    case 'scope': {
      const name = validateScope(reader, schema, entry);
      if (name !== undefined) shown.add(name);
      break;
    }
    case 'label': {
      // JSON Forms allows `label: false` to hide a control's label.
      const label = scalarValue(entry.value);
      if (typeof label !== 'string' && typeof label !== 'boolean') reader.mismatch(entry, 'text');
      break;
    }
    case 'admin':
      reader.expectBoolean(entry);
      break;
    case 'hintText':
    case 'subtitle':
    case 'text':
    case 'title':
      reader.expectString(entry);
      break;
    case 'options':
      validateOptions(reader, entry);
      break;
    case 'elements': {
      const seq = reader.expectList(entry, 'a list of elements');
      if (seq === undefined) break;
      for (const item of reader.items(seq, entry.path)) {
        validateElement(reader, schema, shown, item.value, item.at, item.path, false);
      }
      break;
    }
    default:
      // Every key listed in ELEMENT_KEYS is handled above; reaching here means the tables drifted.
      throw new Error(`no validation for uischema key \`${entry.key}\` on ${type ?? 'an element'}`);
  }
}

/** Returns the property name when the scope resolves. */
function validateScope(reader: YamlReader, schema: SchemaIndex, entry: MapEntry): string | undefined {
  const scope = reader.expectString(entry, "a scope such as `'#/properties/<name>'`");
  if (scope === undefined) return undefined;
  const name = propertyNameFromScope(scope);
  if (name === undefined) {
    reader.report.error(entry.at, entry.path, `\`scope\` must look like \`#/properties/<name>\`, got \`${scope}\``);
    return undefined;
  }
  if (!schema.properties.has(name)) {
    reader.report.error(
      entry.at,
      entry.path,
      `\`scope\` points to a missing property \`${name}\`${didYouMean(closestMatch(name, schema.properties.keys()))}`,
    );
    return undefined;
  }
  return name;
}

function validateOptions(reader: YamlReader, entry: MapEntry): void {
  const options = reader.expectMap(entry, 'a mapping such as `{multi: true}`');
  if (options === undefined) return;
  for (const option of reader.entries(options, entry.path)) {
    if (OPTION_KEYS.includes(option.key)) reader.expectBoolean(option);
    else {
      reader.report.warn(
        option.keyNode,
        option.path,
        `unknown option \`${option.key}\` is ignored${didYouMean(closestMatch(option.key, OPTION_KEYS))}`,
      );
    }
  }
}

function warnRjsfKey(reader: YamlReader, entry: MapEntry): void {
  const advice =
    entry.key === 'ui:widget' && scalarValue(entry.value) === 'textarea'
      ? '; for multi-line text use `options: {multi: true}`'
      : '';
  reader.report.warn(
    entry.keyNode,
    entry.path,
    `\`${entry.key}\` is an rjsf key; PANDIUM.yaml's uischema is JSON Forms style${advice}`,
  );
}

/** Checks that look at the element as a whole; all survivable, so they warn. */
function checkElementShape(
  reader: YamlReader,
  schema: SchemaIndex,
  node: YAMLMap,
  path: string,
  type: UiElementType,
  byKey: Map<string, MapEntry>,
): void {
  if (type === 'MultiSelectControl') {
    const label = byKey.get('label');
    if (label) reader.report.warn(label.keyNode, label.path, 'a MultiSelectControl shows no label; put a Label element before it');
    const scope = byKey.get('scope');
    const name = propertyNameFromScope(String(scalarValue(scope?.value ?? null)));
    const property = name === undefined ? undefined : schema.properties.get(name);
    if (scope && property && property.type !== 'array') {
      reader.report.warn(scope.at, scope.path, `a MultiSelectControl needs an array-of-enum property; \`${name}\` is not an array`);
    }
  }
  if (type === 'Label' && !byKey.has('text') && !byKey.has('title')) {
    reader.report.warn(node, path, 'a Label needs its text in `text` or `title`');
  }
  if (isLayoutType(type) && !byKey.has('elements')) {
    reader.report.warn(node, path, `a ${type} without \`elements\` shows nothing`);
  }
}

function isElementType(value: string): value is UiElementType {
  return (UI_ELEMENT_TYPES as readonly string[]).includes(value);
}

function isLayoutType(value: string): boolean {
  return (LAYOUT_ELEMENT_TYPES as readonly string[]).includes(value);
}
