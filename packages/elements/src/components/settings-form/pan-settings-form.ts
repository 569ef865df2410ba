import { PanSettingsForm } from './settings-form.component.ts';

export * from './settings-form.component.ts';
export default PanSettingsForm;

PanSettingsForm.define('pan-settings-form');

declare global {
  interface HTMLElementTagNameMap {
    'pan-settings-form': PanSettingsForm;
  }
}
