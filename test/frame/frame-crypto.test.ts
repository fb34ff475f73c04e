import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FrameError } from '../../src/frame/frame-error.js';
import { buildDataFrame, parseDataFrame } from '../../src/frame/lorawan-frame.js';
import { computeMic, decryptPayload, encryptPayload, verifyMic } from '../../src/frame/frame-crypto.js';
import { createBlockCipher, type CryptoSuite, type SessionKeys } from '../../src/frame/crypto-suite.js';
import { frameFields, hex, sessionKeys, toHex } from './helpers.js';

const SUITES: readonly CryptoSuite[] = ['aes128', 'sm4'];
const suiteKeys = (): fc.Arbitrary<SessionKeys> => fc.constantFrom(...SUITES).chain((s) => sessionKeys(s));

describe('MIC', () => {
  it('fails after any single bit flip anywhere in the frame (or the frame no longer parses)', () => {
    fc.assert(
      fc.property(frameFields(), suiteKeys(), fc.nat(), (g, keys, pick) => {
        const phy = buildDataFrame({ ...g, fPort: g.fPort }, keys);
        const bit = pick % (phy.length * 8);
        const bad = phy.slice();
        bad[bit >>> 3]! ^= 1 << (bit & 7);
        let f;
        try {
          f = parseDataFrame(bad);
        } catch (e) {
          expect(e).toBeInstanceOf(FrameError);
          return;
        }
        const c32 = Math.floor(g.fCnt32 / 65536) * 65536 + f.fCnt16;
        expect(verifyMic(f, c32, keys)).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });

  it('fails under the wrong upper counter half, the wrong NwkSKey or the other suite', () => {
    fc.assert(
      fc.property(frameFields(), sessionKeys('aes128'), fc.integer({ min: 1, max: 0xfffe }), (g, keys, delta) => {
        const f = parseDataFrame(buildDataFrame(g, keys));
        expect(verifyMic(f, g.fCnt32, keys)).toBe(true);
        const otherHigh = ((Math.floor(g.fCnt32 / 65536) + delta) % 65536) * 65536 + f.fCnt16;
        expect(verifyMic(f, otherHigh, keys)).toBe(false);
        const nwk = keys.nwkSKey.slice();
        nwk[0]! ^= 0x01;
        expect(verifyMic(f, g.fCnt32, { ...keys, nwkSKey: nwk })).toBe(false);
        expect(verifyMic(f, g.fCnt32, { ...keys, suite: 'sm4' })).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('does not depend on the AppSKey', () => {
    fc.assert(
      fc.property(frameFields(), sessionKeys(), sessionKeys(), (g, k1, k2) => {
        const f = parseDataFrame(buildDataFrame(g, k1));
        expect(verifyMic(f, g.fCnt32, { ...k1, appSKey: k2.appSKey })).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('is the first 4 bytes of CMAC(NwkSKey, B0 | msg) with B0 laid out as the spec says', () => {
    const keys: SessionKeys = {
      suite: 'aes128',
      nwkSKey: hex('000102030405060708090a0b0c0d0e0f'),
      appSKey: new Uint8Array(16),
    };
    const msg = hex('40 f17dbe49 00 0200 01 95437876');
    const b0 = hex('49 00000000 00 f17dbe49 02000300 00 0d'); // Dir 0, DevAddr LE, FCnt32 0x00030002 LE, len 13
    const want = toHex(
      createBlockCipher('aes128', keys.nwkSKey, 'ecb-chain').cmac.tag(Uint8Array.from([...b0, ...msg])),
    ).slice(0, 8);
    expect(toHex(computeMic(msg, 0, '49be7df1', 0x0003_0002, keys))).toBe(want);
    expect(
      toHex(computeMic(parseDataFrame(Uint8Array.from([...msg, 0, 0, 0, 0])), 0, '49be7df1', 0x0003_0002, keys)),
    ).toBe(want);
    expect(toHex(computeMic(msg, 1, '49be7df1', 0x0003_0002, keys))).not.toBe(want);
  });

  it('refuses a 32-bit counter that does not end in the frame FCnt', () => {
    const keys: SessionKeys = { suite: 'aes128', nwkSKey: new Uint8Array(16), appSKey: new Uint8Array(16) };
    const f = parseDataFrame(
      buildDataFrame(
        { mtype: 'unconfirmed-data-up', devAddr: '01020304', fCnt32: 5, fPort: 1, payload: hex('01') },
        keys,
      ),
    );
    expect(() => verifyMic(f, 6, keys)).toThrow(/rebuildFCnt32/);
    expect(() => decryptPayload(f, -1, keys)).toThrow(RangeError);
    expect(() => computeMic(f, 0, 'zz', 5, keys)).toThrow(/DevAddr/);
  });
});

describe('payload encryption', () => {
  it('XORs the payload with E(K, A_1) | E(K, A_2) | … with A_i laid out as the spec says', () => {
    for (const suite of SUITES) {
      const appSKey = hex('2b7e151628aed2a6abf7158809cf4f3c');
      const keys: SessionKeys = { suite, nwkSKey: new Uint8Array(16), appSKey };
      const plain = Uint8Array.from({ length: 40 }, (_, i) => i);
      const a = (i: number) => hex(`01 00000000 01 04030201 78563412 00 0${i}`); // downlink, DevAddr 01020304, FCnt32 0x12345678
      const s = createBlockCipher(suite, appSKey).encryptBlocks(Uint8Array.from([...a(1), ...a(2), ...a(3)]));
      const want = plain.map((p, i) => p ^ s[i]!);
      expect(toHex(encryptPayload(plain, 1, '01020304', 0x1234_5678, 9, keys))).toBe(toHex(want));
    }
  });

  it('uses the NwkSKey for FPort 0 and the AppSKey otherwise', () => {
    fc.assert(
      fc.property(
        suiteKeys(),
        fc.uint8Array({ minLength: 1, maxLength: 50 }),
        fc.integer({ min: 1, max: 255 }),
        (keys, plain, port) => {
          const swapped = { ...keys, nwkSKey: keys.appSKey, appSKey: keys.nwkSKey };
          expect(toHex(encryptPayload(plain, 0, '01020304', 7, 0, keys))).toBe(
            toHex(encryptPayload(plain, 0, '01020304', 7, port, swapped)),
          );
        },
      ),
      { numRuns: 100 },
    );
  });

  it('draws a different keystream for another direction, DevAddr or upper counter half', () => {
    const keys: SessionKeys = { suite: 'aes128', nwkSKey: new Uint8Array(16), appSKey: new Uint8Array(16).fill(7) };
    const zero = new Uint8Array(20);
    const base = toHex(encryptPayload(zero, 0, '01020304', 1, 1, keys));
    expect(toHex(encryptPayload(zero, 1, '01020304', 1, 1, keys))).not.toBe(base);
    expect(toHex(encryptPayload(zero, 0, '01020305', 1, 1, keys))).not.toBe(base);
    expect(toHex(encryptPayload(zero, 0, '01020304', 0x1_0001, 1, keys))).not.toBe(base);
  });

  it('decrypts what it encrypts, for payloads of every length up to 242 bytes', () => {
    fc.assert(
      fc.property(
        suiteKeys(),
        fc.uint8Array({ maxLength: 242 }),
        fc.integer({ min: 0, max: 0xffff_ffff }),
        (keys, plain, c32) => {
          const phy = buildDataFrame(
            { mtype: 'confirmed-data-down', devAddr: 'a1b2c3d4', fCnt32: c32, fPort: 3, payload: plain },
            keys,
          );
          expect(toHex(decryptPayload(parseDataFrame(phy), c32, keys))).toBe(toHex(plain));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('returns an empty payload for a frame without FPort', () => {
    const keys: SessionKeys = { suite: 'sm4', nwkSKey: new Uint8Array(16), appSKey: new Uint8Array(16) };
    const f = parseDataFrame(
      buildDataFrame(
        { mtype: 'unconfirmed-data-up', devAddr: '01020304', fCnt32: 3, fPort: null, payload: new Uint8Array(0) },
        keys,
      ),
    );
    expect(decryptPayload(f, 3, keys).length).toBe(0);
  });
});
