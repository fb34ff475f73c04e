import { checkUint } from './byte-writer.js';

/** Named single bits of a flag word: [bit number, name]. */
export type BitNames = ReadonlyArray<readonly [bit: number, name: string]>;

/** A decoded flag word: the raw value plus one boolean per named bit (and any multi-bit fields). */
export type FlagObject = { flags: number } & { [name: string]: number | boolean | string };

/**
 * Input for a flag word: the raw number, or an object with optional `flags` (default 0) whose named
 * booleans then set or clear their bits, so a decoded FlagObject re-encodes to the same word and the
 * twin can write { accOn: true, gpsUsed: true }.
 */
export type FlagInput = number | { flags?: number; [name: string]: number | boolean | string | undefined };

export function decodeFlags(raw: number, names: BitNames): FlagObject {
  const out: FlagObject = { flags: raw };
  for (const [bit, name] of names) out[name] = (raw & (1 << bit)) !== 0;
  return out;
}

export function encodeFlags(input: FlagInput, names: BitNames, max: number, field: string): number {
  if (typeof input === 'number') return checkUint(input, max, field);
  let v = checkUint(input.flags ?? 0, max, `${field}.flags`);
  for (const [bit, name] of names) {
    const set = input[name];
    if (set === true) v = (v | (1 << bit)) >>> 0;
    else if (set === false) v = (v & ~(1 << bit)) >>> 0;
  }
  return v;
}
