import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import {
  blockCipherFor,
  cachedKeyCount,
  cipherCacheCapacity,
  createBlockCipher,
  setCipherCacheCapacity,
} from '../../src/frame/crypto-suite.js';
import { hex, key16, toHex } from './helpers.js';

const GB_KEY = hex('0123456789abcdeffedcba9876543210');

const hasOpenSsl = spawnSync('openssl', ['version'], { encoding: 'utf8' }).status === 0;

/** OpenSSL's own CMAC (`openssl mac … CMAC`): an implementation independent of src/frame/cmac.ts. */
function opensslCmac(cipher: 'AES-128-CBC' | 'SM4-CBC', key: Uint8Array, msg: Uint8Array): string {
  const r = spawnSync('openssl', ['mac', '-cipher', cipher, '-macopt', `hexkey:${toHex(key)}`, 'CMAC'], {
    input: msg,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim().toLowerCase();
}

describe('SM4 block cipher (GB/T 32907)', () => {
  it('encrypts the standard example: key = plaintext = 0123…3210 gives 681edf34…4246', () => {
    expect(toHex(createBlockCipher('sm4', GB_KEY).encryptBlocks(GB_KEY))).toBe('681edf34d206965e86b3e94f536e4246');
  });

  it('gives 595298c7…3f66 after encrypting the standard example 1,000,000 times', () => {
    const sm4 = createBlockCipher('sm4', GB_KEY);
    let block: Uint8Array = GB_KEY;
    for (let i = 0; i < 1_000_000; i++) block = sm4.encryptBlocks(block);
    expect(toHex(block)).toBe('595298c7c6fd271f0402f804c33d3f66');
  });

  it('encrypts several blocks in one call exactly as one at a time (ECB keeps no state)', () => {
    const sm4 = createBlockCipher('sm4', GB_KEY);
    const two = Uint8Array.from([...GB_KEY, ...GB_KEY.slice().reverse()]);
    const together = toHex(sm4.encryptBlocks(two));
    expect(together).toBe(toHex(sm4.encryptBlocks(two.subarray(0, 16))) + toHex(sm4.encryptBlocks(two.subarray(16))));
  });

  it.skipIf(!hasOpenSsl)('computes SM4-CMAC and AES-CMAC as OpenSSL does, for every strategy', () => {
    fc.assert(
      fc.property(key16(), fc.uint8Array({ maxLength: 80 }), (key, msg) => {
        expect(toHex(createBlockCipher('sm4', key).cmac.tag(msg))).toBe(opensslCmac('SM4-CBC', key, msg));
        expect(toHex(createBlockCipher('sm4', key, 'ecb-chain').cmac.tag(msg))).toBe(opensslCmac('SM4-CBC', key, msg));
        expect(toHex(createBlockCipher('aes128', key).cmac.tag(msg))).toBe(opensslCmac('AES-128-CBC', key, msg));
      }),
      { numRuns: 15 },
    );
  });
});

describe('cipher cache', () => {
  afterEach(() => setCipherCacheCapacity(16_384));

  it('hands out one cipher per (suite, key), whichever array holds the key', () => {
    const k = hex('000102030405060708090a0b0c0d0e0f');
    const a = blockCipherFor('aes128', k);
    expect(blockCipherFor('aes128', k)).toBe(a);
    expect(blockCipherFor('aes128', k.slice())).toBe(a);
    expect(blockCipherFor('sm4', k)).not.toBe(a);
    expect(blockCipherFor('sm4', k).suite).toBe('sm4');
  });

  it('never serves a stale cipher when the caller rewrites a key array in place', () => {
    const k = hex('000102030405060708090a0b0c0d0e0f');
    const first = toHex(blockCipherFor('aes128', k).encryptBlocks(new Uint8Array(16)));
    k[0] = 0xff;
    const second = toHex(blockCipherFor('aes128', k).encryptBlocks(new Uint8Array(16)));
    expect(second).not.toBe(first);
    expect(second).toBe(toHex(createBlockCipher('aes128', k).encryptBlocks(new Uint8Array(16))));
  });

  it('keeps at most the configured number of keys and still answers correctly after eviction', () => {
    setCipherCacheCapacity(8);
    expect(cipherCacheCapacity()).toBe(8);
    const keys = Array.from({ length: 30 }, (_, i) => Uint8Array.from({ length: 16 }, (_, j) => (i * 7 + j) & 0xff));
    for (const k of keys) blockCipherFor('aes128', k);
    expect(cachedKeyCount('aes128')).toBeLessThanOrEqual(8);
    for (const k of keys) {
      expect(toHex(blockCipherFor('aes128', k).cmac.tag(k))).toBe(toHex(createBlockCipher('aes128', k).cmac.tag(k)));
    }
    expect(cachedKeyCount('aes128')).toBeLessThanOrEqual(8);
  });

  it('refuses keys that are not 16 bytes and unknown suites', () => {
    expect(() => blockCipherFor('aes128', new Uint8Array(15))).toThrow(/16 bytes/);
    expect(() => createBlockCipher('sm4', new Uint8Array(32))).toThrow(/16 bytes/);
    expect(() => blockCipherFor('des' as never, new Uint8Array(16))).toThrow(/unknown crypto suite/);
    expect(() => blockCipherFor('toString' as never, new Uint8Array(16))).toThrow(/unknown crypto suite/);
    expect(() => setCipherCacheCapacity(0)).toThrow(RangeError);
  });
});
