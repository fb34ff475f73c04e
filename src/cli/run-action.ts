import { ERROR_CODES } from '../errors/error-codes.js';
import { isSatiotError } from '../errors/satiot-error.js';

/**
 * Wraps a command's action: a SatiotError (the domain's CodecError, FrameError, RuleError and
 * AlarmError included) prints `error CODE: message` on stderr and exits with the catalogue's exit
 * code; anything unexpected prints INTERNAL (with the stack when SATIOT_DEBUG is set) and exits 1.
 * No stack trace for bad input.
 */
export function runAction<A extends unknown[]>(
  fn: (...args: A) => Promise<void> | void,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      if (isSatiotError(e)) {
        process.stderr.write(`error ${e.code}: ${e.message}\n`);
        process.exitCode = ERROR_CODES[e.code].exit;
      } else {
        process.stderr.write(`error INTERNAL: ${(e as Error)?.message ?? String(e)}\n`);
        if (process.env.SATIOT_DEBUG) process.stderr.write(`${(e as Error)?.stack ?? ''}\n`);
        process.exitCode = 1;
      }
    }
  };
}

export const warnToStderr = (line: string): void => {
  process.stderr.write(`${line}\n`);
};
