export { startTestStack, seedFixtureCatalog, LOOPBACK_EGRESS_ALLOW, createOtherAccount, type TestStack, type TestStackOptions } from './stack.ts';
export { createTestDatabase, startThrowawayCluster } from './test-database.ts';
export * from './catalog-fixture.ts';
export { fixtureReleases, seedFixtureReleases, storeScriptRelease } from './seed-releases.ts';
export { fixtureConnectors, seedFixtureConnectors, seedNeedsReconnect } from './connectors-fixture.ts';
export { endUserToken, signEndUserToken, stackSigner, type TokenSigner } from './tokens.ts';
export {
  followProcess,
  isRunning,
  postmasterPid,
  processesUsing,
  repoRoot,
  spawnScript,
  startServerProcess,
  until,
  type Exit,
  type FollowedProcess,
  type ServerProcess,
} from './processes.ts';
