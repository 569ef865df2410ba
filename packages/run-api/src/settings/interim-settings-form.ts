/**
 * TEMPORARY stand-in for `buildSettingsForm` (@pan/pandium-yaml) and `validateSettings`
 * (./validate-settings.ts), which are being written in parallel. Only `tenant-settings.ts`
 * imports this file; it is deleted when the real ones land.
 */
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';
import type {
  BuildSettingsFormOptions,
  ConfigsSection,
  DefinitionSchema,
  JsonSchema,
  OptionList,
  PropertySchema,
  SettingsError,
  SettingsForm,
  UiSchemaElement,
} from '@pan/pandium-yaml';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2019) => void;

export function buildSettingsForm(configs: ConfigsSection | undefined, options: BuildSettingsFormOptions): SettingsForm {
  const schema = configs?.schema ?? {};
  const fields: string[] = [];
  const walk = (element: UiSchemaElement) => {
    if (element.type === 'Control' || element.type === 'MultiSelectControl') {
      if (element.admin && options.audience === 'user') return;
      const name = element.scope.replace(/^#\/properties\//, '');
      if (!fields.includes(name)) fields.push(name);
      return;
    }
    if ('elements' in element) for (const child of element.elements ?? []) walk(child);
  };
  if (configs?.uischema) walk(configs.uischema);

  const properties: Record<string, JsonSchema> = {};
  const uiSchema: Record<string, unknown> = {};
  const dependents: Record<string, string> = {};
  const allOf: JsonSchema[] = [];
  const unloaded = new Set<string>();
  for (const name of fields) {
    const property = schema.properties?.[name] ?? {};
    const defName = property.$ref?.replace(/^#\/definitions\//, '');
    const definition: DefinitionSchema | undefined = defName ? schema.definitions?.[defName] : undefined;
    const base = { ...definition, ...property } as PropertySchema & { dependsOn?: string };
    const out: JsonSchema = {};
    if (base.type) out.type = base.type;
    if (base.min !== undefined) out.minimum = base.min;
    if (base.max !== undefined) out.maximum = base.max;
    if (base.format) out.format = base.format;
    if (base.type === 'array') {
      out.uniqueItems = base.uniqueItems ?? false;
      if (base.items) out.items = { type: base.items.type ?? 'string', ...(base.items.enum ? { enum: base.items.enum } : {}) };
    }
    if (defName) {
      const list = options_(options.dynamicOptions?.[defName]);
      const parent = definition?.dependsOn;
      if (parent) {
        dependents[name] = parent;
        const map = options.dynamicOptions?.[defName];
        if (!map || Array.isArray(map)) {
          unloaded.add(name);
          out.not = {};
        }
        else {
          for (const [value, list] of Object.entries(map)) {
            allOf.push({
              if: { properties: { [parent]: { const: value } }, required: [parent] },
              then: { properties: { [name]: { enum: values(list as OptionList) } } },
            });
          }
          allOf.push({
            if: { not: { properties: { [parent]: { enum: Object.keys(map) } }, required: [parent] } },
            then: { properties: { [name]: false } },
          });
        }
      } else if (list) {
        out.enum = values(list);
      } else {
        unloaded.add(name);
        out.not = {};
      }
      uiSchema[name] = { 'ui:options': { dynamic: { definition: defName, loaded: !unloaded.has(name), ...(parent ? { dependsOn: parent } : {}) } } };
    } else {
      if (base.enum) out.enum = base.enum;
      if (base.oneOf) out.enum = base.oneOf.map((o) => o.const);
    }
    if (base.default !== undefined) out.default = base.default;
    properties[name] = out;
  }
  return {
    schema: {
      type: 'object',
      additionalProperties: false,
      properties,
      required: (schema.required ?? []).filter((r) => fields.includes(r) && !unloaded.has(r)),
      ...(allOf.length ? { allOf } : {}),
    },
    uiSchema,
    fields,
    dependents,
  };
}

function options_(raw: unknown): OptionList | undefined {
  return Array.isArray(raw) ? (raw as OptionList) : undefined;
}
function values(list: OptionList): unknown[] {
  return list.map((o) => (typeof o === 'object' && o !== null ? o.const : o));
}

const ajv = new Ajv2019({ allErrors: true, strict: false });
addFormats(ajv);

export function validateSettings(form: SettingsForm, value: unknown): SettingsError[] {
  const validate = ajv.compile(form.schema);
  if (validate(value)) return [];
  const errors: SettingsError[] = [];
  for (const e of validate.errors ?? []) {
    if (e.keyword === 'if') continue;
    const path = e.instancePath.split('/').slice(1).map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '');
    const field = e.keyword === 'additionalProperties' ? (e.params as { additionalProperty: string }).additionalProperty
      : e.keyword === 'required' ? (e.params as { missingProperty: string }).missingProperty
      : path;
    const message = e.keyword === 'additionalProperties' ? 'is not a setting of this integration' : e.message ?? 'is invalid';
    if (!errors.some((x) => x.field === field && x.message === message)) errors.push({ field, message });
  }
  return errors;
}
