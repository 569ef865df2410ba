import { describe, expect, it } from 'vitest';
import { formatSettingsMessage, settingsErrorTemplate, SETTINGS_MESSAGE_TEMPLATES, wholeValueTemplate } from '@pan/pandium-yaml';
import { serverMessageText, settingsMessageText, stringTranslator } from './strings.ts';

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

describe('serverMessageText', () => {
  it("puts the run API's English messages (the same templates) into the form's language", () => {
    // Each template filled as the server fills it, then matched back.
    expect(serverMessageText(formatSettingsMessage(settingsErrorTemplate('minimum', { minimum: 1500 })), german, 'de')).toBe('muss mindestens 1.500 sein');
    expect(serverMessageText(formatSettingsMessage(settingsErrorTemplate('type', { type: 'integer' })), german, 'de')).toBe('muss eine ganze Zahl sein');
    expect(serverMessageText(formatSettingsMessage(wholeValueTemplate(settingsErrorTemplate('type', { type: 'array' }))), german, 'de')).toBe(
      'Die Einstellungen: muss eine Liste sein',
    );
    // The most specific template wins: "must be at least %1" is not "must be %1" with "at least 5".
    expect(serverMessageText('must be at least 5', german, 'de')).toBe('muss mindestens 5 sein');
    expect(serverMessageText('must be one of: a, b, … (12 in all)', german, 'de')).toBe('muss einer dieser Werte sein: a, b, … (insgesamt 12)');
  });

  it('shows a message no template gives (an errorMessage) as written, and English where a translation is missing', () => {
    expect(serverMessageText('Not available on your plan', german, 'de')).toBe('Not available on your plan');
    expect(serverMessageText(SETTINGS_MESSAGE_TEMPLATES.required, german, 'de')).toBe(SETTINGS_MESSAGE_TEMPLATES.required);
  });
});
