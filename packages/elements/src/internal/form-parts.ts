/**
 * The parts of a settings form's widgets (documented on <pan-settings-form>), forwarded with
 * `exportparts` by every element that contains a form, up to <pan-marketplace>, so that a host
 * can style `pan-marketplace::part(field-input)`. Not in the catalog's first load.
 */
export const settingsFormParts = [
  'field',
  'field-label',
  'field-input',
  'field-select',
  'field-checkbox',
  'field-radio',
  'field-choice-label',
  'field-hint',
  'field-help',
  'field-error',
  'error-summary',
  'group',
  'group-legend',
  'section',
  'section-title',
  'layout-label',
  'array-add-button',
  'array-remove-button',
  'array-move-up-button',
  'array-move-down-button',
  'array-copy-button',
  'clear-button',
  'load-options-button',
].join(', ');
