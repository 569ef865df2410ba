import { describe, expect, it } from 'vitest';
import { buildSettingsForm } from '@pan/pandium-yaml';
import { settingsCorpus } from '../../../pandium-yaml/test/settings-corpus.ts';
import validator, { validateSettings, validityChecker } from './validator.ts';

/**
 * The shared corpus through the browser's validator (@cfworker/json-schema, in Chromium). The run
 * API runs the same cases through ajv (packages/run-api/test/modules/tenants/corpus.test.ts): both must
 * say valid/invalid alike, name the same fields and, where a case pins them, say the same words.
 */
describe('the settings corpus, validated in the browser', () => {
  it('has at least 50 cases', () => {
    expect(settingsCorpus.length).toBeGreaterThanOrEqual(50);
  });

  it.each(settingsCorpus.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const form = buildSettingsForm(c.configs, { audience: c.audience ?? 'user', dynamicOptions: c.dynamicOptions });
    const errors = validateSettings(form, c.value);
    // The per-keystroke check agrees, also from its cache; so does rjsf's own entry point.
    const check = validityChecker(form.schema);
    expect(check(c.value), 'validityChecker').toBe(c.valid);
    expect(check(structuredClone(c.value)), 'validityChecker, cached').toBe(c.valid);
    expect(validator.isValid(form.schema, c.value, form.schema), 'isValid').toBe(c.valid);
    expect(validator.validateFormData(c.value as any, form.schema, undefined, undefined, form.uiSchema).errors.length === 0).toBe(
      c.valid,
    );
    if (c.valid) {
      expect(errors).toEqual([]);
      return;
    }
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) expect(error.message).not.toBe('');
    const expectedFields = c.fields ?? c.errors!.map((e) => e.field);
    expect(new Set(errors.map((e) => e.field))).toEqual(new Set(expectedFields));
    if (c.errors) expect(errors).toEqual(expect.arrayContaining(c.errors));
    if (c.errors) expect(errors).toHaveLength(c.errors.length);
  });
});
