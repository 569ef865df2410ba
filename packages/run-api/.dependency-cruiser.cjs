/**
 * The run API's layout rules (checked by test/layout/layout.test.ts, and by
 * `npx depcruise --config packages/run-api/.dependency-cruiser.cjs packages/run-api/src`).
 * See docs/architecture.md for the map these rules keep true.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycles',
      comment: 'Folders depend on each other in one direction: modules form a stack, platform is below them all.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^packages/run-api/src' },
      to: { circular: true },
    },
    {
      name: 'platform-imports-no-module',
      comment: 'platform/ (db, crypto, config, errors) is shared by every module and knows none of them.',
      severity: 'error',
      from: { path: '^packages/run-api/src/platform/' },
      to: { path: '^packages/run-api/src/(modules|http)/' },
    },
    {
      name: 'modules-import-no-http',
      comment: 'http/ registers the modules’ routes; a module never reaches back into it.',
      severity: 'error',
      from: { path: '^packages/run-api/src/modules/' },
      to: { path: '^packages/run-api/src/http/' },
    },
    {
      name: 'routes-use-no-db',
      comment: 'A routes file calls its module’s service or store; it runs no SQL and opens no transaction.',
      severity: 'error',
      from: { path: '-routes[.]ts$' },
      to: { path: '^packages/run-api/src/platform/db/' },
    },
    {
      name: 'store-imports-no-route-or-service',
      comment: 'A store is the bottom of its module: SQL in, rows out.',
      severity: 'error',
      from: { path: '^packages/run-api/src/modules/[^/]+/(store|sql)[.]ts$' },
      to: { path: '(-routes|service)[.]ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'clients-import-no-server',
      comment: 'The elements get wire types and paths from @pan/contract, never from the server package.',
      severity: 'error',
      from: { path: '^packages/(elements|contract)/src/', pathNot: '[.]test[.]ts$' },
      to: { path: '^packages/run-api/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(node_modules|/dist/)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs'] },
  },
};
