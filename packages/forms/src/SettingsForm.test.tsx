import { buildSettingsForm, type ConfigsSection, type DynamicOptions, type SettingsForm } from '@pan/pandium-yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import { settingsCorpus } from '../../pandium-yaml/test/settings-corpus.ts';
import { axeViolations, cleanup, control, errorText, focused, render, text } from './testing/harness.ts';
import { validateSettings } from './validator/validator.ts';

afterEach(cleanup);

const user = (configs: ConfigsSection, dynamicOptions?: DynamicOptions | null): SettingsForm =>
  buildSettingsForm(configs, { audience: 'user', dynamicOptions });

/** The corpus's kitchen sink: every static kind of field; `name` and `region` required. */
const KITCHEN = settingsCorpus.find((c) => c.name === 'the required fields only')!.configs;

const LAYOUT: ConfigsSection = {
  schema: {
    type: 'object',
    properties: {
      first: { type: 'string' },
      last: { type: 'string' },
      notes: { type: 'string' },
      level: { type: 'integer', min: 1 },
      unused: { type: 'string' },
    },
  },
  uischema: {
    type: 'VerticalLayout',
    elements: [
      {
        type: 'Section',
        label: 'Who',
        hintText: 'The person to notify.',
        elements: [
          {
            type: 'HorizontalLayout',
            elements: [
              { type: 'Control', scope: '#/properties/first', label: 'First name' },
              { type: 'Control', scope: '#/properties/last', label: 'Last name' },
            ],
          },
          { type: 'Label', text: 'Anything else?' },
          { type: 'Control', scope: '#/properties/notes' },
        ],
      },
      { type: 'Divider' },
      { type: 'Group', label: 'Advanced', elements: [{ type: 'Control', scope: '#/properties/level' }] },
    ],
  },
};

const POKEMON = settingsCorpus.find((c) => c.name === 'dynamic, not loaded: nothing sent is fine')!.configs;
const POKEMON_OPTIONS = settingsCorpus.find((c) => c.name === 'dynamic, loaded: good values')!.dynamicOptions!;
const FOOD_CASE = settingsCorpus.find((c) => c.name === 'dependent: a child of its parent')!;

function optionTexts(select: HTMLElement): string[] {
  return [...(select as HTMLSelectElement).options].map((o) => o.text);
}

async function choose(select: HTMLElement, label: string): Promise<void> {
  await userEvent.selectOptions(select, label);
}

describe('renderSettingsForm', () => {
  describe('layouts', () => {
    it('draws Sections, Groups, horizontal rows, Labels and Dividers in order', async () => {
      const r = render({ form: user(LAYOUT) });
      const nodes = [...r.root.querySelectorAll('.layout--section, .layout--horizontal, .layout__label, .layout__divider, .layout--group, .field')];
      expect(
        nodes.map((n) =>
          n.matches('.field') ? `field:${n.querySelector('input, select, textarea')?.id.replace('pan-settings_', '')}` : n.className.replace(/^layout /, ''),
        ),
      ).toEqual([
        'layout--section',
        'layout--horizontal',
        'field:first',
        'field:last',
        'layout__label',
        'field:notes',
        'layout__divider',
        'layout--group',
        'field:level',
      ]);
      const section = r.root.querySelector('section.layout--section')!;
      expect(text(section.querySelector('h3'))).toBe('Who');
      expect(section.getAttribute('aria-labelledby')).toBe(section.querySelector('h3')!.id);
      expect(text(section.querySelector('.layout__hint'))).toBe('The person to notify.');
      expect(text(r.root.querySelector('fieldset.layout--group > legend'))).toBe('Advanced');
      expect(text(r.root.querySelector('.layout__label'))).toBe('Anything else?');
      expect(r.root.querySelector('hr.layout__divider')).not.toBeNull();
      // Side by side in the horizontal row.
      const first = control(r, 'first').getBoundingClientRect();
      const last = control(r, 'last').getBoundingClientRect();
      expect(last.left).toBeGreaterThan(first.right - 1);
      expect(Math.abs(last.top - first.top)).toBeLessThan(2);
      // A property no Control draws is not rendered.
      expect(r.root.getElementById('pan-settings_unused')).toBeNull();
      expect(await axeViolations(r)).toEqual([]);
    });

    it('keeps a label for screen readers on a Control with label: false, and widens trim: false fields', async () => {
      const form = user({
        schema: { type: 'object', properties: { query: { type: 'string' }, note: { type: 'string' } } },
        uischema: {
          type: 'VerticalLayout',
          elements: [
            { type: 'Label', text: 'Search query' },
            { type: 'Control', scope: '#/properties/query', label: false, hintText: 'Any words.' },
            { type: 'Control', scope: '#/properties/note', options: { trim: false } },
          ],
        },
      });
      const r = render({ form });
      const query = control(r, 'query') as HTMLInputElement;
      expect(query.labels?.[0]?.className).toBe('sr-only');
      expect(query.labels?.[0]?.textContent).toBe('Query');
      expect(query.getAttribute('aria-describedby')).toBe('pan-settings_query__description');
      expect(text(r.root.getElementById('pan-settings_query__description'))).toBe('Any words.');
      expect(control(r, 'note').closest('.field')!.classList.contains('field--full')).toBe(true);
      expect(await axeViolations(r)).toEqual([]);
    });

    it('draws every field one under the other when there is no layout', () => {
      const form = user(LAYOUT);
      delete (form.uiSchema['ui:options'] as Record<string, unknown>).layout;
      const r = render({ form });
      expect([...r.root.querySelectorAll('.field input')].map((i) => i.id)).toEqual(
        form.fields.map((f) => `pan-settings_${f}`),
      );
    });
  });

  describe('value', () => {
    it('starts from the value without changing it, and reports changes as copies', async () => {
      const value = Object.freeze({ name: 'Acme', region: 'us-east-1', channels: Object.freeze(['email']) });
      const r = render({ form: user(KITCHEN), value });
      expect((control(r, 'name') as HTMLInputElement).value).toBe('Acme');
      await userEvent.type(control(r, 'name'), ' Inc');
      await userEvent.click(r.root.getElementById('pan-settings_channels-1')!);
      expect(r.changes.at(-1)).toEqual({
        value: { name: 'Acme Inc', region: 'us-east-1', channels: ['email', 'sms'] },
        valid: true,
      });
      expect(value).toEqual({ name: 'Acme', region: 'us-east-1', channels: ['email'] });
      expect(r.form.value).toEqual({ name: 'Acme Inc', region: 'us-east-1', channels: ['email', 'sms'] });
    });

    it('drops keys the form does not have, and a new value replaces what was typed', async () => {
      const r = render({ form: user(KITCHEN), value: { name: 'Acme', colour: 'red' } });
      expect(r.form.value).toEqual({ name: 'Acme' });
      await userEvent.type(control(r, 'name'), 'x');
      r.update({ value: { name: 'Other' } });
      expect((control(r, 'name') as HTMLInputElement).value).toBe('Other');
      expect(r.form.value).toEqual({ name: 'Other' });
    });

    // rjsf re-derives its data from `formData` whenever another prop changes: the form must hand
    // it what the user typed, not the seed (a Save that disables the form put the old value back).
    it('keeps what was typed when any other prop changes, and across a change of form', async () => {
      const r = render({ form: user(KITCHEN), value: { name: 'Acme', region: 'us-east-1', count: 42 } });
      await userEvent.fill(control(r, 'name'), 'Typed');
      await userEvent.fill(control(r, 'count'), '75');
      await expect.poll(() => r.changes.at(-1)?.value).toMatchObject({ name: 'Typed', count: 75 });
      const shown = () => [(control(r, 'name') as HTMLInputElement).value, (control(r, 'count') as HTMLInputElement).value];
      const changes: Array<[string, Parameters<typeof r.update>[0]]> = [
        ['disabled', { disabled: true }],
        ['enabled again', { disabled: false }],
        ['options loading', { loadingOptions: ['channels'] }],
        ['server errors', { serverErrors: [{ field: 'region', message: 'is not one of the options' }] }],
        ['strings', { strings: { Save: 'Speichern' } }],
        ['language', { locale: 'de' }],
        ['no submit button', { noSubmit: true }],
        ['a new form', { form: user(KITCHEN) }],
      ];
      for (const [what, props] of changes) {
        r.update(props);
        expect(shown(), what).toEqual(['Typed', '75']);
        expect(r.form.value, what).toMatchObject({ name: 'Typed', region: 'us-east-1', count: 75 });
      }
      // Another release's form without these fields, then back: they come back as typed.
      r.update({ form: user(LAYOUT) });
      expect(r.form.value).toEqual({});
      r.update({ form: user(KITCHEN) });
      expect(shown()).toEqual(['Typed', '75']);
    });

    it('reports validity with each change', async () => {
      const r = render({ form: user(KITCHEN), value: { region: 'us-east-1' } });
      await userEvent.type(control(r, 'count'), '0');
      expect(r.changes.at(-1)).toEqual({ value: { region: 'us-east-1', count: 0 }, valid: false });
      await userEvent.type(control(r, 'name'), 'A');
      await userEvent.clear(control(r, 'count'));
      expect(r.changes.at(-1)).toEqual({ value: { region: 'us-east-1', name: 'A' }, valid: true });
    });
  });

  describe('validation', () => {
    it('shows no error before a submit, then every error, following each change without moving focus', async () => {
      const r = render({ form: user(KITCHEN) });
      await userEvent.type(control(r, 'count'), '500');
      await userEvent.tab();
      // Nothing on blur: the layout must not move under a pointer on its way to a button.
      expect(errorText(r, 'count')).toBe('');
      await userEvent.click(r.root.querySelector('button[type=submit]')!);
      await expect.poll(() => errorText(r, 'name')).toBe('Name is required');
      expect(errorText(r, 'region')).toBe('Region is required');
      expect(errorText(r, 'count')).toBe('Count must be at most 100');
      expect(r.submits).toEqual([]);
      // The first invalid field in the form's order has the focus.
      expect(focused(r)).toBe(control(r, 'name'));
      expect(await axeViolations(r)).toEqual([]);

      // Fixing a field clears its error while typing, before it loses focus; focus stays where it is.
      await userEvent.clear(control(r, 'count'));
      await userEvent.type(control(r, 'count'), '50');
      await expect.poll(() => errorText(r, 'count')).toBe('');
      expect(focused(r)).toBe(control(r, 'count'));
      expect(errorText(r, 'name')).toBe('Name is required');
    });

    it('submits a valid value', async () => {
      const r = render({ form: user(KITCHEN), value: { name: 'Acme' } });
      await choose(control(r, 'region'), 'eu-west-1');
      await userEvent.click(r.root.querySelector('button[type=submit]')!);
      expect(r.submits).toEqual([{ name: 'Acme', region: 'eu-west-1' }]);
    });

    it('reportValidity shows every error and focuses the first; checkValidity shows nothing', async () => {
      const r = render({ form: user(KITCHEN), value: { name: 'Acme', count: 0 } });
      expect(r.form.checkValidity()).toBe(false);
      expect(errorText(r, 'region')).toBe('');
      expect(r.form.reportValidity()).toBe(false);
      expect(errorText(r, 'region')).toBe('Region is required');
      expect(errorText(r, 'count')).toBe('Count must be at least 1');
      expect(focused(r)).toBe(control(r, 'region'));
      await choose(control(r, 'region'), 'us-east-1');
      await userEvent.clear(control(r, 'count'));
      expect(r.form.checkValidity()).toBe(true);
      expect(r.form.reportValidity()).toBe(true);
    });

    it('shows server errors on their fields until those fields change', async () => {
      const r = render({
        form: user(KITCHEN),
        value: { name: 'Acme', region: 'us-east-1' },
        serverErrors: [
          { field: 'name', message: 'is already taken' },
          { field: 'region', message: 'Not available on your plan' },
        ],
      });
      expect(errorText(r, 'name')).toBe('Name is already taken');
      expect(errorText(r, 'region')).toBe('Not available on your plan');
      expect(control(r, 'name').getAttribute('aria-invalid')).toBe('true');
      await userEvent.type(control(r, 'name'), '2');
      await expect.poll(() => errorText(r, 'name')).toBe('');
      expect(errorText(r, 'region')).toBe('Not available on your plan');
      // They do not block a submit: the server decides again.
      await userEvent.click(r.root.querySelector('button[type=submit]')!);
      expect(r.submits).toHaveLength(1);
    });

    it("shows the server's errors in the form's language, after the field's label", () => {
      const r = render({
        form: user(KITCHEN),
        value: { name: 'Acme', region: 'us-east-1', count: 5000 },
        locale: 'de',
        strings: { 'must be at most %1': 'darf höchstens %1 sein', 'is not one of the options': 'ist keine der Optionen', '%1 %2': '%1 %2' },
        serverErrors: [
          { field: 'count', message: 'must be at most 1000' },
          { field: 'region', message: 'is not one of the options' },
          { field: 'name', message: 'Not available on your plan' },
        ],
      });
      expect(errorText(r, 'count')).toBe('Count darf höchstens 1.000 sein');
      expect(errorText(r, 'region')).toBe('Region ist keine der Optionen');
      expect(errorText(r, 'name')).toBe('Not available on your plan');
    });

    it('has no submit button with noSubmit, and names it with submitLabel', () => {
      const r = render({ form: user(KITCHEN), submitLabel: 'Save settings' });
      expect(text(r.root.querySelector('button[type=submit]'))).toBe('Save settings');
      r.update({ noSubmit: true });
      expect(r.root.querySelector('button[type=submit]')).toBeNull();
    });

    it('disables every control', () => {
      const r = render({ form: user(KITCHEN), disabled: true });
      const controls = [...r.root.querySelectorAll<HTMLInputElement>('input, select, textarea, button')];
      expect(controls.length).toBeGreaterThan(10);
      expect(controls.filter((c) => !c.disabled)).toEqual([]);
    });
  });

  describe('dynamic selectors', () => {
    it('says the options are not loaded and offers to load them', async () => {
      const r = render({ form: user(POKEMON) });
      const button = control(r, 'pokemon_type');
      expect(button.localName).toBe('button');
      expect(text(button)).toBe('Load options');
      const group = button.closest('[role=group]')!;
      // Not required while it cannot be set.
      expect(text(group.querySelector('.field__label'))).toBe('Pokémon Type');
      expect(text(r.root.getElementById(button.getAttribute('aria-describedby')!.split(' ')[0]!))).toBe(
        'The options for this field are not loaded yet.',
      );
      await userEvent.click(button);
      expect(r.loads).toEqual([{ definition: 'pokemon_types', field: 'pokemon_type' }]);
      expect(await axeViolations(r)).toEqual([]);
    });

    it('says when options are loading, and does not ask again meanwhile', async () => {
      const r = render({ form: user(POKEMON), loadingOptions: ['slack_users'] });
      const status = control(r, 'slack_user').closest('.field')!.querySelector('[role=status]')!;
      expect(text(status)).toBe('Loading options…');
      expect(status.querySelector('.spinner')).not.toBeNull();
      expect(control(r, 'slack_user').getAttribute('aria-disabled')).toBe('true');
      control(r, 'slack_user').click();
      expect(r.loads).toEqual([]);
      expect(text(control(r, 'pokemon_type').closest('.field')!.querySelector('[role=status]'))).toBe('');
    });

    it('becomes a select once the options are loaded, keeping what was typed elsewhere', async () => {
      const r = render({ form: user(POKEMON) });
      r.update({ form: user(POKEMON, POKEMON_OPTIONS), value: {} });
      expect(optionTexts(control(r, 'pokemon_type'))).toEqual(['Choose…', 'fire', 'grass', 'electric']);
      expect(optionTexts(control(r, 'slack_user'))).toEqual(['Choose…', 'Ada', 'Grace']);
      await choose(control(r, 'slack_user'), 'Grace');
      expect(r.changes.at(-1)?.value).toEqual({ slack_user: 'U02' });
    });
  });

  describe('dependent selectors', () => {
    const food = () => user(FOOD_CASE.configs, FOOD_CASE.dynamicOptions);

    it('asks for the parent first, then offers the options of the parent value', async () => {
      const r = render({ form: food() });
      const child = control(r, 'favorite_food') as HTMLSelectElement;
      expect(child.disabled).toBe(true);
      expect(optionTexts(child)).toEqual(['Choose Food type first']);
      await choose(control(r, 'food_type'), 'Sweet');
      expect(optionTexts(control(r, 'favorite_food'))).toEqual(['Choose…', 'Chocolate', 'Caramel']);
      expect((control(r, 'favorite_food') as HTMLSelectElement).disabled).toBe(false);
      await choose(control(r, 'food_type'), 'Savory');
      expect(optionTexts(control(r, 'favorite_food'))).toEqual(['Choose…', 'Chips', 'Pizza']);
      expect(await axeViolations(r)).toEqual([]);
    });

    it('says when the parent value has no options, and works for multi-selects too', async () => {
      const r = render({ form: food(), value: { food_type: 'Spicy' } });
      expect(optionTexts(control(r, 'favorite_food'))).toEqual(['There are no options for the chosen "Food type"']);
      const topics = settingsCorpus.find((c) => c.name === 'dependent multi-select: good options')!;
      const t = render({ form: user(topics.configs, topics.dynamicOptions) });
      expect(optionTexts(control(t, 'topics'))).toEqual(['Choose Team first']);
      await choose(control(t, 'team'), 'sales');
      const boxes = [...t.root.querySelectorAll<HTMLInputElement>('input[name="pan-settings_topics"]')];
      expect(boxes.map((b) => b.labels?.[0]?.textContent)).toEqual(['leads', 'deals']);
      await userEvent.click(boxes[1]!);
      await choose(control(t, 'team'), 'support');
      await expect.poll(() => t.changes.at(-1)?.value).toEqual({ team: 'support', topics: [] });
      expect([...t.root.querySelectorAll('input[name="pan-settings_topics"]')].map((b) => (b as HTMLInputElement).checked)).toEqual([false]);
      expect(await axeViolations(t)).toEqual([]);
    });

    it('clears a child value the new parent value does not allow', async () => {
      const r = render({ form: food(), value: { food_type: 'Sweet', favorite_food: 'Chocolate' } });
      await choose(control(r, 'food_type'), 'Savory');
      await expect.poll(() => r.changes.at(-1)?.value).toEqual({ food_type: 'Savory' });
      expect((control(r, 'favorite_food') as HTMLSelectElement).value).toBe('');
      expect(r.form.value).toEqual({ food_type: 'Savory' });
      // Every reported value was one the parent allows.
      for (const { value } of r.changes) expect(validateSettings(food(), value)).toEqual([]);
      await choose(control(r, 'favorite_food'), 'Pizza');
      expect(r.changes.at(-1)).toEqual({ value: { food_type: 'Savory', favorite_food: 'Pizza' }, valid: true });
    });
  });

  describe('strict CSP', () => {
    it('writes no inline style and nothing into the document head', async () => {
      const before = document.head.innerHTML;
      const form = user(KITCHEN);
      const r = render({ form, value: { count: 0 } });
      r.form.reportValidity();
      await userEvent.click(r.root.getElementById('pan-settings_channels-0')!);
      expect(r.root.querySelectorAll('[style]')).toHaveLength(0);
      expect(document.head.innerHTML).toBe(before);
      // The theme's styles are in the shadow root's adopted sheets.
      expect(r.root.adoptedStyleSheets.length).toBe(1);
      expect(getComputedStyle(r.root.querySelector('.field__label')!).display).toBe('block');
    });

    it('validates and renders with eval and Function unavailable', async () => {
      const realEval = globalThis.eval;
      const RealFunction = globalThis.Function;
      const refused: string[] = [];
      globalThis.eval = ((..._: unknown[]) => {
        refused.push('eval');
        throw new EvalError('eval is refused by the CSP');
      }) as typeof eval;
      globalThis.Function = function () {
        refused.push('Function');
        throw new EvalError('Function is refused by the CSP');
      } as unknown as FunctionConstructor;
      try {
        // A schema built at run time, with dynamic and dependent options.
        const form = buildSettingsForm(FOOD_CASE.configs, { audience: 'user', dynamicOptions: { ...FOOD_CASE.dynamicOptions } });
        expect(validateSettings(form, { food_type: 'Sweet', favorite_food: 'Pizza' })).toEqual([
          { field: 'favorite_food', message: 'must be one of: Chocolate, Caramel' },
        ]);
        const r = render({ form, value: { food_type: 'Sweet', favorite_food: 'Pizza' } });
        expect(r.form.reportValidity()).toBe(false);
        expect(errorText(r, 'favorite_food')).toBe('Favorite food must be one of: Chocolate, Caramel');
        await choose(control(r, 'favorite_food'), 'Caramel');
        expect(r.form.reportValidity()).toBe(true);
        await userEvent.click(r.root.querySelector('button[type=submit]')!);
        expect(r.submits).toEqual([{ food_type: 'Sweet', favorite_food: 'Caramel' }]);
      } finally {
        globalThis.eval = realEval;
        globalThis.Function = RealFunction;
      }
      expect(refused).toEqual([]);
    });
  });

  describe('lists', () => {
    it('draws a list of objects with labelled add, move and remove buttons', async () => {
      const form: SettingsForm = {
        schema: {
          type: 'object',
          properties: {
            repos: { type: 'array', title: 'Repositories', items: { type: 'object', properties: { name: { type: 'string', title: 'Name' } } } },
          },
        },
        uiSchema: {},
        fields: ['repos'],
        dependents: {},
      };
      const r = render({ form, value: { repos: [{ name: 'a' }, { name: 'b' }] } });
      expect(text(r.root.querySelector('fieldset.group--array > legend'))).toBe('Repositories');
      expect(r.root.querySelectorAll('.array__item')).toHaveLength(2);
      await userEvent.click(r.root.querySelector<HTMLElement>('button.array__add')!);
      expect(r.root.querySelectorAll('.array__item')).toHaveLength(3);
      const remove = r.root.querySelector<HTMLButtonElement>('.array__item button[aria-label="Remove"]')!;
      await userEvent.click(remove);
      expect(r.changes.at(-1)?.value).toEqual({ repos: [{ name: 'b' }, {}] });
      expect(r.root.querySelectorAll('[style]')).toHaveLength(0);
      expect(await axeViolations(r)).toEqual([]);
    });
  });
});
