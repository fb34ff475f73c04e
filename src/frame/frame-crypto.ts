/**
 * LoRaWAN 1.0.x data-frame security (§4.3.3 payload encryption, §4.4 MIC), for either suite:
 *
 *   B0  = 0x49 | 0x00×4 | Dir | DevAddr(LE) | FCnt32(LE) | 0x00 | len(msg)
 *   MIC = CMAC(NwkSKey, B0 | msg)[0..4]        msg = MHDR | FHDR | FPort | FRMPayload
 *   A_i = 0x01 | 0x00×4 | Dir | DevAddr(LE) | FCnt32(LE) | 0x00 | i       i = 1 … ⌈len/16⌉
 *   FRMPayload = payload ⊕ (E(K, A_1) | E(K, A_2) | …)   K = NwkSKey if FPort = 0, else AppSKey
 *
 * Dir is 0 for uplinks, 1 for downlinks. The cipher E and the CMAC are AES-128 or SM4 by suite.
 */
import { BLOCK_BYTES } from './cmac.js';
import { blockCipherFor, type BlockCipher, type SessionKeys } from './crypto-suite.js';
import { isDevAddr, writeDevAddrWire } from './dev-addr.js';
import type { DataFrame } from './data-frame.js';

/** 0 uplink, 1 downlink (the Dir byte of B0 and A_i). */
export type Dir = 0 | 1;

export const MIC_BYTES = 4;
const MAX_U32 = 0xffff_ffff;
/** A 255-byte PHYPayload carries at most 242 payload bytes: 16 keystream blocks. */
const MAX_KEYSTREAM_BLOCKS = 16;

// Scratch blocks: every function fills and consumes them synchronously.
const b0 = new Uint8Array(BLOCK_BYTES);
const aBlocks = new Uint8Array(MAX_KEYSTREAM_BLOCKS * BLOCK_BYTES);
/** aViews[n]: A_1 … A_n, made once. */
const aViews: readonly Uint8Array[] = Array.from({ length: MAX_KEYSTREAM_BLOCKS + 1 }, (_, n) =>
  aBlocks.subarray(0, n * BLOCK_BYTES),
);
const devAddrScratch = new Uint8Array(4);

function checkFCnt32(fCnt32: number): void {
  if (!Number.isInteger(fCnt32) || fCnt32 < 0 || fCnt32 > MAX_U32) {
    throw new RangeError(`FCnt32 must be an integer in 0..${MAX_U32}, got ${fCnt32}`);
  }
}

function checkDir(dir: Dir): void {
  if (dir !== 0 && dir !== 1) throw new RangeError(`Dir must be 0 (uplink) or 1 (downlink), got ${String(dir)}`);
}

/**
 * Writes the 16-byte block shared by B0 and A_i: `first` | 0×4 | dir | DevAddr (copied from its
 * on-air bytes at `addr[addrOffset]`) | FCnt32 LE | 0x00 | `last`.
 */
function writeBlock(
  out: Uint8Array,
  at: number,
  first: number,
  dir: Dir,
  addr: Uint8Array,
  addrOffset: number,
  fCnt32: number,
  last: number,
): void {
  out[at] = first;
  out[at + 1] = 0;
  out[at + 2] = 0;
  out[at + 3] = 0;
  out[at + 4] = 0;
  out[at + 5] = dir;
  out[at + 6] = addr[addrOffset]!;
  out[at + 7] = addr[addrOffset + 1]!;
  out[at + 8] = addr[addrOffset + 2]!;
  out[at + 9] = addr[addrOffset + 3]!;
  out[at + 10] = fCnt32 & 0xff;
  out[at + 11] = (fCnt32 >>> 8) & 0xff;
  out[at + 12] = (fCnt32 >>> 16) & 0xff;
  out[at + 13] = fCnt32 >>> 24;
  out[at + 14] = 0;
  out[at + 15] = last;
}

/** The full 16-byte CMAC over B0 | msg (the MIC is its first 4 bytes). */
function micTag(
  cipher: BlockCipher,
  msg: Uint8Array,
  dir: Dir,
  addr: Uint8Array,
  addrOffset: number,
  fCnt32: number,
): Uint8Array {
  if (msg.length > 255) throw new RangeError(`the MIC covers at most 255 bytes, got ${msg.length}`);
  writeBlock(b0, 0, 0x49, dir, addr, addrOffset, fCnt32, msg.length);
  return cipher.cmacTag(msg, b0);
}

/**
 * `data` XOR the keystream E(K, A_1) | E(K, A_2) | … : encryption and decryption alike. All A_i go
 * through the cipher in one call.
 */
function applyKeystream(
  cipher: BlockCipher,
  data: Uint8Array,
  dir: Dir,
  addr: Uint8Array,
  addrOffset: number,
  fCnt32: number,
): Uint8Array {
  const n = data.length;
  const out = new Uint8Array(n);
  if (n === 0) return out;
  const blocks = Math.ceil(n / BLOCK_BYTES);
  if (blocks > MAX_KEYSTREAM_BLOCKS)
    throw new RangeError(`a payload has at most ${MAX_KEYSTREAM_BLOCKS * BLOCK_BYTES} bytes, got ${n}`);
  writeBlock(aBlocks, 0, 0x01, dir, addr, addrOffset, fCnt32, 1);
  for (let i = 1; i < blocks; i++) {
    const at = i * BLOCK_BYTES;
    aBlocks.copyWithin(at, 0, BLOCK_BYTES - 1);
    aBlocks[at + BLOCK_BYTES - 1] = i + 1;
  }
  const s = cipher.encryptBlocks(aViews[blocks]!);
  for (let j = 0; j < n; j++) out[j] = data[j]! ^ s[j]!;
  return out;
}

function devAddrBytes(devAddr: string): Uint8Array {
  if (!isDevAddr(devAddr)) throw new RangeError(`DevAddr must be 8 hex digits, got ${JSON.stringify(devAddr)}`);
  writeDevAddrWire(devAddr, devAddrScratch, 0);
  return devAddrScratch;
}

/**
 * The 4-byte MIC of a data frame: CMAC(NwkSKey, B0 | msg)[0..4], where msg is `micInput` (MHDR
 * through FRMPayload) or a parsed frame's `micInput`.
 */
export function computeMic(
  input: DataFrame | Uint8Array,
  dir: Dir,
  devAddr: string,
  fCnt32: number,
  keys: SessionKeys,
): Uint8Array {
  checkDir(dir);
  checkFCnt32(fCnt32);
  const msg = input instanceof Uint8Array ? input : input.micInput;
  const tag = micTag(blockCipherFor(keys.suite, keys.nwkSKey), msg, dir, devAddrBytes(devAddr), 0, fCnt32);
  return tag.slice(0, MIC_BYTES);
}

function checkCounter(frame: DataFrame, fCnt32: number): void {
  checkFCnt32(fCnt32);
  if ((fCnt32 & 0xffff) !== frame.fCnt16) {
    throw new RangeError(`FCnt32 ${fCnt32} does not end in the frame's FCnt ${frame.fCnt16} (use rebuildFCnt32)`);
  }
}

/**
 * Whether the frame's MIC is right for `fCnt32` (whose low 16 bits must be the frame's FCnt) under
 * the session's NwkSKey. The comparison takes the same time wherever the MICs differ.
 */
export function verifyMic(frame: DataFrame, fCnt32: number, keys: SessionKeys): boolean {
  checkCounter(frame, fCnt32);
  const msg = frame.micInput;
  // micInput[1..5] are the DevAddr's on-air bytes: B0 takes them as they are.
  const tag = micTag(blockCipherFor(keys.suite, keys.nwkSKey), msg, frame.uplink ? 0 : 1, msg, 1, fCnt32);
  const mic = frame.mic;
  if (mic.length !== MIC_BYTES) return false;
  let diff = 0;
  for (let i = 0; i < MIC_BYTES; i++) diff |= tag[i]! ^ mic[i]!;
  return diff === 0;
}

/** The plaintext FRMPayload (empty without FPort). Check the MIC first: this does not. */
export function decryptPayload(frame: DataFrame, fCnt32: number, keys: SessionKeys): Uint8Array {
  checkCounter(frame, fCnt32);
  if (frame.fPort === null || frame.frmPayload.length === 0) return new Uint8Array(0);
  const key = frame.fPort === 0 ? keys.nwkSKey : keys.appSKey;
  return applyKeystream(
    blockCipherFor(keys.suite, key),
    frame.frmPayload,
    frame.uplink ? 0 : 1,
    frame.micInput,
    1,
    fCnt32,
  );
}

/** The FRMPayload on air for `plaintext` (NwkSKey for FPort 0, AppSKey otherwise). */
export function encryptPayload(
  plaintext: Uint8Array,
  dir: Dir,
  devAddr: string,
  fCnt32: number,
  fPort: number,
  keys: SessionKeys,
): Uint8Array {
  checkDir(dir);
  checkFCnt32(fCnt32);
  if (!Number.isInteger(fPort) || fPort < 0 || fPort > 255) throw new RangeError(`FPort must be 0..255, got ${fPort}`);
  const key = fPort === 0 ? keys.nwkSKey : keys.appSKey;
  return applyKeystream(blockCipherFor(keys.suite, key), plaintext, dir, devAddrBytes(devAddr), 0, fCnt32);
}
