import type { ErrorCode } from './error-codes.js';

/**
 * The one error type satiot raises on purpose. `code` is stable (see error-codes.ts) and is what
 * callers, the API and the CLI branch on; `message` is for people; `details` carries the
 * machine-readable specifics (a line number, a satellite name, the offending value).
 *
 * The domain's own errors (CodecError, FrameError, RuleError, AlarmError) are subclasses with a
 * narrower `code` and their specifics both as fields and in `details`, so they need no translating:
 * the edge maps every SatiotError once (src/api/error-reply.ts for HTTP, src/cli/run-action.ts for
 * exit codes). `name` is the subclass's own, for logs.
 */
export class SatiotError extends Error {
  override readonly name: string = 'SatiotError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

export function isSatiotError(e: unknown): e is SatiotError {
  return e instanceof SatiotError;
}
