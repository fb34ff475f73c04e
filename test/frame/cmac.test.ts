import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createCipheriv } from 'node:crypto';
import { Cmac, cbcMacByBlocks, doubleBlock, type Block128Cipher } from '../../src/frame/cmac.js';
import { createBlockCipher, type CbcMacStrategy } from '../../src/frame/crypto-suite.js';
import { hex, toHex } from './helpers.js';

// RFC 4493 §4: AES-128 key, subkeys and the four examples.
const RFC_KEY = hex('2b7e1516 28aed2a6 abf71588 09cf4f3c');
const RFC_M = hex(`6bc1bee2 2e409f96 e93d7e11 7393172a
  ae2d8a57 1e03ac9c 9eb76fac 45af8e51
  30c81c46 a35ce411 e5fbc119 1a0a52ef
  f69f2445 df4f9b17 ad2b417b e66c3710`);
const RFC_EXAMPLES: ReadonlyArray<[number, string]> = [
  [0, 'bb1d6929 e9593728 7fa37d12 9b756746'],
  [16, '070a16b4 6b4d4144 f79bdd9d d04a287c'],
  [40, 'dfa66747 de9ae630 30ca3261 1497c827'],
  [64, '51f0bebf 7e3b9d92 fc497417 79363cfe'],
];
const STRATEGIES: readonly CbcMacStrategy[] = ['cbc-persistent', 'cbc-per-call', 'ecb-chain'];

/** An ECB-only cipher straight from node:crypto: CMAC then takes its block-by-block path. */
function ecbOnly(key: Uint8Array): Block128Cipher {
  const c = createCipheriv('aes-128-ecb', key, null);
  c.setAutoPadding(false);
  return { encryptBlocks: (b) => c.update(b) };
}

describe('CMAC (RFC 4493)', () => {
  it('derives the RFC 4493 subkeys K1 and K2 from AES-128(K, 0)', () => {
    const cmac = new Cmac(ecbOnly(RFC_KEY));
    expect(toHex(cmac.k1)).toBe('fbeed618357133667c85e08f7236a8de');
    expect(toHex(cmac.k2)).toBe('f7ddac306ae266ccf90bc11ee46d513b');
  });

  it('doubles a block in GF(2^128) with Rb = 0x87 only when the top bit falls off', () => {
    expect(toHex(doubleBlock(hex('7df76b0c1ab899b33e42f047b91b546f')))).toBe('fbeed618357133667c85e08f7236a8de');
    expect(toHex(doubleBlock(hex('80000000000000000000000000000000')))).toBe('00000000000000000000000000000087');
    expect(toHex(doubleBlock(hex('00000000000000000000000000000001')))).toBe('00000000000000000000000000000002');
  });

  for (const [len, tag] of RFC_EXAMPLES) {
    it(`gives the RFC 4493 tag for the ${len}-byte example with every CBC-MAC strategy and without one`, () => {
      const msg = RFC_M.subarray(0, len);
      const want = tag.replace(/ /g, '');
      expect(toHex(new Cmac(ecbOnly(RFC_KEY)).tag(msg))).toBe(want);
      for (const s of STRATEGIES) expect(toHex(createBlockCipher('aes128', RFC_KEY, s).cmac.tag(msg))).toBe(want);
    });
  }

  it('tags prefix | message exactly as the concatenation, and leaves both inputs alone', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 300 }), (prefix, msg) => {
        const cmac = createBlockCipher('aes128', RFC_KEY).cmac;
        const p0 = toHex(prefix),
          m0 = toHex(msg);
        const joined = Uint8Array.from([...prefix, ...msg]);
        expect(toHex(cmac.tag(msg, prefix))).toBe(toHex(cmac.tag(joined)));
        expect([toHex(prefix), toHex(msg)]).toEqual([p0, m0]);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the persistent CBC cipher in step over any sequence of messages and keys', () => {
    // The persistent strategy carries the chaining value between calls; interleave two keys and
    // messages of every length and compare each tag with a fresh zero-IV CBC per message.
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.uint8Array({ maxLength: 100 })), { minLength: 1, maxLength: 30 }),
        (steps) => {
          const keys = [RFC_KEY, hex('000102030405060708090a0b0c0d0e0f')] as const;
          const persistent = keys.map((k) => createBlockCipher('aes128', k, 'cbc-persistent').cmac);
          const fresh = keys.map((k) => createBlockCipher('aes128', k, 'cbc-per-call').cmac);
          for (const [second, msg] of steps) {
            const i = second ? 1 : 0;
            expect(toHex(persistent[i]!.tag(msg))).toBe(toHex(fresh[i]!.tag(msg)));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('computes CBC-MAC block by block like a zero-IV CBC encryption', () => {
    const blocks = RFC_M.slice();
    const cbc = createCipheriv('aes-128-cbc', RFC_KEY, Buffer.alloc(16));
    cbc.setAutoPadding(false);
    const want = toHex(cbc.update(blocks).subarray(48));
    expect(toHex(cbcMacByBlocks(ecbOnly(RFC_KEY), blocks))).toBe(want);
    expect(toHex(createBlockCipher('aes128', RFC_KEY).cbcMac(RFC_M.slice()))).toBe(want);
  });

  it('refuses CBC-MAC input that is not whole blocks', () => {
    expect(() => createBlockCipher('aes128', RFC_KEY).cbcMac(new Uint8Array(17))).toThrow(RangeError);
    expect(() => createBlockCipher('aes128', RFC_KEY).cbcMac(new Uint8Array(0))).toThrow(RangeError);
  });
});
