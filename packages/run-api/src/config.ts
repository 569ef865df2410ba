import path from 'node:path';

/** Everything the run API reads from its environment, read once at start. */
export interface RunApiConfig {
  /** Where the embedded PostgreSQL and the secret key file live. */
  dataDir: string;
  /** An external PostgreSQL; when unset, an embedded one is started in `dataDir`. */
  databaseUrl: string | undefined;
  host: string;
  port: number;
  /** Origins allowed to call the API from a browser (the host app's pages). */
  corsOrigins: string[];
  /** Base64 of 32 bytes; when unset a key file is created in `dataDir`. */
  secretKey: string | undefined;
  /** Largest JSON request body, in bytes. */
  bodyLimit: number;
  /** Largest release archive, in bytes. */
  releaseBodyLimit: number;
  logLevel: string;
}

const MiB = 1024 * 1024;

export function readConfig(env: NodeJS.ProcessEnv = process.env): RunApiConfig {
  return {
    dataDir: path.resolve(env.PAN_DATA_DIR ?? '.pan-data'),
    databaseUrl: env.DATABASE_URL || undefined,
    host: env.PAN_HOST ?? '127.0.0.1',
    port: readInteger(env, 'PAN_PORT', 3100),
    corsOrigins: (env.PAN_CORS_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    secretKey: env.PAN_SECRET_KEY || undefined,
    bodyLimit: readInteger(env, 'PAN_BODY_LIMIT', 1 * MiB),
    releaseBodyLimit: readInteger(env, 'PAN_RELEASE_BODY_LIMIT', 50 * MiB),
    logLevel: env.PAN_LOG_LEVEL ?? 'info',
  };
}

function readInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}
