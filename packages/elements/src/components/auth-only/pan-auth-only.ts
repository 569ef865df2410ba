import { PanAuthOnly } from './auth-only.component.ts';

export { PanAuthOnly };
PanAuthOnly.define('pan-auth-only');

declare global {
  interface HTMLElementTagNameMap {
    'pan-auth-only': PanAuthOnly;
  }
}
