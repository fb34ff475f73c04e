/**
 * Shared by the frame tests: hex helpers, fast-check arbitraries for sessions and frames, and
 * lora-packet (an independent LoRaWAN implementation: its MIC comes from the aes-cmac package and
 * its keystream from crypto-js, none of it from node:crypto or from our code).
 */
import fc from 'fast-check';
import loraPacketModule from 'lora-packet';
import type { CryptoSuite, SessionKeys } from '../../src/frame/crypto-suite.js';
import type { DataMType } from '../../src/frame/lorawan-frame.js';

// lora-packet is CommonJS (`module.exports = modules`) but its types declare `export default`: under
// NodeNext the default import is typed as the namespace, while at run time it is the API itself.
type LoraPacketApi = typeof loraPacketModule.default;
const loaded = loraPacketModule as unknown as LoraPacketApi & { default?: LoraPacketApi };
export const loraPacket: LoraPacketApi = loaded.default ?? loaded;
export type LoraPacket = ReturnType<LoraPacketApi['fromWire']>;

export function hex(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');
}

/** The two bytes lora-packet appends after the on-air FCnt in B0 and A_i: FCnt32's upper half, little-endian. */
export function fCntMsBytes(fCnt32: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(Math.floor(fCnt32 / 65536));
  return b;
}

export const DATA_MTYPES: readonly DataMType[] = [
  'unconfirmed-data-up',
  'unconfirmed-data-down',
  'confirmed-data-up',
  'confirmed-data-down',
];

/** lora-packet's MType names. */
export const LORA_PACKET_MTYPE: Readonly<Record<DataMType, string>> = {
  'unconfirmed-data-up': 'Unconfirmed Data Up',
  'unconfirmed-data-down': 'Unconfirmed Data Down',
  'confirmed-data-up': 'Confirmed Data Up',
  'confirmed-data-down': 'Confirmed Data Down',
};

export const key16 = (): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength: 16, maxLength: 16 });

export const sessionKeys = (suite: CryptoSuite = 'aes128'): fc.Arbitrary<SessionKeys> =>
  fc.record({ nwkSKey: key16(), appSKey: key16() }).map((k) => ({ suite, ...k }));

export const devAddrHex = (): fc.Arbitrary<string> =>
  fc.integer({ min: 0, max: 0xffff_ffff }).map((v) => v.toString(16).padStart(8, '0'));

/** Counters below and above 65,535, and near the 16-bit boundaries. */
export const fCnt32 = (): fc.Arbitrary<number> =>
  fc.oneof(
    fc.integer({ min: 0, max: 0xffff }),
    fc.integer({ min: 0x1_0000, max: 0xffff_ffff }),
    fc.integer({ min: 0, max: 0xffff }).map((h) => h * 65536 + 0xffff),
    fc.integer({ min: 1, max: 0xffff }).map((h) => h * 65536),
  );

export interface RandomFrameFields {
  mtype: DataMType;
  devAddr: string;
  fCnt32: number;
  /** Always present here: lora-packet omits FPort only for an empty payload without a port. */
  fPort: number;
  payload: Uint8Array;
  fOpts: Uint8Array;
  adr: boolean;
  ack: boolean;
  /** ADRACKReq up, FPending down. */
  bit: boolean;
}

/** Random data-frame fields that any LoRaWAN 1.0.x implementation can build (no FOpts with FPort 0). */
export const frameFields = (): fc.Arbitrary<RandomFrameFields> =>
  fc
    .record({
      mtype: fc.constantFrom(...DATA_MTYPES),
      devAddr: devAddrHex(),
      fCnt32: fCnt32(),
      fPort: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 255 })),
      payload: fc.uint8Array({ maxLength: 60 }),
      fOpts: fc.uint8Array({ maxLength: 15 }),
      adr: fc.boolean(),
      ack: fc.boolean(),
      bit: fc.boolean(),
    })
    .map((f) => (f.fPort === 0 ? { ...f, fOpts: new Uint8Array(0) } : f));

export function isUplink(mtype: DataMType): boolean {
  return mtype.endsWith('-up');
}
