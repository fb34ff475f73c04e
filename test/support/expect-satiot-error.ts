import { expect } from 'vitest';
import type { ErrorCode } from '../../src/errors/error-codes.js';
import { SatiotError } from '../../src/errors/satiot-error.js';

const SUCCEEDED = Symbol('succeeded');

/**
 * The SatiotError with `code` that `run` fails with: a promise that rejects, or a function that
 * throws or returns a promise that rejects. Fails the test when it succeeds or fails with anything
 * else. (For a synchronous call with no code to check, `errorOf` in error-of.ts is shorter.)
 */
export async function expectSatiotError(
  run: Promise<unknown> | (() => unknown),
  code: ErrorCode,
): Promise<SatiotError> {
  const settled = typeof run === 'function' ? (async () => run())() : run;
  const e = await settled.then(
    () => SUCCEEDED,
    (err: unknown) => err,
  );
  if (e === SUCCEEDED) throw new Error(`expected a SatiotError ${code}, but the call succeeded`);
  expect(e).toBeInstanceOf(SatiotError);
  expect((e as SatiotError).code).toBe(code);
  return e as SatiotError;
}
