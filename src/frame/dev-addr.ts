/**
 * DevAddr: 32 bits, sent little-endian on air, written by people (and stored by satiot) as 8
 * lowercase hex digits most significant first: on-air bytes f1 7d be 49 are DevAddr "49be7df1".
 */

/**
 * Terminals that may share one DevAddr by default (serve --max-terminals-per-dev-addr). A frame
 * names only its DevAddr: each sharer costs a MIC computation for a frame no session matches.
 */
export const DEFAULT_MAX_TERMINALS_PER_DEV_ADDR = 4;

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const DEV_ADDR_RE = /^[0-9a-fA-F]{8}$/;

export function isDevAddr(s: unknown): s is string {
  return typeof s === 'string' && DEV_ADDR_RE.test(s);
}

/** The DevAddr whose on-air (little-endian) bytes start at `bytes[offset]`. */
export function devAddrFromWire(bytes: Uint8Array, offset: number): string {
  return HEX[bytes[offset + 3]!]! + HEX[bytes[offset + 2]!]! + HEX[bytes[offset + 1]!]! + HEX[bytes[offset]!]!;
}

/** Writes a DevAddr's on-air (little-endian) bytes at `out[offset]`. Throws RangeError if it is not 8 hex digits. */
export function writeDevAddrWire(devAddr: string, out: Uint8Array, offset: number): void {
  if (!isDevAddr(devAddr)) throw new RangeError(`DevAddr must be 8 hex digits, got ${JSON.stringify(devAddr)}`);
  const v = parseInt(devAddr, 16);
  out[offset] = v & 0xff;
  out[offset + 1] = (v >>> 8) & 0xff;
  out[offset + 2] = (v >>> 16) & 0xff;
  out[offset + 3] = v >>> 24;
}

export function bytesToHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]!]!;
  return s;
}
