import { afterEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import { parsePandiumYaml, SETTINGS_MESSAGE_TEMPLATES, TYPE_WORDS } from '@pan/pandium-yaml';
import { settingsCorpus } from '../../../../pandium-yaml/test/settings-corpus.ts';
import { formStrings } from './form-strings.ts';
import { axeViolations, cleanup, control, errorText, field, fixture, optionTexts, root, settingsForm, text } from '../../../test/settings-form-harness.ts';

/** A PANDIUM.yaml with German (and a little Austrian) for some of its author's strings, not all. */
const PANDIUM_YAML = `
version: 0.4
run: node .
configs:
  schema:
    type: object
    properties:
      greeting: {type: string}
      tone:
        type: string
        oneOf: [{title: Friendly, const: f}, {title: Formal, const: x}]
      loud: {type: boolean, title: Loud}
  uischema:
    type: VerticalLayout
    elements:
      - type: Section
        label: Message
        hintText: What the bot says
        elements:
          - {type: Control, scope: "#/properties/greeting", label: Greeting, hintText: One line}
          - {type: Control, scope: "#/properties/tone", label: Tone}
      - type: Group
        label: Extras
        elements:
          - {type: Control, scope: "#/properties/loud"}
i18n:
  de:
    "uischema#/elements/0": {label: Nachricht, hintText: Was der Bot sagt}
    "uischema#/elements/0/elements/0": {label: Begrüßung, hintText: Eine Zeile}
    "#/properties/tone/oneOf/1": {title: Förmlich}
  de-AT:
    "uischema#/elements/0/elements/0": {label: Grüß Gott}
`;

const spec = parsePandiumYaml(PANDIUM_YAML).spec!;
/** As the run API sends it: built for the end user, with the translations alongside. */
const form = settingsForm(spec.configs!, { i18n: spec.i18n! });

const sectionTitle = (el: HTMLElement) => text(root(el as never).querySelector('[part~="section-title"]'));
const sectionHint = (el: HTMLElement) => text(root(el as never).querySelector('.layout--section [part~="field-hint"]'));
const label = (el: HTMLElement, name: string) => text(field(el as never, name).querySelector('[part~="field-label"]'));
const hint = (el: HTMLElement, name: string) => text(field(el as never, name).querySelector('[part~="field-hint"]'));
const groupTitle = (el: HTMLElement) => text(root(el as never).querySelector('[part~="group-legend"]'));

afterEach(cleanup);

describe('<pan-settings-form> locale', () => {
  it('shows the German label, hint, section title and option title for "de", the original where none', async () => {
    const el = await fixture({ form, attributes: { lang: 'de' } });
    expect(sectionTitle(el)).toBe('Nachricht');
    expect(sectionHint(el)).toBe('Was der Bot sagt');
    expect(label(el, 'greeting')).toBe('Begrüßung');
    expect(hint(el, 'greeting')).toBe('Eine Zeile');
    expect(optionTexts(el, 'tone')).toEqual(expect.arrayContaining(['Friendly', 'Förmlich']));
    expect(optionTexts(el, 'tone')).not.toContain('Formal');
    // Not translated: the author's own words.
    expect(label(el, 'tone')).toBe('Tone');
    expect(groupTitle(el)).toBe('Extras');
    expect(text(field(el, 'loud'))).toContain('Loud');
    expect(await axeViolations(el)).toEqual([]);
  });

  it('falls back from de-AT to de, string by string', async () => {
    const el = await fixture({ form, attributes: { lang: 'de-AT' } });
    expect(label(el, 'greeting')).toBe('Grüß Gott');
    expect(hint(el, 'greeting')).toBe('Eine Zeile');
    expect(sectionTitle(el)).toBe('Nachricht');
  });

  it('shows the original without a locale or for one without translations, and follows a change', async () => {
    const el = await fixture({ form });
    expect(sectionTitle(el)).toBe('Message');
    expect(label(el, 'greeting')).toBe('Greeting');

    // What the user typed survives the change of language.
    await userEvent.fill(control(el, 'greeting'), 'Hallo');
    await el.updateComplete;
    expect(el.value).toEqual(expect.objectContaining({ greeting: 'Hallo' }));
    el.lang = 'de';
    // A new lang is seen by a MutationObserver, then the German catalogue loads: await the label.
    await expect.poll(() => label(el, 'greeting')).toBe('Begrüßung');
    expect(control<HTMLInputElement>(el, 'greeting').value).toBe('Hallo');
    expect(el.value).toEqual(expect.objectContaining({ greeting: 'Hallo' }));

    el.lang = 'fr';
    await expect.poll(() => sectionTitle(el)).toBe('Message');
    expect(optionTexts(el, 'tone')).toContain('Formal');
  });
});

describe('<pan-settings-form> validation messages', () => {
  it('all have a translation key in the form\'s strings', () => {
    const keys = Object.keys(formStrings());
    const templates = [...Object.values(SETTINGS_MESSAGE_TEMPLATES), ...Object.values(TYPE_WORDS)];
    expect(templates.filter((template) => !keys.includes(template))).toEqual([]);
  });

  /** A required name, a count from 1 to 12345, a list of one to three tags from four. */
  const RULES = settingsForm(
    parsePandiumYaml(`
version: 0.4
run: node .
configs:
  schema:
    type: object
    required: [name]
    properties:
      name: {type: string, title: Name}
      count: {type: integer, title: Count, minimum: 1, maximum: 12345}
      size: {type: string, title: Size, enum: [s, m, l]}
  uischema:
    type: VerticalLayout
    elements:
      - {type: Control, scope: "#/properties/name"}
      - {type: Control, scope: "#/properties/count"}
      - {type: Control, scope: "#/properties/size"}
`).spec!.configs!,
  );

  it('are German in a German form: "required" and "minimum", after the field\'s label', async () => {
    const el = await fixture({ form: RULES, value: { count: 0 }, attributes: { lang: 'de' } });
    expect(el.reportValidity()).toBe(false);
    await expect.poll(() => errorText(el, 'name')).toBe('Name ist erforderlich');
    expect(errorText(el, 'count')).toBe('Count muss mindestens 1 sein');
    expect(await axeViolations(el)).toEqual([]);
  });

  it('are Japanese in a Japanese form, numbers and lists formatted by Intl in Japanese', async () => {
    const el = await fixture({ form: RULES, value: { name: 'x', count: 20000, size: 'xl' }, attributes: { lang: 'ja' } });
    expect(el.reportValidity()).toBe(false);
    // 12345 as Intl writes it in Japanese ("12,345"), not as the schema holds it.
    const max = new Intl.NumberFormat('ja').format(12345);
    expect(max).not.toBe('12345');
    await expect.poll(() => errorText(el, 'count')).toBe(`Countは${max}以下である必要があります`);
    const sizes = new Intl.ListFormat('ja', { type: 'disjunction' }).format(['s', 'm', 'l']);
    expect(errorText(el, 'size')).toBe(`Sizeは次のいずれかである必要があります: ${sizes}`);
  });

  it('are English without a language, and follow a change of it at the next check', async () => {
    const el = await fixture({ form: RULES, value: {} });
    expect(el.reportValidity()).toBe(false);
    await expect.poll(() => errorText(el, 'name')).toBe('Name is required');
    el.lang = 'fr';
    // The French catalogue loads, the form is rebuilt in French (and starts without errors).
    await expect
      .poll(() => {
        el.reportValidity();
        return errorText(el, 'name');
      })
      .toBe('Name est obligatoire');
  });

  it("are German for a dependent field's refusals, which the form builder writes into the schema", async () => {
    const food = settingsCorpus.find((c) => c.name === 'dependent: a child of its parent')!;
    const el = await fixture({
      form: settingsForm(food.configs, { dynamicOptions: food.dynamicOptions }),
      value: { favorite_food: 'Caramel' },
      attributes: { lang: 'de' },
    });
    await expect.poll(() => optionTexts(el, 'favorite_food')).toEqual(['Wählen Sie zuerst Food type']);
    expect(el.reportValidity()).toBe(false);
    await expect.poll(() => errorText(el, 'favorite_food')).toBe('Wählen Sie zuerst „Food type“');
  });
});
