/**
 * The run API's paths, as its clients call them: the elements (the marketplace, Bearer JWT) and
 * the CLI (the host API, `/v2`, `X-API-KEY`). Values are URL-encoded here. The elements bundle
 * these modules: one-liners only, no schema. One module per area, so each path goes into the
 * bundle chunk of the element that calls it (the catalog's first load holds only its own two).
 * The run API's tests check that it serves every one of them (test/routes/paths.test.ts).
 */
export * from './catalog.ts';
export * from './tenants.ts';
export * from './runs.ts';
export * from './connections.ts';
export * from './host.ts';
