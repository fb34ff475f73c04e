import type { ErrorCode } from './error-codes.js';

/**
 * The one error type satiot raises on purpose. `code` is stable (see error-codes.ts) and is what
 * callers, the API and the CLI branch on; `message` is for people; `details` carries the
 * machine-readable specifics (a line number, a satellite name, the offending value).
 */
export class SatiotError extends Error {
  override readonly name = 'SatiotError';

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
