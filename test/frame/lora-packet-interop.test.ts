/**
 * Interoperability with lora-packet, an independent LoRaWAN 1.0.x implementation, in both
 * directions: its frames verify and decrypt with ours, ours with its. Counters above 65,535 are
 * handed to lora-packet as its extra "FCnt MSB" argument (the two upper counter bytes, little-endian,
 * as they sit in B0 and A_i).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildDataFrame, parseDataFrame } from '../../src/frame/lorawan-frame.js';
import { decryptPayload, verifyMic } from '../../src/frame/frame-crypto.js';
import type { SessionKeys } from '../../src/frame/crypto-suite.js';
import {
  fCntMsBytes,
  frameFields,
  hex,
  isUplink,
  loraPacket,
  LORA_PACKET_MTYPE,
  sessionKeys,
  toHex,
  type LoraPacket,
  type RandomFrameFields,
} from './helpers.js';

function buf(b: Uint8Array): Buffer {
  return Buffer.from(b);
}

/** A frame built by lora-packet from the same fields. */
function theirFrame(g: RandomFrameFields, keys: SessionKeys): Uint8Array {
  const up = isUplink(g.mtype);
  const p = loraPacket.fromFields(
    {
      MType: LORA_PACKET_MTYPE[g.mtype],
      DevAddr: Buffer.from(g.devAddr, 'hex'),
      FCtrl: { ADR: g.adr, ACK: g.ack, ADRACKReq: up && g.bit, FPending: !up && g.bit },
      FCnt: g.fCnt32 & 0xffff,
      FOpts: buf(g.fOpts),
      FPort: g.fPort,
      payload: buf(g.payload),
    },
    buf(keys.appSKey),
    buf(keys.nwkSKey),
    undefined,
    fCntMsBytes(g.fCnt32),
  );
  return Uint8Array.from(p.getPHYPayload() as Buffer);
}

describe('lora-packet → satiot', () => {
  it('parses, MIC-verifies and decrypts random frames built by lora-packet, up and down, confirmed or not', () => {
    fc.assert(
      fc.property(frameFields(), sessionKeys(), (g, keys) => {
        const f = parseDataFrame(theirFrame(g, keys));
        const up = isUplink(g.mtype);
        expect(f).toMatchObject({
          mtype: g.mtype,
          devAddr: g.devAddr,
          fCnt16: g.fCnt32 & 0xffff,
          fPort: g.fPort,
          adr: g.adr,
          ack: g.ack,
          adrAckReq: up && g.bit,
          fPending: !up && g.bit,
        });
        expect(toHex(f.fOpts)).toBe(toHex(g.fOpts));
        expect(verifyMic(f, g.fCnt32, keys)).toBe(true);
        expect(toHex(decryptPayload(f, g.fCnt32, keys))).toBe(toHex(g.payload));
      }),
      { numRuns: 500 },
    );
  });

  it('handles the corner cases one by one: FOpts, FPort 0, ACK, empty payload, counters past 65,535', () => {
    const keys: SessionKeys = {
      suite: 'aes128',
      nwkSKey: hex('44024241ed4ce9a68c6a8bc055233fd3'),
      appSKey: hex('ec925802ae430ca77fd3dd73cb2cc588'),
    };
    const base: RandomFrameFields = {
      mtype: 'unconfirmed-data-up',
      devAddr: '49be7df1',
      fCnt32: 2,
      fPort: 1,
      payload: hex('74657374'),
      fOpts: new Uint8Array(0),
      adr: false,
      ack: false,
      bit: false,
    };
    const cases: RandomFrameFields[] = [
      { ...base, fOpts: hex('0203 05') },
      { ...base, mtype: 'confirmed-data-down', fOpts: hex('0307ff0001'), bit: true },
      { ...base, fPort: 0, payload: hex('020305') },
      { ...base, mtype: 'unconfirmed-data-down', fPort: 0, payload: hex('0306') },
      { ...base, mtype: 'confirmed-data-up', ack: true },
      { ...base, payload: new Uint8Array(0) },
      { ...base, fCnt32: 0x0001_0000 },
      { ...base, mtype: 'confirmed-data-down', fCnt32: 0xffff_ffff, payload: new Uint8Array(100).fill(0xa5) },
    ];
    for (const g of cases) {
      const f = parseDataFrame(theirFrame(g, keys));
      expect(verifyMic(f, g.fCnt32, keys), JSON.stringify(g)).toBe(true);
      expect(toHex(decryptPayload(f, g.fCnt32, keys))).toBe(toHex(g.payload));
      expect(f.ack).toBe(g.ack);
    }
  });

  it('verifies a lora-packet frame without FPort once lora-packet has computed its MIC', () => {
    // fromFields leaves the MIC as EEEEEEEE when there is no port; recalculateMIC fills it in.
    const keys: SessionKeys = {
      suite: 'aes128',
      nwkSKey: hex('000102030405060708090a0b0c0d0e0f'),
      appSKey: new Uint8Array(16),
    };
    const p = loraPacket.fromFields({
      MType: 'Unconfirmed Data Up',
      DevAddr: Buffer.from('26011bda', 'hex'),
      FCnt: 0x1234,
      FOpts: Buffer.from('0203', 'hex'),
      payload: Buffer.alloc(0),
    });
    loraPacket.recalculateMIC(p, buf(keys.nwkSKey), undefined, fCntMsBytes(0x0005_1234));
    const f = parseDataFrame(Uint8Array.from(p.getPHYPayload() as Buffer));
    expect(f.fPort).toBeNull();
    expect(verifyMic(f, 0x0005_1234, keys)).toBe(true);
  });
});

describe('satiot → lora-packet', () => {
  function theirs(phy: Uint8Array): LoraPacket {
    return loraPacket.fromWire(buf(phy));
  }

  it('builds random frames that lora-packet reads field for field, MIC-verifies and decrypts', () => {
    fc.assert(
      fc.property(frameFields(), sessionKeys(), (g, keys) => {
        const up = isUplink(g.mtype);
        const phy = buildDataFrame(
          {
            mtype: g.mtype,
            devAddr: g.devAddr,
            fCnt32: g.fCnt32,
            fPort: g.fPort,
            payload: g.payload,
            fOpts: g.fOpts,
            adr: g.adr,
            ack: g.ack,
            ...(up ? { adrAckReq: g.bit } : { fPending: g.bit }),
          },
          keys,
        );
        const p = theirs(phy);
        expect(p.getMType()).toBe(LORA_PACKET_MTYPE[g.mtype]);
        expect(p.getDir()).toBe(up ? 'up' : 'down');
        expect(p.DevAddr!.toString('hex')).toBe(g.devAddr);
        expect(p.getFCnt()).toBe(g.fCnt32 & 0xffff);
        expect(p.getFPort()).toBe(g.fPort);
        expect(p.getFCtrlACK()).toBe(g.ack);
        expect(p.getFCtrlADR()).toBe(g.adr);
        expect(up ? p.getFCtrlADRACKReq() : p.getFCtrlFPending()).toBe(g.bit);
        expect(p.FOpts!.toString('hex')).toBe(toHex(g.fOpts));
        const msb = fCntMsBytes(g.fCnt32);
        expect(loraPacket.verifyMIC(p, buf(keys.nwkSKey), undefined, msb)).toBe(true);
        expect(loraPacket.decrypt(p, buf(keys.appSKey), buf(keys.nwkSKey), msb).toString('hex')).toBe(toHex(g.payload));
      }),
      { numRuns: 500 },
    );
  });

  it('signs with all 32 counter bits: lora-packet refuses the MIC when told the wrong upper half', () => {
    const keys: SessionKeys = {
      suite: 'aes128',
      nwkSKey: hex('000102030405060708090a0b0c0d0e0f'),
      appSKey: new Uint8Array(16),
    };
    const phy = buildDataFrame(
      { mtype: 'unconfirmed-data-up', devAddr: '01020304', fCnt32: 0x0002_0007, fPort: 5, payload: hex('aabb') },
      keys,
    );
    expect(loraPacket.verifyMIC(theirs(phy), buf(keys.nwkSKey), undefined, fCntMsBytes(0x0002_0007))).toBe(true);
    expect(loraPacket.verifyMIC(theirs(phy), buf(keys.nwkSKey), undefined, fCntMsBytes(0x0001_0007))).toBe(false);
    expect(loraPacket.verifyMIC(theirs(phy), buf(keys.nwkSKey))).toBe(false);
  });
});
