import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, parsePandiumYaml, type Diagnostic } from '../src/index.ts';

/** Real PANDIUM.yaml files, copied unchanged from /work/shared/fixtures/pandium-yaml. */
const fixturesDir = fileURLToPath(new URL('./fixtures/', import.meta.url));
const fixtureNames = readdirSync(fixturesDir).filter((name) => name.endsWith('.yaml'));

/** Joins lines so that a case's line numbers can be read off the array. */
function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

/** Lines 1-3 of most cases. */
const HEAD = ['version: 0.4', 'base: node:24', 'run: node .'];

/** Lines 4-9: a schema with the properties `name` (string) and `tags` (array of enum). */
const SCHEMA = [
  'configs:',
  '  schema:',
  '    type: object',
  '    properties:',
  '      name: {type: string}',
  '      tags: {type: array, uniqueItems: true, items: {type: string, enum: [a, b]}}',
];

describe('parsePandiumYaml on real files', () => {
  it('finds the four fixtures', () => {
    expect(fixtureNames).toHaveLength(4);
  });

  it.each(fixtureNames)('accepts %s with no errors', (name) => {
    const result = parsePandiumYaml(readFileSync(`${fixturesDir}${name}`, 'utf8'));
    expect(result.errors).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.spec?.run).toEqual(expect.any(String));
    expect(result.spec?.configs?.uischema?.type).toBe('VerticalLayout');
  });

  it('reads the dynamic selectors of pokemon-of-the-day', () => {
    const { spec } = parsePandiumYaml(readFileSync(`${fixturesDir}pokemon-of-the-day.yaml`, 'utf8'));
    expect(spec?.version).toBe('0.4');
    expect(spec?.configs?.schema?.required).toEqual(['pokemon_type', 'slack_user']);
    expect(spec?.configs?.schema?.properties?.slack_user?.$ref).toBe('#/definitions/slack_users');
    expect(spec?.configs?.schema?.definitions?.slack_users?.oneOf).toEqual([{ title: 'Placeholder', const: 'placeholder' }]);
  });

  it('keeps the connectors of hubspot-to-s3-python', () => {
    const { spec } = parsePandiumYaml(readFileSync(`${fixturesDir}hubspot-to-s3-python.yaml`, 'utf8'));
    expect(spec?.connectors).toEqual(['hubspot', 'aws']);
    expect(spec?.base).toBe('python:3.7');
  });
});

interface InvalidCase {
  name: string;
  text: string;
  /** The first error (in file order). */
  error: Pick<Diagnostic, 'line' | 'col'> & { path?: string; message: string };
  /** How many errors in all, when the case is about not piling up follow-up errors. */
  errorCount?: number;
}

const invalidCases: InvalidCase[] = [
  {
    name: 'a misspelled `run` suggests `run` and is not also reported missing',
    text: yaml('version: 0.4', 'base: node:24', 'rnu: node .'),
    error: { line: 3, col: 1, path: 'rnu', message: 'unknown top-level key `rnu` (did you mean `run`?)' },
    errorCount: 1,
  },
  {
    name: 'a misspelled `connectors` suggests `connectors`',
    text: yaml(...HEAD, 'conectors:', '  - hubspot'),
    error: { line: 4, col: 1, path: 'conectors', message: 'unknown top-level key `conectors` (did you mean `connectors`?)' },
  },
  {
    name: 'an unknown top-level key with no near match has no suggestion',
    text: yaml(...HEAD, 'author: me'),
    error: { line: 4, col: 1, path: 'author', message: 'unknown top-level key `author`' },
  },
  {
    name: 'no `run` at all',
    text: yaml('version: 0.4', 'base: node:24', 'build: npm ci'),
    error: { line: 1, col: 1, path: '', message: 'missing `run`' },
  },
  {
    name: 'an empty `run`',
    text: yaml('version: 0.4', 'run:'),
    error: { line: 2, col: 1, path: 'run', message: '`run` must be text (the command that runs the integration), got nothing' },
  },
  {
    name: '`run` given as a list',
    text: yaml('version: 0.4', 'run: [1, 2]'),
    error: { line: 2, col: 6, path: 'run', message: '`run` must be text (the command that runs the integration), got a list' },
  },
  {
    name: '`connectors` given as a word',
    text: yaml(...HEAD, 'connectors: foo'),
    error: { line: 4, col: 13, path: 'connectors', message: '`connectors` must be a list of connector names, got `foo`' },
  },
  {
    name: 'a connector that is not a name',
    text: yaml(...HEAD, 'connectors:', '  - hubspot', '  - {name: aws}'),
    error: { line: 6, col: 5, path: 'connectors.1', message: 'each item of `connectors` must be a connector name, got a mapping' },
  },
  {
    name: 'malformed YAML: an unclosed flow sequence',
    text: yaml(...HEAD, 'connectors: [hubspot, aws', 'configs: {}'),
    error: { line: 5, col: 1, path: '', message: 'Flow sequence in block collection must be sufficiently indented and end with a ]' },
    errorCount: 1,
  },
  {
    name: 'malformed YAML: a duplicate key',
    text: yaml(...HEAD, 'run: node main.js'),
    error: { line: 4, col: 1, path: '', message: 'Map keys must be unique' },
  },
  {
    name: 'an empty file',
    text: '# nothing here yet\n',
    error: { line: 1, col: 1, path: '', message: 'the file is empty' },
  },
  {
    name: 'a document that is a list',
    text: yaml('- run: node .'),
    error: { line: 1, col: 1, path: '', message: 'PANDIUM.yaml must be a mapping' },
  },
  {
    name: 'a misspelled key inside `configs`',
    text: yaml(...HEAD, ...SCHEMA, '  uischma: {}'),
    error: { line: 10, col: 3, path: 'configs.uischma', message: 'unknown key `uischma` in `configs` (did you mean `uischema`?)' },
  },
  {
    name: '`required` given as a number',
    text: yaml(...HEAD, ...SCHEMA, '    required: 3'),
    error: { line: 10, col: 15, path: 'configs.schema.required', message: '`required` must be a list of property names, got the number 3' },
  },
  {
    name: '`required` naming a missing property',
    text: yaml(...HEAD, ...SCHEMA, '    required: [name, tag]'),
    error: {
      line: 10,
      col: 22,
      path: 'configs.schema.required.1',
      message: '`required` names a missing property `tag` (did you mean `tags`?)',
    },
  },
  {
    name: 'a misspelled property type',
    text: yaml(...HEAD, ...SCHEMA, '      count:', '        type: integr'),
    error: {
      line: 11,
      col: 15,
      path: 'configs.schema.properties.count.type',
      message: 'unknown type `integr` (did you mean `integer`?)',
    },
  },
  {
    name: '`min` above `max`',
    text: yaml(...HEAD, ...SCHEMA, '      count: {type: integer, min: 10, max: 1}'),
    error: { line: 10, col: 44, path: 'configs.schema.properties.count.max', message: '`max` (1) is less than `min` (10)' },
  },
  {
    name: 'a `$ref` to a missing definition',
    text: yaml(
      ...HEAD,
      'configs:',
      '  schema:',
      '    definitions:',
      '      channel_options: {enum: [placeholder]}',
      '    properties:',
      "      channel: {type: string, $ref: '#/definitions/channels_options'}",
    ),
    error: {
      line: 9,
      col: 37,
      path: 'configs.schema.properties.channel.$ref',
      message: '`$ref` points to a missing definition `channels_options` (did you mean `channel_options`?)',
    },
  },
  {
    name: 'a `$ref` that is not a definitions reference',
    text: yaml(...HEAD, 'configs:', '  schema:', '    properties:', "      channel: {$ref: 'channels.json'}"),
    error: { line: 7, col: 23, path: 'configs.schema.properties.channel.$ref', message: '`$ref` must look like `#/definitions/<name>`' },
  },
  {
    name: '`dependsOn` naming a missing property',
    text: yaml(
      ...HEAD,
      'configs:',
      '  schema:',
      '    definitions:',
      '      food_type_options: {enum: [placeholder]}',
      '      favorite_food_options: {enum: [placeholder], dependsOn: foodtype}',
      '    properties:',
      "      food_type: {type: string, $ref: '#/definitions/food_type_options'}",
      "      favorite_food: {type: string, $ref: '#/definitions/favorite_food_options'}",
    ),
    error: {
      line: 8,
      col: 63,
      path: 'configs.schema.definitions.favorite_food_options.dependsOn',
      message: '`dependsOn` names a missing property `foodtype` (did you mean `food_type`?)',
    },
  },
  {
    name: 'a `oneOf` option without `const`',
    text: yaml(...HEAD, 'configs:', '  schema:', '    definitions:', '      users:', '        oneOf:', '          - title: Placeholder'),
    error: { line: 9, col: 13, path: 'configs.schema.definitions.users.oneOf.0', message: 'each `oneOf` option needs a `const` value' },
  },
  {
    name: '`enum` given as a word',
    text: yaml(...HEAD, 'configs:', '  schema:', '    properties:', '      region: {type: string, enum: us-east-1}'),
    error: { line: 7, col: 36, path: 'configs.schema.properties.region.enum', message: '`enum` must be a list of options, got `us-east-1`' },
  },
  {
    name: 'a misspelled root layout type',
    text: yaml(...HEAD, ...SCHEMA, '  uischema:', '    type: VerticalLayot', '    elements: []'),
    error: {
      line: 11,
      col: 11,
      path: 'configs.uischema.type',
      message: 'unknown element type `VerticalLayot` (did you mean `VerticalLayout`?)',
    },
  },
  {
    name: 'a misspelled element type',
    text: yaml(...HEAD, ...SCHEMA, '  uischema:', '    type: VerticalLayout', '    elements:', "      - {type: control, scope: '#/properties/name'}"),
    error: {
      line: 13,
      col: 16,
      path: 'configs.uischema.elements.0.type',
      message: 'unknown element type `control` (did you mean `Control`?)',
    },
  },
  {
    name: '`elements` given as a mapping',
    text: yaml(...HEAD, ...SCHEMA, '  uischema:', '    type: VerticalLayout', '    elements:', '      type: Control'),
    error: { line: 13, col: 7, path: 'configs.uischema.elements', message: '`elements` must be a list of elements, got a mapping' },
  },
  {
    name: 'a scope to a missing property',
    text: yaml(...HEAD, ...SCHEMA, '  uischema:', '    type: VerticalLayout', '    elements:', '      - type: Control', "        scope: '#/properties/nme'"),
    error: {
      line: 14,
      col: 16,
      path: 'configs.uischema.elements.0.scope',
      message: '`scope` points to a missing property `nme` (did you mean `name`?)',
    },
  },
  {
    name: 'a scope in the wrong form, inside a Group',
    text: yaml(
      ...HEAD,
      ...SCHEMA,
      '  uischema:',
      '    type: VerticalLayout',
      '    elements:',
      '      - type: Group',
      '        label: Main',
      '        elements:',
      '          - {type: Control, scope: properties/name}',
    ),
    error: {
      line: 16,
      col: 36,
      path: 'configs.uischema.elements.0.elements.0.scope',
      message: '`scope` must look like `#/properties/<name>`, got `properties/name`',
    },
  },
  {
    name: 'a Control without a scope',
    text: yaml(...HEAD, ...SCHEMA, '  uischema:', '    type: VerticalLayout', '    elements:', '      - type: Control', '        label: Name'),
    error: { line: 13, col: 9, path: 'configs.uischema.elements.0', message: "Control needs a `scope` such as `'#/properties/<name>'`" },
  },
  {
    name: 'a misspelled `scope` is the error, at the misspelled key',
    text: yaml(...HEAD, ...SCHEMA, '  uischema:', '    type: VerticalLayout', '    elements:', '      - type: Control', "        scpoe: '#/properties/name'"),
    error: {
      line: 14,
      col: 9,
      path: 'configs.uischema.elements.0.scpoe',
      message: 'unknown key `scpoe` on a Control (did you mean `scope`?)',
    },
    errorCount: 1,
  },
  {
    name: 'an element without a type',
    text: yaml(...HEAD, ...SCHEMA, '  uischema:', '    type: VerticalLayout', '    elements:', "      - scope: '#/properties/name'"),
    error: { line: 13, col: 9, path: 'configs.uischema.elements.0', message: 'element has no `type`' },
  },
  {
    name: 'an element that is a bare word',
    text: yaml(...HEAD, ...SCHEMA, '  uischema:', '    type: VerticalLayout', '    elements:', '      - Divider'),
    error: { line: 13, col: 9, path: 'configs.uischema.elements.0', message: 'an element must be a mapping with a `type`, got `Divider`' },
  },
  {
    name: '`admin` given as text',
    text: yaml(...HEAD, ...SCHEMA, '  uischema:', '    elements:', "      - {type: Control, scope: '#/properties/name', admin: yes}"),
    error: { line: 12, col: 60, path: 'configs.uischema.elements.0.admin', message: '`admin` must be `true` or `false`, got `yes`' },
  },
  {
    name: 'a Control option of the wrong kind',
    text: yaml(
      ...HEAD,
      ...SCHEMA,
      '  uischema:',
      '    elements:',
      "      - type: Control",
      "        scope: '#/properties/name'",
      '        options:',
      "          multi: 'true'",
    ),
    error: { line: 15, col: 18, path: 'configs.uischema.elements.0.options.multi', message: '`multi` must be `true` or `false`' },
  },
  {
    name: 'a uischema root that is not a layout',
    text: yaml(...HEAD, ...SCHEMA, '  uischema:', '    type: Control', "    scope: '#/properties/name'"),
    error: { line: 11, col: 11, path: 'configs.uischema.type', message: 'the uischema root must be a layout' },
  },
  {
    name: 'a misspelled key in `webhook`',
    text: yaml(...HEAD, 'webhook:', '  schma: {type: object}'),
    error: { line: 5, col: 3, path: 'webhook.schma', message: 'unknown key `schma` in `webhook` (did you mean `schema`?)' },
  },
  {
    name: '`events` holding a number',
    text: yaml(...HEAD, 'events: [contact.created, 42]'),
    error: { line: 4, col: 27, path: 'events.1', message: 'each item of `events` must be an event name, got the number 42' },
  },
  {
    name: '`metadata_schema.schema` given as a list',
    text: yaml(...HEAD, 'metadata_schema:', '  schema: [a]'),
    error: { line: 5, col: 11, path: 'metadata_schema.schema', message: '`schema` must be a JSON Schema mapping, got a list' },
  },
  {
    name: 'an alias to an anchor that does not exist',
    text: yaml(...HEAD, 'build: *install'),
    error: { line: 4, col: 8, path: '', message: 'unknown alias `*install`' },
  },
];

describe('parsePandiumYaml rejects what cannot work', () => {
  it.each(invalidCases)('$name', ({ text, error, errorCount }) => {
    const result = parsePandiumYaml(text);
    expect(result.ok).toBe(false);
    expect(result.spec).toBeUndefined();
    const [first] = result.errors;
    expect(first, JSON.stringify(result.errors)).toBeDefined();
    expect({ line: first?.line, col: first?.col }).toEqual({ line: error.line, col: error.col });
    expect(first?.message).toContain(error.message);
    if (error.path !== undefined) expect(first?.path).toBe(error.path);
    if (errorCount !== undefined) expect(result.errors).toHaveLength(errorCount);
  });
});

interface LooseCase {
  name: string;
  text: string;
  /** A substring of the expected warning, with its position; omit when the file should be silent. */
  warning?: Pick<Diagnostic, 'line' | 'col'> & { message: string };
}

const looseCases: LooseCase[] = [
  {
    name: '`base: Node` without a version',
    text: yaml('version: 0.4', 'base: Node', 'run: node .'),
    warning: { line: 2, col: 7, message: '`base` is normally `<language>:<version>`' },
  },
  {
    name: 'a stray `name:` inside the schema',
    text: yaml(...HEAD, 'configs:', '  schema:', '    name: node_schema', '    properties: {}'),
    warning: { line: 6, col: 5, message: 'unknown key `name` in the configs schema is ignored' },
  },
  {
    name: 'rjsf `ui:widget: textarea` on a Control',
    text: yaml(...HEAD, ...SCHEMA, '  uischema:', '    elements:', "      - type: Control", "        scope: '#/properties/name'", '        ui:widget: textarea'),
    warning: { line: 14, col: 9, message: 'for multi-line text use `options: {multi: true}`' },
  },
  {
    name: 'a definition whose type disagrees with its placeholder',
    text: yaml(
      ...HEAD,
      'configs:',
      '  schema:',
      '    definitions:',
      '      slack_users: {type: number, oneOf: [{title: Placeholder, const: placeholder}]}',
      '    properties:',
      "      slack_user: {type: string, $ref: '#/definitions/slack_users'}",
      '  uischema:',
      '    elements:',
      "      - {type: Control, scope: '#/properties/slack_user'}",
    ),
  },
  {
    name: '`hintText` on a Group',
    text: yaml(
      ...HEAD,
      ...SCHEMA,
      '  uischema:',
      '    elements:',
      '      - type: Group',
      '        hintText: Where to write',
      '        elements:',
      "          - {type: Control, scope: '#/properties/name'}",
      "          - {type: MultiSelectControl, scope: '#/properties/tags'}",
    ),
  },
  {
    name: 'a property that no Control shows',
    text: yaml(...HEAD, ...SCHEMA, '  uischema:', '    elements:', "      - {type: Control, scope: '#/properties/name'}"),
    warning: { line: 9, col: 7, message: 'property `tags` is not shown' },
  },
  {
    name: 'JSON Schema spelling of a bound',
    text: yaml(...HEAD, 'configs:', '  schema:', '    properties:', '      count: {type: integer, minimum: 1}'),
    warning: { line: 7, col: 30, message: 'use `min` instead of `minimum`' },
  },
  {
    name: 'an unknown string format',
    text: yaml(...HEAD, 'configs:', '  schema:', '    properties:', '      since: {type: string, format: datetime}'),
    warning: { line: 7, col: 37, message: 'unknown format `datetime` (did you mean `date-time`?)' },
  },
  {
    name: 'a misspelled optional element key',
    text: yaml(...HEAD, ...SCHEMA, '  uischema:', '    elements:', "      - {type: Control, scope: '#/properties/name', lable: Name}"),
    warning: { line: 12, col: 53, message: 'unknown key `lable` on a Control (did you mean `label`?) is ignored' },
  },
  {
    name: '`version: 0.5`, which Pandium stores as it is',
    text: yaml('version: 0.5', 'run: node .'),
    warning: { line: 1, col: 10, message: 'unknown version `0.5` (known: 0.3, 0.4, 1.0)' },
  },
  {
    name: 'an unknown version keeps its spelling',
    text: yaml('version: 2.10', 'run: node .'),
    warning: { line: 1, col: 10, message: 'unknown version `2.10`' },
  },
  {
    name: 'an empty optional section',
    text: yaml(...HEAD, 'connectors:'),
    warning: { line: 4, col: 1, message: '`connectors` is empty and is ignored' },
  },
];

describe('parsePandiumYaml tolerates what real files do', () => {
  it.each(looseCases)('$name', ({ text, warning }) => {
    const result = parsePandiumYaml(text);
    expect(result.errors).toEqual([]);
    expect(result.ok).toBe(true);
    if (warning === undefined) {
      expect(result.warnings).toEqual([]);
      return;
    }
    const match = result.warnings.find((candidate) => candidate.message.includes(warning.message));
    expect(match, JSON.stringify(result.warnings)).toBeDefined();
    expect({ line: match?.line, col: match?.col }).toEqual({ line: warning.line, col: warning.col });
  });
});

describe('parsePandiumYaml normalises the spec', () => {
  it('turns a numeric `version: 1.0` into the string `1.0`', () => {
    expect(parsePandiumYaml(yaml('version: 1.0', 'run: node .')).spec?.version).toBe('1.0');
    expect(parsePandiumYaml(yaml("version: '0.3'", 'run: node .')).spec?.version).toBe('0.3');
    expect(parsePandiumYaml(yaml('version: 0.50', 'run: node .')).spec?.version).toBe('0.50');
  });

  it('defaults the uischema root to a VerticalLayout and layouts to no elements', () => {
    const { spec } = parsePandiumYaml(yaml(...HEAD, 'configs:', '  uischema:', '    elements:', '      - type: Section', '        label: Empty'));
    expect(spec?.configs?.uischema).toEqual({ type: 'VerticalLayout', elements: [{ type: 'Section', label: 'Empty', elements: [] }] });
  });

  it('drops empty optional sections', () => {
    const { spec } = parsePandiumYaml(yaml(...HEAD, 'connectors:'));
    expect(spec).toEqual({ version: '0.4', base: 'node:24', run: 'node .' });
  });

  it('accepts dependent selectors, webhook validation and app events', () => {
    const result = parsePandiumYaml(
      yaml(
        ...HEAD,
        'events: [contact.created]',
        'webhook:',
        '  schema: {type: object, required: [id]}',
        'configs:',
        '  schema:',
        '    definitions:',
        '      food_type_options: {enum: [placeholder]}',
        '      favorite_food_options: {enum: [placeholder], dependsOn: food_type}',
        '    properties:',
        "      food_type: {type: string, $ref: '#/definitions/food_type_options'}",
        "      favorite_food: {type: string, $ref: '#/definitions/favorite_food_options'}",
        '  uischema:',
        '    type: VerticalLayout',
        '    elements:',
        "      - {type: Control, scope: '#/properties/food_type'}",
        "      - {type: Control, scope: '#/properties/favorite_food', admin: true, options: {trim: false}}",
      ),
    );
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.spec?.events).toEqual(['contact.created']);
    expect(result.spec?.webhook?.schema).toEqual({ type: 'object', required: ['id'] });
    expect(result.spec?.configs?.schema?.definitions?.favorite_food_options?.dependsOn).toBe('food_type');
  });
});

describe('formatDiagnostic', () => {
  const diagnostic: Diagnostic = { line: 3, col: 1, path: 'rnu', message: 'unknown top-level key `rnu`' };

  it('prints file:line:col: message', () => {
    expect(formatDiagnostic('PANDIUM.yaml', diagnostic)).toBe('PANDIUM.yaml:3:1: unknown top-level key `rnu`');
  });

  it('marks warnings', () => {
    expect(formatDiagnostic('PANDIUM.yaml', diagnostic, 'warning')).toBe('PANDIUM.yaml:3:1: warning: unknown top-level key `rnu`');
  });
});
