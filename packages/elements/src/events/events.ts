export type * from './pan-external-open.ts';
export type * from './pan-install-request.ts';
export type * from './pan-navigate.ts';
export type * from './pan-token-expired.ts';
