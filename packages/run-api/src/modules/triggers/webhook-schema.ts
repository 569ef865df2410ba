/**
 * Request validation for webhooks *(ours, SPEC "Triggers")*: a release's optional
 * `webhook: {schema}` checks JSON webhook bodies. Releases never change, so each release's schema
 * is compiled once and kept by release id.
 */
import { Ajv2019, type ValidateFunction } from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';

export interface WebhookSchemaError {
  /** JSON Pointer to the failing value (`''` is the whole body). */
  path: string;
  message: string;
}

const ajv = new Ajv2019({ allErrors: true, strict: false, logger: false, addUsedSchema: false });
addFormats(ajv);

/** Compiled validators by release id; `null` for a schema ajv cannot compile (then nothing is checked). */
const compiled = new Map<string, ValidateFunction | null>();
const CACHE_SIZE = 500;

function validatorFor(releaseId: string, schema: Record<string, unknown>): ValidateFunction | null {
  let validate = compiled.get(releaseId);
  if (validate !== undefined) return validate;
  try {
    validate = ajv.compile(schema);
  } catch {
    validate = null;
  }
  compiled.set(releaseId, validate);
  while (compiled.size > CACHE_SIZE) compiled.delete(compiled.keys().next().value as string);
  return validate;
}

/** Checks a parsed JSON body against a release's webhook schema: `[]` when it passes. */
export function validateWebhookBody(releaseId: string, schema: Record<string, unknown>, body: unknown): WebhookSchemaError[] {
  const validate = validatorFor(releaseId, schema);
  if (!validate || validate(body)) return [];
  return (validate.errors ?? []).map((error) => {
    const missing = error.keyword === 'required' ? (error.params as { missingProperty?: string }).missingProperty : undefined;
    const path = missing === undefined ? error.instancePath : `${error.instancePath}/${missing.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    return { path, message: error.message ?? 'is not valid' };
  });
}
