/**
 * The run engine's routes, shared by the marketplace (Bearer JWT) and the host API (`X-API-KEY`):
 *
 *   POST /marketplace/tenants/:id/runs      RunRequest -> 202 TriggerAccepted
 *   GET  /marketplace/tenants/:id/runs      ?limit&before -> RunPage
 *   GET  /marketplace/runs/:id              -> Run
 *   GET  /marketplace/runs/:id/log          -> text, or Server-Sent Events of RunLogLine then RunLogEnd
 *   POST /marketplace/runs/:id/replay       -> 202 ReplayAccepted (a failed run only)
 *   GET  /marketplace/triggers/:id          -> TriggerStatus
 *   POST /v2/tenants/:id/sync               ?mode -> 202 TriggerAccepted
 *   POST /v2/runs/:id/replay                -> 202 ReplayAccepted
 *   GET  /v2/runs/triggers/:id/status       -> TriggerStatus
 */
import type { Refined, WireType } from './wire-type.ts';

export const idParamsSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', format: 'uuid' } },
} as const;

/** `init` needs the `run:init` permission, `normal` (the default) `run`. */
export const runRequestBodySchema = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: { mode: { type: 'string', enum: ['init', 'normal'] } },
} as const;

export const syncQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { mode: { type: 'string', enum: ['init', 'normal'] } },
} as const;

export const runPageQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    before: { type: 'string', format: 'uuid' },
  },
} as const;

/** The 202 answer of every trigger intake. */
export const triggerAcceptedSchema = {
  type: 'object',
  required: ['trigger_id'],
  properties: { trigger_id: { type: 'string' } },
} as const;

/**
 * The 202 answer of a replay: the new triggers, copies of those that ended in the failed run, in
 * their order (`trigger_id` is the first, to follow like any trigger's).
 */
export const replayAcceptedSchema = {
  type: 'object',
  required: ['trigger_id', 'trigger_ids'],
  properties: { trigger_id: { type: 'string' }, trigger_ids: { type: 'array', items: { type: 'string' } } },
} as const;

/**
 * How a run ended (SPEC), `Running` while it runs, `Lost` when its worker vanished, `Handed Back` when a
 * stopping server stopped it at the end of its grace period (both: its triggers were given back and run again).
 */
export const runStatusSchema = {
  type: 'string',
  enum: [
    'Running',
    'Succeeded',
    'Failed (Integration Issue)',
    'Failed (Timeout)',
    'Failed (Resource Limit)',
    'Failed (Platform Issue)',
    'Failed (Refresh)',
    'Failed (Metadata Validation)',
    'Lost',
    'Handed Back',
  ],
} as const;

/**
 * `state`: `pending` until a run takes the trigger, then the run's state. A run that could not
 * start gives its triggers back (`pending` again, `attempts` counts those starts); after too many
 * a trigger is `dead_letter`: it will not run, and `run_id` is its last run that could not start.
 */
export const triggerStatusSchema = {
  type: 'object',
  required: ['trigger_id', 'state', 'run_id', 'run_status'],
  properties: {
    trigger_id: { type: 'string' },
    state: { type: 'string', enum: ['pending', 'running', 'finished', 'dead_letter'] },
    attempts: { type: 'integer', minimum: 0 },
    run_id: { type: ['string', 'null'] },
    run_status: { anyOf: [runStatusSchema, { type: 'null' }] },
  },
} as const;

/**
 * A run's mode and a trigger's source. Runs and triggers are answered with these as plain
 * strings (`runSchema`); these schemas say which strings.
 */
export const runModeSchema = { type: 'string', enum: ['init', 'normal', 'webhook'] } as const;
export const triggerSourceSchema = { type: 'string', enum: ['manual', 'api', 'webhook', 'cron'] } as const;

/** One trigger of a run, as listed in its history (no payload). `created_date`: ISO 8601, e.g. `2023-01-27T23:27:07Z`. */
const runTriggerSummarySchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    source: { type: 'string' },
    mode: { type: 'string' },
    created_date: { type: 'string' },
    event: { type: 'string' },
  },
} as const;

/**
 * `ended_at`, `duration_ms`: null while running. `log_lines`: log lines kept so far.
 * `log_truncated`: the log (stderr) was cut at the cap; the last line says so. `output_note`: why
 * the run's stdout did not become the next context, when it did not (e.g. "the last output is not JSON").
 * `replay_of`: the failed run this one replays (its triggers are copies of that run's), else null.
 */
export const runSchema = {
  type: 'object',
  required: ['id', 'tenant_id', 'mode', 'status', 'started_at', 'ended_at', 'duration_ms', 'triggers'],
  properties: {
    id: { type: 'string' },
    tenant_id: { type: 'string' },
    mode: { type: 'string' },
    status: runStatusSchema,
    started_at: { type: 'string' },
    ended_at: { type: ['string', 'null'] },
    duration_ms: { type: ['integer', 'null'] },
    exit_code: { type: ['integer', 'null'] },
    release: { type: 'object', properties: { id: { type: 'string' }, version: { type: 'string' } } },
    triggers: { type: 'array', items: runTriggerSummarySchema },
    log_lines: { type: 'integer' },
    log_truncated: { type: 'boolean' },
    output_note: { type: ['string', 'null'] },
    replay_of: { type: ['string', 'null'] },
  },
} as const;

/** `next_before`: pass as `before` for the next (older) page; null at the end. */
export const runPageSchema = {
  type: 'object',
  required: ['runs', 'next_before'],
  properties: { runs: { type: 'array', items: runSchema }, next_before: { type: ['string', 'null'] } },
} as const;

/**
 * One stderr line of a run, streamed as Server-Sent Events: event `line`, `id` the line's `seq`,
 * data this JSON (`at`: ISO 8601 with milliseconds). The stream ends with event `end`, data `RunLogEnd`.
 */
export const runLogLineSchema = {
  type: 'object',
  required: ['seq', 'at', 'line'],
  properties: { seq: { type: 'integer' }, at: { type: 'string' }, line: { type: 'string' } },
} as const;

export const runLogEndSchema = {
  type: 'object',
  required: ['status'],
  properties: { status: runStatusSchema },
} as const;

export type IdParams = WireType<typeof idParamsSchema>;
export type RunMode = WireType<typeof runModeSchema>;
export type TriggerSource = WireType<typeof triggerSourceSchema>;
export type RunStatus = WireType<typeof runStatusSchema>;
export type RunRequest = WireType<typeof runRequestBodySchema>;
export type SyncQuery = WireType<typeof syncQuerySchema>;
export type RunPageQuery = WireType<typeof runPageQuerySchema>;
export type TriggerAccepted = WireType<typeof triggerAcceptedSchema>;
export type ReplayAccepted = WireType<typeof replayAcceptedSchema>;
export type TriggerStatus = WireType<typeof triggerStatusSchema>;
export type RunTriggerSummary = Refined<WireType<typeof runTriggerSummarySchema>, { source?: TriggerSource; mode?: RunMode }>;
export type Run = Refined<WireType<typeof runSchema>, { mode: RunMode; triggers: RunTriggerSummary[] }>;
export type RunPage = Refined<WireType<typeof runPageSchema>, { runs: Run[] }>;
export type RunLogLine = WireType<typeof runLogLineSchema>;
export type RunLogEnd = WireType<typeof runLogEndSchema>;
