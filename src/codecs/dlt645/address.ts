import { CodecError } from '../codec.js';

/**
 * The 6-byte meter address: 12 BCD digits sent least significant byte first, so meter
 * "000000000161" goes out as 61 01 00 00 00 00. AAAAAAAAAAAA is the wildcard of the read-address
 * command and 999999999999 the broadcast address. Rendered as lower-case hex digits so a wildcard
 * (or a vendor's non-BCD address) survives as "aaaaaaaaaaaa".
 */
export function readAddress(bytes: Uint8Array): string {
  let s = '';
  for (let i = bytes.length - 1; i >= 0; i--) s += bytes[i]!.toString(16).padStart(2, '0');
  return s;
}

export function writeAddress(address: string): Uint8Array {
  if (!/^[0-9a-fA-F]{12}$/.test(address))
    throw new CodecError('CODEC_MALFORMED', `a DL/T 645 address is 12 hex digits, got "${address}"`);
  const out = new Uint8Array(6);
  for (let i = 0; i < 6; i++) out[5 - i] = parseInt(address.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export const BROADCAST_ADDRESS = '999999999999';
export const WILDCARD_ADDRESS = 'aaaaaaaaaaaa';
