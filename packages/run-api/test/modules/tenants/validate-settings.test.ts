import { beforeEach, describe, expect, it } from 'vitest';
import { buildSettingsForm, type ConfigsSection, type JsonSchema, type SettingsForm } from '@pan/pandium-yaml';
import { settingsValidatorCache, validateSettings } from '../../../src/modules/tenants/validate-settings.ts';

/** A form around a hand-written schema (for shapes `buildSettingsForm` does not make). */
function formOf(properties: Record<string, JsonSchema>, extra: JsonSchema = {}): SettingsForm {
  return {
    schema: { type: 'object', properties, additionalProperties: false, ...extra },
    uiSchema: {},
    fields: Object.keys(properties),
    dependents: {},
  };
}

function configs(properties: Record<string, unknown>, schemaExtra: Record<string, unknown> = {}): ConfigsSection {
  return {
    schema: { type: 'object', properties, ...schemaExtra },
    uischema: {
      type: 'VerticalLayout',
      elements: Object.keys(properties).map((name) => ({ type: 'Control', scope: `#/properties/${name}` })),
    },
  } as ConfigsSection;
}

describe('validateSettings: messages', () => {
  it.each([
    ['type integer', { type: 'integer' }, 'x', 'must be a whole number'],
    ['type number', { type: 'number' }, 'x', 'must be a number'],
    ['type boolean', { type: 'boolean' }, 'x', 'must be true or false'],
    ['type string', { type: 'string' }, 1, 'must be text'],
    ['type array', { type: 'array' }, 'x', 'must be a list'],
    ['minimum', { type: 'integer', minimum: 3 }, 2, 'must be at least 3'],
    ['maximum', { type: 'number', maximum: 2.5 }, 3, 'must be at most 2.5'],
    ['exclusiveMinimum', { type: 'number', exclusiveMinimum: 0 }, 0, 'must be greater than 0'],
    ['minLength', { type: 'string', minLength: 2 }, 'a', 'must be at least 2 characters'],
    ['maxLength of one', { type: 'string', maxLength: 1 }, 'ab', 'must be at most 1 character'],
    ['a pattern of the integration', { type: 'string', pattern: '^[a-z]+$' }, 'A', 'must match the pattern ^[a-z]+$'],
    ['format date', { type: 'string', format: 'date' }, 'x', 'must be a date (YYYY-MM-DD)'],
    ['enum', { type: 'string', enum: ['a', 'b'] }, 'c', 'must be one of: a, b'],
    ['enum of numbers', { type: 'integer', enum: [1, 2] }, 3, 'must be one of: 1, 2'],
    [
      'a long enum is cut short',
      { type: 'integer', enum: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] },
      13,
      'must be one of: 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, … (12 in all)',
    ],
    ['oneOf: the titles, then the values', { type: 'string', oneOf: [{ const: 'u1', title: 'Ada' }, { const: 'u2', title: 'u2' }] }, 'x', 'must be one of: Ada (u1), u2'],
    ['const', { const: 'yes' }, 'no', 'must be yes'],
    ['minItems of options', { type: 'array', items: { enum: ['a'] }, minItems: 1 }, [], 'must have at least 1 option'],
    ['maxItems', { type: 'array', maxItems: 2 }, [1, 2, 3], 'must have at most 2 items'],
    ['uniqueItems', { type: 'array', uniqueItems: true }, [1, 1], 'must not list the same value twice'],
    ['not, without a message', { not: {} }, 1, 'is not allowed'],
    ['not, with a message', { not: {}, errorMessage: 'Nope, not now' }, 1, 'Nope, not now'],
  ])('%s', (_, schema, value, message) => {
    expect(validateSettings(formOf({ f: schema as JsonSchema }), { f: value })).toEqual([{ field: 'f', message }]);
  });

  it('names the missing property of `required`', () => {
    expect(validateSettings(formOf({ a: {}, b: {} }, { required: ['a', 'b'] }), { b: 1 })).toEqual([
      { field: 'a', message: 'is required' },
    ]);
  });

  it('names an unknown property', () => {
    expect(validateSettings(formOf({ a: {} }), { a: 1, zz: 2 })).toEqual([
      { field: 'zz', message: 'is not a setting of this integration' },
    ]);
  });

  it('says when the settings are not an object at all', () => {
    expect(validateSettings(formOf({}), 'x')).toEqual([{ field: '', message: 'The settings must be an object' }]);
  });
});

describe('validateSettings: field names', () => {
  it('names list elements and nested properties', () => {
    const form = formOf({
      tags: { type: 'array', items: { enum: ['a'] } },
      address: { type: 'object', properties: { zip: { type: 'string' } } },
      'odd/~name': { type: 'integer' },
    });
    expect(validateSettings(form, { tags: ['a', 'a', 'b'], address: { zip: 1 }, 'odd/~name': 'x' })).toEqual([
      { field: 'tags[2]', message: 'must be one of: a' },
      { field: 'address.zip', message: 'must be text' },
      { field: 'odd/~name', message: 'must be a whole number' },
    ]);
  });

  it('lists errors in the order of the form, unknown fields last', () => {
    const form = formOf({ a: { type: 'integer' }, b: { type: 'integer' } }, { required: ['b'] });
    expect(validateSettings(form, { zz: 1, a: 'x' }).map((error) => error.field)).toEqual(['a', 'b', 'zz']);
  });
});

describe('validateSettings: one clear reason per field', () => {
  it('a wrong type hides the rest', () => {
    const form = formOf({ f: { type: 'string', enum: ['a'], minLength: 3 } });
    expect(validateSettings(form, { f: 5 })).toEqual([{ field: 'f', message: 'must be text' }]);
  });

  it('a rule with its own message hides the type', () => {
    const form = buildSettingsForm(
      configs({ f: { type: 'string', $ref: '#/definitions/d' } }, { definitions: { d: { enum: ['placeholder'] } } }),
      { audience: 'user' },
    );
    expect(validateSettings(form, { f: 5 })).toEqual([{ field: 'f', message: 'Options are not loaded yet' }]);
  });

  it('no oneOf branch noise', () => {
    const form = formOf({ f: { type: 'string', oneOf: [{ const: 'a', title: 'A' }, { const: 'b', title: 'B' }] } });
    expect(validateSettings(form, { f: 'c' })).toEqual([{ field: 'f', message: 'must be one of: A (a), B (b)' }]);
  });

  it('no if/then/allOf noise around a dependent selector', () => {
    const form = buildSettingsForm(
      configs(
        { p: { type: 'string', enum: ['x', 'y'] }, c: { $ref: '#/definitions/c' } },
        { definitions: { c: { enum: ['placeholder'], dependsOn: 'p' } }, required: ['c'] },
      ),
      { audience: 'user', dynamicOptions: { c: { x: ['cx'], y: ['cy'] } } },
    );
    expect(validateSettings(form, { p: 'x', c: 'cy' })).toEqual([{ field: 'c', message: 'must be one of: cx' }]);
    expect(validateSettings(form, { p: 'y' })).toEqual([{ field: 'c', message: 'is required' }]);
    expect(validateSettings(form, { c: 'cx' })).toEqual([{ field: 'c', message: 'Choose "P" first' }]);
  });

  it('the same message twice is said once', () => {
    const form = formOf({ f: { type: 'string', format: 'date-time', pattern: '(?:[Zz]|[+-][0-9]{2}:[0-9]{2})$' } });
    expect(validateSettings(form, { f: 'soon' })).toEqual([
      { field: 'f', message: 'must be a date and time with a time zone (YYYY-MM-DDTHH:MM:SSZ)' },
    ]);
  });
});

describe('validateSettings: input', () => {
  it('treats an undefined value as not set', () => {
    const form = formOf({ a: { type: 'string' } });
    expect(validateSettings(form, { a: undefined })).toEqual([]);
    expect(validateSettings(formOf({ a: {} }, { required: ['a'] }), { a: undefined })).toEqual([{ field: 'a', message: 'is required' }]);
  });

  it('does not coerce: "5" is not a number, "true" not a boolean', () => {
    const form = formOf({ n: { type: 'integer' }, b: { type: 'boolean' } });
    expect(validateSettings(form, { n: '5', b: 'true' }).map((error) => error.field)).toEqual(['n', 'b']);
  });
});

describe('validateSettings: compiled validators are cached, and the cache is bounded', () => {
  beforeEach(() => settingsValidatorCache.clear());

  it('compiles a schema once, whether the same object or an equal one comes back', () => {
    const form = formOf({ a: { type: 'integer' } });
    validateSettings(form, { a: 1 });
    validateSettings(form, { a: 'x' });
    validateSettings(structuredClone(form), { a: 2 });
    expect(settingsValidatorCache.size).toBe(1);
    validateSettings(formOf({ a: { type: 'string' } }), { a: 'x' });
    expect(settingsValidatorCache.size).toBe(2);
  });

  it('keeps at most its limit, and an evicted schema still validates', () => {
    const first = formOf({ f0: { type: 'integer' } });
    validateSettings(first, { f0: 1 });
    for (let i = 1; i <= settingsValidatorCache.limit + 5; i++) validateSettings(formOf({ [`f${i}`]: { type: 'integer' } }), {});
    expect(settingsValidatorCache.size).toBe(settingsValidatorCache.limit);
    expect(validateSettings(first, { f0: 'x' })).toEqual([{ field: 'f0', message: 'must be a whole number' }]);
    expect(settingsValidatorCache.size).toBe(settingsValidatorCache.limit);
  });

  it('is not fooled by a changed copy of a cached schema', () => {
    const form = formOf({ a: { type: 'integer' } });
    validateSettings(form, { a: 1 });
    const changed = structuredClone(form);
    (changed.schema.properties as Record<string, JsonSchema>).a = { type: 'string' };
    expect(validateSettings(changed, { a: 1 })).toEqual([{ field: 'a', message: 'must be text' }]);
  });
});
