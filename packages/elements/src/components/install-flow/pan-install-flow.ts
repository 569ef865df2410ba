import { PanInstallFlow } from './install-flow.component.ts';

export { PanInstallFlow };
PanInstallFlow.define('pan-install-flow');

declare global {
  interface HTMLElementTagNameMap {
    'pan-install-flow': PanInstallFlow;
  }
}
