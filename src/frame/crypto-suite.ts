import { createCipheriv, type Cipher } from 'node:crypto';
import { BLOCK_BYTES, Cmac, cbcMacByBlocks, cmacTag, deriveSubkeys, type Block128Cipher } from './cmac.js';

/**
 * The block cipher under a terminal's session: `aes128` is LoRaWAN 1.0.x as specified; `sm4` is the
 * same frame format and the same constructions with SM4 (GB/T 32907) in place of AES-128
 * (docs/protocol.md). Identical to core's `CryptoSuite` (src/core/model.ts), which frame may not import.
 */
export type CryptoSuite = 'aes128' | 'sm4';
export const CRYPTO_SUITES: readonly CryptoSuite[] = ['aes128', 'sm4'];

/** An ABP session: both keys are 16 bytes in either suite. Treat the arrays as immutable. */
export interface SessionKeys {
  readonly suite: CryptoSuite;
  readonly nwkSKey: Uint8Array;
  readonly appSKey: Uint8Array;
}

export const KEY_BYTES = 16;

const ECB_ALGORITHM: Readonly<Record<CryptoSuite, string>> = { aes128: 'aes-128-ecb', sm4: 'sm4-ecb' };
const CBC_ALGORITHM: Readonly<Record<CryptoSuite, string>> = { aes128: 'aes-128-cbc', sm4: 'sm4-cbc' };
const ZERO_IV = new Uint8Array(BLOCK_BYTES);

/**
 * How `cbcMac` runs (bench/frame.bench.ts measures all three; `cbc-persistent` is the default):
 * - `cbc-persistent`: one CBC cipher object per key, kept across calls. Its chaining value after a
 *   call is the last ciphertext block C, so the next message's first block is XORed with C before
 *   the update: CBC then computes E(P_1 ⊕ C ⊕ C) = E(P_1), i.e. a zero-IV CBC-MAC, in one native
 *   call and with no key schedule per frame.
 * - `cbc-per-call`: a fresh zero-IV CBC cipher per message (one call, but a key schedule each time).
 * - `ecb-chain`: the reusable ECB cipher, one `update` per block.
 */
export type CbcMacStrategy = 'cbc-persistent' | 'cbc-per-call' | 'ecb-chain';

/** A 128-bit block cipher under one key, with CMAC subkeys derived once. */
export interface BlockCipher extends Block128Cipher {
  readonly suite: CryptoSuite;
  cbcMac(blocks: Uint8Array): Uint8Array;
  /** The full 16-byte CMAC tag of prefix | message under this key (subkeys derived on first use). */
  cmacTag(message: Uint8Array, prefix?: Uint8Array): Uint8Array;
  /** The same CMAC as an object (K1, K2, tag), for tests and tools. */
  readonly cmac: Cmac;
}

function newCipher(algorithm: string, key: Uint8Array, iv: Uint8Array | null): Cipher {
  let c: Cipher;
  try {
    c = createCipheriv(algorithm, key, iv);
  } catch (e) {
    throw new Error(`this Node.js build cannot create ${algorithm}: ${(e as Error).message}`);
  }
  c.setAutoPadding(false);
  return c;
}

// Layout of a cipher's small state, one array so that a frame touches few objects per key.
const KEY_AT = 0;
const CHAIN_AT = 16;
const SUBKEYS_AT = 32;
const STATE_BYTES = 64;

/**
 * Node's cipher objects keyed once. ECB keeps no state between blocks, so one object serves every
 * `update()` for the life of the key; `final()` is never called.
 */
class NodeBlockCipher implements BlockCipher {
  /** key | CBC chaining value | K1 | K2. */
  private readonly state = new Uint8Array(STATE_BYTES);
  private ecb: Cipher | null;
  private cbc: Cipher | null = null;
  private hasSubkeys = false;
  private cmacInstance: Cmac | null = null;
  /** Cache bookkeeping: second-chance bit for CLOCK eviction; released once evicted. */
  used = false;
  released = false;

  constructor(
    readonly suite: CryptoSuite,
    key: Uint8Array,
    readonly strategy: CbcMacStrategy,
  ) {
    this.state.set(key, KEY_AT);
    this.ecb = newCipher(ECB_ALGORITHM[suite], key, null);
  }

  /** The key bytes equal `key`'s current bytes. */
  holds(key: Uint8Array): boolean {
    const st = this.state;
    for (let i = 0; i < KEY_BYTES; i++) if (st[KEY_AT + i] !== key[i]) return false;
    return true;
  }

  private get key(): Uint8Array {
    return this.state.subarray(KEY_AT, KEY_AT + KEY_BYTES);
  }

  /** Drops the native cipher objects (evicted from the cache); a later call re-creates them. */
  release(): void {
    this.released = true;
    this.ecb = null;
    this.cbc = null;
    this.state.fill(0, CHAIN_AT, CHAIN_AT + BLOCK_BYTES);
  }

  get cmac(): Cmac {
    return (this.cmacInstance ??= new Cmac(this));
  }

  cmacTag(message: Uint8Array, prefix?: Uint8Array): Uint8Array {
    if (!this.hasSubkeys) {
      deriveSubkeys(this, this.state, SUBKEYS_AT);
      this.hasSubkeys = true;
    }
    return cmacTag(this, this.state, SUBKEYS_AT, message, prefix);
  }

  encryptBlocks(blocks: Uint8Array): Uint8Array {
    const ecb = (this.ecb ??= newCipher(ECB_ALGORITHM[this.suite], this.key, null));
    const out = ecb.update(blocks);
    if (out.length !== blocks.length)
      throw new Error(`ECB returned ${out.length} bytes for ${blocks.length}: input must be whole blocks`);
    return out;
  }

  cbcMac(blocks: Uint8Array): Uint8Array {
    const n = blocks.length;
    if (n === 0 || n % BLOCK_BYTES !== 0) throw new RangeError(`CBC-MAC needs whole blocks, got ${n} bytes`);
    if (this.strategy === 'ecb-chain') return cbcMacByBlocks(this, blocks);
    if (this.strategy === 'cbc-per-call') {
      const out = newCipher(CBC_ALGORITHM[this.suite], this.key, ZERO_IV).update(blocks);
      return out.subarray(n - BLOCK_BYTES);
    }
    const cbc = (this.cbc ??= newCipher(CBC_ALGORITHM[this.suite], this.key, ZERO_IV));
    const st = this.state;
    for (let j = 0; j < BLOCK_BYTES; j++) blocks[j] = blocks[j]! ^ st[CHAIN_AT + j]!;
    const out = cbc.update(blocks);
    if (out.length !== n) {
      // Never seen (encryption does not hold blocks back), but a desynchronised chain would give
      // wrong MICs forever: drop the object so the next call starts from a zero IV again.
      this.cbc = null;
      st.fill(0, CHAIN_AT, CHAIN_AT + BLOCK_BYTES);
      throw new Error(`CBC returned ${out.length} bytes for ${n}`);
    }
    const at = n - BLOCK_BYTES;
    for (let j = 0; j < BLOCK_BYTES; j++) st[CHAIN_AT + j] = out[at + j]!;
    return new Uint8Array(out.buffer, out.byteOffset + at, BLOCK_BYTES);
  }
}

/** A cipher created outside the cache (tests, benchmarks comparing strategies). */
export function createBlockCipher(
  suite: CryptoSuite,
  key: Uint8Array,
  strategy: CbcMacStrategy = 'cbc-persistent',
): BlockCipher {
  checkSuite(suite);
  checkKey(key, 'key');
  return new NodeBlockCipher(suite, key, strategy);
}

function checkSuite(suite: CryptoSuite): void {
  if (suite !== 'aes128' && suite !== 'sm4') throw new RangeError(`unknown crypto suite ${String(suite)}`);
}

function checkKey(key: Uint8Array, name: string): void {
  if (!(key instanceof Uint8Array) || key.length !== KEY_BYTES) {
    throw new RangeError(
      `${name} must be ${KEY_BYTES} bytes, got ${key instanceof Uint8Array ? key.length : typeof key}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// The per-(suite, key) cache: hot paths look a key up, never create cipher objects per frame.

interface SuiteCache {
  /** By key contents: bounded. */
  readonly byContent: Map<string, NodeBlockCipher>;
  /**
   * By key array identity: the fast path. A hit is used only if the cipher still holds the array's
   * current bytes and was not evicted (eviction releases the native objects; the small JS shell
   * stays until the key array goes).
   */
  readonly byArray: WeakMap<Uint8Array, NodeBlockCipher>;
}

const DEFAULT_CAPACITY = 16_384;
let capacity = DEFAULT_CAPACITY;
let cacheStrategy: CbcMacStrategy = 'cbc-persistent';
const caches: Record<CryptoSuite, SuiteCache> = {
  aes128: { byContent: new Map(), byArray: new WeakMap() },
  sm4: { byContent: new Map(), byArray: new WeakMap() },
};

function contentKey(key: Uint8Array): string {
  let s = '';
  for (let i = 0; i < KEY_BYTES; i++) s += String.fromCharCode(key[i]!);
  return s;
}

function evictOne(cache: SuiteCache): void {
  // CLOCK: the oldest entry goes unless it was used since it last came round.
  for (const [k, c] of cache.byContent) {
    cache.byContent.delete(k);
    if (c.used) {
      c.used = false;
      cache.byContent.set(k, c);
      continue;
    }
    c.release();
    return;
  }
}

/**
 * The cached cipher for (suite, key). At most `cipherCacheCapacity()` keys per suite stay keyed
 * (least recently used go first, approximately); a key seen again after eviction is keyed anew.
 */
export function blockCipherFor(suite: CryptoSuite, key: Uint8Array): BlockCipher {
  checkSuite(suite);
  const cache = caches[suite];
  const hit = cache.byArray.get(key);
  if (hit !== undefined && !hit.released && hit.holds(key)) {
    hit.used = true;
    return hit;
  }
  checkKey(key, `${suite} key`);
  const ck = contentKey(key);
  let c = cache.byContent.get(ck);
  if (c === undefined) {
    while (cache.byContent.size >= capacity) evictOne(cache);
    c = new NodeBlockCipher(suite, key, cacheStrategy);
    cache.byContent.set(ck, c);
  } else {
    c.used = true;
  }
  cache.byArray.set(key, c);
  return c;
}

export function cipherCacheCapacity(): number {
  return capacity;
}

/** Sets how many keys per suite stay keyed (default 16,384); shrinking evicts at once. */
export function setCipherCacheCapacity(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`cipher cache capacity must be a positive integer, got ${n}`);
  capacity = n;
  for (const cache of Object.values(caches)) while (cache.byContent.size > capacity) evictOne(cache);
}

/**
 * The CBC-MAC strategy of cached ciphers (default `cbc-persistent`, the fastest measured). For
 * benchmarks and tests: changing it empties the cache.
 */
export function setCbcMacStrategy(strategy: CbcMacStrategy): void {
  if (strategy !== 'cbc-persistent' && strategy !== 'cbc-per-call' && strategy !== 'ecb-chain')
    throw new RangeError(`unknown CBC-MAC strategy ${String(strategy)}`);
  cacheStrategy = strategy;
  for (const cache of Object.values(caches)) {
    for (const c of cache.byContent.values()) c.release();
    cache.byContent.clear();
  }
}

/** Number of keys currently cached for a suite (for tests and metrics). */
export function cachedKeyCount(suite: CryptoSuite): number {
  return caches[suite].byContent.size;
}
