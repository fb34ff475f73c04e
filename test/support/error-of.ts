import { expect } from 'vitest';
import { SatiotError } from '../../src/errors/satiot-error.js';

/** The SatiotError a synchronous call throws; fails the test when it throws nothing or something else. */
export function errorOf(fn: () => unknown): SatiotError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SatiotError);
    return e as SatiotError;
  }
  throw new Error('expected a SatiotError');
}
