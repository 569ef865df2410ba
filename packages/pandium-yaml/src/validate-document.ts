import { isMap, isScalar, type YAMLMap } from 'yaml';
import { closestMatch, didYouMean } from './suggest.ts';
import { SUPPORTED_VERSIONS } from './types.ts';
import { emptySchemaIndex, validateConfigSchema } from './validate-schema.ts';
import { validateI18n, type I18nTargets } from './validate-i18n.ts';
import { validateUiSchema } from './validate-uischema.ts';
import { scalarValue, type MapEntry, type YamlReader } from './yaml-nodes.ts';

export const TOP_LEVEL_KEYS = [
  'version',
  'base',
  'build',
  'run',
  'configs',
  'connectors',
  'metadata_schema',
  'webhook',
  'events',
  'i18n',
] as const;
const CONFIGS_KEYS = ['schema', 'uischema'];
const METADATA_SCHEMA_KEYS = ['schema', 'uischema'];
const WEBHOOK_KEYS = ['schema'];
/** `node:24`, `python:3.7`, `node:20.9.0`. */
const BASE_IMAGE = /^[a-z][a-z0-9_-]*:[\w.+-]+$/;

/** Validates the whole document; returns the normalised version when there is one. */
export function validateDocument(reader: YamlReader, root: YAMLMap): string | undefined {
  const entries = reader.entries(root, '');
  const present = new Set(entries.map((entry) => entry.key));
  const absentKeys = TOP_LEVEL_KEYS.filter((key) => !present.has(key));
  let version: string | undefined;
  let runSuggested = false;

  for (const entry of entries) {
    if (entry.value === null && entry.key !== 'run' && isKnownTopLevelKey(entry.key)) {
      reader.report.warn(entry.keyNode, entry.path, `\`${entry.key}\` is empty and is ignored`);
      continue;
    }
    switch (entry.key) {
      case 'version':
        version = validateVersion(reader, entry);
        break;
      case 'base': {
        const base = reader.expectString(entry, 'text such as `node:24`');
        if (base !== undefined && !BASE_IMAGE.test(base)) {
          reader.report.warn(entry.at, entry.path, `\`base\` is normally \`<language>:<version>\` (e.g. \`node:24\`), got \`${base}\``);
        }
        break;
      }
      case 'build':
        reader.expectString(entry, 'text (the install/build command)');
        break;
      case 'run': {
        const run = reader.expectString(entry, 'text (the command that runs the integration)');
        if (run !== undefined && run.trim() === '') reader.mismatch(entry, 'the command that runs the integration');
        break;
      }
      case 'configs': {
        const configs = reader.expectMap(entry, 'a mapping with `schema` and `uischema`');
        if (configs) validateConfigs(reader, configs, entry);
        break;
      }
      case 'connectors':
        validateNameList(reader, entry, 'connector name');
        break;
      case 'events':
        validateNameList(reader, entry, 'event name');
        break;
      case 'metadata_schema':
        validateSchemaSection(reader, entry, METADATA_SCHEMA_KEYS);
        break;
      case 'webhook':
        validateSchemaSection(reader, entry, WEBHOOK_KEYS);
        break;
      case 'i18n':
        // Its keys point into `configs`, whatever the order of the two.
        validateI18n(reader, entry, i18nTargets(reader, entries.find((other) => other.key === 'configs')));
        break;
      default: {
        // Prefer a key the file lacks: `rnu` next to an existing `run` is still most likely `run`.
        const suggestion = closestMatch(entry.key, absentKeys) ?? closestMatch(entry.key, TOP_LEVEL_KEYS);
        if (suggestion === 'run') runSuggested = true;
        reader.report.error(entry.keyNode, entry.path, `unknown top-level key \`${entry.key}\`${didYouMean(suggestion)}`);
      }
    }
  }

  // A misspelled `run` was already reported with its suggestion; one error is enough.
  if (!present.has('run') && !runSuggested) {
    reader.report.error(null, '', 'missing `run`: the command that runs the integration (e.g. `run: node .`)');
  }
  if (!present.has('version')) {
    reader.report.warn(null, '', `missing \`version\` (one of ${SUPPORTED_VERSIONS.join(', ')})`);
  }
  return version;
}

/**
 * A known version comes back in its documented spelling; any other is kept as written, with a
 * warning: Pandium stores the version as a free string and real files say `0.5`.
 */
function validateVersion(reader: YamlReader, entry: MapEntry): string | undefined {
  const raw = scalarValue(entry.value);
  if (typeof raw !== 'number' && typeof raw !== 'string') {
    reader.mismatch(entry, `a version such as ${SUPPORTED_VERSIONS.join(', ')}`);
    return undefined;
  }
  // YAML reads `1.0` as the number 1, so compare numerically and keep the source text for messages.
  const numeric = typeof raw === 'number' ? raw : raw.trim() === '' ? Number.NaN : Number(raw);
  const version = SUPPORTED_VERSIONS.find((supported) => Number(supported) === numeric);
  if (version !== undefined) return version;
  const written = entry.value !== null && isScalar(entry.value) ? (entry.value.source ?? String(raw)) : String(raw);
  reader.report.warn(entry.at, entry.path, `unknown version \`${written}\` (known: ${SUPPORTED_VERSIONS.join(', ')}); accepted as written`);
  return written;
}

function validateConfigs(reader: YamlReader, configs: YAMLMap, configsEntry: MapEntry): void {
  const entries = reader.entries(configs, configsEntry.path);
  const byKey = new Map(entries.map((entry) => [entry.key, entry]));
  for (const entry of entries) {
    if (!CONFIGS_KEYS.includes(entry.key)) {
      reader.report.error(entry.keyNode, entry.path, `unknown key \`${entry.key}\` in \`configs\`${didYouMean(closestMatch(entry.key, CONFIGS_KEYS))}`);
    }
  }

  // The schema goes first whatever the key order: the uischema refers to its properties.
  const schemaEntry = byKey.get('schema');
  const schemaMap = schemaEntry && reader.expectMap(schemaEntry, 'a mapping with `type: object` and `properties`');
  const schema = schemaMap ? validateConfigSchema(reader, schemaMap, schemaEntry.path) : emptySchemaIndex();

  const uischemaEntry = byKey.get('uischema');
  if (uischemaEntry === undefined) {
    if (schema.properties.size > 0) {
      reader.report.warn(configsEntry.keyNode, configsEntry.path, '`configs` has properties but no `uischema`, so no setting is shown');
    }
    return;
  }
  const uischemaMap = reader.expectMap(uischemaEntry, 'a mapping with `type: VerticalLayout` and `elements`');
  if (uischemaMap === undefined) return;
  const shown = validateUiSchema(reader, uischemaMap, uischemaEntry.path, schema);
  for (const [name, property] of schema.properties) {
    if (!shown.has(name)) {
      reader.report.warn(property.keyNode, property.path, `property \`${name}\` is not shown: no Control has scope \`#/properties/${name}\``);
    }
  }
}

/** `configs.schema` and `configs.uischema` as plain data, for resolving translation keys. */
function i18nTargets(reader: YamlReader, configsEntry: MapEntry | undefined): I18nTargets {
  const configs = configsEntry?.value;
  if (!configs || !isMap(configs)) return { schema: undefined, uischema: undefined };
  const part = (key: string) => {
    const node = reader.resolve(configs.get(key, true));
    return node === null ? undefined : reader.toJS(node);
  };
  return { schema: part('schema'), uischema: part('uischema') };
}

/** `metadata_schema` and `webhook`: a closed set of keys, each a free-form JSON Schema mapping. */
function validateSchemaSection(reader: YamlReader, sectionEntry: MapEntry, knownKeys: string[]): void {
  const section = reader.expectMap(sectionEntry, `a mapping with ${knownKeys.map((key) => `\`${key}\``).join(' and ')}`);
  if (section === undefined) return;
  const entries = reader.entries(section, sectionEntry.path);
  for (const entry of entries) {
    if (knownKeys.includes(entry.key)) reader.expectMap(entry, 'a JSON Schema mapping');
    else {
      reader.report.error(
        entry.keyNode,
        entry.path,
        `unknown key \`${entry.key}\` in \`${sectionEntry.key}\`${didYouMean(closestMatch(entry.key, knownKeys))}`,
      );
    }
  }
  if (!entries.some((entry) => entry.key === 'schema')) {
    reader.report.warn(sectionEntry.keyNode, sectionEntry.path, `\`${sectionEntry.key}\` has no \`schema\`, so it checks nothing`);
  }
}

function validateNameList(reader: YamlReader, entry: MapEntry, itemName: string): void {
  const seen = new Set<string>();
  for (const { value, item } of reader.expectStringList(entry, itemName) ?? []) {
    if (seen.has(value)) reader.report.warn(item.at, item.path, `\`${value}\` is listed twice in \`${entry.key}\``);
    seen.add(value);
  }
}

function isKnownTopLevelKey(key: string): boolean {
  return (TOP_LEVEL_KEYS as readonly string[]).includes(key);
}
