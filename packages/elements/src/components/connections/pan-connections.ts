import { PanConnections } from './connections.component.ts';

export { PanConnections };
PanConnections.define('pan-connections');

declare global {
  interface HTMLElementTagNameMap {
    'pan-connections': PanConnections;
  }
}
