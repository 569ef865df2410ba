import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import pg from 'pg';
import { ERRORS, PanError, type ErrorEntry } from './errors.ts';
import { isDatabaseUnavailable } from './db/connection-errors.ts';

/** Fastify's own error codes, mapped onto the catalogue. */
const FASTIFY_ERRORS: Record<string, ErrorEntry> = {
  FST_ERR_CTP_BODY_TOO_LARGE: ERRORS.REQUEST_TOO_LARGE,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ERRORS.REQUEST_UNSUPPORTED_MEDIA_TYPE,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ERRORS.REQUEST_MALFORMED,
  FST_ERR_CTP_EMPTY_JSON_BODY: ERRORS.REQUEST_MALFORMED_JSON,
  FST_ERR_CTP_INVALID_JSON_BODY: ERRORS.REQUEST_MALFORMED_JSON,
};

/** One error handler: a catalogue code for every answer, no internals on 5xx. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof PanError) {
      // A 503 is a state (not ready, unavailable), not a bug: a warning without a stack.
      if (error.statusCode === 503) request.log.warn({ code: error.code, ...error.details }, error.message);
      else if (error.statusCode >= 500) request.log.error({ err: error }, 'request failed');
      return reply.status(error.statusCode).send({
        statusCode: error.statusCode,
        code: error.code,
        error: statusText(error.statusCode),
        message: error.message,
        ...error.details,
      });
    }
    if (error.validation) {
      const errors = error.validation.map((v) => {
        // Name the field even when ajv reports it on the parent (unknown or missing properties).
        const named = (v.params?.additionalProperty ?? v.params?.missingProperty) as string | undefined;
        const path = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
        const field = [path, named].filter(Boolean).join('.');
        const message = v.params?.additionalProperty ? 'is not a known parameter' : (v.message ?? 'is not valid');
        return { field, message };
      });
      const first = errors[0];
      const invalid = ERRORS.REQUEST_INVALID;
      return reply.status(invalid.status).send({
        statusCode: invalid.status,
        code: invalid.code,
        error: statusText(invalid.status),
        message: `${error.validationContext ?? 'request'}${first?.field ? ` ${first.field}` : ''}: ${first?.message ?? error.message}`,
        errors,
      });
    }
    // JSON.parse failures surface as a SyntaxError with statusCode 400.
    const mapped = (error.code && FASTIFY_ERRORS[error.code])
      ?? (error instanceof SyntaxError ? ERRORS.REQUEST_MALFORMED_JSON : undefined);
    if (mapped) {
      return reply.status(mapped.status).send({
        statusCode: mapped.status,
        code: mapped.code,
        error: statusText(mapped.status),
        message: error.message,
      });
    }
    // A value PostgreSQL cannot take as sent (SQLSTATE class 22: out of range, malformed for its type,
    // an untranslatable character) is the client's input, not our fault. Logged at warn: a 22xxx
    // from a value the server made itself would be a bug worth seeing.
    if (error instanceof pg.DatabaseError && error.code?.startsWith('22')) {
      request.log.warn({ sqlState: error.code, routine: error.routine }, 'database refused a value of the request');
      const invalid = ERRORS.REQUEST_VALUE_INVALID;
      return reply.status(invalid.status).send({
        statusCode: invalid.status,
        code: invalid.code,
        error: statusText(invalid.status),
        message: 'A value of the request cannot be stored as sent (out of range, malformed, or a character that is not allowed)',
      });
    }
    // The database is down or restarting: the client should retry, not report a bug.
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable');
      const unavailable = ERRORS.DATABASE_UNAVAILABLE;
      return reply.status(unavailable.status).header('retry-after', String(DATABASE_RETRY_AFTER_S)).send({
        statusCode: unavailable.status,
        code: unavailable.code,
        error: statusText(unavailable.status),
        message: 'The database cannot be reached right now; try again shortly',
      });
    }
    // Any other client error keeps Fastify's 4xx status under the catalogue's REQUEST_INVALID code.
    const statusCode = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : ERRORS.INTERNAL.status;
    if (statusCode >= 500) request.log.error({ err: error }, 'request failed');
    return reply.status(statusCode).send({
      statusCode,
      code: statusCode >= 500 ? ERRORS.INTERNAL.code : ERRORS.REQUEST_INVALID.code,
      error: statusText(statusCode),
      message: statusCode >= 500 ? 'Something went wrong on our side' : error.message,
    });
  });

  app.setNotFoundHandler((request, reply) => {
    const { status, code } = ERRORS.ROUTE_NOT_FOUND;
    reply.status(status).send({
      statusCode: status,
      code,
      error: statusText(status),
      message: `No route ${request.method} ${request.url.split('?')[0]}`,
    });
  });
}

/** Seconds a client is told to wait when the database is unavailable (a restart takes a few). */
const DATABASE_RETRY_AFTER_S = 5;

/**
 * Fastify's `frameworkErrors` option: the router's own refusals, answered before any route or
 * error handler runs (a percent-encoding that is not UTF-8, a path parameter over the length limit).
 */
export function answerFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  const message = error.code === 'FST_ERR_MAX_PARAM_LENGTH'
    ? 'A path parameter is too long'
    : 'The URL is not valid (a percent-encoding that is not UTF-8?)';
  reply.status(status).send({ statusCode: status, code: ERRORS.REQUEST_INVALID.code, error: statusText(status), message });
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};
const statusText = (status: number) => STATUS_TEXT[status] ?? 'Error';
