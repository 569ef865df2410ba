import { PanMyIntegrations } from './my-integrations.component.ts';

export { PanMyIntegrations };
PanMyIntegrations.define('pan-my-integrations');

declare global {
  interface HTMLElementTagNameMap {
    'pan-my-integrations': PanMyIntegrations;
  }
}
