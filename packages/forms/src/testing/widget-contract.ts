/**
 * The contract every widget of the theme keeps, as one suite run against each widget: a visible
 * label tied to the control, a required marker, an error shown on submit after invalid input and announced,
 * `aria-describedby` pointing at the error, hint and help, `aria-invalid`, Tab reaching it, the
 * keyboard changing it, and no axe violations before or after the error.
 */
import { buildSettingsForm, type JsonSchema, type PropertySchema, type SettingsForm } from '@pan/pandium-yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { axeViolations, cleanup, control, errorText, focused, render, type Rendered } from './harness.ts';

export interface WidgetCase {
  /** The widget, as the test titles name it. */
  name: string;
  /** The field, as PANDIUM.yaml spells it. */
  property: PropertySchema & Record<string, unknown>;
  /** The Control's `options` (e.g. `{multi: true}` for a textarea). */
  options?: Record<string, unknown>;
  /** rjsf keys on the Control, as real PANDIUM.yaml files have them (`ui:widget: radio`). */
  rjsf?: Record<`ui:${string}`, unknown>;
  /** A rule the translation does not make, set on the field's schema (e.g. `const: true`). */
  adjust?: (field: JsonSchema) => void;
  /** Keys typed into the control to make its value invalid (then focus leaves the field). */
  invalidKeys: string;
  /** The error then shown. */
  error: string;
  /** Keys that change the value, and the value they give. */
  keys: string;
  value: unknown;
  /** The element type or input type of the control. */
  control: string;
}

export const LABEL = 'Setting';
const HINT = 'What this setting is for.';
const HELP = 'More help about it.';
const ID = 'pan-settings_field';

/** A one-field form: required, labelled, with a hint (`ui:description`) and help (`ui:help`). */
export function widgetForm(c: WidgetCase): SettingsForm {
  const form = buildSettingsForm(
    {
      schema: { type: 'object', required: ['field'], properties: { field: c.property } },
      uischema: {
        type: 'VerticalLayout',
        elements: [
          {
            type: 'Control',
            scope: '#/properties/field',
            label: LABEL,
            hintText: HINT,
            ...(c.options ? { options: c.options } : {}),
            ...c.rjsf,
          },
        ],
      },
    },
    { audience: 'user' },
  );
  c.adjust?.((form.schema.properties as Record<string, JsonSchema>).field!);
  (form.uiSchema.field as Record<string, unknown>)['ui:help'] = HELP;
  return form;
}

/** Presses Tab until focus is on `target` (Tab must reach it). */
async function tabTo(r: Rendered, target: Element): Promise<void> {
  for (let i = 0; i < 10 && focused(r) !== target; i++) await userEvent.tab();
  expect(focused(r), 'Tab reaches the control').toBe(target);
}

/** Presses Tab until focus leaves `target` (a date input has a stop per part). */
async function tabOut(r: Rendered, target: Element): Promise<void> {
  for (let i = 0; i < 10 && focused(r) === target; i++) await userEvent.tab();
  expect(focused(r)).not.toBe(target);
}

function describedIds(element: Element): string[] {
  const group = element.closest('fieldset.choices');
  return (element.getAttribute('aria-describedby') ?? group?.getAttribute('aria-describedby') ?? '').split(/\s+/);
}

/** Registers the contract's tests for each widget. */
export function widgetContract(cases: readonly WidgetCase[]): void {
  describe.each(cases.map((c) => [c.name, c] as const))('widget contract: %s', (_, c) => {
    afterEach(cleanup);

    it('renders the expected control', () => {
      const r = render({ form: widgetForm(c) });
      const element = control(r, 'field');
      expect(element instanceof HTMLInputElement ? `input[type=${element.type}]` : element.localName).toBe(c.control);
    });

    it('has a visible label tied to the control, and a required marker', () => {
      const r = render({ form: widgetForm(c) });
      const element = control(r, 'field');
      const group = element.closest('fieldset.choices');
      if (group) {
        // A group of checkboxes: the legend names the group; each box has its own label.
        const legend = group.querySelector('legend')!;
        expect(legend.textContent).toContain(LABEL);
        expect(legend.checkVisibility()).toBe(true);
        expect(page.getByRole('group', { name: LABEL }).element()).toBe(group);
        expect(legend.querySelector('.field__required')?.textContent).toBe('* (required)');
        expect((element as HTMLInputElement).labels?.[0]?.textContent).toBeTruthy();
      } else {
        const labels = [...((element as HTMLInputElement).labels ?? [])];
        expect(labels.map((l) => l.textContent?.replace('*', '').trim())).toEqual([LABEL]);
        expect(labels[0]!.checkVisibility()).toBe(true);
        expect(page.getByLabelText(LABEL).element()).toBe(element);
        // The asterisk is decorative; the control itself is required for assistive technology.
        expect(labels[0]!.querySelector('.field__required [aria-hidden="true"]')?.textContent).toBe('*');
        expect((element as HTMLInputElement).required).toBe(true);
      }
    });

    it('shows and announces an error once the form is submitted with invalid input, and points at it', async () => {
      const r = render({ form: widgetForm(c) });
      const element = control(r, 'field');
      expect(errorText(r, 'field')).toBe('');
      expect(element.getAttribute('aria-invalid')).toBeNull();
      await tabTo(r, element);
      if (c.invalidKeys) await userEvent.keyboard(c.invalidKeys);
      await tabOut(r, element);
      // Not on blur (the layout would move under a pointer on its way to a button): on submit.
      expect(errorText(r, 'field')).toBe('');
      expect(r.form.reportValidity()).toBe(false);
      await expect.poll(() => errorText(r, 'field')).toBe(c.error);
      const error = r.root.getElementById(`${ID}__error`)!;
      expect(error.getAttribute('role')).toBe('alert');
      expect(element.getAttribute('aria-invalid')).toBe('true');
      const ids = describedIds(element);
      expect(ids).toEqual(expect.arrayContaining([`${ID}__error`, `${ID}__description`, `${ID}__help`]));
      for (const id of ids) expect(r.root.getElementById(id), id).not.toBeNull();
      expect(r.root.getElementById(`${ID}__description`)?.textContent).toBe(HINT);
      expect(r.root.getElementById(`${ID}__help`)?.textContent).toBe(HELP);
      expect(await axeViolations(r)).toEqual([]);
    });

    it('describes the control by its hint and help before any error', () => {
      const r = render({ form: widgetForm(c) });
      const ids = describedIds(control(r, 'field'));
      expect(ids).toEqual([`${ID}__description`, `${ID}__help`]);
    });

    it('is reached with Tab and changed with the keyboard', async () => {
      const r = render({ form: widgetForm(c) });
      const element = control(r, 'field');
      await tabTo(r, element);
      await userEvent.keyboard(c.keys);
      await expect.poll(() => r.changes.at(-1)?.value).toEqual({ field: c.value });
      expect(r.changes.at(-1)?.valid).toBe(true);
    });

    it('has no axe violations', async () => {
      const r = render({ form: widgetForm(c) });
      expect(await axeViolations(r)).toEqual([]);
    });
  });
}
