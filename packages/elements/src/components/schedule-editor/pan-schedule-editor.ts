import { PanScheduleEditor } from './schedule-editor.component.ts';

export { PanScheduleEditor };
PanScheduleEditor.define('pan-schedule-editor');

declare global {
  interface HTMLElementTagNameMap {
    'pan-schedule-editor': PanScheduleEditor;
  }
}
