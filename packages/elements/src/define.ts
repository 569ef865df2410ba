/**
 * Registers every `pan-*` element. Safe to load more than once.
 *
 * `<pan-marketplace>` is registered at once; the others from chunks of their own, so that the
 * catalog's first load stays small. Elements already in the page upgrade when they arrive;
 * `customElements.whenDefined('pan-run-log')` tells when.
 */
import './components/marketplace/pan-marketplace.ts';

// Every other element (the settings form too) in one lazy chunk. A second dynamic import here for
// the settings form split lit and locale.ts out of this chunk into a file of their own (Rolldown
// does not merge that common chunk back), which cost the first load a request and ~240 B gzip.
// React and rjsf stay apart either way: the form imports them when it opens.
void import('./define-lazy.ts');
