/** Why a frame was refused. The same strings are stable error codes in src/errors/error-codes.ts. */
export type FrameErrorCode = 'MALFORMED_FRAME' | 'FRAME_TOO_LARGE' | 'UNSUPPORTED_FRAME';

/**
 * The only error the frame codec raises about frame contents. `message` names the offending field
 * and the numbers involved (e.g. "FOptsLen 15 exceeds the 3 bytes left"); `field` is the same field
 * for machines ("FOptsLen"), when there is one.
 */
export class FrameError extends Error {
  override readonly name = 'FrameError';

  constructor(
    readonly code: FrameErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export function isFrameError(e: unknown): e is FrameError {
  return e instanceof FrameError;
}
