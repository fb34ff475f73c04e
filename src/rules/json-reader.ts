import { RuleError } from './rule-error.js';

/**
 * Reading an untrusted JSON value field by field, each failure a `RuleError` naming the path.
 * Every reader accepts `unknown`, so a parser built on them cannot trip over a wrong type.
 */
export type JsonRecord = { readonly [k: string]: unknown };

export function fail(path: string, problem: string): never {
  throw new RuleError(`${path} ${problem}`, path);
}

export function readObject(v: unknown, path: string): JsonRecord {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'must be an object');
  return v as JsonRecord;
}

/** Own property only: a key such as `constructor` or `__proto__` never reaches Object.prototype. */
export function member(o: JsonRecord, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

/** Rejects keys outside `allowed`, so a misspelt optional field ("clearAfterMinute") is not silently ignored. */
export function onlyKeys(o: JsonRecord, allowed: readonly string[], path: string): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) fail(`${path}.${k}`, `is not a known field (expected one of ${allowed.join(', ')})`);
  }
}

export function readString(v: unknown, path: string, maxLength: number): string {
  if (typeof v !== 'string') fail(path, 'must be a string');
  if (v.trim().length === 0) fail(path, 'must not be empty');
  if (v.length > maxLength) fail(path, `must be at most ${maxLength} characters`);
  return v;
}

export function readBoolean(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') fail(path, 'must be true or false');
  return v;
}

/** A finite number within [min, max] (inclusive). */
export function readNumber(v: unknown, path: string, min = -Number.MAX_VALUE, max = Number.MAX_VALUE): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(path, 'must be a number');
  if (v < min || v > max) {
    if (max === Number.MAX_VALUE) fail(path, `must be at least ${min}`);
    if (min === -Number.MAX_VALUE) fail(path, `must be at most ${max}`);
    fail(path, `must be between ${min} and ${max}`);
  }
  return v;
}

export function readInteger(v: unknown, path: string, min: number, max: number): number {
  const n = readNumber(v, path, min, max);
  if (!Number.isInteger(n)) fail(path, 'must be an integer');
  return n;
}

export function readEnum<T extends string>(v: unknown, path: string, values: readonly T[]): T {
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v))
    fail(path, `must be one of ${values.join(', ')}`);
  return v as T;
}

export function readArray(v: unknown, path: string, minLength: number, maxLength: number): readonly unknown[] {
  if (!Array.isArray(v)) fail(path, 'must be an array');
  if (v.length < minLength) fail(path, `must have at least ${minLength} item${minLength === 1 ? '' : 's'}`);
  if (v.length > maxLength) fail(path, `must have at most ${maxLength} items`);
  return v;
}
