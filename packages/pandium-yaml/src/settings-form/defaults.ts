/**
 * The settings a new tenant starts with before the user changes anything: one implementation for
 * the server's install and `pan run`, so a script sees the same `PAN_CFG_*` in both.
 */
import type { ConfigsSection } from '../types.ts';
import type { SettingsForm } from './contract.ts';

/**
 * The defaults of `form`'s fields (those that fit the field, a `$ref` to a static enum included,
 * a dynamic selector without loaded options excluded), then the PANDIUM.yaml `default:` of every
 * property the form does not show (admin-only ones; dynamic selectors excepted: their options come
 * from an init run).
 */
export function settingsDefaults(configs: ConfigsSection | undefined, form: SettingsForm): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(configs?.schema?.properties ?? {})) {
    if (form.fields.includes(name) || property.$ref !== undefined || property.default === undefined) continue;
    out[name] = property.default;
  }
  const formProperties = (form.schema.properties ?? {}) as Record<string, { default?: unknown }>;
  for (const name of form.fields) {
    const fallback = formProperties[name]?.default;
    if (fallback !== undefined) out[name] = fallback;
  }
  return out;
}
