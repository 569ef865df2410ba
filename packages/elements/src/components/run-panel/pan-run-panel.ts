import { PanRunPanel } from './run-panel.component.ts';

export { PanRunPanel };
PanRunPanel.define('pan-run-panel');

declare global {
  interface HTMLElementTagNameMap {
    'pan-run-panel': PanRunPanel;
  }
}
