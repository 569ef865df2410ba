/**
 * A tenant's settings as the end user sees and saves them: the form for audience `user` built
 * from the release's `configs` and the tenant's dynamic options, server-side validation, and
 * how a save merges into what is stored (admin-only values stay).
 */
import type { DynamicOptions, PandiumSpec, SettingsError, SettingsForm } from '@pan/pandium-yaml';
import { buildSettingsForm, validateSettings } from './interim-settings-form.ts';

export type Configs = Record<string, unknown>;

export type SettingsOutcome = { ok: true; configs: Configs } | { ok: false; errors: SettingsError[] };

/** The form an end user fills in for this release, with the tenant's dynamic options (null: no init run yet). */
export function userSettingsForm(spec: PandiumSpec, dynamicConfigs: Record<string, unknown> | null): SettingsForm {
  return buildSettingsForm(spec.configs ?? {}, { audience: 'user', dynamicOptions: (dynamicConfigs as DynamicOptions | null) ?? null });
}

/** What an end user may see of the stored configs: only the fields of their form (never admin-only values). */
export function visibleConfigs(form: SettingsForm, stored: Configs): Configs {
  return Object.fromEntries(form.fields.filter((f) => Object.hasOwn(stored, f)).map((f) => [f, stored[f]]));
}

/**
 * Settings of a new tenant: the defaults of the user's form (which keeps only defaults that fit
 * their field), the PANDIUM.yaml defaults of properties the user does not see (admin-only ones;
 * dynamic selectors excluded, their options are not loaded yet), then the user's values, which
 * must pass the user form.
 */
export function settingsOnInstall(spec: PandiumSpec, form: SettingsForm, submitted: Configs): SettingsOutcome {
  const hiddenDefaults: Configs = {};
  for (const [name, property] of Object.entries(spec.configs?.schema?.properties ?? {})) {
    if (form.fields.includes(name) || property.$ref !== undefined || property.default === undefined) continue;
    hiddenDefaults[name] = property.default;
  }
  const formProperties = (form.schema.properties ?? {}) as Record<string, { default?: unknown }>;
  const userDefaults: Configs = {};
  for (const name of form.fields) {
    const fallback = formProperties[name]?.default;
    if (fallback !== undefined) userDefaults[name] = fallback;
  }
  const userValue: Configs = { ...userDefaults, ...submitted };
  const errors = validate(form, userValue);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, configs: { ...hiddenDefaults, ...userValue } };
}

/**
 * A user's save: the submitted object is the whole user form (its fields replace the stored ones,
 * a field left out is cleared); whatever the user cannot see (admin-only values) is kept.
 */
export function settingsOnSave(form: SettingsForm, stored: Configs, submitted: Configs): SettingsOutcome {
  const errors = validate(form, submitted);
  if (errors.length > 0) return { ok: false, errors };
  const kept = Object.fromEntries(Object.entries(stored).filter(([name]) => !form.fields.includes(name)));
  return { ok: true, configs: { ...kept, ...submitted } };
}

/**
 * The form's own validation, except that a required dynamic selector whose options are not loaded
 * yet may stay empty: the install queues the init run that loads them, and the user picks later.
 */
function validate(form: SettingsForm, value: Configs): SettingsError[] {
  const unloaded = form.fields.filter((f) => dynamicInfo(form, f)?.loaded === false);
  const required = Array.isArray(form.schema.required) ? (form.schema.required as string[]) : [];
  const schema = unloaded.some((f) => required.includes(f))
    ? { ...form.schema, required: required.filter((f) => !unloaded.includes(f)) }
    : form.schema;
  return validateSettings(schema === form.schema ? form : { ...form, schema }, value);
}

function dynamicInfo(form: SettingsForm, field: string): { loaded?: boolean } | undefined {
  const ui = form.uiSchema[field] as { 'ui:options'?: { dynamic?: { loaded?: boolean } } } | undefined;
  return ui?.['ui:options']?.dynamic;
}
