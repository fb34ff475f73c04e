import { expect } from 'vitest';
import { SatiotError } from '../../src/errors/satiot-error.js';

/**
 * The error of class `type` a synchronous call throws; fails the test when it throws nothing or
 * something else.
 */
export function thrownBy<E extends Error>(fn: () => unknown, type: abstract new (...args: never[]) => E): E {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(type);
    return e as E;
  }
  throw new Error(`expected a ${type.name}, but the call returned`);
}

/** The SatiotError a synchronous call throws; fails the test when it throws nothing or something else. */
export function errorOf(fn: () => unknown): SatiotError {
  return thrownBy(fn, SatiotError);
}
