/**
 * A tenant's settings as the end user sees and saves them: the form for audience `user` built
 * from the release's `configs` and the tenant's dynamic options, server-side validation, and
 * how a save merges into what is stored (admin-only values stay).
 */
import { buildSettingsForm, settingsDefaults, type DynamicOptions, type PandiumSpec, type SettingsError, type SettingsForm } from '@pan/pandium-yaml';
import { validateSettings } from './validate-settings.ts';

export type Configs = Record<string, unknown>;

export type SettingsOutcome = { ok: true; configs: Configs } | { ok: false; errors: SettingsError[] };

/** The form an end user fills in for this release, with the tenant's dynamic options (null: no init run yet). */
export function userSettingsForm(spec: PandiumSpec, dynamicConfigs: Record<string, unknown> | null): SettingsForm {
  // The translations ride along for the element; validation uses `schema` only, untranslated.
  return buildSettingsForm(spec.configs ?? {}, {
    audience: 'user',
    dynamicOptions: (dynamicConfigs as DynamicOptions | null) ?? null,
    ...(spec.i18n ? { i18n: spec.i18n } : {}),
  });
}

/** What an end user may see of the stored configs: only the fields of their form (never admin-only values). */
export function visibleConfigs(form: SettingsForm, stored: Configs): Configs {
  return Object.fromEntries(form.fields.filter((f) => Object.hasOwn(stored, f)).map((f) => [f, stored[f]]));
}

/**
 * Settings of a new tenant: `settingsDefaults` (the user form's defaults, which fit their field,
 * and the PANDIUM.yaml defaults of properties the user does not see; `pan run` starts from the
 * same), then the user's values, which must pass the user form. A dynamic selector without
 * options is never required (see `buildSettingsForm`), so a tenant can be installed before the
 * init run that loads them.
 */
export function settingsOnInstall(spec: PandiumSpec, form: SettingsForm, submitted: Configs): SettingsOutcome {
  const defaults = settingsDefaults(spec.configs, form);
  const userValue: Configs = { ...Object.fromEntries(form.fields.filter((f) => Object.hasOwn(defaults, f)).map((f) => [f, defaults[f]])), ...submitted };
  const errors = validateSettings(form, userValue);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, configs: { ...defaults, ...userValue } };
}

/**
 * A user's save: the submitted object is the whole user form (its fields replace the stored ones,
 * a field left out is cleared); whatever the user cannot see (admin-only values) is kept.
 */
export function settingsOnSave(form: SettingsForm, stored: Configs, submitted: Configs): SettingsOutcome {
  const errors = validateSettings(form, submitted);
  if (errors.length > 0) return { ok: false, errors };
  const kept = Object.fromEntries(Object.entries(stored).filter(([name]) => !form.fields.includes(name)));
  return { ok: true, configs: { ...kept, ...submitted } };
}

