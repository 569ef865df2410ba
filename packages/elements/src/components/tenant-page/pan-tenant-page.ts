import { PanTenantPage } from './tenant-page.component.ts';

export { PanTenantPage };
PanTenantPage.define('pan-tenant-page');

declare global {
  interface HTMLElementTagNameMap {
    'pan-tenant-page': PanTenantPage;
  }
}
