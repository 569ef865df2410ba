import type { FastifyError, FastifyInstance } from 'fastify';
import { PanError } from './errors.ts';

/** Fastify's own error codes, mapped onto the catalogue. */
const FASTIFY_ERRORS: Record<string, { statusCode: number; code: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { statusCode: 413, code: 'PAN_ERR_REQUEST_TOO_LARGE' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { statusCode: 415, code: 'PAN_ERR_REQUEST_UNSUPPORTED_MEDIA_TYPE' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { statusCode: 400, code: 'PAN_ERR_REQUEST_MALFORMED' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { statusCode: 400, code: 'PAN_ERR_REQUEST_MALFORMED_JSON' },
  FST_ERR_CTP_INVALID_JSON_BODY: { statusCode: 400, code: 'PAN_ERR_REQUEST_MALFORMED_JSON' },
};

/** One error handler: a catalogue code for every answer, no internals on 5xx. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof PanError) {
      if (error.statusCode >= 500) request.log.error({ err: error }, 'request failed');
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
      return reply.status(400).send({
        statusCode: 400,
        code: 'PAN_ERR_REQUEST_INVALID',
        error: 'Bad Request',
        message: `${error.validationContext ?? 'request'}${first?.field ? ` ${first.field}` : ''}: ${first?.message ?? error.message}`,
        errors,
      });
    }
    // JSON.parse failures surface as a SyntaxError with statusCode 400.
    const mapped = (error.code && FASTIFY_ERRORS[error.code])
      ?? (error instanceof SyntaxError ? { statusCode: 400, code: 'PAN_ERR_REQUEST_MALFORMED_JSON' } : undefined);
    if (mapped) {
      return reply.status(mapped.statusCode).send({
        statusCode: mapped.statusCode,
        code: mapped.code,
        error: statusText(mapped.statusCode),
        message: error.message,
      });
    }
    const statusCode = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (statusCode >= 500) request.log.error({ err: error }, 'request failed');
    return reply.status(statusCode).send({
      statusCode,
      code: statusCode >= 500 ? 'PAN_ERR_INTERNAL' : 'PAN_ERR_REQUEST_INVALID',
      error: statusText(statusCode),
      message: statusCode >= 500 ? 'Something went wrong on our side' : error.message,
    });
  });

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({
      statusCode: 404,
      code: 'PAN_ERR_ROUTE_NOT_FOUND',
      error: 'Not Found',
      message: `No route ${request.method} ${request.url.split('?')[0]}`,
    });
  });
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};
const statusText = (status: number) => STATUS_TEXT[status] ?? 'Error';
