// Loaded at its first call: a server started by `startServer` loads it while its database starts.
export { buildApp } from './http/build-app.ts';
export type { AppOptions } from './http/app.ts';
export { loadElementsBundle, elementsImportMap, elementsScriptTag, type ElementsBundle } from './http/elements-bundle.ts';
export { readConfig, type RunApiConfig } from './platform/config.ts';
export { startServer, stopOnSignals, stopWhenStarted, type RunningServer } from './server.ts';
export { startEmbeddedDatabase, ensureDatabase, connectionUrl, freePort, type EmbeddedDatabase } from './platform/db/embedded.ts';
export { loadPostgresAuth, readPostgresAuth, POSTGRES_AUTH_FILE_NAME, type DatabaseRole, type PostgresAuth } from './platform/db/postgres-auth.ts';
export { secureDataDir } from './platform/data-dir.ts';
export { migrate } from './platform/db/migrate.ts';
export { createPool, type Db } from './platform/db/pool.ts';
export {
  SecretBox,
  loadSecretBox,
  generateSecretKey,
  parseSecretKey,
  parseKeyList,
  secretKeyId,
  sealedKeyId,
  readKeyFile,
  writeKeyFile,
  keyFileSource,
  KEY_FILE_NAME,
  LEGACY_KEY_FILE_NAME,
  type SecretBoxOptions,
  type SecretKeySource,
  type KeyFileEntry,
  type KeyFileContents,
  type LoadSecretBoxOptions,
} from './platform/crypto/secret-box.ts';
export {
  findSealedColumns,
  countSealedValues,
  resealAll,
  EXTRA_SEALED_COLUMNS,
  type SealedColumn,
  type SealedColumnCount,
  type ResealOptions,
  type ResealReport,
  type ResealColumnReport,
} from './platform/db/reseal.ts';
export { openDataDirDatabase, type DataDirDatabase } from './platform/db/data-dir-database.ts';
export { upsertAccount, type AccountSettings } from './modules/accounts/store.ts';
export { createApiKey, generateApiKey, listApiKeys, revokeApiKeys, type ApiKeyView } from './modules/accounts/api-key.ts';
export { EndUserTokenVerifier, type EndUser, type ExtraTenantInfo } from './modules/accounts/end-user-token.ts';
export type * from '@pan/contract';
export { ProcessExecutor, type ProcessExecutorOptions } from './modules/runner/process-executor.ts';
export { ReleaseDirectories, type ReleaseDirectoriesOptions } from './modules/runner/release-dir.ts';
export { Sandbox, SandboxUnavailableError, checkSandbox, type SandboxLimits, type SandboxOptions } from './modules/runner/sandbox.ts';
export { sandboxFor } from './modules/runs/engine.ts';
export type { RunContext, RunTrigger, RunOutcome, RunLimits, LogLine, PreviousRun } from './modules/runner/types.ts';
export { resultOf } from './modules/runs/worker.ts';
export { SecretMasker, MASK } from './modules/runs/log-mask.ts';
export { validateWebhookBody, type WebhookSchemaError } from './modules/triggers/webhook-schema.ts';
export { NOTHING_PRINTED } from './modules/runner/last-json.ts';
