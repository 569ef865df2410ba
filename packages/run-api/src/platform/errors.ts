/**
 * The one catalogue of API errors. Every error answer is
 * `{statusCode, code, error, message}` with a `PAN_ERR_<AREA>_<WHAT>` code.
 */
export class PanError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    /** Extra machine-readable fields merged into the answer (never secrets). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'PanError';
  }
}

export type AuthErrorCode =
  | 'PAN_ERR_AUTH_MISSING'
  | 'PAN_ERR_AUTH_MALFORMED'
  | 'PAN_ERR_AUTH_TOKEN_IN_URL'
  | 'PAN_ERR_AUTH_ALG_NOT_ALLOWED'
  | 'PAN_ERR_AUTH_UNKNOWN_ISSUER'
  | 'PAN_ERR_AUTH_UNKNOWN_KID'
  | 'PAN_ERR_AUTH_BAD_SIGNATURE'
  | 'PAN_ERR_AUTH_BAD_AUDIENCE'
  | 'PAN_ERR_AUTH_BAD_ISSUER'
  | 'PAN_ERR_AUTH_TOKEN_EXPIRED'
  | 'PAN_ERR_AUTH_NOT_YET_VALID'
  | 'PAN_ERR_AUTH_TOKEN_TOO_OLD'
  | 'PAN_ERR_AUTH_LIFETIME_TOO_LONG'
  | 'PAN_ERR_AUTH_CLAIM_MISSING'
  | 'PAN_ERR_AUTH_CLAIM_INVALID'
  | 'PAN_ERR_AUTH_KEYS_UNAVAILABLE'
  | 'PAN_ERR_AUTH_API_KEY_INVALID'
  | 'PAN_ERR_WEBHOOK_SIGNATURE_INVALID'
  | 'PAN_ERR_WEBHOOK_REPLAYED';

export const authError = (code: AuthErrorCode, message: string) => new PanError(401, code, message);

export const notFound = (what: string) => new PanError(404, 'PAN_ERR_NOT_FOUND', `${what} not found`);

export const badRequest = (code: string, message: string, details?: Record<string, unknown>) =>
  new PanError(400, code, message, details);

export const unprocessable = (code: string, message: string, details?: Record<string, unknown>) =>
  new PanError(422, code, message, details);

export const forbidden = (code: string, message: string, details?: Record<string, unknown>) =>
  new PanError(403, code, message, details);

export const conflict = (code: string, message: string, details?: Record<string, unknown>) =>
  new PanError(409, code, message, details);
