/**
 * The run API's wire contract: the route schemas (JSON Schema, as Fastify validates and
 * serialises with them) and the types derived from them with json-schema-to-ts. Browser code
 * imports types only (`import type`); the paths are a separate entry, `@pan/contract/paths`.
 */
export type { WireType, Refined } from './schemas/wire-type.ts';
export * from './schemas/errors.ts';
export * from './schemas/paging.ts';
export * from './schemas/catalog.ts';
export * from './schemas/tenants.ts';
export * from './schemas/runs.ts';
export * from './schemas/connections.ts';
export * from './schemas/notifications.ts';
export * from './schemas/host.ts';
export * from './schemas/sourcecontrol.ts';
