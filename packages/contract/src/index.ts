export type * from './marketplace.ts';
