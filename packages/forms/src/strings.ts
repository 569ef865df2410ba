import { replaceStringParameters, type TranslatableString } from '@rjsf/utils';

/**
 * The form's own strings besides rjsf's (`TranslatableString`): like rjsf's, an English text that
 * is also its key, so one `translateString` and one table (`SettingsFormProps.strings`) cover both.
 */
export const FormString = {
  LoadOptions: 'Load options',
  LoadingOptions: 'Loading options…',
  OptionsNotLoaded: 'The options for this field are not loaded yet.',
  Choose: 'Choose…',
  Save: 'Save',
} as const;

/**
 * rjsf's `translateString` over a table of translations keyed by the English text (rjsf's
 * `TranslatableString` values and `FormString`'s); what the table lacks stays English. `%1`, `%2`…
 * are replaced by the parameters, as rjsf's English translator does.
 */
export function stringTranslator(strings: Readonly<Record<string, string>> | undefined) {
  return (key: TranslatableString | string, params?: string[]): string =>
    replaceStringParameters(strings?.[key] ?? key, params);
}
