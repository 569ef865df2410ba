/**
 * The one place the @pan/forms browser tests create a shadow root, render the form into it and
 * reach into it.
 */
import axe from 'axe-core';
import { vi } from 'vitest';
import { renderSettingsForm, type SettingsFormController } from '../render.tsx';
import type { SettingsFormProps, SettingsValue } from '../SettingsForm.tsx';

export interface Rendered {
  host: HTMLElement;
  root: ShadowRoot;
  container: HTMLElement;
  form: SettingsFormController;
  /** Every `onChange` call, in order. */
  changes: Array<{ value: SettingsValue; valid: boolean }>;
  submits: SettingsValue[];
  loads: Array<{ definition: string; field: string }>;
  /** Re-renders with these props merged over the last ones. */
  update(props: Partial<SettingsFormProps>): void;
}

const hosts: Rendered[] = [];

/** Renders a settings form into a fresh shadow root on the page. */
export function render(props: Omit<SettingsFormProps, 'value'> & { value?: SettingsValue }): Rendered {
  const host = document.createElement('div');
  document.body.append(host);
  const root = host.attachShadow({ mode: 'open' });
  const container = document.createElement('div');
  root.append(container);
  const changes: Rendered['changes'] = [];
  const submits: SettingsValue[] = [];
  const loads: Rendered['loads'] = [];
  let last: SettingsFormProps = {
    value: {},
    ...props,
    onChange: (value, valid) => {
      changes.push({ value, valid });
      props.onChange?.(value, valid);
    },
    onSubmit: (value) => {
      submits.push(value);
      props.onSubmit?.(value);
    },
    onLoadOptions: (definition, field) => {
      loads.push({ definition, field });
      props.onLoadOptions?.(definition, field);
    },
  };
  const form = renderSettingsForm(container, last);
  const rendered: Rendered = {
    host,
    root,
    container,
    form,
    changes,
    submits,
    loads,
    update(next) {
      last = { ...last, ...next };
      form.update(last);
    },
  };
  hosts.push(rendered);
  return rendered;
}

/** Unmounts and removes every rendered form (call it in `afterEach`). */
export function cleanup(): void {
  for (const { form, host } of hosts.splice(0)) {
    form.unmount();
    host.remove();
  }
  vi.restoreAllMocks();
}

const text = (node: Element | null | undefined) => node?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
export { text };

/** The control of a field by its property name (`pan-settings_<name>`), or its first option. */
export function control<T extends HTMLElement = HTMLElement>(r: Rendered, name: string): T {
  const id = `pan-settings_${name}`;
  const element = r.root.getElementById(id) ?? r.root.getElementById(`${id}-0`);
  if (!element) throw new Error(`no control for ${name}`);
  return element as T;
}

/** The field wrapper (`.field`) of a property. */
export function field(r: Rendered, name: string): HTMLElement {
  const element = control(r, name).closest<HTMLElement>('.field');
  if (!element) throw new Error(`no field for ${name}`);
  return element;
}

/** The error text shown for a property ('' when none). */
export function errorText(r: Rendered, name: string): string {
  return text(r.root.getElementById(`pan-settings_${name}__error`));
}

/** The element focused inside the shadow root. */
export function focused(r: Rendered): Element | null {
  return r.root.activeElement;
}

/** axe-core's violations inside the shadow root, as readable lines. */
export async function axeViolations(r: Rendered): Promise<string[]> {
  const results = await axe.run(r.host, { resultTypes: ['violations'] });
  return results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} -> ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`,
  );
}
