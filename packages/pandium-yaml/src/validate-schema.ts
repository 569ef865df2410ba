import { isMap, isSeq, type YAMLMap } from 'yaml';
import type { Location } from './diagnostics.ts';
import { definitionNameFromRef } from './refs.ts';
import { closestMatch, didYouMean } from './suggest.ts';
import { PROPERTY_TYPES, STRING_FORMATS, type PropertyType } from './types.ts';
import { describeNode, scalarValue, type MapEntry, type YamlReader } from './yaml-nodes.ts';

/** What the uischema check needs to know about one property of `configs.schema`. */
export interface PropertyFacts {
  keyNode: Location;
  path: string;
  /** Own `type`, else the `type` of its `$ref` definition. */
  type: PropertyType | undefined;
  /** Name of the definition it takes its options from, if any. */
  definition: string | undefined;
}

export interface SchemaIndex {
  properties: Map<string, PropertyFacts>;
  definitions: Set<string>;
}

export function emptySchemaIndex(): SchemaIndex {
  return { properties: new Map(), definitions: new Set() };
}

const SCHEMA_KEYS = ['type', 'properties', 'required', 'definitions', 'title', 'description'];
const PROPERTY_KEYS = [
  'type',
  'title',
  'description',
  'default',
  'enum',
  'oneOf',
  'items',
  'uniqueItems',
  'format',
  'min',
  'max',
  '$ref',
  // Plain JSON Schema that a renderer may honour; known so that they draw no "unknown key" warning.
  'minLength',
  'maxLength',
  'pattern',
];
const DEFINITION_KEYS = [...PROPERTY_KEYS, 'dependsOn'];
/** JSON Schema spellings of the bounds, mapped to PANDIUM.yaml's. */
const BOUND_SPELLINGS: Record<string, string> = { minimum: 'min', maximum: 'max' };

interface SchemaFacts {
  type: PropertyType | undefined;
  definition: string | undefined;
  dependsOn: MapEntry | undefined;
}

type SchemaRole = 'property' | 'definition' | 'items';

/** Validates `configs.schema` and returns the names later checks refer to. */
export function validateConfigSchema(reader: YamlReader, schema: YAMLMap, path: string): SchemaIndex {
  const index = emptySchemaIndex();
  const entries = reader.entries(schema, path);
  const byKey = new Map(entries.map((entry) => [entry.key, entry]));

  for (const entry of entries) {
    switch (entry.key) {
      case 'type': {
        const type = reader.expectString(entry, '`object`');
        if (type !== undefined && type !== 'object') {
          reader.report.error(entry.at, entry.path, `the configs schema must have \`type: object\`, got \`${type}\``);
        }
        break;
      }
      case 'title':
      case 'description':
        reader.expectString(entry);
        break;
      case 'properties':
      case 'required':
      case 'definitions':
        break; // checked below, in dependency order
      default:
        // Real files carry stray keys such as `name:` here; they do no harm.
        reader.report.warn(
          entry.keyNode,
          entry.path,
          `unknown key \`${entry.key}\` in the configs schema is ignored${didYouMean(closestMatch(entry.key, SCHEMA_KEYS))}`,
        );
    }
  }

  // Definitions first: properties point at them with `$ref`.
  const definitionsEntry = byKey.get('definitions');
  const definitionsMap = definitionsEntry && reader.expectMap(definitionsEntry, 'a mapping of definition names to schemas');
  const definitionEntries = definitionsMap ? reader.entries(definitionsMap, definitionsEntry.path) : [];
  for (const definition of definitionEntries) index.definitions.add(definition.key);

  const definitionTypes = new Map<string, PropertyType | undefined>();
  const dependencies: { definition: string; entry: MapEntry }[] = [];
  for (const definition of definitionEntries) {
    const map = reader.expectMap(definition, 'a schema mapping such as `{enum: [placeholder]}`');
    if (map === undefined) continue;
    const facts = validatePropertySchema(reader, map, definition.path, 'definition', index.definitions, definition);
    definitionTypes.set(definition.key, facts.type);
    if (facts.dependsOn) dependencies.push({ definition: definition.key, entry: facts.dependsOn });
  }

  const propertiesEntry = byKey.get('properties');
  const propertiesMap = propertiesEntry && reader.expectMap(propertiesEntry, 'a mapping of property names to schemas');
  for (const property of propertiesMap ? reader.entries(propertiesMap, propertiesEntry.path) : []) {
    const map = reader.expectMap(property, 'a schema mapping such as `{type: string}`');
    const facts = map
      ? validatePropertySchema(reader, map, property.path, 'property', index.definitions, property)
      : { type: undefined, definition: undefined };
    index.properties.set(property.key, {
      keyNode: property.keyNode,
      path: property.path,
      type: facts.type ?? (facts.definition === undefined ? undefined : definitionTypes.get(facts.definition)),
      definition: facts.definition,
    });
  }

  const requiredEntry = byKey.get('required');
  const required = requiredEntry && reader.expectStringList(requiredEntry, 'property name');
  for (const { value, item } of required ?? []) {
    if (!index.properties.has(value)) {
      reader.report.error(
        item.at,
        item.path,
        `\`required\` names a missing property \`${value}\`${didYouMean(closestMatch(value, index.properties.keys()))}`,
      );
    }
  }

  for (const { definition, entry } of dependencies) {
    const parent = reader.expectString(entry, 'the name of a property');
    if (parent === undefined) continue;
    const parentFacts = index.properties.get(parent);
    if (parentFacts === undefined) {
      reader.report.error(
        entry.at,
        entry.path,
        `\`dependsOn\` names a missing property \`${parent}\`${didYouMean(closestMatch(parent, index.properties.keys()))}`,
      );
    } else if (parentFacts.definition === definition) {
      reader.report.error(
        entry.at,
        entry.path,
        `definition \`${definition}\` cannot depend on \`${parent}\`, which takes its options from \`${definition}\` itself`,
      );
    }
  }
  return index;
}

function validatePropertySchema(
  reader: YamlReader,
  schema: YAMLMap,
  path: string,
  role: SchemaRole,
  definitionNames: ReadonlySet<string>,
  owner: MapEntry,
): SchemaFacts {
  const facts: SchemaFacts = { type: undefined, definition: undefined, dependsOn: undefined };
  const entries = reader.entries(schema, path);
  const byKey = new Map(entries.map((entry) => [entry.key, entry]));
  const knownKeys = role === 'definition' ? DEFINITION_KEYS : PROPERTY_KEYS;

  for (const entry of entries) {
    switch (entry.key) {
      case 'type': {
        const type = reader.expectString(entry, `one of ${PROPERTY_TYPES.join(', ')}`);
        if (type === undefined) break;
        if (isPropertyType(type)) facts.type = type;
        else {
          reader.report.error(
            entry.at,
            entry.path,
            `unknown type \`${type}\`${didYouMean(closestMatch(type, PROPERTY_TYPES))}; expected one of ${PROPERTY_TYPES.join(', ')}`,
          );
        }
        break;
      }
      case 'title':
      case 'description':
      case 'pattern':
        reader.expectString(entry);
        break;
      case 'default':
        break; // compared with the type below
      case 'enum':
        validateEnum(reader, entry);
        break;
      case 'oneOf':
        validateOneOf(reader, entry);
        break;
      case 'items': {
        const items = reader.expectMap(entry, 'a schema mapping such as `{type: string, enum: [...]}`');
        if (items) validatePropertySchema(reader, items, entry.path, 'items', definitionNames, entry);
        break;
      }
      case 'uniqueItems':
        reader.expectBoolean(entry);
        break;
      case 'format': {
        const format = reader.expectString(entry);
        if (format !== undefined && !(STRING_FORMATS as readonly string[]).includes(format)) {
          reader.report.warn(
            entry.at,
            entry.path,
            `unknown format \`${format}\`${didYouMean(closestMatch(format, STRING_FORMATS))}; it is shown as plain text (known: ${STRING_FORMATS.join(', ')})`,
          );
        }
        break;
      }
      case 'min':
      case 'max':
      case 'minLength':
      case 'maxLength':
        reader.expectNumber(entry);
        break;
      case '$ref':
        facts.definition = validateRef(reader, entry, definitionNames);
        break;
      case 'dependsOn':
        // Its target is a property, known only after all properties are read.
        if (role === 'definition') facts.dependsOn = entry;
        else reader.report.warn(entry.keyNode, entry.path, '`dependsOn` belongs on a definition; here it is ignored');
        break;
      default: {
        const boundSpelling = BOUND_SPELLINGS[entry.key];
        if (boundSpelling !== undefined) {
          reader.expectNumber(entry);
          reader.report.warn(
            entry.keyNode,
            entry.path,
            `PANDIUM.yaml spells bounds \`min\`/\`max\`; use \`${boundSpelling}\` instead of \`${entry.key}\``,
          );
        } else {
          reader.report.warn(
            entry.keyNode,
            entry.path,
            `unknown key \`${entry.key}\` is ignored${didYouMean(closestMatch(entry.key, knownKeys))}`,
          );
        }
      }
    }
  }
  checkCombinations(reader, facts, byKey, role, owner);
  return facts;
}

/** Checks that need several keys at once; all are survivable, so they only warn (except impossible bounds). */
function checkCombinations(
  reader: YamlReader,
  facts: SchemaFacts,
  byKey: Map<string, MapEntry>,
  role: SchemaRole,
  owner: MapEntry,
): void {
  const { type } = facts;
  const min = byKey.get('min');
  const max = byKey.get('max');
  const minValue = scalarValue(min?.value ?? null);
  const maxValue = scalarValue(max?.value ?? null);
  if (max && typeof minValue === 'number' && typeof maxValue === 'number' && maxValue < minValue) {
    reader.report.error(max.at, max.path, `\`max\` (${maxValue}) is less than \`min\` (${minValue}): no value fits`);
  }
  for (const bound of [min, max]) {
    if (bound && type !== undefined && type !== 'integer' && type !== 'number') {
      reader.report.warn(bound.keyNode, bound.path, `\`${bound.key}\` only applies to integer and number properties`);
    }
  }
  const format = byKey.get('format');
  if (format && type !== undefined && type !== 'string') {
    reader.report.warn(format.keyNode, format.path, '`format` only applies to string properties');
  }
  const items = byKey.get('items');
  if (items && type !== undefined && type !== 'array') {
    reader.report.warn(items.keyNode, items.path, '`items` only applies to array properties');
  }
  if (role === 'property' && type === 'array' && !items && facts.definition === undefined) {
    reader.report.warn(owner.keyNode, owner.path, 'an array property needs `items` with an `enum` to be shown as a multi-select');
  }
  const hasOptions = byKey.has('enum') || byKey.has('oneOf');
  if (role === 'property' && !byKey.has('type') && facts.definition === undefined && !hasOptions) {
    reader.report.warn(owner.keyNode, owner.path, 'property has no `type`; it is shown as a text field');
  }
  const defaultEntry = byKey.get('default');
  if (defaultEntry && type !== undefined && !matchesType(defaultEntry, type)) {
    reader.report.warn(
      defaultEntry.at,
      defaultEntry.path,
      `\`default\` is ${describeNode(defaultEntry.value)}, which is not a valid ${type}`,
    );
  }
}

function matchesType(entry: MapEntry, type: PropertyType): boolean {
  if (entry.value === null) return true; // `default:` with nothing means no default
  const value = scalarValue(entry.value);
  switch (type) {
    case 'array':
      return isSeq(entry.value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'string':
      return typeof value === 'string';
  }
}

function validateEnum(reader: YamlReader, entry: MapEntry): void {
  const seq = reader.expectList(entry, 'a list of options');
  if (seq === undefined) return;
  const items = reader.items(seq, entry.path);
  if (items.length === 0) reader.report.warn(entry.at, entry.path, '`enum` is empty: the select has no options');
  for (const item of items) {
    if (!isEnumValue(scalarValue(item.value))) {
      reader.report.error(item.at, item.path, `each \`enum\` option must be text, a number or a boolean, got ${describeNode(item.value)}`);
    }
  }
}

function validateOneOf(reader: YamlReader, entry: MapEntry): void {
  const seq = reader.expectList(entry, 'a list of `{title, const}` options');
  if (seq === undefined) return;
  for (const item of reader.items(seq, entry.path)) {
    if (item.value === null || !isMap(item.value)) {
      reader.report.error(item.at, item.path, `each \`oneOf\` option must be a \`{title, const}\` mapping, got ${describeNode(item.value)}`);
      continue;
    }
    const optionEntries = reader.entries(item.value, item.path);
    let hasConst = false;
    for (const optionEntry of optionEntries) {
      if (optionEntry.key === 'title') reader.expectString(optionEntry);
      else if (optionEntry.key === 'const') {
        hasConst = true;
        if (!isEnumValue(scalarValue(optionEntry.value))) reader.mismatch(optionEntry, 'text, a number or a boolean');
      } else {
        reader.report.warn(
          optionEntry.keyNode,
          optionEntry.path,
          `unknown key \`${optionEntry.key}\` in a \`oneOf\` option is ignored${didYouMean(closestMatch(optionEntry.key, ['title', 'const']))}`,
        );
      }
    }
    if (!hasConst) reader.report.error(item.at, item.path, 'each `oneOf` option needs a `const` value');
  }
}

/** Returns the definition name when the reference resolves. */
function validateRef(reader: YamlReader, entry: MapEntry, definitionNames: ReadonlySet<string>): string | undefined {
  const ref = reader.expectString(entry, "a reference such as `'#/definitions/<name>'`");
  if (ref === undefined) return undefined;
  const name = definitionNameFromRef(ref);
  if (name === undefined) {
    reader.report.error(entry.at, entry.path, `\`$ref\` must look like \`#/definitions/<name>\`, got \`${ref}\``);
    return undefined;
  }
  if (!definitionNames.has(name)) {
    reader.report.error(
      entry.at,
      entry.path,
      `\`$ref\` points to a missing definition \`${name}\`${didYouMean(closestMatch(name, definitionNames))}`,
    );
    return undefined;
  }
  return name;
}

function isPropertyType(value: string): value is PropertyType {
  return (PROPERTY_TYPES as readonly string[]).includes(value);
}

function isEnumValue(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}
