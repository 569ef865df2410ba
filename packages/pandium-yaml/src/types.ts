/** One problem found in a PANDIUM.yaml, pointing at the offending key or value. */
export interface Diagnostic {
  /** 1-based; 0 only when there is no file position at all (e.g. an unreadable file). */
  line: number;
  /** 1-based. */
  col: number;
  /** Dotted path of the offending node, e.g. `configs.schema.properties.foo.type`; `''` for the document. */
  path: string;
  message: string;
}

export interface ParseResult {
  /** True when there are no errors (warnings allowed). */
  ok: boolean;
  /** Present only when `ok`. */
  spec?: PandiumSpec;
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

export const SUPPORTED_VERSIONS = ['0.3', '0.4', '1.0'] as const;
export type PandiumVersion = (typeof SUPPORTED_VERSIONS)[number];

/**
 * A validated PANDIUM.yaml. Keys the validator tolerates but does not know (e.g. `name:` inside
 * `schema`, `ui:widget` on a Control) are kept at runtime, so a renderer may still look at them.
 */
export interface PandiumSpec {
  /**
   * Normalised: `version: 1.0` (a YAML number) becomes `'1.0'`; a version not in
   * SUPPORTED_VERSIONS (`0.5`) is kept as written (a warning says so).
   */
  version?: PandiumVersion | (string & {});
  /** `<language>:<version>`, e.g. `node:24`; real files also say just `Node`. */
  base?: string;
  build?: string;
  run: string;
  configs?: ConfigsSection;
  connectors?: string[];
  metadata_schema?: MetadataSchemaSection;
  /** *(ours)* A JSON webhook body must match `schema`, or the webhook answers 422. */
  webhook?: WebhookSection;
  /** *(ours)* App event names this release subscribes to. */
  events?: string[];
  /** *(ours)* Translations of the author's strings, per BCP 47 tag (docs/pandium-yaml-i18n.md). */
  i18n?: I18nSection;
}

/**
 * `i18n`: per locale (a BCP 47 tag such as `de` or `de-AT`), the translated strings of one target.
 * A target is a JSON pointer into `configs.schema` (`#/properties/x`, `#/definitions/d/oneOf/1`,
 * `#` for the schema itself) or into `configs.uischema` (`uischema#/elements/0`).
 */
export type I18nSection = Record<string, Record<string, I18nStrings>>;

/** The strings a target may translate; which ones apply depends on the target (see I18N_FIELDS). */
export interface I18nStrings {
  title?: string;
  description?: string;
  label?: string;
  hintText?: string;
  subtitle?: string;
  text?: string;
}

export interface ConfigsSection {
  schema?: ConfigSchema;
  uischema?: UiSchemaRoot;
}

export interface MetadataSchemaSection {
  /** Full JSON Schema the last stdout JSON of a run is validated against. */
  schema?: Record<string, unknown>;
  uischema?: Record<string, unknown>;
}

export interface WebhookSection {
  schema?: Record<string, unknown>;
}

export interface ConfigSchema {
  type?: 'object';
  properties?: Record<string, PropertySchema>;
  /** Names of properties that must have a value. */
  required?: string[];
  definitions?: Record<string, DefinitionSchema>;
  title?: string;
  description?: string;
}

export const PROPERTY_TYPES = ['boolean', 'integer', 'number', 'string', 'array'] as const;
export type PropertyType = (typeof PROPERTY_TYPES)[number];

export const STRING_FORMATS = ['date', 'time', 'date-time'] as const;
export type StringFormat = (typeof STRING_FORMATS)[number];

export type EnumValue = string | number | boolean;

/** A labelled option of a select. */
export interface OneOfOption {
  title?: string;
  const: EnumValue;
}

export interface PropertySchema {
  /** Absent when the property takes everything from its `$ref`. */
  type?: PropertyType;
  title?: string;
  description?: string;
  default?: unknown;
  /** Plain options of a select (strings), or of a multi-select inside `items`. */
  enum?: EnumValue[];
  /** Labelled options of a select. */
  oneOf?: OneOfOption[];
  /** For `type: array`: the element schema, normally `{type: string, enum: [...]}`. */
  items?: PropertySchema;
  uniqueItems?: boolean;
  /** Unknown formats are tolerated (with a warning) and rendered as plain text. */
  format?: StringFormat | (string & {});
  /** Bounds of integer/number properties (PANDIUM.yaml spells them `min`/`max`). */
  min?: number;
  max?: number;
  /** `#/definitions/<name>`: the options come from that definition (dynamic selectors). */
  $ref?: string;
}

export interface DefinitionSchema extends PropertySchema {
  /** *(ours)* Dependent selector: the options are keyed by the value of this property. */
  dependsOn?: string;
}

export const UI_ELEMENT_TYPES = [
  'Control',
  'MultiSelectControl',
  'Label',
  'Divider',
  'Section',
  'Group',
  'VerticalLayout',
  'HorizontalLayout',
] as const;
export type UiElementType = (typeof UI_ELEMENT_TYPES)[number];

export const LAYOUT_ELEMENT_TYPES = ['VerticalLayout', 'HorizontalLayout', 'Group', 'Section'] as const;
export type LayoutElementType = (typeof LAYOUT_ELEMENT_TYPES)[number];

export interface ControlOptions {
  /** Multi-line text. */
  multi?: boolean;
  /** `false` = full width. */
  trim?: boolean;
}

export interface ControlElement {
  type: 'Control';
  /** `#/properties/<name>`. */
  scope: string;
  label?: string | boolean;
  /** Only shown to the account's administrators, never in the end-user marketplace. */
  admin?: boolean;
  options?: ControlOptions;
  hintText?: string;
  /** rjsf keys found in real files (e.g. `ui:widget: textarea`); tolerated, not part of the format. */
  [rjsfKey: `ui:${string}`]: unknown;
}

/** Multi-select over an array-of-enum property; shows no label (pair it with a Label). */
export interface MultiSelectControlElement {
  type: 'MultiSelectControl';
  scope: string;
  label?: string | boolean;
  admin?: boolean;
  options?: ControlOptions;
  hintText?: string;
}

export interface LabelElement {
  type: 'Label';
  text?: string;
  title?: string;
}

export interface DividerElement {
  type: 'Divider';
}

export interface SectionElement {
  type: 'Section';
  label?: string;
  subtitle?: string;
  hintText?: string;
  /** Normalised to `[]` when absent. */
  elements: UiSchemaElement[];
}

export interface GroupElement {
  type: 'Group';
  label?: string;
  /** Not in the docs, but real files put it there. */
  hintText?: string;
  elements: UiSchemaElement[];
}

export interface VerticalLayoutElement {
  type: 'VerticalLayout';
  elements: UiSchemaElement[];
}

export interface HorizontalLayoutElement {
  type: 'HorizontalLayout';
  elements: UiSchemaElement[];
}

export type LayoutElement = VerticalLayoutElement | HorizontalLayoutElement | GroupElement | SectionElement;

export type UiSchemaElement =
  | ControlElement
  | MultiSelectControlElement
  | LabelElement
  | DividerElement
  | LayoutElement;

/** The root is normally a VerticalLayout; a root without `type` is normalised to one. */
export type UiSchemaRoot = LayoutElement;
