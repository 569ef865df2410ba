/** Registers every `pan-*` element. Safe to load more than once. */
import './components/marketplace/pan-marketplace.ts';
