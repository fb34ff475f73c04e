import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FrameError } from '../../src/frame/frame-error.js';
import { buildDataFrame, parseDataFrame, type DataFrame, type DataFrameFields } from '../../src/frame/lorawan-frame.js';
import { decryptPayload, verifyMic } from '../../src/frame/frame-crypto.js';
import type { SessionKeys } from '../../src/frame/crypto-suite.js';
import { frameFields, hex, isUplink, sessionKeys, toHex } from './helpers.js';

const KEYS: SessionKeys = {
  suite: 'aes128',
  nwkSKey: hex('44024241ed4ce9a68c6a8bc055233fd3'),
  appSKey: hex('ec925802ae430ca77fd3dd73cb2cc588'),
};

function refusal(phy: Uint8Array): FrameError {
  try {
    parseDataFrame(phy);
  } catch (e) {
    if (e instanceof FrameError) return e;
    throw e;
  }
  throw new Error(`accepted ${toHex(phy)}`);
}

describe('parseDataFrame', () => {
  it('reads every field of an uplink with FOpts, and the DevAddr and FCnt in human byte order', () => {
    // MHDR 80 (confirmed up) | DevAddr 04030201 | FCtrl f3 (ADR, ADRACKReq, ACK, ClassB, 3 FOpts)
    // | FCnt 3412 | FOpts 067307 | FPort 0a | FRMPayload e264d4f7 | MIC e117d2c0
    const f = parseDataFrame(hex('80 04030201 f3 3412 067307 0a e264d4f7 e117d2c0'));
    expect(f).toMatchObject({
      mtype: 'confirmed-data-up',
      major: 0,
      devAddr: '01020304',
      uplink: true,
      adr: true,
      adrAckReq: true,
      ack: true,
      classB: true,
      fPending: false,
      fCnt16: 0x1234,
      fPort: 10,
    });
    expect([toHex(f.fOpts), toHex(f.frmPayload), toHex(f.mic)]).toEqual(['067307', 'e264d4f7', 'e117d2c0']);
    expect(toHex(f.micInput)).toBe('8004030201f33412067307' + '0ae264d4f7');
  });

  it('reads bit 4 of a downlink FCtrl as FPending and ignores the RFU bit 6', () => {
    const f = parseDataFrame(hex('a0 efbeadde 50 0100 01 aa 00000000'));
    expect(f).toMatchObject({
      mtype: 'confirmed-data-down',
      devAddr: 'deadbeef',
      uplink: false,
      fPending: true,
      classB: false,
      adrAckReq: false,
      ack: false,
    });
  });

  it('gives fPort null and an empty FRMPayload to a frame that ends after its FHDR', () => {
    const f = parseDataFrame(hex('40 01000000 02 0500 0203 11223344'));
    expect(f.fPort).toBeNull();
    expect(f.frmPayload.length).toBe(0);
    expect(toHex(f.fOpts)).toBe('0203');
  });

  it('keeps an FPort followed by no payload bytes', () => {
    const f = parseDataFrame(hex('40 01000000 00 0500 07 11223344'));
    expect(f.fPort).toBe(7);
    expect(f.frmPayload.length).toBe(0);
  });

  it('refuses frames over 255 bytes as FRAME_TOO_LARGE', () => {
    const e = refusal(new Uint8Array(256).fill(0x40));
    expect(e.code).toBe('FRAME_TOO_LARGE');
    expect(e.message).toContain('256 bytes');
  });

  it('refuses join, rejoin and proprietary MTypes as UNSUPPORTED_FRAME, naming the MType', () => {
    for (const [mhdr, name] of [
      [0x00, 'join-request'],
      [0x20, 'join-accept'],
      [0xc0, 'rejoin-request'],
      [0xe0, 'proprietary'],
    ] as const) {
      const e = refusal(Uint8Array.of(mhdr, ...new Uint8Array(22)));
      expect(e.code).toBe('UNSUPPORTED_FRAME');
      expect(e.message).toContain(name);
    }
  });

  it('refuses short frames, other Majors and FOptsLen beyond the end as MALFORMED_FRAME, naming the field', () => {
    expect(refusal(new Uint8Array(0))).toMatchObject({ code: 'MALFORMED_FRAME', field: 'PHYPayload' });
    expect(refusal(hex('40 01000000 00 0000 112233'))).toMatchObject({
      code: 'MALFORMED_FRAME',
      message: expect.stringContaining('11 bytes'),
    });
    expect(refusal(hex('41 01000000 00 0000 11223344'))).toMatchObject({
      code: 'MALFORMED_FRAME',
      message: 'MHDR Major 1 is not LoRaWAN R1 (0)',
    });
    expect(refusal(hex('40 01000000 0f 0000 aabbcc 11223344'))).toMatchObject({
      code: 'MALFORMED_FRAME',
      field: 'FOptsLen',
      message: 'FOptsLen 15 exceeds the 3 bytes left',
    });
  });

  it('refuses MAC commands in both FOpts and an FPort 0 payload', () => {
    expect(refusal(hex('40 01000000 01 0000 02 00 aa 11223344'))).toMatchObject({
      code: 'MALFORMED_FRAME',
      field: 'FPort',
    });
  });

  it('throws nothing but FrameError, whatever the bytes', () => {
    const anyBytes = fc.uint8Array({ maxLength: 300 });
    // Mostly data-frame headers, so the deeper checks are reached too.
    const dataLike = fc
      .tuple(fc.constantFrom(0x40, 0x60, 0x80, 0xa0), fc.uint8Array({ maxLength: 40 }))
      .map(([m, rest]) => Uint8Array.of(m, ...rest));
    fc.assert(
      fc.property(fc.oneof(anyBytes, dataLike), (bytes) => {
        try {
          const f = parseDataFrame(bytes);
          // Accepted: the parts must tile the input exactly.
          expect(f.micInput.length + f.mic.length).toBe(bytes.length);
          expect(8 + f.fOpts.length + (f.fPort === null ? 0 : 1) + f.frmPayload.length).toBe(f.micInput.length);
        } catch (e) {
          expect(e).toBeInstanceOf(FrameError);
        }
      }),
      { numRuns: 20_000 },
    );
  });

  it('does not copy: the byte fields are views into the input', () => {
    const phy = hex('40 01000000 00 0000 01 aabb 11223344');
    const f = parseDataFrame(phy);
    expect(f.frmPayload.buffer).toBe(phy.buffer);
    expect(f.mic.buffer).toBe(phy.buffer);
  });
});

describe('buildDataFrame', () => {
  it('round-trips random fields through build, parse, MIC check and decryption in both suites', () => {
    fc.assert(
      fc.property(
        frameFields(),
        fc.constantFrom('aes128' as const, 'sm4' as const).chain((s) => sessionKeys(s)),
        (g, keys) => {
          const up = isUplink(g.mtype);
          const fields: DataFrameFields = {
            mtype: g.mtype,
            devAddr: g.devAddr,
            fCnt32: g.fCnt32,
            fPort: g.fPort,
            payload: g.payload,
            fOpts: g.fOpts,
            adr: g.adr,
            ack: g.ack,
            ...(up ? { adrAckReq: g.bit, classB: !g.bit } : { fPending: g.bit }),
          };
          const f: DataFrame = parseDataFrame(buildDataFrame(fields, keys));
          expect(f).toMatchObject({
            mtype: g.mtype,
            devAddr: g.devAddr,
            fCnt16: g.fCnt32 & 0xffff,
            fPort: g.fPort,
            uplink: up,
            adr: g.adr,
            ack: g.ack,
            adrAckReq: up && g.bit,
            classB: up && !g.bit,
            fPending: !up && g.bit,
          });
          expect(toHex(f.fOpts)).toBe(toHex(g.fOpts));
          expect(verifyMic(f, g.fCnt32, keys)).toBe(true);
          expect(toHex(decryptPayload(f, g.fCnt32, keys))).toBe(toHex(g.payload));
          if (g.payload.length >= 4) expect(toHex(f.frmPayload)).not.toBe(toHex(g.payload));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('sends only the low 16 bits of the counter', () => {
    const phy = buildDataFrame(
      { mtype: 'unconfirmed-data-up', devAddr: '01020304', fCnt32: 0x0003_1234, fPort: 1, payload: hex('00') },
      KEYS,
    );
    expect(toHex(phy.subarray(6, 8))).toBe('3412');
  });

  it('lets `confirmed` choose the confirmed or unconfirmed MType of the same direction', () => {
    const base = { devAddr: '01020304', fCnt32: 1, fPort: 1, payload: hex('00') };
    expect(
      parseDataFrame(buildDataFrame({ ...base, mtype: 'unconfirmed-data-down', confirmed: true }, KEYS)).mtype,
    ).toBe('confirmed-data-down');
    expect(parseDataFrame(buildDataFrame({ ...base, mtype: 'confirmed-data-up', confirmed: false }, KEYS)).mtype).toBe(
      'unconfirmed-data-up',
    );
    expect(parseDataFrame(buildDataFrame({ ...base, mtype: 'confirmed-data-up' }, KEYS)).mtype).toBe(
      'confirmed-data-up',
    );
  });

  it('builds a frame without FPort when fPort is null', () => {
    const phy = buildDataFrame(
      {
        mtype: 'unconfirmed-data-up',
        devAddr: '01020304',
        fCnt32: 9,
        fPort: null,
        payload: new Uint8Array(0),
        fOpts: hex('02'),
      },
      KEYS,
    );
    expect(phy.length).toBe(13);
    const f = parseDataFrame(phy);
    expect(f.fPort).toBeNull();
    expect(verifyMic(f, 9, KEYS)).toBe(true);
  });

  it('refuses fields no receiver would accept, naming the field', () => {
    const ok: DataFrameFields = {
      mtype: 'unconfirmed-data-up',
      devAddr: '01020304',
      fCnt32: 1,
      fPort: 1,
      payload: new Uint8Array(0),
    };
    const cases: ReadonlyArray<[Partial<DataFrameFields>, string, string]> = [
      [{ payload: new Uint8Array(243) }, 'FRAME_TOO_LARGE', 'FRMPayload'],
      [{ mtype: 'join-request' as never }, 'UNSUPPORTED_FRAME', 'MType'],
      [{ devAddr: '0102030' }, 'MALFORMED_FRAME', 'DevAddr'],
      [{ fCnt32: 2 ** 32 }, 'MALFORMED_FRAME', 'FCnt'],
      [{ fOpts: new Uint8Array(16) }, 'MALFORMED_FRAME', 'FOpts'],
      [{ fPort: 256 }, 'MALFORMED_FRAME', 'FPort'],
      [{ fPort: null, payload: hex('01') }, 'MALFORMED_FRAME', 'FPort'],
      [{ fPort: 0, fOpts: hex('02') }, 'MALFORMED_FRAME', 'FOpts'],
      [{ fPending: true }, 'MALFORMED_FRAME', 'FPending'],
      [{ mtype: 'unconfirmed-data-down', adrAckReq: true }, 'MALFORMED_FRAME', 'ADRACKReq'],
    ];
    for (const [change, code, field] of cases) {
      let err: unknown;
      try {
        buildDataFrame({ ...ok, ...change }, KEYS);
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(change)).toBeInstanceOf(FrameError);
      expect(err).toMatchObject({ code, field });
    }
    // The largest frame that fits: 255 bytes.
    expect(buildDataFrame({ ...ok, payload: new Uint8Array(242) }, KEYS).length).toBe(255);
  });
});
