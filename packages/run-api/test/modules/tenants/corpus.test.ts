import { describe, expect, it } from 'vitest';
import { buildSettingsForm } from '@pan/pandium-yaml';
import { settingsCorpus } from '../../../../pandium-yaml/test/settings-corpus.ts';
import { validateSettings } from '../../../src/modules/tenants/validate-settings.ts';

/**
 * The shared corpus through the server's validator. The browser's validator (packages/forms) runs
 * the same cases; both must say valid/invalid alike and name the same fields.
 */
describe('the settings corpus, validated by ajv', () => {
  it('has at least 60 cases with distinct names', () => {
    expect(settingsCorpus.length).toBeGreaterThanOrEqual(60);
    expect(new Set(settingsCorpus.map((c) => c.name)).size).toBe(settingsCorpus.length);
  });

  it('names the fields of every invalid case, and only valid cases have none', () => {
    for (const c of settingsCorpus) {
      expect(c.valid || c.fields !== undefined || c.errors !== undefined, c.name).toBe(true);
    }
  });

  it.each(settingsCorpus.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const form = buildSettingsForm(c.configs, { audience: c.audience ?? 'user', dynamicOptions: c.dynamicOptions });
    const errors = validateSettings(form, c.value);
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
