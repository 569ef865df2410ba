/**
 * The settings form an integration's `configs` becomes: one JSON Schema that the browser
 * (rjsf with a no-eval validator) and the server (ajv) both validate with, and the rjsf
 * uiSchema that draws it. Built by `buildSettingsForm` (translate.ts), a pure function.
 */
import type { EnumValue, I18nSection, OneOfOption } from '../types.ts';

/** End users never see admin-only Controls; account administrators do. */
export type Audience = 'user' | 'admin';

/** One definition's options as an init run prints them: plain values or labelled ones. */
export type OptionList = EnumValue[] | OneOfOption[];

/**
 * A tenant's dynamic configs: the last successful init run's stdout, keyed by definition name.
 * A dependent definition (`dependsOn`) maps each parent value to its option list.
 */
export type DynamicOptions = Record<string, OptionList | Record<string, OptionList>>;

export interface BuildSettingsFormOptions {
  audience: Audience;
  /** The tenant's dynamic configs; `null`/absent: no init run has succeeded yet. */
  dynamicOptions?: DynamicOptions | null;
  /** PANDIUM.yaml's `i18n`: the form then carries its translations (`SettingsForm.i18n`). */
  i18n?: I18nSection;
}

/**
 * Per BCP 47 tag, the translated strings of a built form, keyed by JSON pointer into it
 * (`/schema/properties/x/title`, `/uiSchema/ui:options/layout/elements/0/label`).
 */
export type SettingsFormTranslations = Record<string, Record<string, string>>;

/**
 * A JSON Schema object (draft 2019-09 keywords only; no `$ref`, everything inlined). One non-standard
 * keyword: `errorMessage` (a string, as ajv-errors spells it) beside a rule whose failure needs a
 * sentence of its own, e.g. a dynamic field whose options are not loaded. Validators ignore it; error
 * mappers show it instead of the failing keyword's generic message (see `settingsErrorMessage`).
 */
export type JsonSchema = { [keyword: string]: unknown };

/**
 * The layout tree, carried in the root uiSchema as `uiSchema['ui:options'].layout` and drawn by
 * the theme's ObjectFieldTemplate: each Control is where that property's rjsf field goes.
 */
export type LayoutNode =
  | { type: 'VerticalLayout' | 'HorizontalLayout'; elements: LayoutNode[] }
  | { type: 'Section' | 'Group'; label?: string; hint?: string; elements: LayoutNode[] }
  | { type: 'Control'; property: string }
  | { type: 'Label'; text: string }
  | { type: 'Divider' };

/** In a dynamic selector field's `uiSchema[prop]['ui:options'].dynamic`. */
export interface DynamicFieldInfo {
  /** The definition whose options the init run publishes. */
  definition: string;
  /** False until the tenant has options for this definition: the field offers "Load options". */
  loaded: boolean;
  /** Dependent selector: the property whose value picks this field's options. */
  dependsOn?: string;
}

/** `uiSchema[prop]['ui:options']`: only the keys that apply are present. */
export interface FieldUiOptions {
  /** `label: false` on the Control, and every MultiSelectControl: draw no visible label. */
  label?: false;
  /** `options.trim: false` on the Control. */
  fullWidth?: true;
  /** An `admin: true` Control, in the admin audience's form (never in the user's). */
  adminOnly?: true;
  dynamic?: DynamicFieldInfo;
}

export interface SettingsForm {
  /**
   * Validates a whole settings object: `type: object`, only the properties this audience may set
   * (`additionalProperties: false`), bounds as `minimum`/`maximum`, options resolved from the
   * dynamic configs, dependent options as `allOf` of `if`/`then` on the parent's value.
   */
  schema: JsonSchema;
  /** rjsf uiSchema: per property `ui:title`, `ui:description`, `ui:widget`, `ui:options`. */
  uiSchema: { [key: string]: unknown };
  /** The properties the form shows, in layout order. */
  fields: string[];
  /** Dependent selectors: child property -> parent property. */
  dependents: Record<string, string>;
  /** The author's translations (absent when PANDIUM.yaml has none); see `localizeSettingsForm`. */
  i18n?: SettingsFormTranslations;
}

/** One validation failure, named by field (a property name, or `a.b` / `a[2]` inside one). */
export interface SettingsError {
  field: string;
  message: string;
}
