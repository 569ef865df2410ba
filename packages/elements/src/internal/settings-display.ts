/**
 * Settings shown for reading (the install flow's review). Apart from views.ts so that the
 * catalog's first load, which shares views.ts, does not carry it.
 */
import type { SettingsForm } from '@pan/contract';
import { formatList } from './format.ts';
import { msg } from './locale.ts';

/** A settings field's label as the form shows it. */
export function fieldLabel(form: SettingsForm, field: string): string {
  const ui = form.uiSchema[field] as { 'ui:title'?: unknown } | undefined;
  const schema = (form.schema.properties as Record<string, { title?: unknown }> | undefined)?.[field];
  const label = ui?.['ui:title'] ?? schema?.title;
  return typeof label === 'string' && label ? label : field;
}

/** A settings value for reading (option titles instead of raw values, Yes/No, lists joined). */
export function displayValue(form: SettingsForm, field: string, value: unknown): string {
  if (value === undefined || value === null || value === '') return '—';
  if (typeof value === 'boolean') return value ? msg('Yes') : msg('No');
  const schema = (form.schema.properties as Record<string, { oneOf?: { const: unknown; title?: string }[]; items?: { oneOf?: { const: unknown; title?: string }[] } }> | undefined)?.[field];
  const title = (v: unknown, options?: { const: unknown; title?: string }[]) =>
    options?.find((o) => o.const === v)?.title ?? String(v);
  if (Array.isArray(value)) return value.length ? formatList(value.map((v) => title(v, schema?.items?.oneOf))) : '—';

  if (typeof value === 'object') return JSON.stringify(value);
  return title(value, schema?.oneOf);
}

/** The part of a layout node (`uiSchema['ui:options'].layout`) that says whether it shows text. */
interface LayoutText {
  type: string;
  label?: string;
  hint?: string;
  text?: string;
  elements?: LayoutText[];
}

/**
 * Whether a settings form shows anything: a field, or the author's text (a Section's or Group's
 * title or hint, a Label). A form of Sections without Controls is still shown, for its text.
 */
export function formShowsSomething(form: SettingsForm): boolean {
  if (form.fields.length > 0) return true;
  const layout = (form.uiSchema['ui:options'] as { layout?: LayoutText } | undefined)?.layout;
  const shows = (node: LayoutText): boolean =>
    (node.type === 'Label' && !!node.text) ||
    ((node.type === 'Section' || node.type === 'Group') && (!!node.label || !!node.hint)) ||
    (node.elements ?? []).some(shows);
  return layout !== undefined && shows(layout);
}
