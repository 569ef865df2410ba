import { afterEach, describe, expect, it, vi } from 'vitest';
import { commands, userEvent } from 'vitest/browser';
import '../../../test/commands.ts';
import { settingsCorpus } from '../../../../pandium-yaml/test/settings-corpus.ts';
import {
  axeViolations,
  cleanup,
  control,
  deferred,
  errorText,
  field,
  fixture,
  focused,
  listen,
  optionTexts,
  part,
  root,
  settingsForm,
  text,
} from '../../../test/settings-form-harness.ts';
import type { ConfigsSection } from '@pan/pandium-yaml';
import { PanSettingsForm } from './settings-form.component.ts';

const corpusCase = (name: string) => settingsCorpus.find((c) => c.name === name)!;
/** Every static kind of field; `name` and `region` required. */
const KITCHEN = corpusCase('the required fields only').configs;
const POKEMON = corpusCase('dynamic, not loaded: nothing sent is fine').configs;
const POKEMON_OPTIONS = corpusCase('dynamic, loaded: good values').dynamicOptions!;
const FOOD = corpusCase('dependent: a child of its parent');

const submitButton = (el: PanSettingsForm) => part<HTMLButtonElement>(el, 'submit-button');

afterEach(cleanup);

describe('<pan-settings-form>', () => {
  describe('accessibility (axe)', () => {
    it('has no violations with every kind of field', async () => {
      const el = await fixture({ form: settingsForm(KITCHEN) });
      expect(control(el, 'name')).toBeDefined();
      expect(await axeViolations(el)).toEqual([]);
    });

    it('has no violations with errors shown', async () => {
      const el = await fixture({ form: settingsForm(KITCHEN), value: { count: 0 } });
      expect(el.reportValidity()).toBe(false);
      expect(errorText(el, 'count')).toBe('Count must be at least 1');
      expect(await axeViolations(el)).toEqual([]);
    });

    it('has no violations with dynamic selectors not loaded, loading and dependent', async () => {
      const el = await fixture({ form: settingsForm(POKEMON), properties: { loadingOptions: ['slack_users'] } });
      expect(await axeViolations(el)).toEqual([]);
      el.form = settingsForm(FOOD.configs, { dynamicOptions: FOOD.dynamicOptions });
      await el.updateComplete;
      expect(await axeViolations(el)).toEqual([]);
    });
  });

  describe('layout', () => {
    /** The "Message" Group of the pokemon-of-the-day demo integration: a title, then a row of two fields. */
    const MESSAGE_GROUP: ConfigsSection = {
      schema: {
        type: 'object',
        properties: { pokemon_per_message: { type: 'integer' }, greeting: { type: 'string' } },
      },
      uischema: {
        type: 'VerticalLayout',
        elements: [
          {
            type: 'Group',
            label: 'Message',
            elements: [
              {
                type: 'HorizontalLayout',
                elements: [
                  { type: 'Control', label: 'Pokémon per message', scope: '#/properties/pokemon_per_message' },
                  { type: 'Control', label: 'Greeting', scope: '#/properties/greeting' },
                ],
              },
            ],
          },
        ],
      },
    };

    it("draws a Group's title inside the Group's panel, not across its border", async () => {
      const el = await fixture({ form: settingsForm(MESSAGE_GROUP) });
      const group = root(el).querySelector<HTMLElement>('fieldset.layout--group')!;
      const legend = group.querySelector(':scope > legend')!;
      expect(text(legend)).toBe('Message');
      const title = legend.getBoundingClientRect();
      const box = group.getBoundingClientRect();
      const style = getComputedStyle(group);
      // A panel: padding around its content. A fieldset paints its border and background from the
      // middle of a rendered legend; in the panel, the legend starts below the border and padding.
      expect(parseFloat(style.paddingTop)).toBeGreaterThan(0);
      expect(parseFloat(style.borderTopWidth)).toBeGreaterThan(0);
      expect(title.top).toBeGreaterThanOrEqual(box.top + parseFloat(style.borderTopWidth) + parseFloat(style.paddingTop) - 0.5);
      expect(title.left).toBeGreaterThanOrEqual(box.left + parseFloat(style.borderLeftWidth) + parseFloat(style.paddingLeft) - 0.5);
      expect(title.right).toBeLessThanOrEqual(box.right - parseFloat(style.borderRightWidth) - parseFloat(style.paddingRight) + 0.5);
      // The fields come below the title, still in the panel.
      const greeting = control(el, 'greeting').getBoundingClientRect();
      expect(greeting.top).toBeGreaterThanOrEqual(title.bottom);
      expect(greeting.bottom).toBeLessThanOrEqual(box.bottom);
      expect(await axeViolations(el)).toEqual([]);
    });
  });

  describe('parts', () => {
    it('names every widget of the form with a part, for ::part() from outside', async () => {
      const el = await fixture({ form: settingsForm(KITCHEN), value: { count: 0 } });
      el.reportValidity();
      await el.updateComplete;
      const shadow = root(el);
      const expected: Array<[string, string]> = [
        ['input[type="checkbox"]', 'field-checkbox'],
        ['input:not([type="checkbox"], [type="radio"]), textarea', 'field-input'],
        ['select', 'field-select'],
        ['label.field__label, legend.field__label', 'field-label'],
        ['.choice__label', 'field-choice-label'],
        ['.field__error', 'field-error'],
      ];
      for (const [selector, name] of expected) {
        const nodes = [...shadow.querySelectorAll('.settings-form ' + selector.split(', ').join(', .settings-form '))];
        expect(nodes.length, selector).toBeGreaterThan(0);
        for (const node of nodes) expect(node.getAttribute('part'), selector).toBe(name);
      }
      const style = document.createElement('style');
      style.textContent = 'pan-settings-form::part(field-select) { letter-spacing: 3px; }';
      document.head.append(style);
      try {
        expect(getComputedStyle(shadow.querySelector('select')!).letterSpacing).toBe('3px');
      } finally {
        style.remove();
      }
    });
  });

  describe('registration and defaults', () => {
    it('registers once and tolerates being defined again', async () => {
      expect(customElements.get('pan-settings-form')).toBe(PanSettingsForm);
      expect(() => PanSettingsForm.define('pan-settings-form')).not.toThrow();
      await expect(import('./pan-settings-form.ts')).resolves.toBeDefined();
    });

    it('has documented defaults', () => {
      const el = document.createElement('pan-settings-form');
      expect(el.form).toBeNull();
      expect(el.value).toEqual({});
      expect(el.serverErrors).toEqual([]);
      expect(el.disabled).toBe(false);
      expect(el.submitLabel).toBeUndefined();
      expect(el.noSubmit).toBe(false);
      expect(el.loadingOptions).toEqual([]);
      expect(el.nested).toBe(false);
    });

    it('reflects disabled, no-submit and nested, and reads submit-label', async () => {
      const el = await fixture({
        form: settingsForm(KITCHEN),
        attributes: { 'submit-label': 'Save settings', 'no-submit': '', nested: '' },
      });
      expect(el.submitLabel).toBe('Save settings');
      expect(el.noSubmit).toBe(true);
      expect(el.nested).toBe(true);
      el.disabled = true;
      await el.updateComplete;
      expect(el.hasAttribute('disabled')).toBe(true);
    });
  });

  describe('lazy loading', () => {
    it('loads nothing without a form, then shows a loading state until the form module is there', async () => {
      const held = deferred<typeof import('@pan/forms')>();
      const load = vi.spyOn(PanSettingsForm, 'loadForms').mockReturnValue(held.promise);
      // A fresh module promise for this test (the element caches the first one per page).
      const { PanSettingsForm: Fresh } = (await import(
        /* @vite-ignore */ `./settings-form.component.ts?fresh=${Date.now()}`
      )) as typeof import('./settings-form.component.ts');
      Fresh.loadForms = PanSettingsForm.loadForms;
      Fresh.define('pan-settings-form-fresh');
      const el = document.createElement('pan-settings-form-fresh') as PanSettingsForm;
      document.body.append(el);
      try {
        await el.updateComplete;
        expect(load).not.toHaveBeenCalled();
        expect(part(el, 'loading')).toBeNull();
        el.form = settingsForm(KITCHEN);
        await expect.poll(() => part(el, 'loading')).not.toBeNull();
        expect(load).toHaveBeenCalledTimes(1);
        expect(part(el, 'loading')!.getAttribute('role')).toBe('status');
        expect(text(part(el, 'loading'))).toBe('Loading the settings form…');
        expect(el.matches(':state(loading)')).toBe(true);
        expect(el.reportValidity()).toBe(false);
        held.resolve(await import('@pan/forms'));
        await el.updateComplete;
        expect(part(el, 'loading')).toBeNull();
        expect(el.matches(':state(loading)')).toBe(false);
        expect(control(el, 'name')).toBeDefined();
      } finally {
        el.remove();
      }
    });

    it('shows an error when the form module fails to load, and retries', async () => {
      const { PanSettingsForm: Fresh } = (await import(
        /* @vite-ignore */ `./settings-form.component.ts?failing=${Date.now()}`
      )) as typeof import('./settings-form.component.ts');
      let fail = true;
      Fresh.loadForms = () => (fail ? Promise.reject(new Error('offline')) : import('@pan/forms'));
      Fresh.define('pan-settings-form-failing');
      const el = document.createElement('pan-settings-form-failing') as PanSettingsForm;
      el.form = settingsForm(KITCHEN);
      document.body.append(el);
      try {
        await el.updateComplete;
        expect(part(el, 'error')?.getAttribute('role')).toBe('alert');
        expect(text(part(el, 'error'))).toContain("Couldn't load the settings form");
        expect(el.matches(':state(error)')).toBe(true);
        expect(await axeViolations(el)).toEqual([]);
        fail = false;
        part(el, 'retry-button')!.click();
        await el.updateComplete;
        expect(part(el, 'error')).toBeNull();
        expect(control(el, 'name')).toBeDefined();
      } finally {
        el.remove();
      }
    });
  });

  describe('value', () => {
    it('shows the value and never changes the object the host passed', async () => {
      const value = Object.freeze({ name: 'Acme', channels: Object.freeze(['sms']) });
      const el = await fixture({ form: settingsForm(KITCHEN), value });
      expect(control<HTMLInputElement>(el, 'name').value).toBe('Acme');
      await userEvent.type(control(el, 'name'), ' Inc');
      expect(el.value).toEqual({ name: 'Acme Inc', channels: ['sms'] });
      expect(value).toEqual({ name: 'Acme', channels: ['sms'] });
      expect(el.matches(':state(dirty)')).toBe(true);
    });

    it('emits pan-settings-change with a copy of the value and its validity', async () => {
      const changes = listen('pan-settings-change');
      const el = await fixture({ form: settingsForm(KITCHEN), value: { region: 'us-east-1' } });
      await userEvent.type(control(el, 'name'), 'A');
      const event = changes.at(-1)!;
      expect(event.detail).toEqual({ value: { region: 'us-east-1', name: 'A' }, valid: true });
      expect(event.bubbles && event.composed).toBe(true);
      expect(event.detail.value).not.toBe(el.value);
      await userEvent.type(control(el, 'count'), '0');
      expect(changes.at(-1)!.detail).toEqual({ value: { region: 'us-east-1', name: 'A', count: 0 }, valid: false });
      expect(el.matches(':state(invalid)')).toBe(true);
    });

    it('keeps what the user typed when the host sets back the value it was given', async () => {
      const el = await fixture({ form: settingsForm(KITCHEN) });
      el.addEventListener('pan-settings-change', (e) => {
        el.value = e.detail.value;
      });
      await userEvent.type(control(el, 'count'), '500');
      await userEvent.tab();
      expect(el.reportValidity()).toBe(false);
      await expect.poll(() => errorText(el, 'count')).toBe('Count must be at most 100');
      expect(control<HTMLInputElement>(el, 'count').value).toBe('500');
      // A different value from the host replaces it (and what was shown).
      el.value = { count: 5 };
      await el.updateComplete;
      expect(control<HTMLInputElement>(el, 'count').value).toBe('5');
      expect(errorText(el, 'count')).toBe('');
      expect(el.matches(':state(dirty)')).toBe(false);
    });

    it('keeps what the user typed when the host sets a fresh copy of the same settings (a refresh)', async () => {
      const el = await fixture({ form: settingsForm(KITCHEN), value: { name: 'Acme', count: 5 } });
      await userEvent.fill(control(el, 'count'), '50');
      await expect.poll(() => el.value).toEqual({ name: 'Acme', count: 50 });
      el.value = { name: 'Acme', count: 5 };
      await el.updateComplete;
      expect(control<HTMLInputElement>(el, 'count').value).toBe('50');
      expect(el.value).toEqual({ name: 'Acme', count: 50 });
      expect(el.matches(':state(dirty)')).toBe(true);
    });
  });

  describe('submit', () => {
    it('emits a cancelable pan-settings-submit only for a valid value', async () => {
      const submits = listen('pan-settings-submit');
      const el = await fixture({ form: settingsForm(KITCHEN), value: { name: 'Acme' } });
      await userEvent.click(submitButton(el)!);
      expect(submits).toEqual([]);
      await expect.poll(() => errorText(el, 'region')).toBe('Region is required');
      expect(focused(el)).toBe(control(el, 'region'));
      await userEvent.selectOptions(control(el, 'region'), 'eu-west-1');
      await userEvent.click(submitButton(el)!);
      expect(submits).toHaveLength(1);
      expect(submits[0]!.cancelable).toBe(true);
      expect(submits[0]!.detail).toEqual({ value: { name: 'Acme', region: 'eu-west-1' } });
    });

    it('not canceled: the value counts as saved and server errors go', async () => {
      const el = await fixture({
        form: settingsForm(KITCHEN),
        value: { name: 'Acme', region: 'us-east-1' },
        properties: { serverErrors: [{ field: 'region', message: 'Not available on your plan' }] },
      });
      await userEvent.type(control(el, 'name'), '!');
      expect(el.matches(':state(dirty)')).toBe(true);
      await userEvent.click(submitButton(el)!);
      await el.updateComplete;
      expect(el.serverErrors).toEqual([]);
      expect(errorText(el, 'region')).toBe('');
      expect(el.matches(':state(dirty)')).toBe(false);
    });

    it('canceled: the form stays as it is for the host to save and answer', async () => {
      listen('pan-settings-submit', (event) => event.preventDefault());
      const el = await fixture({ form: settingsForm(KITCHEN), value: { name: 'Acme', region: 'us-east-1' } });
      await userEvent.type(control(el, 'name'), '!');
      await userEvent.click(submitButton(el)!);
      expect(el.matches(':state(dirty)')).toBe(true);
      // The host's save failed with a 422: the errors show on their fields.
      el.serverErrors = [{ field: 'name', message: 'is already taken' }];
      await el.updateComplete;
      expect(errorText(el, 'name')).toBe('Name is already taken');
      expect(control(el, 'name').getAttribute('aria-invalid')).toBe('true');
    });

    it('has a submit button named by submitLabel, none with no-submit', async () => {
      const el = await fixture({ form: settingsForm(KITCHEN) });
      expect(text(submitButton(el))).toBe('Save');
      el.submitLabel = 'Save settings';
      await el.updateComplete;
      expect(text(submitButton(el))).toBe('Save settings');
      el.noSubmit = true;
      await el.updateComplete;
      expect(submitButton(el)).toBeNull();
    });

    it('reportValidity shows every error and focuses the first invalid field; checkValidity shows none', async () => {
      const el = await fixture({ form: settingsForm(KITCHEN), value: { name: 'Acme', count: 0 }, attributes: { 'no-submit': '' } });
      expect(el.checkValidity()).toBe(false);
      expect(errorText(el, 'count')).toBe('');
      expect(el.reportValidity()).toBe(false);
      expect(errorText(el, 'region')).toBe('Region is required');
      expect(errorText(el, 'count')).toBe('Count must be at least 1');
      expect(focused(el)).toBe(control(el, 'region'));
      el.value = { name: 'Acme', region: 'us-east-1' };
      await el.updateComplete;
      expect(el.checkValidity()).toBe(true);
      expect(el.reportValidity()).toBe(true);
      // No form: nothing to check.
      el.form = null;
      await el.updateComplete;
      expect(el.reportValidity()).toBe(true);
    });

    it('disables every control and the submit button', async () => {
      const el = await fixture({ form: settingsForm(KITCHEN), properties: { disabled: true } });
      const controls = [...root(el).querySelectorAll<HTMLInputElement>('.form input, .form select, .form button')];
      expect(controls.filter((c) => !c.disabled)).toEqual([]);
      expect(submitButton(el)!.disabled).toBe(true);
    });
  });

  describe('dynamic selectors', () => {
    it('offers Load options and emits pan-load-options', async () => {
      const loads = listen('pan-load-options');
      const el = await fixture({ form: settingsForm(POKEMON) });
      expect(text(control(el, 'pokemon_type'))).toBe('Load options');
      await userEvent.click(control(el, 'slack_user'));
      expect(loads.map((e) => e.detail)).toEqual([{ definition: 'slack_users', field: 'slack_user' }]);
      expect(loads[0]!.bubbles && loads[0]!.composed).toBe(true);
    });

    it('shows Loading options… for the definitions in loadingOptions', async () => {
      const el = await fixture({ form: settingsForm(POKEMON) });
      el.loadingOptions = ['pokemon_types'];
      await el.updateComplete;
      const status = field(el, 'pokemon_type').querySelector('[role=status]');
      expect(text(status)).toBe('Loading options…');
      expect(text(field(el, 'slack_user').querySelector('[role=status]'))).toBe('');
    });

    it('keeps what the user chose when a new form brings the options', async () => {
      const el = await fixture({ form: settingsForm(POKEMON, { dynamicOptions: { slack_users: POKEMON_OPTIONS.slack_users! } }) });
      await userEvent.selectOptions(control(el, 'slack_user'), 'Ada');
      el.form = settingsForm(POKEMON, { dynamicOptions: POKEMON_OPTIONS });
      await el.updateComplete;
      expect(optionTexts(el, 'pokemon_type')).toEqual(['Choose…', 'fire', 'grass', 'electric']);
      expect(el.value).toEqual({ slack_user: 'U01' });
      expect(control<HTMLSelectElement>(el, 'slack_user').selectedOptions[0]?.text).toBe('Ada');
    });
  });

  describe('dependent selectors', () => {
    it("follows the parent's value and clears a child value it no longer allows", async () => {
      const changes = listen('pan-settings-change');
      const el = await fixture({ form: settingsForm(FOOD.configs, { dynamicOptions: FOOD.dynamicOptions }) });
      expect(optionTexts(el, 'favorite_food')).toEqual(['Choose Food type first']);
      await userEvent.selectOptions(control(el, 'food_type'), 'Sweet');
      expect(optionTexts(el, 'favorite_food')).toEqual(['Choose…', 'Chocolate', 'Caramel']);
      await userEvent.selectOptions(control(el, 'favorite_food'), 'Caramel');
      expect(el.value).toEqual({ food_type: 'Sweet', favorite_food: 'Caramel' });
      await userEvent.selectOptions(control(el, 'food_type'), 'Savory');
      await expect.poll(() => changes.at(-1)?.detail).toEqual({ value: { food_type: 'Savory' }, valid: true });
      expect(el.value).toEqual({ food_type: 'Savory' });
      expect(optionTexts(el, 'favorite_food')).toEqual(['Choose…', 'Chips', 'Pizza']);
      expect(control<HTMLSelectElement>(el, 'favorite_food').value).toBe('');
    });
  });

  describe('theming', () => {
    it('declares the --pan-* tokens alone, and inherits them when nested', async () => {
      // An outer pan element declares both tiers; components use the semantic ones.
      const outer = document.createElement('div');
      outer.style.setProperty('--pan-color-primary-600', 'rgb(1, 2, 3)');
      outer.style.setProperty('--pan-color-accent', 'rgb(4, 5, 6)');
      const standalone = await fixture({ form: settingsForm(KITCHEN), parent: outer });
      expect(getComputedStyle(standalone).getPropertyValue('--pan-color-primary-600').trim()).toBe('#4f46e5');
      expect(getComputedStyle(submitButton(standalone)!).backgroundColor).toBe('rgb(79, 70, 229)');
      standalone.nested = true;
      await standalone.updateComplete;
      expect(getComputedStyle(standalone).getPropertyValue('--pan-color-primary-600').trim()).toBe('rgb(1, 2, 3)');
      expect(getComputedStyle(submitButton(standalone)!).backgroundColor).toBe('rgb(4, 5, 6)');
    });

    it('maps a primitive set by the host onto the semantic tokens (old token names keep working)', async () => {
      const el = await fixture({ form: settingsForm(KITCHEN) });
      el.style.setProperty('--pan-color-primary-600', 'rgb(1, 2, 3)');
      expect(getComputedStyle(submitButton(el)!).backgroundColor).toBe('rgb(1, 2, 3)');
    });

    it('follows prefers-color-scheme unless theme is set, and sets color-scheme', async () => {
      const el = await fixture({ form: settingsForm(KITCHEN) });
      const input = control(el, 'name');
      await commands.emulateColorScheme('dark');
      try {
        expect(getComputedStyle(el).colorScheme).toBe('dark');
        expect(getComputedStyle(input).backgroundColor).toBe('rgb(17, 24, 39)');
        el.theme = 'light';
        await el.updateComplete;
        expect(el.getAttribute('theme')).toBe('light');
        expect(getComputedStyle(el).colorScheme).toBe('light');
        expect(getComputedStyle(input).backgroundColor).toBe('rgb(255, 255, 255)');
      } finally {
        await commands.emulateColorScheme(null);
      }
      el.theme = 'dark';
      await el.updateComplete;
      expect(getComputedStyle(el).colorScheme).toBe('dark');
      expect(getComputedStyle(input).backgroundColor).toBe('rgb(17, 24, 39)');
      expect(await axeViolations(el)).toEqual([]);
    });

    it('styles the form inside its shadow root only: no inline style, nothing in the document head', async () => {
      const head = document.head.innerHTML;
      const el = await fixture({ form: settingsForm(KITCHEN), value: { count: 0 } });
      el.reportValidity();
      expect(root(el).querySelectorAll('[style]')).toHaveLength(0);
      expect(document.head.innerHTML).toBe(head);
      expect(getComputedStyle(control(el, 'name')).borderTopStyle).toBe('solid');
      expect(getComputedStyle(control(el, 'count')).borderTopColor).toBe('rgb(220, 38, 38)');
    });
  });
});
