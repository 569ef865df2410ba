/** Registers every `pan-*` element. Safe to load more than once. */
import './components/marketplace/pan-marketplace.ts';
import './components/settings-form/pan-settings-form.ts';
