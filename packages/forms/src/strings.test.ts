import { describe, expect, it } from 'vitest';
import { formatSettingsMessage, settingsErrorTemplate, SETTINGS_MESSAGE_TEMPLATES, wholeValueTemplate } from '@pan/pandium-yaml';
import { settingsMessageText, stringTranslator } from './strings.ts';

const german = stringTranslator({
  'must be at least %1': 'muss mindestens %1 sein',
  'must be one of: %1': 'muss einer dieser Werte sein: %1',
  'must be %1': 'muss %1 sein',
  'a whole number': 'eine ganze Zahl',
  'a list': 'eine Liste',
  'The settings %1': 'Die Einstellungen: %1',
  'must be one of: %1, … (%2 in all)': 'muss einer dieser Werte sein: %1, … (insgesamt %2)',
});

describe('settingsMessageText', () => {
  it('translates the template and formats numbers and lists with Intl in the locale', () => {
    expect(settingsMessageText(settingsErrorTemplate('minimum', { minimum: 1500.5 }), german, 'de')).toBe(
      'muss mindestens 1.500,5 sein',
    );
    expect(settingsMessageText(settingsErrorTemplate('enum', { enum: ['a', 'b', 'c'] }), german, 'de')).toBe(
      'muss einer dieser Werte sein: a, b oder c',
    );
    expect(settingsMessageText(settingsErrorTemplate('type', { type: ['integer', 'array'] }), german, 'de')).toBe(
      'muss eine ganze Zahl oder eine Liste sein',
    );
    expect(settingsMessageText(wholeValueTemplate(settingsErrorTemplate('type', { type: 'integer' })), german, 'de')).toBe(
      'Die Einstellungen: muss eine ganze Zahl sein',
    );
    const many = settingsErrorTemplate('enum', { enum: Array.from({ length: 12 }, (_, i) => `v${i}`) });
    expect(settingsMessageText(many, german, 'ja')).toMatch(/^muss einer dieser Werte sein: v0、v1、.*v9, … \(insgesamt 12\)$/);
  });

  it('keeps the English words where a translation is missing, and an errorMessage as written', () => {
    expect(settingsMessageText(settingsErrorTemplate('required', {}), german, 'de')).toBe(SETTINGS_MESSAGE_TEMPLATES.required);
    const custom = settingsErrorTemplate('minimum', { minimum: 1, errorMessage: 'Pick at least one' });
    expect(settingsMessageText(custom, german, 'de')).toBe('Pick at least one');
  });

  it('knows the refusals the form builder writes into the schema as its own, and translates them', () => {
    const refusal = settingsErrorTemplate('not', { not: {}, errorMessage: 'Choose "Food type" first' });
    expect(refusal).toEqual({ template: 'Choose "%1" first', args: [{ kind: 'text', value: 'Food type' }] });
    expect(settingsMessageText(refusal, stringTranslator({ 'Choose "%1" first': 'Wählen Sie zuerst „%1“' }), 'de')).toBe(
      'Wählen Sie zuerst „Food type“',
    );
  });

  it('gives the server\'s English through formatSettingsMessage', () => {
    expect(formatSettingsMessage(settingsErrorTemplate('minLength', { minLength: 1 }))).toBe('must be at least 1 character');
    expect(formatSettingsMessage(settingsErrorTemplate('maxItems', { maxItems: 3, items: { enum: ['a'] } }))).toBe(
      'must have at most 3 options',
    );
    expect(formatSettingsMessage(settingsErrorTemplate('type', { type: ['string', 'null'] }))).toBe('must be text or empty');
  });
});
