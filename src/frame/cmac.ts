/**
 * CMAC (RFC 4493; NIST SP 800-38B) over any block cipher with 128-bit blocks: AES-128 gives
 * AES-CMAC, SM4 gives SM4-CMAC with exactly the same steps.
 *
 *   L  = E(K, 0^128)
 *   K1 = L·x, K2 = K1·x   in GF(2^128): shift left one bit, XOR Rb = 0x87 into the last byte
 *                          when the bit shifted out was 1
 *   M  = M_1 … M_n        (n = ⌈len/16⌉, n = 1 for the empty message)
 *   last = M_n ⊕ K1            if M_n is a whole block
 *        = (M_n | 0x80 0x00…) ⊕ K2  otherwise
 *   T  = CBC-MAC with a zero IV over M_1 … M_{n−1}, last
 */

export const BLOCK_BYTES = 16;
const RB = 0x87;

/** What CMAC needs from a 128-bit block cipher under one key. */
export interface Block128Cipher {
  /** ECB: each 16-byte block of `blocks` (length a multiple of 16) encrypted on its own; a new array. */
  encryptBlocks(blocks: Uint8Array): Uint8Array;
  /**
   * CBC-MAC with a zero IV over whole blocks: the last ciphertext block. The implementation may
   * overwrite `blocks`. Optional: without it CMAC chains `encryptBlocks` one block at a time.
   */
  cbcMac?(blocks: Uint8Array): Uint8Array;
}

/** One block doubled in GF(2^128) (the "·x" of the subkey derivation), into `out`. */
export function doubleBlock(block: Uint8Array, out: Uint8Array = new Uint8Array(BLOCK_BYTES)): Uint8Array {
  const carry = block[0]! >>> 7;
  for (let i = 0; i < BLOCK_BYTES - 1; i++) out[i] = ((block[i]! << 1) | (block[i + 1]! >>> 7)) & 0xff;
  out[BLOCK_BYTES - 1] = ((block[BLOCK_BYTES - 1]! << 1) & 0xff) ^ (carry * RB);
  return out;
}

/** CBC-MAC by chaining single-block ECB calls: the reference path for ciphers without `cbcMac`. */
export function cbcMacByBlocks(cipher: Block128Cipher, blocks: Uint8Array): Uint8Array {
  let x: Uint8Array = new Uint8Array(BLOCK_BYTES);
  for (let off = 0; off < blocks.length; off += BLOCK_BYTES) {
    for (let j = 0; j < BLOCK_BYTES; j++) x[j] = x[j]! ^ blocks[off + j]!;
    x = cipher.encryptBlocks(x);
  }
  return x;
}

/** Scratch for messages up to this size (a LoRaWAN B0 block plus a 255-byte frame fits). */
const SCRATCH_BLOCKS = 32;
const SCRATCH_BYTES = SCRATCH_BLOCKS * BLOCK_BYTES;
const scratch = new Uint8Array(SCRATCH_BYTES);
/** scratchViews[n]: the first n blocks of the scratch, made once (hot paths avoid `subarray`). */
const scratchViews: readonly Uint8Array[] = Array.from({ length: SCRATCH_BLOCKS + 1 }, (_, n) =>
  scratch.subarray(0, n * BLOCK_BYTES),
);

/** K1 | K2 (32 bytes) for a cipher: L = E(K, 0^128), K1 = L·x, K2 = K1·x. */
export function deriveSubkeys(
  cipher: Block128Cipher,
  out: Uint8Array = new Uint8Array(2 * BLOCK_BYTES),
  offset = 0,
): Uint8Array {
  const l = cipher.encryptBlocks(new Uint8Array(BLOCK_BYTES));
  const k1 = doubleBlock(l);
  const k2 = doubleBlock(k1);
  out.set(k1, offset);
  out.set(k2, offset + BLOCK_BYTES);
  return out;
}

/**
 * The full 16-byte tag of CMAC(K, prefix | message), with K1 | K2 at `subkeys[offset..offset+32]`.
 * `prefix` saves a concatenation when the message starts with a header block (LoRaWAN's B0).
 * Neither input is modified.
 */
export function cmacTag(
  cipher: Block128Cipher,
  subkeys: Uint8Array,
  offset: number,
  message: Uint8Array,
  prefix?: Uint8Array,
): Uint8Array {
  const p = prefix === undefined ? 0 : prefix.length;
  const total = p + message.length;
  const whole = total > 0 && total % BLOCK_BYTES === 0;
  const n = whole ? total / BLOCK_BYTES : Math.floor(total / BLOCK_BYTES) + 1;
  const size = n * BLOCK_BYTES;
  // Synchronous use only: the shared scratch is filled and consumed within this call.
  const buf = n <= SCRATCH_BLOCKS ? scratchViews[n]! : new Uint8Array(size);
  if (prefix !== undefined) buf.set(prefix, 0);
  buf.set(message, p);
  const last = size - BLOCK_BYTES;
  let k = offset;
  if (!whole) {
    buf[total] = 0x80;
    for (let j = total + 1; j < size; j++) buf[j] = 0;
    k += BLOCK_BYTES;
  }
  for (let j = 0; j < BLOCK_BYTES; j++) buf[last + j] = buf[last + j]! ^ subkeys[k + j]!;
  return cipher.cbcMac !== undefined ? cipher.cbcMac(buf) : cbcMacByBlocks(cipher, buf);
}

/** CMAC under one key. Build it once per key (the subkeys cost one block encryption). */
export class Cmac {
  /** K1 | K2. */
  readonly subkeys: Uint8Array;

  constructor(private readonly cipher: Block128Cipher) {
    this.subkeys = deriveSubkeys(cipher);
  }

  get k1(): Uint8Array {
    return this.subkeys.subarray(0, BLOCK_BYTES);
  }

  get k2(): Uint8Array {
    return this.subkeys.subarray(BLOCK_BYTES);
  }

  /** The full 16-byte tag of CMAC(K, prefix | message). Neither input is modified. */
  tag(message: Uint8Array, prefix?: Uint8Array): Uint8Array {
    return cmacTag(this.cipher, this.subkeys, 0, message, prefix);
  }
}
