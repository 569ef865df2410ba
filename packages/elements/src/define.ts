/**
 * Registers every `pan-*` element. Safe to load more than once.
 *
 * `<pan-marketplace>` is registered at once; the others in a chunk of their own, so that the
 * catalog's first load stays small. Elements already in the page upgrade when it arrives;
 * `customElements.whenDefined('pan-run-log')` tells when.
 */
import './components/marketplace/pan-marketplace.ts';

void import('./define-lazy.ts');
