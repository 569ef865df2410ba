import type { SettingsForm } from '@pan/run-api/contract';
import { PanApiError } from './api-client.ts';

/** What to tell the user about a failed call, in plain words (the server's message when it is meant for them). */
export function describeError(error: unknown, notFound = 'This is not available any more.'): string {
  if (!(error instanceof PanApiError)) return 'Something went wrong. Please try again.';
  if (error.tokenExpired || error.status === 401) return 'Your session has expired. Please sign in again.';
  if (error.status === 0) return 'The marketplace could not be reached. Check your connection and retry.';
  if (error.status === 404) return notFound;
  if (error.status >= 500) return 'Something went wrong on our side. Please try again.';
  return error.message;
}

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
