export { parsePandiumYaml } from './parse.ts';
export { formatDiagnostic, type Severity } from './diagnostics.ts';
export { definitionNameFromRef, propertyNameFromScope } from './refs.ts';
export { TOP_LEVEL_KEYS } from './validate-document.ts';
export * from './types.ts';
export type * from './settings-form/contract.ts';
export { buildSettingsForm, clearInvalidDependents, dependentOptions } from './settings-form/translate.ts';
export { settingsDefaults } from './settings-form/defaults.ts';
export {
  chooseParentFirstMessage,
  DATE_TIME_ZONE_PATTERN,
  ERROR_MESSAGE_KEYWORD,
  fillTemplate,
  formatMessage,
  formatSettingsMessage,
  NO_OPTIONS_MESSAGE,
  noOptionsForParentMessage,
  NOT_LOADED_MESSAGE,
  REQUIRED_MESSAGE,
  settingsErrorMessage,
  settingsErrorTemplate,
  SETTINGS_MESSAGE_TEMPLATES,
  TIME_PATTERN,
  TYPE_WORDS,
  UNKNOWN_FIELD_MESSAGE,
  wholeValueTemplate,
  WRAPPER_KEYWORDS,
  type SettingsMessage,
  type SettingsMessageArg,
} from './settings-form/messages.ts';
export { locateTopLevelList, type LocatedValue } from './positions.ts';
export {
  canonicalLocale,
  I18N_FIELDS,
  I18N_SCHEMA_PREFIX,
  I18N_UISCHEMA_PREFIX,
  localeFallbacks,
  localizeConfigs,
  parseI18nTarget,
} from './i18n.ts';
export { localizeSettingsForm, settingsFormTranslations } from './settings-form/localize.ts';
