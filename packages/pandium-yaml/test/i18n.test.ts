import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  buildSettingsForm,
  localeFallbacks,
  localizeConfigs,
  localizeSettingsForm,
  parsePandiumYaml,
  type ConfigsSection,
  type I18nSection,
  type LayoutNode,
} from '../src/index.ts';

/** Joins lines so that a case's line numbers can be read off the array. */
function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

/** Lines 1-24: a Section holding a text field and a labelled select, then a Group with a checkbox. */
const FILE = [
  'version: 0.4', //                                   1
  'run: node .',
  'configs:',
  '  schema:',
  '    type: object', //                               5
  '    properties:',
  '      greeting: {type: string, description: Said first}',
  '      tone:',
  '        type: string',
  '        oneOf: [{title: Friendly, const: f}, {title: Formal, const: x}]', // 10
  '      loud: {type: boolean, title: Loud}',
  '  uischema:',
  '    type: VerticalLayout',
  '    elements:',
  '      - type: Section', //                          15
  '        label: Message',
  '        hintText: What the bot says',
  '        elements:',
  '          - {type: Control, scope: "#/properties/greeting", label: Greeting, hintText: One line}',
  '          - {type: Control, scope: "#/properties/tone", label: Tone}', // 20
  '      - type: Group',
  '        label: Extras',
  '        elements:',
  '          - {type: Control, scope: "#/properties/loud"}',
];

const GERMAN = [
  'i18n:', //                                          25
  '  de:',
  '    "uischema#/elements/0": {label: Nachricht, hintText: Was der Bot sagt}',
  '    "uischema#/elements/0/elements/0": {label: Begrüßung, hintText: Eine Zeile}',
  '    "#/properties/tone/oneOf/1": {title: Förmlich}',
  '    "#/properties/greeting": {description: Zuerst gesagt}', // 30
  '  de-AT:',
  '    "uischema#/elements/0/elements/0": {label: Grüß Gott}',
];

function parse(...lines: string[]) {
  return parsePandiumYaml(yaml(...lines));
}

describe('i18n in PANDIUM.yaml', () => {
  // The real files (copied unchanged from the shared fixtures, as parse-pandium-yaml.test.ts reads them).
  const sharedDir = fileURLToPath(new URL('./fixtures/', import.meta.url));
  const shared = readdirSync(sharedDir).filter((name) => name.endsWith('.yaml'));

  it.each(shared)('leaves the real file %s valid, with or without an i18n block', (name) => {
    const text = readFileSync(`${sharedDir}${name}`, 'utf8');
    const plain = parsePandiumYaml(text);
    expect(plain.errors).toEqual([]);
    // The root of the uischema is a layout in each of them: a translation of the schema's title fits all.
    const translated = parsePandiumYaml(`${text}\ni18n:\n  fr:\n    "#": {title: Réglages}\n`);
    expect(translated.errors).toEqual([]);
    expect(translated.spec?.i18n).toEqual({ fr: { '#': { title: 'Réglages' } } });
  });

  it('accepts translations of labels, hints, section titles and option titles', () => {
    const result = parse(...FILE, ...GERMAN);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.spec?.i18n?.de?.['#/properties/tone/oneOf/1']).toEqual({ title: 'Förmlich' });
  });

  it('accepts `i18n` before `configs`', () => {
    expect(parse(...GERMAN, ...FILE).errors).toEqual([]);
  });

  it.each([
    {
      name: 'a malformed locale tag',
      lines: ['i18n:', '  de_DE:', '    "#": {title: Einstellungen}'],
      error: { line: 26, col: 3, message: '`de_DE` is not a BCP 47 language tag (e.g. `de`, `de-AT`, `pt-BR`)' },
    },
    {
      name: 'a tag with an invalid subtag',
      lines: ['i18n:', '  de-ABCDEFGHI:', '    "#": {title: Einstellungen}'],
      error: { line: 26, col: 3, message: expect.stringContaining('`de-ABCDEFGHI` is not a BCP 47 language tag') },
    },
    {
      name: 'a property that does not exist',
      lines: ['i18n:', '  de:', '    "#/properties/colour": {title: Farbe}'],
      error: { line: 27, col: 5, message: '`#/properties/colour` points at nothing in `configs.schema`' },
    },
    {
      name: 'an option past the end',
      lines: ['i18n:', '  de:', '    "#/properties/tone/oneOf/2": {title: Drei}'],
      error: { line: 27, col: 5, message: '`#/properties/tone/oneOf/2` points at nothing in `configs.schema`' },
    },
    {
      name: 'a uischema element that does not exist',
      lines: ['i18n:', '  de:', '    "uischema#/elements/0/elements/5": {label: Fünf}'],
      error: { line: 27, col: 5, message: '`uischema#/elements/0/elements/5` points at nothing in `configs.uischema`' },
    },
    {
      name: 'a key that is no pointer',
      lines: ['i18n:', '  de:', '    greeting: {title: Gruß}'],
      error: { line: 27, col: 5, message: expect.stringContaining('`greeting` is not a JSON pointer') },
    },
    {
      name: 'a pointer at a plain value',
      lines: ['i18n:', '  de:', '    "#/properties/greeting/type": {title: Text}'],
      error: { line: 27, col: 5, message: '`#/properties/greeting/type` cannot be translated: it points at a value, not at a mapping' },
    },
    {
      name: 'a layout without text',
      lines: ['i18n:', '  de:', '    "uischema#": {label: Alles}'],
      error: { line: 27, col: 5, message: '`uischema#` cannot be translated: a VerticalLayout has no text to translate' },
    },
    {
      name: 'a field the target does not have',
      lines: ['i18n:', '  de:', '    "uischema#/elements/0": {lable: Nachricht}'],
      error: { line: 27, col: 30, message: '`lable` cannot be translated on a Section (did you mean `label`?); it has `label`, `subtitle`, `hintText`' },
    },
    {
      name: 'a translation that is not text',
      lines: ['i18n:', '  de:', '    "#/properties/loud": {title: 3}'],
      error: { line: 27, col: 34, message: '`title` must be the translated text, got the number 3' },
    },
    {
      name: 'the same locale twice',
      lines: ['i18n:', '  de:', '    "#": {title: A}', '  DE:', '    "#": {title: B}'],
      error: { line: 28, col: 3, message: '`DE` is the same locale as `de`' },
    },
  ])('refuses $name, at its line:col', ({ lines, error }) => {
    const result = parse(...FILE, ...lines);
    expect(result.ok).toBe(false);
    expect(result.errors[0]).toEqual({ ...error, path: expect.any(String) });
  });

  it('warns about a tag not written canonically', () => {
    const result = parse(...FILE, 'i18n:', '  de-at:', '    "#": {title: Einstellungen}');
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([{ line: 26, col: 3, path: 'i18n.de-at', message: '`de-at` is normally written `de-AT`' }]);
  });
});

describe('localeFallbacks', () => {
  it('looks up by dropping subtags, most general first', () => {
    expect(localeFallbacks('de-AT', ['de', 'de-AT', 'fr'])).toEqual(['de', 'de-AT']);
    expect(localeFallbacks('de-CH', ['de', 'de-AT'])).toEqual(['de']);
    expect(localeFallbacks('zh-Hant-TW', ['zh-Hant', 'zh'])).toEqual(['zh', 'zh-Hant']);
    expect(localeFallbacks('de-at', ['de-AT'])).toEqual(['de-AT']);
    expect(localeFallbacks('de-DE-u-co-phonebk', ['de'])).toEqual(['de']);
  });

  it('gives nothing for another language, no locale or a malformed one', () => {
    expect(localeFallbacks('fr', ['de'])).toEqual([]);
    expect(localeFallbacks(undefined, ['de'])).toEqual([]);
    expect(localeFallbacks('not a tag', ['de'])).toEqual([]);
  });
});

describe('localizeConfigs', () => {
  const spec = parse(...FILE, ...GERMAN).spec!;
  const configs = spec.configs!;
  const section = (c: ConfigsSection) => c.uischema!.elements[0] as { label: string; hintText: string; elements: { label: string; hintText?: string }[] };

  it('translates into a copy, falling back from de-AT to de to the original', () => {
    const before = structuredClone(configs);
    const austrian = localizeConfigs(configs, spec.i18n, 'de-AT');
    expect(section(austrian).label).toBe('Nachricht');
    expect(section(austrian).elements[0]).toMatchObject({ label: 'Grüß Gott', hintText: 'Eine Zeile' });
    // No German for `Tone` or the Group: the author's words stay.
    expect(section(austrian).elements[1]!.label).toBe('Tone');
    expect(austrian.uischema!.elements[1]).toMatchObject({ label: 'Extras' });
    expect(austrian.schema!.properties!.tone!.oneOf).toEqual([
      { title: 'Friendly', const: 'f' },
      { title: 'Förmlich', const: 'x' },
    ]);
    expect(austrian.schema!.properties!.greeting!.description).toBe('Zuerst gesagt');
    expect(configs).toEqual(before);
  });

  it('returns the original for a locale without translations', () => {
    expect(localizeConfigs(configs, spec.i18n, 'fr')).toBe(configs);
    expect(localizeConfigs(configs, undefined, 'de')).toBe(configs);
  });

  it('keeps a hidden label hidden', () => {
    const hidden: ConfigsSection = {
      schema: { type: 'object', properties: { a: { type: 'string' } } },
      uischema: { type: 'VerticalLayout', elements: [{ type: 'Control', scope: '#/properties/a', label: false }] },
    };
    const i18n: I18nSection = { de: { 'uischema#/elements/0': { label: 'A', hintText: 'Hinweis' } } };
    expect(localizeConfigs(hidden, i18n, 'de').uischema!.elements[0]).toEqual({ type: 'Control', scope: '#/properties/a', label: false, hintText: 'Hinweis' });
  });

  it('never reaches a prototype', () => {
    const i18n = { de: { '#/__proto__': { title: 'x' }, '#/properties/constructor': { title: 'y' } } } as I18nSection;
    localizeConfigs(configs, i18n, 'de');
    expect(({} as Record<string, unknown>).title).toBeUndefined();
  });
});

describe('buildSettingsForm with i18n, then localizeSettingsForm', () => {
  const spec = parse(...FILE, ...GERMAN).spec!;
  const plain = buildSettingsForm(spec.configs, { audience: 'user' });
  const form = buildSettingsForm(spec.configs, { audience: 'user', i18n: spec.i18n! });
  const layout = (f: typeof form) => (f.uiSchema['ui:options'] as { layout: { elements: LayoutNode[] } }).layout.elements;

  it('carries only the translated strings, and validates exactly as without them', () => {
    expect({ ...form, i18n: undefined }).toEqual({ ...plain, i18n: undefined });
    expect(form.i18n?.de).toEqual({
      '/schema/properties/greeting/title': 'Begrüßung',
      '/schema/properties/greeting/description': 'Zuerst gesagt',
      '/schema/properties/tone/oneOf/1/title': 'Förmlich',
      '/uiSchema/greeting/ui:title': 'Begrüßung',
      '/uiSchema/greeting/ui:description': 'Eine Zeile',
      '/uiSchema/ui:options/layout/elements/0/label': 'Nachricht',
      '/uiSchema/ui:options/layout/elements/0/hint': 'Was der Bot sagt',
    });
  });

  it('shows German for de-AT where there is some, else the original', () => {
    const german = localizeSettingsForm(form, 'de-AT');
    expect(german.uiSchema.greeting).toMatchObject({ 'ui:title': 'Grüß Gott', 'ui:description': 'Eine Zeile' });
    expect(german.schema.properties).toMatchObject({ tone: { oneOf: [{ title: 'Friendly' }, { title: 'Förmlich' }] }, loud: { title: 'Loud' } });
    expect(layout(german)[0]).toMatchObject({ type: 'Section', label: 'Nachricht', hint: 'Was der Bot sagt' });
    expect(layout(german)[1]).toMatchObject({ type: 'Group', label: 'Extras' });
    expect(layout(form)[0]).toMatchObject({ label: 'Message' });
  });

  it('leaves the form alone for another locale', () => {
    expect(localizeSettingsForm(form, 'fr-FR')).toBe(form);
    expect(localizeSettingsForm(plain, 'de')).toBe(plain);
  });

  it('never sets anything but text', () => {
    const hostile = { ...form, i18n: { de: { '/schema/additionalProperties': 'x', '/schema/__proto__/title': 'y' } } };
    const result = localizeSettingsForm(hostile, 'de');
    expect(result.schema.additionalProperties).toBe(false);
    expect(({} as Record<string, unknown>).title).toBeUndefined();
  });
});
