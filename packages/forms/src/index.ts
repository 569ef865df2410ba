/**
 * @pan/forms: the settings form (React + rjsf) that `<pan-settings-form>` loads lazily.
 * - `renderSettingsForm(container, props)`: render into an element inside a shadow root;
 * - the rjsf theme (`generateTheme`, `generateTemplates`, `generateWidgets`);
 * - the CSP-safe validator (`createValidator`, `validateSettings`) over @cfworker/json-schema;
 * - the theme's CSS (`settingsFormStyles()`, a constructable style sheet).
 */
export { renderSettingsForm, type SettingsFormController } from './render.tsx';
export { SettingsFormView, type SettingsFormHandle, type SettingsFormProps, type SettingsValue } from './SettingsForm.tsx';
export { generateTheme, default as Theme } from './Theme/Theme.ts';
export { generateTemplates } from './Templates/Templates.ts';
export { generateWidgets } from './Widgets/Widgets.ts';
export type { SettingsFormContext } from './context.ts';
export { FormString, localizeErrors, settingsMessageText, stringTranslator, type Translate } from './strings.ts';
export {
  CfworkerValidator,
  createValidator,
  default as validator,
  displayMessage,
  fieldName,
  toSchemaErrors,
  validateSettings,
  type SchemaError,
  type SettingsErrorParams,
} from './validator/validator.ts';
export { adoptSettingsFormStyles, settingsFormCss, settingsFormStyles } from './styles.ts';
