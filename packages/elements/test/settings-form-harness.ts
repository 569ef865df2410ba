/**
 * The one place the <pan-settings-form> tests create the element and reach into its shadow DOM
 * (the form itself renders there, from the lazily loaded @pan/forms).
 */
import axe from 'axe-core';
import { buildSettingsForm, type BuildSettingsFormOptions, type ConfigsSection, type SettingsForm } from '@pan/pandium-yaml';
import { vi } from 'vitest';
import '../src/define.ts';
import type { PanSettingsForm } from '../src/index.ts';
import { cleanup as cleanupShared } from './harness.ts';

export { listen } from './harness.ts';

const mounted: HTMLElement[] = [];

export interface SettingsFixtureOptions {
  form?: SettingsForm | null;
  value?: Record<string, unknown>;
  attributes?: Record<string, string>;
  /** Properties to set before the element is connected. */
  properties?: Partial<Pick<PanSettingsForm, 'serverErrors' | 'disabled' | 'submitLabel' | 'noSubmit' | 'loadingOptions'>>;
  /** Put it inside this element (default: `document.body`). */
  parent?: HTMLElement;
}

/** Creates a `<pan-settings-form>`, appends it and waits until its form is rendered. */
export async function fixture(options: SettingsFixtureOptions = {}): Promise<PanSettingsForm> {
  const el = document.createElement('pan-settings-form');
  for (const [name, value] of Object.entries(options.attributes ?? {})) el.setAttribute(name, value);
  Object.assign(el, options.properties ?? {});
  if (options.value) el.value = options.value;
  if (options.form !== undefined) el.form = options.form;
  (options.parent ?? document.body).append(el);
  if (options.parent && !options.parent.isConnected) document.body.append(options.parent);
  mounted.push(options.parent ?? el);
  await el.updateComplete;
  return el;
}

/** Removes every fixture, listener and spy (call it in `afterEach`). */
export function cleanup(): void {
  for (const el of mounted.splice(0)) el.remove();
  cleanupShared();
  vi.restoreAllMocks();
}

/** `buildSettingsForm` for the end user, as the run API does. */
export function settingsForm(configs: ConfigsSection, options: Partial<BuildSettingsFormOptions> = {}): SettingsForm {
  return buildSettingsForm(configs, { audience: 'user', ...options });
}

export function root(el: PanSettingsForm): ShadowRoot {
  if (!el.shadowRoot) throw new Error('no shadow root');
  return el.shadowRoot;
}

export function part<T extends HTMLElement = HTMLElement>(el: PanSettingsForm, name: string): T | null {
  return root(el).querySelector<T>(`[part~="${name}"]`);
}

const text = (node: Element | null | undefined) => node?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
export { text };

/** A field's control by property name (a checkbox group: its first box). */
export function control<T extends HTMLElement = HTMLElement>(el: PanSettingsForm, name: string): T {
  const id = `pan-settings_${name}`;
  const element = root(el).getElementById(id) ?? root(el).getElementById(`${id}-0`);
  if (!element) throw new Error(`no control for ${name}`);
  return element as T;
}

/** The whole field (label, control, errors) of a property. */
export function field(el: PanSettingsForm, name: string): HTMLElement {
  return control(el, name).closest<HTMLElement>('.field')!;
}

/** The errors shown on a field, as text ('' when none). */
export function errorText(el: PanSettingsForm, name: string): string {
  return text(root(el).getElementById(`pan-settings_${name}__error`));
}

/** The option texts of a select. */
export function optionTexts(el: PanSettingsForm, name: string): string[] {
  return [...control<HTMLSelectElement>(el, name).options].map((o) => o.text);
}

export function focused(el: PanSettingsForm): Element | null {
  return root(el).activeElement;
}

/** axe-core's violations for the element and its shadow root, as readable lines. */
export async function axeViolations(el: Element): Promise<string[]> {
  const results = await axe.run(el, { resultTypes: ['violations'] });
  return results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} -> ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`,
  );
}

/** A promise with its resolve/reject outside (to hold the form module's loading). */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
