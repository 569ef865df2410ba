/**
 * Every error answer has one shape (the run API's error handler), with a machine-readable `code`
 * (`PAN_ERR_<AREA>_<WHAT>`); 400s and 422s that concern fields name them in `errors`. An expired
 * token answers 401 with code `PAN_ERR_AUTH_TOKEN_EXPIRED`.
 */
import type { WireType } from './wire-type.ts';

/** Documented on every `/v2` operation (OpenAPI); the error handler builds the answer, not this schema. */
export const errorSchema = {
  description: 'An error: 400 bad input (errors names the fields), 401 no or a wrong API key, 404 not found (or not yours), 409, 413, 422',
  type: 'object',
  required: ['statusCode', 'code', 'message'],
  properties: {
    statusCode: { type: 'integer' },
    code: { type: 'string', description: 'Machine-readable: one of the codes listed, with their statuses, in the document\'s x-pan-error-codes' },
    error: { type: 'string' },
    message: { type: 'string' },
    errors: { type: 'array', items: { type: 'object', additionalProperties: true } },
  },
} as const;

export type ApiError = WireType<typeof errorSchema>;
