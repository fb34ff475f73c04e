import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES, type ErrorCode } from '../errors/error-codes.js';
import { isSatiotError } from '../errors/satiot-error.js';
import { isStoreUnavailable } from '../store/store-unavailable.js';

/** Seconds a client is told to wait before retrying after a 503 (the store or the planner busy). */
export const RETRY_AFTER_S = 5;

/**
 * Errors Fastify meets before routing (a URL whose percent escapes do not decode, `FST_ERR_BAD_URL`)
 * in the one error body: 400 INVALID_ARGUMENT. The `frameworkErrors` option of the Fastify factory.
 */
export function frameworkErrorReply(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  const bad = err.code === 'FST_ERR_BAD_URL';
  void reply.status(400).send({
    error: { code: 'INVALID_ARGUMENT', message: bad ? 'the URL holds a malformed percent escape' : err.message },
  });
}

/**
 * Maps errors to the catalogue once, at the edge: SatiotError (the domain's CodecError, FrameError,
 * RuleError and AlarmError included) → its status, code and details; Fastify's validation and body
 * errors → INVALID_ARGUMENT / PAYLOAD_TOO_LARGE; a store that cannot be reached → 503
 * STORE_UNAVAILABLE; anything else → 500 INTERNAL, logged in full and masked to the caller.
 * Every 503 says when to come back (Retry-After).
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
    } else if (isStoreUnavailable(err)) {
      req.log.warn({ err }, 'store unavailable');
      code = 'STORE_UNAVAILABLE';
      message = 'the store cannot be reached just now; nothing was changed: retry shortly';
    } else {
      req.log.error({ err }, 'unexpected error');
      code = 'INTERNAL';
      message = 'internal error; it has been logged';
    }
    const status = ERROR_CODES[code].http;
    if (status === 503 && !reply.hasHeader('retry-after')) void reply.header('retry-after', String(RETRY_AFTER_S));
    // A refusal that knows when it lifts (a 429 with details.retryAfterSeconds) says so in the header too.
    const retryAfter = details?.['retryAfterSeconds'];
    if (status === 429 && typeof retryAfter === 'number' && !reply.hasHeader('retry-after'))
      void reply.header('retry-after', String(retryAfter));
    void reply.status(status).send({ error: { code, message, ...(details ? { details } : {}) } });
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send({ error: { code: 'NOT_FOUND', message: `no route ${req.method} ${req.url}` } });
  });
}
