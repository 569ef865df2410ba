/** Route schemas of the run engine, shared by the marketplace and the host API. */
export const idParamsSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', format: 'uuid' } },
} as const;

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

export const triggerAcceptedSchema = {
  type: 'object',
  required: ['trigger_id'],
  properties: { trigger_id: { type: 'string' } },
} as const;

const runStatusSchema = {
  type: 'string',
  enum: [
    'Running',
    'Succeeded',
    'Failed (Integration Issue)',
    'Failed (Timeout)',
    'Failed (Platform Issue)',
    'Failed (Refresh)',
    'Failed (Metadata Validation)',
    'Lost',
  ],
} as const;

export const triggerStatusSchema = {
  type: 'object',
  required: ['trigger_id', 'state', 'run_id', 'run_status'],
  properties: {
    trigger_id: { type: 'string' },
    state: { type: 'string', enum: ['pending', 'running', 'finished'] },
    run_id: { type: ['string', 'null'] },
    run_status: { anyOf: [runStatusSchema, { type: 'null' }] },
  },
} as const;

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
    triggers: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          source: { type: 'string' },
          mode: { type: 'string' },
          created_date: { type: 'string' },
          event: { type: 'string' },
        },
      },
    },
    log_lines: { type: 'integer' },
    log_truncated: { type: 'boolean' },
    output_note: { type: ['string', 'null'] },
  },
} as const;

export const runPageSchema = {
  type: 'object',
  required: ['runs', 'next_before'],
  properties: { runs: { type: 'array', items: runSchema }, next_before: { type: ['string', 'null'] } },
} as const;
