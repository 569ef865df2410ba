/**
 * Registers every `pan-*` element. Safe to load more than once.
 *
 * `<pan-marketplace>` is registered at once; the others from chunks of their own, so that the
 * catalog's first load stays small. Elements already in the page upgrade when they arrive;
 * `customElements.whenDefined('pan-run-log')` tells when.
 */
import './internal/locale-loader.ts';
import './components/marketplace/pan-marketplace.ts';

// The settings form apart from the others: opening a form then loads React and rjsf, not them.
void import('./components/settings-form/pan-settings-form.ts');
void import('./define-lazy.ts');
