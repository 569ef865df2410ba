import type { YAMLMap } from 'yaml';
import { canonicalLocale, I18N_FIELDS, i18nTargetKind, parseI18nTarget, resolveTokens } from './i18n.ts';
import { closestMatch, didYouMean } from './suggest.ts';
import { describeNode, type MapEntry, type YamlReader } from './yaml-nodes.ts';

/** The plain `configs` the translation keys must point into. */
export interface I18nTargets {
  schema: unknown;
  uischema: unknown;
}

/**
 * Validates `i18n`: each locale a well-formed BCP 47 tag, each key a JSON pointer that resolves in
 * `configs.schema` (`#/…`) or `configs.uischema` (`uischema#/…`), each field one its target has.
 */
export function validateI18n(reader: YamlReader, entry: MapEntry, targets: I18nTargets): void {
  const locales = reader.expectMap(entry, 'a mapping of locales (BCP 47 tags such as `de`) to translations');
  if (locales === undefined) return;
  const seen = new Map<string, string>();
  for (const localeEntry of reader.entries(locales, entry.path)) {
    const canonical = canonicalLocale(localeEntry.key);
    if (canonical === undefined) {
      reader.report.error(localeEntry.keyNode, localeEntry.path, `\`${localeEntry.key}\` is not a BCP 47 language tag (e.g. \`de\`, \`de-AT\`, \`pt-BR\`)`);
    } else {
      const twin = seen.get(canonical.toLowerCase());
      if (twin !== undefined) reader.report.error(localeEntry.keyNode, localeEntry.path, `\`${localeEntry.key}\` is the same locale as \`${twin}\``);
      seen.set(canonical.toLowerCase(), localeEntry.key);
      if (canonical !== localeEntry.key) reader.report.warn(localeEntry.keyNode, localeEntry.path, `\`${localeEntry.key}\` is normally written \`${canonical}\``);
    }
    const keys = reader.expectMap(localeEntry, 'a mapping of JSON pointers (`#/properties/x`, `uischema#/elements/0`) to strings');
    if (keys !== undefined) validateLocale(reader, keys, localeEntry.path, targets);
  }
}

function validateLocale(reader: YamlReader, keys: YAMLMap, path: string, targets: I18nTargets): void {
  for (const keyEntry of reader.entries(keys, path)) {
    const target = parseI18nTarget(keyEntry.key);
    if (target === undefined) {
      reader.report.error(
        keyEntry.keyNode,
        keyEntry.path,
        `\`${keyEntry.key}\` is not a JSON pointer into \`configs.schema\` (\`#/properties/x\`) or \`configs.uischema\` (\`uischema#/elements/0\`)`,
      );
      continue;
    }
    const node = resolveTokens(targets[target.document], target.tokens);
    if (node === undefined) {
      reader.report.error(keyEntry.keyNode, keyEntry.path, `\`${keyEntry.key}\` points at nothing in \`configs.${target.document}\``);
      continue;
    }
    const kind = i18nTargetKind(target, node, target.tokens.length === 0);
    if (typeof kind !== 'string') {
      reader.report.error(keyEntry.keyNode, keyEntry.path, `\`${keyEntry.key}\` cannot be translated: ${kind.problem}`);
      continue;
    }
    const fields: readonly string[] = I18N_FIELDS[kind];
    const strings = reader.expectMap(keyEntry, `a mapping of ${fields.map((field) => `\`${field}\``).join(', ')} to translated text`);
    if (strings === undefined) continue;
    const what = kind === 'schema' ? 'a schema' : `a ${kind}`;
    for (const field of reader.entries(strings, keyEntry.path)) {
      if (!fields.includes(field.key)) {
        reader.report.error(
          field.keyNode,
          field.path,
          `\`${field.key}\` cannot be translated on ${what}${didYouMean(closestMatch(field.key, fields))}; it has ${fields.map((name) => `\`${name}\``).join(', ')}`,
        );
        continue;
      }
      const text = reader.expectString(field, 'the translated text');
      if (text !== undefined && text.trim() === '') reader.report.error(field.at, field.path, `\`${field.key}\` must not be empty, got ${describeNode(field.value)}`);
    }
  }
}
