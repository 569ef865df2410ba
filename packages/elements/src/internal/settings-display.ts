/**
 * Settings shown for reading (the install flow's review). Apart from views.ts so that the
 * catalog's first load, which shares views.ts, does not carry it.
 */
import type { SettingsForm } from '@pan/contract';

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
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  const schema = (form.schema.properties as Record<string, { oneOf?: { const: unknown; title?: string }[]; items?: { oneOf?: { const: unknown; title?: string }[] } }> | undefined)?.[field];
  const title = (v: unknown, options?: { const: unknown; title?: string }[]) =>
    options?.find((o) => o.const === v)?.title ?? String(v);
  if (Array.isArray(value)) return value.length ? value.map((v) => title(v, schema?.items?.oneOf)).join(', ') : '—';
  if (typeof value === 'object') return JSON.stringify(value);
  return title(value, schema?.oneOf);
}
