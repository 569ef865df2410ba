import { PanInstallPage } from './install-page.component.ts';

export { PanInstallPage };
PanInstallPage.define('pan-install-page');

declare global {
  interface HTMLElementTagNameMap {
    'pan-install-page': PanInstallPage;
  }
}
