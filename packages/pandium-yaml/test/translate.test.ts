import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  buildSettingsForm,
  clearInvalidDependents,
  dependentOptions,
  parsePandiumYaml,
  settingsDefaults,
  type BuildSettingsFormOptions,
  type ConfigsSection,
  type DynamicOptions,
  type LayoutNode,
  type SettingsForm,
} from '../src/index.ts';

const fixturesDir = fileURLToPath(new URL('./fixtures/', import.meta.url));

type Element = Record<string, unknown>;

/** A Control for `name`, with extra keys. */
function control(name: string, extra: Element = {}): Element {
  return { type: 'Control', scope: `#/properties/${name}`, ...extra };
}

/** configs from properties (JSON-Schema-like) and uischema elements (default: a Control each). */
function configs(
  properties: Record<string, unknown>,
  elements: Element[] = Object.keys(properties).map((name) => control(name)),
  schemaExtra: Record<string, unknown> = {},
): ConfigsSection {
  return {
    schema: { type: 'object', properties, ...schemaExtra },
    uischema: { type: 'VerticalLayout', elements },
  } as unknown as ConfigsSection;
}

function build(section: ConfigsSection | undefined, options: Partial<BuildSettingsFormOptions> = {}): SettingsForm {
  return buildSettingsForm(section, { audience: 'user', ...options });
}

function propertySchema(form: SettingsForm, name: string): Record<string, unknown> | undefined {
  return (form.schema.properties as Record<string, Record<string, unknown>>)[name];
}

function layoutOf(form: SettingsForm): LayoutNode {
  return (form.uiSchema['ui:options'] as { layout: LayoutNode }).layout;
}

function controlsIn(node: LayoutNode): string[] {
  if (node.type === 'Control') return [node.property];
  return 'elements' in node ? node.elements.flatMap(controlsIn) : [];
}

interface FieldRow {
  name: string;
  configs: ConfigsSection;
  options?: Partial<BuildSettingsFormOptions>;
  /** The field checked; default `f`. */
  field?: string;
  /** Expected `schema.properties[field]`, exactly. */
  schema?: Record<string, unknown>;
  /** Expected `uiSchema[field]`, exactly. */
  ui?: Record<string, unknown>;
}

const FIELD_ROWS: FieldRow[] = [
  // Control
  {
    name: 'label -> ui:title and title',
    configs: configs({ f: { type: 'string' } }, [control('f', { label: 'First name' })]),
    schema: { type: 'string', title: 'First name' },
    ui: { 'ui:title': 'First name' },
  },
  {
    name: 'no label: the property title',
    configs: configs({ f: { type: 'string', title: 'From the schema' } }),
    schema: { type: 'string', title: 'From the schema' },
    ui: { 'ui:title': 'From the schema' },
  },
  {
    name: 'no label, no title: the name, humanised',
    configs: configs({ s3_bucketName: { type: 'string' } }),
    field: 's3_bucketName',
    ui: { 'ui:title': 'S3 bucket name' },
  },
  {
    name: '`label: false` hides the label',
    configs: configs({ f: { type: 'string' } }, [control('f', { label: false })]),
    ui: { 'ui:title': 'F', 'ui:options': { label: false } },
  },
  {
    name: 'JSON Forms `label: {text, show: false}`',
    configs: configs({ f: { type: 'string' } }, [control('f', { label: { text: 'Hidden', show: false } })]),
    ui: { 'ui:title': 'F', 'ui:options': { label: false } },
  },
  {
    name: '`options.multi` -> textarea',
    configs: configs({ f: { type: 'string' } }, [control('f', { label: 'Note', options: { multi: true } })]),
    ui: { 'ui:title': 'Note', 'ui:widget': 'textarea' },
  },
  {
    name: 'rjsf `ui:widget: textarea` on a Control is honoured',
    configs: configs({ f: { type: 'string' } }, [control('f', { 'ui:widget': 'textarea' })]),
    ui: { 'ui:title': 'F', 'ui:widget': 'textarea' },
  },
  {
    name: '`ui:widget: password` and `ui:placeholder` are honoured',
    configs: configs({ f: { type: 'string' } }, [control('f', { 'ui:widget': 'password', 'ui:placeholder': 'secret' })]),
    ui: { 'ui:title': 'F', 'ui:widget': 'password', 'ui:placeholder': 'secret' },
  },
  {
    name: 'an rjsf widget that does not fit the field is ignored',
    configs: configs({ f: { type: 'boolean' } }, [control('f', { 'ui:widget': 'textarea', options: { multi: true } })]),
    ui: { 'ui:title': 'F' },
  },
  {
    name: 'an unknown rjsf widget is ignored',
    configs: configs({ f: { type: 'string' } }, [control('f', { 'ui:widget': 'my-custom' })]),
    ui: { 'ui:title': 'F' },
  },
  {
    name: '`options.multi` on a select stays a select',
    configs: configs({ f: { type: 'string', enum: ['a'] } }, [control('f', { options: { multi: true } })]),
    ui: { 'ui:title': 'F' },
  },
  {
    name: '`options.trim: false` -> full width',
    configs: configs({ f: { type: 'string' } }, [control('f', { options: { trim: false } })]),
    ui: { 'ui:title': 'F', 'ui:options': { fullWidth: true } },
  },
  {
    name: '`hintText` -> ui:description',
    configs: configs({ f: { type: 'string' } }, [control('f', { hintText: 'The bucket that holds the file' })]),
    ui: { 'ui:title': 'F', 'ui:description': 'The bucket that holds the file' },
  },
  {
    name: '`admin: true` for an admin: present and marked',
    configs: configs({ f: { type: 'string' } }, [control('f', { admin: true })]),
    options: { audience: 'admin' },
    schema: { type: 'string', title: 'F' },
    ui: { 'ui:title': 'F', 'ui:options': { adminOnly: true } },
  },
  {
    name: 'a property description is kept',
    configs: configs({ f: { type: 'string', description: 'Shown under the label' } }),
    schema: { type: 'string', title: 'F', description: 'Shown under the label' },
  },
  // Types
  { name: 'boolean', configs: configs({ f: { type: 'boolean' } }), schema: { type: 'boolean', title: 'F' } },
  {
    name: 'integer `min`/`max` -> minimum/maximum',
    configs: configs({ f: { type: 'integer', min: 1, max: 100 } }),
    schema: { type: 'integer', title: 'F', minimum: 1, maximum: 100 },
  },
  {
    name: 'number `min`/`max` -> minimum/maximum',
    configs: configs({ f: { type: 'number', min: 0.5, max: 2.5 } }),
    schema: { type: 'number', title: 'F', minimum: 0.5, maximum: 2.5 },
  },
  {
    name: 'bounds spelled `minimum`/`maximum` are honoured too',
    configs: configs({ f: { type: 'integer', minimum: 0, maximum: 9 } }),
    schema: { type: 'integer', title: 'F', minimum: 0, maximum: 9 },
  },
  {
    name: 'bounds on a string mean nothing',
    configs: configs({ f: { type: 'string', min: 1 } }),
    schema: { type: 'string', title: 'F' },
  },
  {
    name: 'no type: a string',
    configs: configs({ f: { title: 'Anything' } }),
    schema: { type: 'string', title: 'Anything' },
  },
  {
    name: 'format date',
    configs: configs({ f: { type: 'string', format: 'date' } }),
    schema: { type: 'string', title: 'F', format: 'date' },
  },
  {
    name: 'format date-time, with a pattern that makes both validators agree on the offset',
    configs: configs({ f: { type: 'string', format: 'date-time' } }),
    schema: { type: 'string', title: 'F', format: 'date-time', pattern: '(?:[Zz]|[+-][0-9]{2}:[0-9]{2})$' },
  },
  {
    name: 'format time -> a pattern (no time zone) and the time widget',
    configs: configs({ f: { type: 'string', format: 'time' } }),
    schema: { type: 'string', title: 'F', pattern: '^(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?$' },
    ui: { 'ui:title': 'F', 'ui:widget': 'time' },
  },
  {
    name: 'an unknown format is dropped (plain text)',
    configs: configs({ f: { type: 'string', format: 'email' } }),
    schema: { type: 'string', title: 'F' },
  },
  {
    name: 'minLength, maxLength, pattern',
    configs: configs({ f: { type: 'string', minLength: 2, maxLength: 5, pattern: '^[a-z]+$' } }),
    schema: { type: 'string', title: 'F', minLength: 2, maxLength: 5, pattern: '^[a-z]+$' },
  },
  {
    name: 'a pattern that is not a regular expression is dropped',
    configs: configs({ f: { type: 'string', pattern: '([a-z' } }),
    schema: { type: 'string', title: 'F' },
  },
  {
    name: 'enum',
    configs: configs({ f: { type: 'string', enum: ['a', 'b'] } }),
    schema: { type: 'string', title: 'F', enum: ['a', 'b'] },
  },
  {
    name: 'enum of integers with no type',
    configs: configs({ f: { enum: [10, 20] } }),
    schema: { type: 'integer', title: 'F', enum: [10, 20] },
  },
  {
    name: 'oneOf with title/const; a missing title is the value',
    configs: configs({ f: { type: 'string', oneOf: [{ title: 'Ada', const: 'u1' }, { const: 'u2' }] } }),
    schema: { type: 'string', title: 'F', oneOf: [{ const: 'u1', title: 'Ada' }, { const: 'u2', title: 'u2' }] },
  },
  {
    name: 'MultiSelectControl -> checkboxes, no visible label',
    configs: configs({ f: { type: 'array', uniqueItems: true, items: { type: 'string', enum: ['x', 'y'] } } }, [
      { type: 'MultiSelectControl', scope: '#/properties/f' },
    ]),
    schema: { type: 'array', items: { type: 'string', enum: ['x', 'y'] }, title: 'F', uniqueItems: true },
    ui: { 'ui:title': 'F', 'ui:widget': 'checkboxes', 'ui:options': { label: false } },
  },
  {
    name: 'a Control on an array of enum -> checkboxes too',
    configs: configs({ f: { type: 'array', uniqueItems: true, items: { type: 'string', enum: ['x'] } } }),
    ui: { 'ui:title': 'F', 'ui:widget': 'checkboxes' },
  },
  {
    name: 'a required multi-select needs one option',
    configs: configs({ f: { type: 'array', uniqueItems: true, items: { enum: ['x'] } } }, undefined, { required: ['f'] }),
    schema: { type: 'array', items: { type: 'string', enum: ['x'] }, title: 'F', uniqueItems: true, minItems: 1 },
  },
  {
    name: 'an array of free strings',
    configs: configs({ f: { type: 'array', items: { type: 'string' } } }),
    schema: { type: 'array', items: { type: 'string' }, title: 'F' },
    ui: { 'ui:title': 'F' },
  },
  // Defaults
  {
    name: 'default kept',
    configs: configs({ f: { type: 'integer', default: 20, min: 1 } }),
    schema: { type: 'integer', title: 'F', minimum: 1, default: 20 },
  },
  {
    name: 'a default of the wrong type is dropped',
    configs: configs({ f: { type: 'integer', default: 'twenty' } }),
    schema: { type: 'integer', title: 'F' },
  },
  {
    name: 'a default out of bounds is dropped',
    configs: configs({ f: { type: 'integer', default: 0, min: 1 } }),
    schema: { type: 'integer', title: 'F', minimum: 1 },
  },
  {
    name: 'a default not among the options is dropped',
    configs: configs({ f: { type: 'string', enum: ['a'], default: 'b' } }),
    schema: { type: 'string', title: 'F', enum: ['a'] },
  },
  {
    name: 'a multi-select default',
    configs: configs({ f: { type: 'array', uniqueItems: true, items: { enum: ['a', 'b'] }, default: ['b'] } }),
    schema: { type: 'array', items: { type: 'string', enum: ['a', 'b'] }, title: 'F', uniqueItems: true, default: ['b'] },
  },
  // $ref
  {
    name: '`$ref` to a static definition is inlined; the property default stays',
    configs: configs(
      { f: { $ref: '#/definitions/levels', default: 'info' } },
      undefined,
      { definitions: { levels: { type: 'string', enum: ['error', 'info'] } } },
    ),
    schema: { type: 'string', enum: ['error', 'info'], title: 'F', default: 'info' },
    ui: { 'ui:title': 'F' },
  },
  {
    name: 'a `$ref` to a missing definition: a plain field',
    configs: configs({ f: { type: 'string', $ref: '#/definitions/nope' } }),
    schema: { type: 'string', title: 'F' },
  },
  {
    name: 'an array whose `$ref` holds the options',
    configs: configs({ f: { type: 'array', $ref: '#/definitions/colours' } }, undefined, {
      definitions: { colours: { enum: ['red', 'blue'] } },
    }),
    schema: { type: 'array', items: { type: 'string', enum: ['red', 'blue'] }, title: 'F', uniqueItems: true },
  },
];

describe('buildSettingsForm: one field per feature', () => {
  it.each(FIELD_ROWS.map((row) => [row.name, row] as const))('%s', (_, row) => {
    const form = build(row.configs, row.options);
    const field = row.field ?? 'f';
    expect(form.fields).toEqual([field]);
    if (row.schema) expect(propertySchema(form, field)).toEqual(row.schema);
    if (row.ui) expect(form.uiSchema[field]).toEqual(row.ui);
    expect(JSON.stringify(form)).not.toContain('$ref');
  });
});

describe('buildSettingsForm: the whole schema', () => {
  it('is an object with only the referenced properties and no others allowed', () => {
    const form = build(configs({ shown: { type: 'string' }, unreferenced: { type: 'string' } }, [control('shown')]));
    expect(form.schema).toEqual({
      type: 'object',
      properties: { shown: { type: 'string', title: 'Shown' } },
      additionalProperties: false,
    });
    expect(form.fields).toEqual(['shown']);
    expect(form.uiSchema).not.toHaveProperty('unreferenced');
    expect(form.uiSchema['ui:order']).toEqual(['shown']);
    expect(form.dependents).toEqual({});
  });

  it('requires only the properties the audience sees', () => {
    const section = configs(
      { a: { type: 'string' }, b: { type: 'string' }, hidden: { type: 'string' }, unreferenced: { type: 'string' } },
      [control('a'), control('b'), control('hidden', { admin: true })],
      { required: ['a', 'hidden', 'unreferenced'] },
    );
    expect(build(section).schema.required).toEqual(['a']);
    expect(build(section, { audience: 'admin' }).schema.required).toEqual(['a', 'hidden']);
  });

  it('leaves an admin-only Control out of everything an end user gets', () => {
    const section = configs({ a: { type: 'string' }, secret: { type: 'string' } }, [control('a'), control('secret', { admin: true })]);
    const form = build(section);
    expect(form.fields).toEqual(['a']);
    expect(propertySchema(form, 'secret')).toBeUndefined();
    expect(form.uiSchema.secret).toBeUndefined();
    expect(controlsIn(layoutOf(form))).toEqual(['a']);
    expect(build(section, { audience: 'admin' }).fields).toEqual(['a', 'secret']);
  });

  it('ignores stray keys such as `name:` in the schema', () => {
    const section = configs({ a: { type: 'string' } });
    (section.schema as Record<string, unknown>).name = 'node_schema';
    expect(build(section).schema).toEqual({ type: 'object', properties: { a: { type: 'string', title: 'A' } }, additionalProperties: false });
  });

  it('draws a Control seen twice once, at its first place', () => {
    const form = build(configs({ a: { type: 'string' }, b: { type: 'string' } }, [control('a'), control('b'), control('a')]));
    expect(form.fields).toEqual(['a', 'b']);
    expect(controlsIn(layoutOf(form))).toEqual(['a', 'b']);
  });

  it('skips Controls whose scope is malformed or names no property', () => {
    const form = build(
      configs({ a: { type: 'string' } }, [control('a'), control('missing'), { type: 'Control', scope: 'a' }, { type: 'Control' }]),
    );
    expect(form.fields).toEqual(['a']);
  });

  it('keeps a property named `__proto__` an ordinary property', () => {
    const properties = JSON.parse('{"__proto__": {"type": "string"}}') as Record<string, unknown>;
    const form = build(configs(properties, [control('__proto__')]));
    expect(Object.keys(form.schema.properties as object)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(form.schema.properties)).toBe(Object.prototype);
  });

  it('builds an empty form from no configs, or configs without a uischema', () => {
    const empty = { schema: { type: 'object', properties: {}, additionalProperties: false }, fields: [] };
    expect(build(undefined)).toMatchObject(empty);
    expect(build({ schema: { type: 'object', properties: { a: { type: 'string' } } } })).toMatchObject(empty);
    expect(layoutOf(build(undefined))).toEqual({ type: 'VerticalLayout', elements: [] });
  });

  it('is pure: the same input gives the same output and the input is not changed', () => {
    const section = configs({ a: { type: 'string', $ref: '#/definitions/d' } }, undefined, { definitions: { d: { enum: ['placeholder'] } } });
    const before = JSON.stringify(section);
    const dynamicOptions = { d: ['x'] };
    expect(build(section, { dynamicOptions })).toEqual(build(section, { dynamicOptions }));
    expect(JSON.stringify(section)).toBe(before);
  });
});

describe('buildSettingsForm: layout', () => {
  it('carries every element type as a LayoutNode tree', () => {
    const form = build(
      configs({ a: { type: 'string' }, b: { type: 'boolean' }, c: { type: 'integer' } }, [
        { type: 'Label', text: 'Intro' },
        { type: 'Label', title: 'Titled' },
        { type: 'Divider' },
        { type: 'Section', label: 'S3', hintText: 'Where the file is', elements: [control('a')] },
        { type: 'Section', label: 'Sub', subtitle: 'A subtitle wins', hintText: 'over a hint', elements: [] },
        { type: 'Group', label: 'HubSpot', hintText: 'What to create', elements: [{ type: 'HorizontalLayout', elements: [control('b'), control('c')] }] },
      ]),
    );
    expect(layoutOf(form)).toEqual({
      type: 'VerticalLayout',
      elements: [
        { type: 'Label', text: 'Intro' },
        { type: 'Label', text: 'Titled' },
        { type: 'Divider' },
        { type: 'Section', label: 'S3', hint: 'Where the file is', elements: [{ type: 'Control', property: 'a' }] },
        { type: 'Section', label: 'Sub', hint: 'A subtitle wins', elements: [] },
        {
          type: 'Group',
          label: 'HubSpot',
          hint: 'What to create',
          elements: [{ type: 'HorizontalLayout', elements: [{ type: 'Control', property: 'b' }, { type: 'Control', property: 'c' }] }],
        },
      ],
    });
    expect(form.fields).toEqual(['a', 'b', 'c']);
  });

  it('drops a layout whose Controls are all admin-only for users, keeps it for admins', () => {
    const section = configs({ a: { type: 'string' }, secret: { type: 'string' } }, [
      control('a'),
      { type: 'Group', label: 'Admin', elements: [{ type: 'Label', text: 'Careful' }, control('secret', { admin: true })] },
      { type: 'Group', label: 'Words only', elements: [{ type: 'Label', text: 'Hello' }] },
    ]);
    expect(layoutOf(build(section))).toEqual({
      type: 'VerticalLayout',
      elements: [
        { type: 'Control', property: 'a' },
        { type: 'Group', label: 'Words only', elements: [{ type: 'Label', text: 'Hello' }] },
      ],
    });
    expect(controlsIn(layoutOf(build(section, { audience: 'admin' })))).toEqual(['a', 'secret']);
  });

  it('skips a Label without text and elements of unknown type', () => {
    const form = build(configs({ a: { type: 'string' } }, [{ type: 'Label' }, { type: 'Carousel', elements: [] }, control('a')]));
    expect(layoutOf(form)).toEqual({ type: 'VerticalLayout', elements: [{ type: 'Control', property: 'a' }] });
  });

  it('wraps a root that is not a layout in a VerticalLayout', () => {
    const section = { schema: { type: 'object', properties: { a: { type: 'string' } } }, uischema: control('a') } as unknown as ConfigsSection;
    expect(layoutOf(build(section))).toEqual({ type: 'VerticalLayout', elements: [{ type: 'Control', property: 'a' }] });
  });

  it('keeps a HorizontalLayout root', () => {
    const section = configs({ a: { type: 'string' } });
    section.uischema!.type = 'HorizontalLayout';
    expect(layoutOf(build(section)).type).toBe('HorizontalLayout');
  });
});

/** pokemon-of-the-day's shape: a plain dynamic selector and a labelled one, both required. */
const POKEMON = configs(
  {
    pokemon_type: { type: 'string', $ref: '#/definitions/pokemon_types' },
    slack_user: { type: 'string', $ref: '#/definitions/slack_users' },
  },
  undefined,
  {
    required: ['pokemon_type', 'slack_user'],
    definitions: {
      slack_users: { type: 'number', oneOf: [{ title: 'Placeholder', const: 'placeholder' }] },
      pokemon_types: { enum: ['placeholder'] },
    },
  },
);

describe('buildSettingsForm: dynamic selectors', () => {
  it('not loaded: a plain field that refuses every value and is not required', () => {
    const form = build(POKEMON);
    expect(form.schema).toEqual({
      type: 'object',
      properties: {
        pokemon_type: { type: 'string', title: 'Pokemon type', not: {}, errorMessage: 'Options are not loaded yet' },
        slack_user: { type: 'string', title: 'Slack user', not: {}, errorMessage: 'Options are not loaded yet' },
      },
      additionalProperties: false,
    });
    expect(form.uiSchema.pokemon_type).toEqual({
      'ui:title': 'Pokemon type',
      'ui:options': { dynamic: { definition: 'pokemon_types', loaded: false } },
    });
    expect(form.uiSchema.slack_user).toMatchObject({ 'ui:options': { dynamic: { definition: 'slack_users', loaded: false } } });
  });

  it.each([
    ['null', null],
    ['absent', undefined],
    ['a list', ['fire'] as unknown as DynamicOptions],
    ['a string', 'fire' as unknown as DynamicOptions],
  ])('not loaded when the dynamic options are %s', (_, dynamicOptions) => {
    expect(propertySchema(build(POKEMON, { dynamicOptions }), 'pokemon_type')).toHaveProperty('not');
  });

  it('loaded: enum from a list of values, oneOf from a list of {title, const}; required again', () => {
    const form = build(POKEMON, {
      dynamicOptions: { pokemon_types: ['fire', 'grass'], slack_users: [{ title: 'Ada', const: 'U1' }] },
    });
    expect(form.schema.properties).toEqual({
      pokemon_type: { type: 'string', title: 'Pokemon type', enum: ['fire', 'grass'] },
      slack_user: { type: 'string', title: 'Slack user', oneOf: [{ const: 'U1', title: 'Ada' }] },
    });
    expect(form.schema.required).toEqual(['pokemon_type', 'slack_user']);
    expect(form.uiSchema.slack_user).toMatchObject({ 'ui:options': { dynamic: { definition: 'slack_users', loaded: true } } });
  });

  it('loads each definition on its own', () => {
    const form = build(POKEMON, { dynamicOptions: { pokemon_types: ['fire'] } });
    expect(propertySchema(form, 'pokemon_type')).toEqual({ type: 'string', title: 'Pokemon type', enum: ['fire'] });
    expect(propertySchema(form, 'slack_user')).toHaveProperty('not');
    expect(form.schema.required).toEqual(['pokemon_type']);
  });

  it('a map for a definition without `dependsOn` is not loaded', () => {
    const form = build(POKEMON, { dynamicOptions: { pokemon_types: { a: ['fire'] } } });
    expect(propertySchema(form, 'pokemon_type')).toHaveProperty('errorMessage', 'Options are not loaded yet');
    expect(form.uiSchema.pokemon_type).toMatchObject({ 'ui:options': { dynamic: { loaded: false } } });
  });

  it('an empty list: loaded, but nothing can be chosen and nothing is required', () => {
    const form = build(POKEMON, { dynamicOptions: { pokemon_types: [] } });
    expect(propertySchema(form, 'pokemon_type')).toEqual({
      type: 'string',
      title: 'Pokemon type',
      not: {},
      errorMessage: 'There are no options to choose from',
    });
    expect(form.uiSchema.pokemon_type).toMatchObject({ 'ui:options': { dynamic: { loaded: true } } });
    expect(form.schema.required).toBeUndefined();
  });

  it('skips junk and duplicates in a list from stdout', () => {
    const form = build(POKEMON, {
      dynamicOptions: {
        pokemon_types: ['fire', null, Number.NaN, { nested: {} }, ['x'], 'fire', 'grass'] as never,
        slack_users: [{ const: 'U1', title: 'Ada' }, { const: { x: 1 } }, { title: 'no const' }, 'U2', { const: 'U1', title: 'Dup' }] as never,
      },
    });
    expect(propertySchema(form, 'pokemon_type')).toEqual({ type: 'string', title: 'Pokemon type', enum: ['fire', 'grass'] });
    expect(propertySchema(form, 'slack_user')).toEqual({
      type: 'string',
      title: 'Slack user',
      oneOf: [
        { const: 'U1', title: 'Ada' },
        { const: 'U2', title: 'U2' },
      ],
    });
  });

  it('with mixed option types and the property type not fitting: no `type`', () => {
    const form = build(POKEMON, { dynamicOptions: { pokemon_types: ['fire', 3] } });
    expect(propertySchema(form, 'pokemon_type')).toEqual({ title: 'Pokemon type', enum: ['fire', 3] });
  });

  it.each([
    ['the property type wins when the options fit it', { type: 'string' }, ['a'], 'string'],
    ['the options decide when the property type does not fit them', { type: 'string' }, [1, 2], 'integer'],
    ['no property type: the options decide', {}, [1.5], 'number'],
    ['no property type, not loaded: the placeholder decides, not the definition', {}, undefined, 'string'],
    ['the property type, not loaded', { type: 'integer' }, undefined, 'integer'],
    ['booleans', {}, [true, false], 'boolean'],
  ])('type: %s', (_, own, list, type) => {
    const section = configs({ f: { ...own, $ref: '#/definitions/d' } }, undefined, {
      definitions: { d: { type: 'number', oneOf: [{ title: 'P', const: 'placeholder' }] } },
    });
    const form = build(section, { dynamicOptions: list ? { d: list } : {} });
    expect(propertySchema(form, 'f')?.type).toBe(type);
  });

  it('drops a default that is not among the loaded options, and any default while not loaded', () => {
    const section = configs({ f: { type: 'string', $ref: '#/definitions/d', default: 'b' } }, undefined, {
      definitions: { d: { enum: ['placeholder'] } },
    });
    expect(propertySchema(build(section), 'f')).not.toHaveProperty('default');
    expect(propertySchema(build(section, { dynamicOptions: { d: ['a'] } }), 'f')).not.toHaveProperty('default');
    expect(propertySchema(build(section, { dynamicOptions: { d: ['a', 'b'] } }), 'f')).toHaveProperty('default', 'b');
  });

  it('lets an init run replace a static definition too, with no "Load options"', () => {
    const section = configs({ f: { $ref: '#/definitions/levels' } }, undefined, {
      definitions: { levels: { type: 'string', enum: ['error', 'info'] } },
    });
    const form = build(section, { dynamicOptions: { levels: ['debug'] } });
    expect(propertySchema(form, 'f')).toEqual({ type: 'string', title: 'F', enum: ['debug'] });
    expect(form.uiSchema.f).toEqual({ 'ui:title': 'F' });
    expect(propertySchema(build(section, { dynamicOptions: { levels: [] } }), 'f')?.enum).toEqual(['error', 'info']);
  });

  it('does not read inherited keys of the dynamic options', () => {
    const section = configs({ f: { type: 'string', $ref: '#/definitions/constructor' } }, undefined, {
      definitions: { constructor: { enum: ['placeholder'] } },
    });
    expect(propertySchema(build(section, { dynamicOptions: {} }), 'f')).toHaveProperty('not');
  });

  it('a dynamic multi-select: options on the items; not loaded refuses non-empty lists', () => {
    const section = configs(
      { tags: { type: 'array', uniqueItems: true, items: { type: 'string', $ref: '#/definitions/t' } } },
      [{ type: 'MultiSelectControl', scope: '#/properties/tags' }],
      { definitions: { t: { enum: ['placeholder'] } }, required: ['tags'] },
    );
    const notLoaded = build(section);
    expect(propertySchema(notLoaded, 'tags')).toEqual({
      type: 'array',
      items: { type: 'string' },
      title: 'Tags',
      uniqueItems: true,
      maxItems: 0,
      errorMessage: 'Options are not loaded yet',
    });
    expect(notLoaded.schema.required).toBeUndefined();
    const loaded = build(section, { dynamicOptions: { t: ['vip'] } });
    expect(propertySchema(loaded, 'tags')).toEqual({
      type: 'array',
      items: { type: 'string', enum: ['vip'] },
      title: 'Tags',
      uniqueItems: true,
      minItems: 1,
    });
    expect(loaded.uiSchema.tags).toEqual({
      'ui:title': 'Tags',
      'ui:widget': 'checkboxes',
      'ui:options': { label: false, dynamic: { definition: 't', loaded: true } },
    });
  });
});

function foodConfigs(schemaExtra: Record<string, unknown> = {}): ConfigsSection {
  return configs(
    {
      food_type: { type: 'string', $ref: '#/definitions/food_type_options' },
      favorite_food: { type: 'string', $ref: '#/definitions/favorite_food_options' },
    },
    [control('food_type', { label: 'Food type' }), control('favorite_food', { label: 'Favourite food' })],
    {
      definitions: {
        food_type_options: { enum: ['placeholder'] },
        favorite_food_options: { enum: ['placeholder'], dependsOn: 'food_type' },
      },
      ...schemaExtra,
    },
  );
}
const FOOD_OPTIONS: DynamicOptions = {
  food_type_options: ['Sweet', 'Savory', 'Spicy'],
  favorite_food_options: { Sweet: ['Chocolate', 'Caramel'], Savory: ['Chips', 'Pizza'], Unknown: ['Ghost'], Spicy: [] },
};

describe('buildSettingsForm: dependent selectors', () => {
  it('loaded: the child options as if/then on the parent value, and the child refused without them', () => {
    const form = build(foodConfigs(), { dynamicOptions: FOOD_OPTIONS });
    expect(form.dependents).toEqual({ favorite_food: 'food_type' });
    expect(form.uiSchema.favorite_food).toEqual({
      'ui:title': 'Favourite food',
      'ui:options': { dynamic: { definition: 'favorite_food_options', loaded: true, dependsOn: 'food_type' } },
    });
    expect(form.schema).toEqual({
      type: 'object',
      properties: {
        food_type: { type: 'string', title: 'Food type', enum: ['Sweet', 'Savory', 'Spicy'] },
        favorite_food: { type: 'string', title: 'Favourite food' },
      },
      additionalProperties: false,
      allOf: [
        {
          if: { properties: { food_type: { const: 'Sweet' } }, required: ['food_type'] },
          then: { properties: { favorite_food: { enum: ['Chocolate', 'Caramel'] } } },
        },
        {
          if: { properties: { food_type: { const: 'Savory' } }, required: ['food_type'] },
          then: { properties: { favorite_food: { enum: ['Chips', 'Pizza'] } } },
        },
        {
          if: { not: { required: ['food_type'] } },
          then: { properties: { favorite_food: { not: {}, errorMessage: 'Choose "Food type" first' } } },
        },
        {
          if: { properties: { food_type: { not: { enum: ['Sweet', 'Savory'] } } }, required: ['food_type'] },
          then: { properties: { favorite_food: { not: {}, errorMessage: 'There are no options for the chosen "Food type"' } } },
        },
      ],
    });
  });

  it('a required child is required only under a parent value with options', () => {
    const form = build(foodConfigs({ required: ['food_type', 'favorite_food'] }), { dynamicOptions: FOOD_OPTIONS });
    expect(form.schema.required).toEqual(['food_type']);
    const rules = form.schema.allOf as Record<string, Record<string, unknown>>[];
    expect(rules[0]!.then).toEqual({ properties: { favorite_food: { enum: ['Chocolate', 'Caramel'] } }, required: ['favorite_food'] });
    expect(rules[2]!.then).not.toHaveProperty('required');
  });

  it('child not loaded: refuses every value, no rules', () => {
    const cases: DynamicOptions[] = [{ food_type_options: ['Sweet'] }, { food_type_options: ['Sweet'], favorite_food_options: ['Chocolate'] }];
    for (const dynamicOptions of cases) {
      const form = build(foodConfigs(), { dynamicOptions });
      expect(propertySchema(form, 'favorite_food')).toEqual({
        type: 'string',
        title: 'Favourite food',
        not: {},
        errorMessage: 'Options are not loaded yet',
      });
      expect(form.schema.allOf).toBeUndefined();
      expect(form.dependents).toEqual({ favorite_food: 'food_type' });
      expect(form.uiSchema.favorite_food).toMatchObject({ 'ui:options': { dynamic: { loaded: false, dependsOn: 'food_type' } } });
    }
  });

  it('labelled child options and non-string parent values: keys matched to the parent values', () => {
    const section = configs(
      { level: { type: 'integer', enum: [1, 2] }, perk: { $ref: '#/definitions/perks' } },
      undefined,
      { definitions: { perks: { oneOf: [{ const: 'placeholder' }], dependsOn: 'level' } } },
    );
    const form = build(section, { dynamicOptions: { perks: { '1': [{ title: 'Bronze', const: 'b' }], '3': [{ title: 'Gold', const: 'g' }] } } });
    const rules = form.schema.allOf as unknown[];
    expect(rules[0]).toEqual({
      if: { properties: { level: { const: 1 } }, required: ['level'] },
      then: { properties: { perk: { oneOf: [{ const: 'b', title: 'Bronze' }] } } },
    });
    // `3` is not a level: no rule for it.
    expect(rules).toHaveLength(3);
    expect(propertySchema(form, 'perk')).toEqual({ type: 'string', title: 'Perk' });
  });

  it('a free parent: keys converted to its type', () => {
    const section = configs(
      { n: { type: 'number' }, on: { type: 'boolean' }, a: { $ref: '#/definitions/a' }, b: { $ref: '#/definitions/b' } },
      undefined,
      { definitions: { a: { enum: ['placeholder'], dependsOn: 'n' }, b: { enum: ['placeholder'], dependsOn: 'on' } } },
    );
    const form = build(section, { dynamicOptions: { a: { '2.5': ['x'], nope: ['y'] }, b: { true: ['z'] } } });
    const conditions = (form.schema.allOf as { if: Record<string, unknown> }[]).map((rule) => rule.if);
    expect(conditions).toContainEqual({ properties: { n: { const: 2.5 } }, required: ['n'] });
    expect(conditions).toContainEqual({ properties: { on: { const: true } }, required: ['on'] });
    expect(JSON.stringify(conditions)).not.toContain('nope');
  });

  it('a dependent multi-select', () => {
    const section = configs(
      { team: { type: 'string', enum: ['sales'] }, topics: { type: 'array', items: { $ref: '#/definitions/t' } } },
      undefined,
      { definitions: { t: { enum: ['placeholder'], dependsOn: 'team' } } },
    );
    const form = build(section, { dynamicOptions: { t: { sales: ['leads'] } } });
    expect(propertySchema(form, 'topics')).toEqual({ type: 'array', items: { type: 'string' }, title: 'Topics', uniqueItems: true });
    expect(form.schema.allOf).toEqual([
      { if: { properties: { team: { const: 'sales' } }, required: ['team'] }, then: { properties: { topics: { items: { enum: ['leads'] } } } } },
      { if: { not: { required: ['team'] } }, then: { properties: { topics: { maxItems: 0, errorMessage: 'Choose "Team" first' } } } },
      {
        if: { properties: { team: { not: { enum: ['sales'] } } }, required: ['team'] },
        then: { properties: { topics: { maxItems: 0, errorMessage: 'There are no options for the chosen "Team"' } } },
      },
    ]);
  });

  it('no parent value has options: the child is refused once a parent is chosen', () => {
    const form = build(foodConfigs(), { dynamicOptions: { food_type_options: ['Sweet'], favorite_food_options: {} } });
    expect(form.schema.allOf).toEqual([
      { if: { not: { required: ['food_type'] } }, then: { properties: { favorite_food: expect.objectContaining({ not: {} }) } } },
      { if: { required: ['food_type'] }, then: { properties: { favorite_food: expect.objectContaining({ not: {} }) } } },
    ]);
  });

  it('`dependsOn` naming no property (or itself): a plain dynamic selector', () => {
    for (const parent of ['missing', 'favorite_food']) {
      const section = foodConfigs();
      (section.schema!.definitions!.favorite_food_options as Record<string, unknown>).dependsOn = parent;
      const form = build(section, { dynamicOptions: { favorite_food_options: ['Chocolate'] } });
      expect(form.dependents).toEqual({});
      expect(propertySchema(form, 'favorite_food')).toEqual({ type: 'string', title: 'Favourite food', enum: ['Chocolate'] });
    }
  });
});

describe('settingsDefaults (the server install and `pan run` alike)', () => {
  it('takes the default of a $ref to a static enum, of hidden properties, never of a dynamic selector', () => {
    const section: ConfigsSection = {
      schema: {
        type: 'object',
        definitions: { regions: { type: 'string', enum: ['eu', 'us'] }, lists: { type: 'string', enum: ['placeholder'] } },
        properties: {
          region: { type: 'string', $ref: '#/definitions/regions', default: 'us' },
          list: { type: 'string', $ref: '#/definitions/lists', default: 'placeholder' },
          wrong: { type: 'string', enum: ['a'], default: 'b' },
          hidden: { type: 'integer', default: 3 },
          secret: { type: 'string', default: 'admin-only' },
        },
      },
      uischema: {
        type: 'VerticalLayout',
        elements: [control('region'), control('list'), control('wrong'), control('secret', { admin: true })],
      },
    } as unknown as ConfigsSection;
    const form = buildSettingsForm(section, { audience: 'user', dynamicOptions: null });
    expect(settingsDefaults(section, form)).toEqual({ region: 'us', hidden: 3, secret: 'admin-only' });
  });
});

describe('dependentOptions and clearInvalidDependents', () => {
  const form = build(foodConfigs(), { dynamicOptions: FOOD_OPTIONS });

  it('lists the options of a parent value', () => {
    expect(dependentOptions(form, 'favorite_food', 'Savory')).toEqual([
      { const: 'Chips', title: 'Chips' },
      { const: 'Pizza', title: 'Pizza' },
    ]);
    expect(dependentOptions(form, 'favorite_food', 'Spicy')).toEqual([]);
    expect(dependentOptions(form, 'favorite_food', undefined)).toEqual([]);
    expect(dependentOptions(form, 'food_type', 'Sweet')).toBeUndefined();
    expect(dependentOptions(build(foodConfigs()), 'favorite_food', 'Sweet')).toBeUndefined();
  });

  it('keeps a child the parent still allows, returning the same object', () => {
    const value = { food_type: 'Sweet', favorite_food: 'Caramel' };
    expect(clearInvalidDependents(form, value)).toBe(value);
  });

  it.each([
    ['the parent changed', { food_type: 'Savory', favorite_food: 'Caramel' }, { food_type: 'Savory' }],
    ['the parent was cleared', { favorite_food: 'Caramel' }, {}],
    ['the parent has no options', { food_type: 'Spicy', favorite_food: 'Caramel' }, { food_type: 'Spicy' }],
  ])('clears the child when %s, without changing the input', (_, value, expected) => {
    const before = JSON.stringify(value);
    expect(clearInvalidDependents(form, value)).toEqual(expected);
    expect(JSON.stringify(value)).toBe(before);
  });

  it('filters a multi-select child', () => {
    const section = configs(
      { team: { type: 'string', enum: ['sales', 'support'] }, topics: { type: 'array', items: { $ref: '#/definitions/t' } } },
      undefined,
      { definitions: { t: { enum: ['placeholder'], dependsOn: 'team' } } },
    );
    const topics = build(section, { dynamicOptions: { t: { sales: ['leads', 'deals'], support: ['deals', 'tickets'] } } });
    expect(clearInvalidDependents(topics, { team: 'support', topics: ['leads', 'deals'] })).toEqual({ team: 'support', topics: ['deals'] });
  });

  it('follows a chain: clearing a child clears its own child', () => {
    const section = configs(
      { a: { type: 'string', enum: ['x', 'y'] }, b: { $ref: '#/definitions/b' }, c: { $ref: '#/definitions/c' } },
      [control('c'), control('b'), control('a')],
      { definitions: { b: { enum: ['placeholder'], dependsOn: 'a' }, c: { enum: ['placeholder'], dependsOn: 'b' } } },
    );
    const chain = build(section, { dynamicOptions: { b: { x: ['bx'], y: ['by'] }, c: { bx: ['cx'], by: ['cy'] } } });
    expect(clearInvalidDependents(chain, { a: 'y', b: 'bx', c: 'cx' })).toEqual({ a: 'y' });
  });

  it('leaves values alone where it cannot judge', () => {
    const notLoaded = build(foodConfigs());
    const value = { food_type: 'Sweet', favorite_food: 'Caramel' };
    expect(clearInvalidDependents(notLoaded, value)).toBe(value);
    expect(clearInvalidDependents(form, null)).toBeNull();
    expect(clearInvalidDependents(form, 'text')).toBe('text');
  });
});

describe('buildSettingsForm: the real PANDIUM.yaml files render fully', () => {
  const fixtureNames = readdirSync(fixturesDir).filter((name) => name.endsWith('.yaml'));

  function fixtureConfigs(name: string): ConfigsSection {
    const result = parsePandiumYaml(readFileSync(`${fixturesDir}${name}`, 'utf8'));
    expect(result.errors).toEqual([]);
    return result.spec!.configs!;
  }

  /** Every Control the file has, in file order. */
  function scopesIn(element: Record<string, unknown>): string[] {
    if (element.type === 'Control' || element.type === 'MultiSelectControl') return [String(element.scope).slice('#/properties/'.length)];
    return Array.isArray(element.elements) ? element.elements.flatMap((child) => scopesIn(child as Record<string, unknown>)) : [];
  }

  it.each(fixtureNames)('%s: every Control is in the layout, the schema and the uiSchema', (name) => {
    const section = fixtureConfigs(name);
    const form = build(section);
    const scopes = scopesIn(section.uischema as unknown as Record<string, unknown>);
    expect(scopes.length).toBeGreaterThan(0);
    expect(form.fields).toEqual(scopes);
    expect(controlsIn(layoutOf(form))).toEqual(scopes);
    expect(Object.keys(form.schema.properties as object)).toEqual(scopes);
    for (const field of scopes) expect(form.uiSchema[field]).toHaveProperty('ui:title');
    expect(JSON.stringify(form)).not.toContain('$ref');
  });

  it('apollo-hubspot', () => {
    expect(build(fixtureConfigs('apollo-hubspot.yaml'))).toMatchInlineSnapshot(`
      {
        "dependents": {},
        "fields": [
          "log_level",
          "hubspot_records_per_page",
        ],
        "schema": {
          "additionalProperties": false,
          "properties": {
            "hubspot_records_per_page": {
              "default": 20,
              "title": "Hubspot Records Fetched in Each Page",
              "type": "number",
            },
            "log_level": {
              "default": "debug",
              "enum": [
                "error",
                "warn",
                "info",
                "verbose",
                "debug",
              ],
              "title": "Log Level",
              "type": "string",
            },
          },
          "type": "object",
        },
        "uiSchema": {
          "hubspot_records_per_page": {
            "ui:title": "Hubspot Records Fetched in Each Page",
          },
          "log_level": {
            "ui:title": "Log Level",
          },
          "ui:options": {
            "layout": {
              "elements": [
                {
                  "property": "log_level",
                  "type": "Control",
                },
                {
                  "property": "hubspot_records_per_page",
                  "type": "Control",
                },
              ],
              "type": "VerticalLayout",
            },
          },
          "ui:order": [
            "log_level",
            "hubspot_records_per_page",
          ],
        },
      }
    `);
  });

  it('hubspot-to-s3-python', () => {
    expect(build(fixtureConfigs('hubspot-to-s3-python.yaml'))).toMatchInlineSnapshot(`
      {
        "dependents": {},
        "fields": [
          "s3_bucket_name",
          "s3_file_name",
          "make_contact",
          "make_company",
          "note",
          "thoughts",
        ],
        "schema": {
          "additionalProperties": false,
          "properties": {
            "make_company": {
              "title": "Make Company?",
              "type": "boolean",
            },
            "make_contact": {
              "title": "Make Contact?",
              "type": "boolean",
            },
            "note": {
              "title": "Note",
              "type": "string",
            },
            "s3_bucket_name": {
              "title": "S3 Bucket Name",
              "type": "string",
            },
            "s3_file_name": {
              "title": "S3 File Name",
              "type": "string",
            },
            "thoughts": {
              "title": "Thoughts",
              "type": "string",
            },
          },
          "type": "object",
        },
        "uiSchema": {
          "make_company": {
            "ui:title": "Make Company?",
          },
          "make_contact": {
            "ui:title": "Make Contact?",
          },
          "note": {
            "ui:description": "Make Contacts: Creates new contacts or updates existing contacts based on email.
       Make Companies: Creates new companies. (Will create a duplicate if company already exists)",
            "ui:title": "Note",
            "ui:widget": "textarea",
          },
          "s3_bucket_name": {
            "ui:title": "S3 Bucket Name",
          },
          "s3_file_name": {
            "ui:title": "S3 File Name",
          },
          "thoughts": {
            "ui:title": "Thoughts",
          },
          "ui:options": {
            "layout": {
              "elements": [
                {
                  "elements": [
                    {
                      "property": "s3_bucket_name",
                      "type": "Control",
                    },
                    {
                      "property": "s3_file_name",
                      "type": "Control",
                    },
                  ],
                  "hint": "S3 Bucket: The bucket that contains the file wanting to be used.
       S3 File Name: The CSV file path name that contains the data to be used.
       Note: The file path name is the name of the file if not in a folder.",
                  "label": "S3",
                  "type": "Section",
                },
                {
                  "type": "Divider",
                },
                {
                  "elements": [
                    {
                      "property": "make_contact",
                      "type": "Control",
                    },
                    {
                      "property": "make_company",
                      "type": "Control",
                    },
                    {
                      "property": "note",
                      "type": "Control",
                    },
                    {
                      "property": "thoughts",
                      "type": "Control",
                    },
                  ],
                  "label": "HubSpot",
                  "type": "Section",
                },
              ],
              "type": "VerticalLayout",
            },
          },
          "ui:order": [
            "s3_bucket_name",
            "s3_file_name",
            "make_contact",
            "make_company",
            "note",
            "thoughts",
          ],
        },
      }
    `);
  });

  it('hubspot-to-s3-ruby-groups', () => {
    const form = build(fixtureConfigs('hubspot-to-s3-ruby-groups.yaml'));
    expect(propertySchema(form, 's3_region')?.enum).toHaveLength(25);
    (form.schema.properties as Record<string, Record<string, unknown>>).s3_region!.enum = ['… 25 regions'];
    expect(form).toMatchInlineSnapshot(`
      {
        "dependents": {},
        "fields": [
          "s3_bucket_name",
          "s3_file_name",
          "s3_region",
          "make_contact",
          "make_company",
          "note",
        ],
        "schema": {
          "additionalProperties": false,
          "properties": {
            "make_company": {
              "title": "Make Company?",
              "type": "boolean",
            },
            "make_contact": {
              "title": "Make Contact?",
              "type": "boolean",
            },
            "note": {
              "title": "Note",
              "type": "string",
            },
            "s3_bucket_name": {
              "title": "S3 Bucket Name",
              "type": "string",
            },
            "s3_file_name": {
              "title": "S3 File Name",
              "type": "string",
            },
            "s3_region": {
              "enum": [
                "… 25 regions",
              ],
              "title": "Region",
              "type": "string",
            },
          },
          "type": "object",
        },
        "uiSchema": {
          "make_company": {
            "ui:title": "Make Company?",
          },
          "make_contact": {
            "ui:title": "Make Contact?",
          },
          "note": {
            "ui:title": "Note",
            "ui:widget": "textarea",
          },
          "s3_bucket_name": {
            "ui:title": "S3 Bucket Name",
          },
          "s3_file_name": {
            "ui:title": "S3 File Name",
          },
          "s3_region": {
            "ui:title": "Region",
          },
          "ui:options": {
            "layout": {
              "elements": [
                {
                  "elements": [
                    {
                      "property": "s3_bucket_name",
                      "type": "Control",
                    },
                    {
                      "property": "s3_file_name",
                      "type": "Control",
                    },
                    {
                      "property": "s3_region",
                      "type": "Control",
                    },
                  ],
                  "hint": "S3 Bucket: The bucket that contains the file wanting to be used.
       S3 File Name: The CSV file path name that contains the data to be used.
       Note: The file path name is the name of the file if not in a folder.",
                  "label": "S3",
                  "type": "Group",
                },
                {
                  "type": "Divider",
                },
                {
                  "elements": [
                    {
                      "property": "make_contact",
                      "type": "Control",
                    },
                    {
                      "property": "make_company",
                      "type": "Control",
                    },
                    {
                      "property": "note",
                      "type": "Control",
                    },
                  ],
                  "hint": "Make Contacts: Creates new contacts or updates existing contacts based on email.
       Make Companies: Creates new companies. (Will create a duplicate if company already exists)",
                  "label": "HubSpot",
                  "type": "Group",
                },
              ],
              "type": "VerticalLayout",
            },
          },
          "ui:order": [
            "s3_bucket_name",
            "s3_file_name",
            "s3_region",
            "make_contact",
            "make_company",
            "note",
          ],
        },
      }
    `);
  });

  it('pokemon-of-the-day, not loaded and loaded', () => {
    const section = fixtureConfigs('pokemon-of-the-day.yaml');
    expect(build(section)).toMatchInlineSnapshot(`
      {
        "dependents": {},
        "fields": [
          "pokemon_type",
          "slack_user",
        ],
        "schema": {
          "additionalProperties": false,
          "properties": {
            "pokemon_type": {
              "errorMessage": "Options are not loaded yet",
              "not": {},
              "title": "Pokémon Type",
              "type": "string",
            },
            "slack_user": {
              "errorMessage": "Options are not loaded yet",
              "not": {},
              "title": "Slack User",
              "type": "string",
            },
          },
          "type": "object",
        },
        "uiSchema": {
          "pokemon_type": {
            "ui:options": {
              "dynamic": {
                "definition": "pokemon_types",
                "loaded": false,
              },
            },
            "ui:title": "Pokémon Type",
          },
          "slack_user": {
            "ui:options": {
              "dynamic": {
                "definition": "slack_users",
                "loaded": false,
              },
            },
            "ui:title": "Slack User",
          },
          "ui:options": {
            "layout": {
              "elements": [
                {
                  "elements": [
                    {
                      "property": "pokemon_type",
                      "type": "Control",
                    },
                    {
                      "property": "slack_user",
                      "type": "Control",
                    },
                  ],
                  "hint": "Select which type of Pokémon you would like to learn about, and the Slack User who will receive the Pokémon of the day message.",
                  "label": "Configure Pokémon of the Day",
                  "type": "Section",
                },
              ],
              "type": "VerticalLayout",
            },
          },
          "ui:order": [
            "pokemon_type",
            "slack_user",
          ],
        },
      }
    `);
    const loaded = build(section, {
      dynamicOptions: { pokemon_types: ['fire', 'water'], slack_users: [{ title: 'Ada', const: 'U1' }] },
    });
    expect(loaded.schema).toMatchInlineSnapshot(`
      {
        "additionalProperties": false,
        "properties": {
          "pokemon_type": {
            "enum": [
              "fire",
              "water",
            ],
            "title": "Pokémon Type",
            "type": "string",
          },
          "slack_user": {
            "oneOf": [
              {
                "const": "U1",
                "title": "Ada",
              },
            ],
            "title": "Slack User",
            "type": "string",
          },
        },
        "required": [
          "pokemon_type",
          "slack_user",
        ],
        "type": "object",
      }
    `);
  });
});
