import { PanRunLog } from './run-log.component.ts';

export { PanRunLog };
PanRunLog.define('pan-run-log');

declare global {
  interface HTMLElementTagNameMap {
    'pan-run-log': PanRunLog;
  }
}
