/**
 * A run's environment (SPEC "A run's environment"), as pure functions: the runner adds nothing
 * else, and never copies anything from the server's own environment but `PATH`.
 */
import type { RunStatus } from '@pan/contract';
import type { RunContext, RunTrigger } from './types.ts';

export type Environment = Record<string, string>;

/** Where the run directory put a trigger's payload (absolute paths). */
export interface TriggerFiles {
  /** The body, byte for byte as received. */
  file: string;
  /** multipart/form-data bodies only: one file per part, in the body's order. */
  parts?: TriggerPart[];
}

/** One part of a multipart body, as `payload.parts[]` shows it to the run. */
export interface TriggerPart {
  name: string | null;
  /** Null for a plain field (no `filename` in its Content-Disposition). */
  filename: string | null;
  content_type: string;
  file: string;
}

/** The files of one run directory the context variables point at. */
export interface RunPaths {
  /** Trigger id -> its files; a trigger with a payload must have an entry. */
  triggers: Record<string, TriggerFiles>;
  /** `metadata.json`; null when `context.metadata` is null. */
  metadataFile: string | null;
}

/** One record of `PAN_CTX_RUN_TRIGGERS`, shaped like Pandium's (SPEC "Triggers"). */
export interface TriggerRecord {
  id: string;
  source: RunTrigger['source'];
  mode: RunTrigger['mode'];
  created_date: string;
  payload?: { file: string; headers: Record<string, string>; parts?: TriggerPart[] };
  event?: string;
}

const DEFAULT_PATH = '/usr/local/bin:/usr/bin:/bin';

/**
 * The only variables a run gets besides `PAN_*`: the server's `PATH` (so that `node`, `python`...
 * are found as the server finds them), `HOME` (a directory of the run's own), `LANG`, `TZ`.
 */
export function baseVariables(home: string, serverPath: string | undefined = process.env.PATH): Environment {
  return { PATH: serverPath || DEFAULT_PATH, HOME: home, LANG: 'C.UTF-8', TZ: 'UTC' };
}

/**
 * `PAN_CFG_<NAME UPPERCASED>`: strings as they are, booleans `true`/`false`, numbers as decimal
 * text, arrays and objects as JSON; null and undefined values are left out.
 */
export function configVariables(configs: Record<string, unknown>): Environment {
  const out: Environment = {};
  for (const [name, value] of Object.entries(configs)) {
    const text = configText(value);
    if (text !== undefined) out[`PAN_CFG_${name.toUpperCase()}`] = text;
  }
  return out;
}

function configText(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return value;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
    case 'bigint':
      return String(value);
    case 'object':
      return value === null ? undefined : JSON.stringify(value);
    default:
      return undefined;
  }
}

/**
 * `PAN_SEC_<CONNECTOR>_<FIELD>`, uppercased, hyphens kept as they are
 * (`acme-crm`.`access_token` -> `PAN_SEC_ACME-CRM_ACCESS_TOKEN`).
 */
export function secretVariables(secrets: Record<string, Record<string, string>>): Environment {
  const out: Environment = {};
  for (const [connector, fields] of Object.entries(secrets)) {
    for (const [field, value] of Object.entries(fields)) {
      if (typeof value === 'string') out[`PAN_SEC_${connector}_${field}`.toUpperCase()] = value;
    }
  }
  return out;
}

/** A trigger record's `created_date`: `2023-01-27T23:27:07Z` (UTC, whole seconds), as Pandium's examples. */
export function pandiumTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The `PAN_CTX_LAST_*_TIME` format Pandium documents: `2021-07-24 20:04:21 +0000 UTC` (Go's
 * `time.Time` printed in UTC; whole seconds).
 */
export function pandiumRunTime(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} +0000 UTC`;
}

/**
 * `PAN_CTX_LAST_RUN_PHASE`: one of the three phases Pandium documents. A run the platform stopped
 * at its time limit is `Timeout`; every other failure is `Failed` (its detail is in
 * `PAN_CTX_LAST_RUN_STATUS`, ours).
 */
export function pandiumPhase(status: RunStatus): 'Succeeded' | 'Failed' | 'Timeout' {
  if (status === 'Succeeded') return 'Succeeded';
  return status === 'Failed (Timeout)' ? 'Timeout' : 'Failed';
}

/** The records of `PAN_CTX_RUN_TRIGGERS`, in the context's order. */
export function triggerRecords(triggers: RunTrigger[], files: RunPaths['triggers']): TriggerRecord[] {
  return triggers.map((trigger) => {
    const record: TriggerRecord = {
      id: trigger.id,
      source: trigger.source,
      mode: trigger.mode,
      created_date: pandiumTime(trigger.createdAt),
    };
    if (trigger.payload) {
      const stored = files[trigger.id];
      if (!stored) throw new Error(`No payload file for trigger ${trigger.id}`);
      record.payload = { file: stored.file, headers: trigger.payload.headers };
      if (stored.parts) record.payload.parts = stored.parts;
    }
    if (trigger.event !== undefined) record.event = trigger.event;
    return record;
  });
}

/**
 * Every `PAN_CTX_*` variable of SPEC, present only when it has a value, as Pandium sets them: the
 * `PAN_CTX_LAST_*` ones exist only once there was such a run (a script tests for the variable,
 * e.g. `JSON.parse(process.env.X ?? '{}')`, and an empty string would break it), and
 * `PAN_CTX_TENANT_METADATA_FILE` only when the release has a `metadata_schema`. Ours, besides
 * Pandium's (docs/run-contract.md): `PAN_CTX_TENANT_ID`, `PAN_CTX_WEBHOOK_URL` and
 * `PAN_CTX_LAST_RUN_STATUS` (the detailed status, e.g. `Failed (Integration Issue)`).
 */
export function contextVariables(context: RunContext, paths: RunPaths): Environment {
  const { lastRun, lastSuccessfulRun } = context;
  const out: Environment = {
    PAN_CTX_RUN_MODE: context.mode,
    PAN_CTX_RUN_TRIGGERS: JSON.stringify(triggerRecords(context.triggers, paths.triggers)),
    PAN_CTX_INTEGRATION_ID: String(context.integration.id),
    PAN_CTX_INTEGRATION_NAME: context.integration.name,
    PAN_CTX_TENANT_ID: context.tenantId,
    PAN_CTX_WEBHOOK_URL: context.webhookUrl,
  };
  if (lastRun) {
    out.PAN_CTX_LAST_RUN_START_TIME = pandiumRunTime(lastRun.startedAt);
    if (lastRun.endedAt) out.PAN_CTX_LAST_RUN_COMPLETION_TIME = pandiumRunTime(lastRun.endedAt);
    out.PAN_CTX_LAST_RUN_PHASE = pandiumPhase(lastRun.status);
    out.PAN_CTX_LAST_RUN_STATUS = lastRun.status;
  }
  if (lastSuccessfulRun) {
    out.PAN_CTX_LAST_SUCCESSFUL_RUN_START_TIME = pandiumRunTime(lastSuccessfulRun.startedAt);
    if (lastSuccessfulRun.endedAt) out.PAN_CTX_LAST_SUCCESSFUL_RUN_COMPLETION_TIME = pandiumRunTime(lastSuccessfulRun.endedAt);
    out.PAN_CTX_LAST_SUCCESSFUL_RUN_PHASE = 'Succeeded';
    if (lastSuccessfulRun.stdout !== null) out.PAN_CTX_LAST_SUCCESSFUL_RUN_STD_OUT = lastSuccessfulRun.stdout;
  }
  if (context.metadata !== null) {
    if (!paths.metadataFile) throw new Error('The context has metadata but the run directory has no metadata file');
    out.PAN_CTX_TENANT_METADATA_FILE = paths.metadataFile;
  }
  return out;
}

/**
 * The whole environment of a run: base + `PAN_CFG_*` + `PAN_SEC_*` + `PAN_CTX_*`, nothing else.
 * Names that no environment can hold (with `=` or NUL) and values with NUL are left out.
 */
export function runEnvironment(context: RunContext, paths: RunPaths, home: string, serverPath?: string): Environment {
  const all = {
    ...baseVariables(home, serverPath),
    ...configVariables(context.configs),
    ...secretVariables(context.secrets),
    ...contextVariables(context, paths),
  };
  const out: Environment = {};
  for (const [name, value] of Object.entries(all)) {
    if (name === '' || name.includes('=') || name.includes('\0') || value.includes('\0')) continue;
    out[name] = value;
  }
  return out;
}

/** Linux refuses (E2BIG) one `NAME=value` string longer than this (MAX_ARG_STRLEN, 32 pages). */
export const MAX_VARIABLE_BYTES = 128 * 1024 - 1;

/** The variables too long to be passed at all, with their size in bytes. */
export function oversizedVariables(env: Environment): Array<{ name: string; bytes: number }> {
  const out: Array<{ name: string; bytes: number }> = [];
  for (const [name, value] of Object.entries(env)) {
    const bytes = Buffer.byteLength(name) + 1 + Buffer.byteLength(value);
    if (bytes > MAX_VARIABLE_BYTES) out.push({ name, bytes });
  }
  return out;
}
