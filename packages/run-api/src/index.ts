export { buildApp, type AppOptions } from './app.ts';
export { readConfig, type RunApiConfig } from './config.ts';
export { startServer, stopOnSignals, ensureDatabase, type RunningServer } from './server.ts';
export { startEmbeddedDatabase, freePort, type EmbeddedDatabase } from './db/embedded.ts';
export { migrate } from './db/migrate.ts';
export { createPool, type Db } from './db/pool.ts';
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
} from './crypto/secret-box.ts';
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
} from './crypto/rotation.ts';
export { openDataDirDatabase, type DataDirDatabase } from './db/data-dir-database.ts';
export { upsertAccount, type AccountSettings } from './storage/accounts.ts';
export { createApiKey, generateApiKey, listApiKeys, revokeApiKeys, type ApiKeyView } from './auth/api-key.ts';
export { EndUserTokenVerifier, type EndUser, type ExtraTenantInfo } from './auth/end-user-token.ts';
export type * from '@pan/contract';
export { ProcessExecutor, type ProcessExecutorOptions } from './runner/process-executor.ts';
export { ReleaseDirectories, type ReleaseDirectoriesOptions } from './runner/release-dir.ts';
export type { RunContext, RunTrigger, RunOutcome, RunLimits, LogLine, PreviousRun } from './runner/types.ts';
export { resultOf } from './runs/worker.ts';
export { logMasker, MASK } from './runs/log-mask.ts';
export { validateWebhookBody, type WebhookSchemaError } from './runs/webhook-schema.ts';
export { NOTHING_PRINTED } from './runner/last-json.ts';
