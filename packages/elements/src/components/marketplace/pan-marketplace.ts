import { PanMarketplace } from './marketplace.component.ts';

export * from './marketplace.component.ts';
export default PanMarketplace;

PanMarketplace.define('pan-marketplace');

declare global {
  interface HTMLElementTagNameMap {
    'pan-marketplace': PanMarketplace;
  }
}
