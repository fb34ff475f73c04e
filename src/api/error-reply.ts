import type { FastifyError, FastifyInstance } from 'fastify';
import { ERROR_CODES, type ErrorCode } from '../errors/error-codes.js';
import { isSatiotError } from '../errors/satiot-error.js';

/** The one error body every route answers with. */
export const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object', required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object', additionalProperties: true } },
    },
  },
} as const;

/**
 * Maps errors to the catalogue once, at the edge: SatiotError → its status and code; Fastify's
 * validation and body errors → INVALID_ARGUMENT / PAYLOAD_TOO_LARGE; anything else → 500 INTERNAL,
 * logged in full and masked to the caller.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    let code: ErrorCode;
    let message = err.message;
    let details: Record<string, unknown> | undefined;
    if (isSatiotError(err)) {
      code = err.code;
      details = { ...err.details };
    } else if (err.validation) {
      code = 'INVALID_ARGUMENT';
      message = `request ${err.validationContext ?? ''} ${err.message}`.replace(/\s+/g, ' ').trim();
    } else if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      code = 'PAYLOAD_TOO_LARGE';
    } else if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      code = 'INVALID_ARGUMENT';
    } else {
      req.log.error({ err }, 'unexpected error');
      code = 'INTERNAL';
      message = 'internal error; it has been logged';
    }
    void reply.status(ERROR_CODES[code].http).send({ error: { code, message, ...(details ? { details } : {}) } });
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send({ error: { code: 'NOT_FOUND', message: `no route ${req.method} ${req.url}` } });
  });
}
