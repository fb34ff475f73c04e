import { SatiotError } from '../errors/satiot-error.js';

/** Why a frame was refused. The same strings are stable error codes in src/errors/error-codes.ts. */
export type FrameErrorCode = 'MALFORMED_FRAME' | 'FRAME_TOO_LARGE' | 'UNSUPPORTED_FRAME';

/**
 * The only error the frame codec raises about frame contents: a SatiotError with a frame code, which
 * the API and the CLI map as any other. `message` names the offending field and the numbers involved
 * (e.g. "FOptsLen 15 exceeds the 3 bytes left"); `field` is the same field for machines ("FOptsLen"),
 * when there is one, and is also `details.field`. The ingest pipeline does not let it through: it
 * turns it into the frame's rejection code (src/core/ingest-pipeline.ts).
 */
export class FrameError extends SatiotError {
  override readonly name = 'FrameError';
  declare readonly code: FrameErrorCode;

  constructor(
    code: FrameErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(code, message, field !== undefined ? { field } : {});
  }
}

export function isFrameError(e: unknown): e is FrameError {
  return e instanceof FrameError;
}
