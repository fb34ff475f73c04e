/**
 * Frame format v1: LoRaWAN 1.0.x data frames (§4, MAC message formats).
 *
 *   PHYPayload = MHDR(1) | MACPayload | MIC(4)                        at most 255 bytes
 *   MHDR       = MType(3 bits) | RFU(3) | Major(2)                    Major 0 = LoRaWAN R1
 *   MACPayload = FHDR | FPort(0..1) | FRMPayload(0..N)
 *   FHDR       = DevAddr(4, LE) | FCtrl(1) | FCnt(2, LE) | FOpts(0..15)
 *   FCtrl up   = ADR(7) ADRACKReq(6) ACK(5) ClassB(4; RFU in 1.0.2) FOptsLen(3..0)
 *   FCtrl down = ADR(7) RFU(6)       ACK(5) FPending(4)              FOptsLen(3..0)
 *
 * Join, rejoin and proprietary frames are recognised and refused (UNSUPPORTED_FRAME): v1 sessions
 * are ABP.
 */
import { FrameError } from './frame-error.js';
import { isDevAddr, devAddrFromWire, writeDevAddrWire } from './dev-addr.js';
import { encryptPayload, computeMic, MIC_BYTES } from './frame-crypto.js';
import type { SessionKeys } from './crypto-suite.js';

export type { MType, DataMType, DataFrame } from './data-frame.js';
import type { MType, DataMType, DataFrame } from './data-frame.js';

export const MTYPES: readonly MType[] = [
  'join-request',
  'join-accept',
  'unconfirmed-data-up',
  'unconfirmed-data-down',
  'confirmed-data-up',
  'confirmed-data-down',
  'rejoin-request',
  'proprietary',
];

export const MAX_PHY_BYTES = 255;
/** MHDR(1) + DevAddr(4) + FCtrl(1) + FCnt(2) + MIC(4). */
export const MIN_DATA_FRAME_BYTES = 12;
export const MAX_FOPTS_BYTES = 15;

const FCTRL_ADR = 0x80;
const FCTRL_ADR_ACK_REQ = 0x40; // uplink; RFU downlink
const FCTRL_ACK = 0x20;
const FCTRL_BIT4 = 0x10; // ClassB uplink, FPending downlink
const FOPTS_LEN_MASK = 0x0f;

function malformed(message: string, field?: string): FrameError {
  return new FrameError('MALFORMED_FRAME', message, field);
}

/**
 * Reads a data frame. The byte arrays in the result are views into `phy` (no copies): copy them to
 * keep them past a reuse of `phy`. Throws only FrameError, whatever the bytes:
 * - FRAME_TOO_LARGE: more than 255 bytes;
 * - UNSUPPORTED_FRAME: join-request, join-accept, rejoin-request (RFU in 1.0.x) or proprietary;
 * - MALFORMED_FRAME: empty, Major ≠ 0, under 12 bytes, FOptsLen beyond the bytes left, or MAC
 *   commands both in FOpts and in an FPort 0 payload (the spec has receivers drop such frames).
 * The MHDR RFU bits are not checked (the MIC covers them).
 */
export function parseDataFrame(phy: Uint8Array): DataFrame {
  if (!(phy instanceof Uint8Array)) throw malformed('PHYPayload must be bytes', 'PHYPayload');
  const n = phy.length;
  if (n > MAX_PHY_BYTES)
    throw new FrameError(
      'FRAME_TOO_LARGE',
      `PHYPayload has ${n} bytes; LoRaWAN allows at most ${MAX_PHY_BYTES}`,
      'PHYPayload',
    );
  if (n === 0) throw malformed('PHYPayload is empty', 'PHYPayload');
  const mhdr = phy[0]!;
  const major = mhdr & 0x03;
  if (major !== 0) throw malformed(`MHDR Major ${major} is not LoRaWAN R1 (0)`, 'Major');
  const code = mhdr >>> 5;
  const mtype = MTYPES[code]!;
  if (code < 2 || code > 5)
    throw new FrameError(
      'UNSUPPORTED_FRAME',
      `MType ${mtype} is not a data frame (v1 takes ABP data frames only)`,
      'MType',
    );
  if (n < MIN_DATA_FRAME_BYTES) {
    throw malformed(
      `PHYPayload has ${n} bytes; a data frame needs at least ${MIN_DATA_FRAME_BYTES} (MHDR, FHDR, MIC)`,
      'PHYPayload',
    );
  }
  const fCtrl = phy[5]!;
  const fOptsLen = fCtrl & FOPTS_LEN_MASK;
  const left = n - MIN_DATA_FRAME_BYTES;
  if (fOptsLen > left) throw malformed(`FOptsLen ${fOptsLen} exceeds the ${left} bytes left`, 'FOptsLen');
  const portAt = 8 + fOptsLen;
  const macEnd = n - MIC_BYTES;
  const fPort = portAt < macEnd ? phy[portAt]! : null;
  if (fPort === 0 && fOptsLen > 0) {
    throw malformed(
      `FPort 0 (MAC commands in FRMPayload) with FOptsLen ${fOptsLen}: MAC commands may not be in both`,
      'FPort',
    );
  }
  const uplink = (code & 1) === 0;
  return {
    mtype: mtype as DataMType,
    major,
    devAddr: devAddrFromWire(phy, 1),
    adr: (fCtrl & FCTRL_ADR) !== 0,
    adrAckReq: uplink && (fCtrl & FCTRL_ADR_ACK_REQ) !== 0,
    ack: (fCtrl & FCTRL_ACK) !== 0,
    fPending: !uplink && (fCtrl & FCTRL_BIT4) !== 0,
    classB: uplink && (fCtrl & FCTRL_BIT4) !== 0,
    fCnt16: phy[6]! | (phy[7]! << 8),
    fOpts: phy.subarray(8, portAt),
    fPort,
    frmPayload: phy.subarray(fPort === null ? macEnd : portAt + 1, macEnd),
    mic: phy.subarray(macEnd, n),
    micInput: phy.subarray(0, macEnd),
    uplink,
  };
}

export interface DataFrameFields {
  /** Direction and (unless `confirmed` says otherwise) confirmation. */
  readonly mtype: DataMType;
  readonly devAddr: string;
  /** The full counter: its low 16 bits go on air, all 32 into the MIC and the keystream. */
  readonly fCnt32: number;
  /** null: no FPort and no payload (a MAC-only frame with FOpts, or an empty one). */
  readonly fPort: number | null;
  /** Plaintext; encrypted with NwkSKey for FPort 0, AppSKey otherwise. */
  readonly payload: Uint8Array;
  readonly fOpts?: Uint8Array;
  readonly adr?: boolean;
  /** Uplink only. */
  readonly adrAckReq?: boolean;
  readonly ack?: boolean;
  /** Downlink only. */
  readonly fPending?: boolean;
  /** Uplink only. */
  readonly classB?: boolean;
  /** When given, overrides the confirmed/unconfirmed half of `mtype` (its direction stays). */
  readonly confirmed?: boolean;
}

const MTYPE_CODE: Readonly<Record<DataMType, number>> = {
  'unconfirmed-data-up': 2,
  'unconfirmed-data-down': 3,
  'confirmed-data-up': 4,
  'confirmed-data-down': 5,
};

/**
 * Builds, encrypts and signs a data frame (Major 0). Throws FrameError for fields no receiver would
 * accept (FRAME_TOO_LARGE over 255 bytes, UNSUPPORTED_FRAME for a non-data MType, MALFORMED_FRAME
 * otherwise, naming the field), RangeError for keys that are not 16 bytes.
 */
export function buildDataFrame(f: DataFrameFields, keys: SessionKeys): Uint8Array {
  const baseCode = MTYPE_CODE[f.mtype];
  if (baseCode === undefined)
    throw new FrameError('UNSUPPORTED_FRAME', `MType ${String(f.mtype)} is not a data frame`, 'MType');
  const uplink = (baseCode & 1) === 0;
  const code = f.confirmed === undefined ? baseCode : (f.confirmed ? 4 : 2) + (uplink ? 0 : 1);
  if (!isDevAddr(f.devAddr))
    throw malformed(`DevAddr must be 8 hex digits, got ${JSON.stringify(f.devAddr)}`, 'DevAddr');
  if (!Number.isInteger(f.fCnt32) || f.fCnt32 < 0 || f.fCnt32 > 0xffff_ffff) {
    throw malformed(`FCnt32 must be an integer in 0..4294967295, got ${f.fCnt32}`, 'FCnt');
  }
  const fOpts = f.fOpts ?? new Uint8Array(0);
  if (fOpts.length > MAX_FOPTS_BYTES)
    throw malformed(`FOpts has ${fOpts.length} bytes; at most ${MAX_FOPTS_BYTES}`, 'FOpts');
  const fPort = f.fPort;
  if (fPort === null) {
    if (f.payload.length > 0) throw malformed(`a payload of ${f.payload.length} bytes needs an FPort`, 'FPort');
  } else {
    if (!Number.isInteger(fPort) || fPort < 0 || fPort > 255)
      throw malformed(`FPort must be 0..255, got ${fPort}`, 'FPort');
    if (fPort === 0 && fOpts.length > 0)
      throw malformed('FPort 0 carries MAC commands: FOpts must then be empty', 'FOpts');
  }
  if (uplink && f.fPending) throw malformed('FPending is a downlink flag', 'FPending');
  if (!uplink && f.adrAckReq) throw malformed('ADRACKReq is an uplink flag', 'ADRACKReq');
  if (!uplink && f.classB) throw malformed('ClassB is an uplink flag', 'ClassB');

  const portBytes = fPort === null ? 0 : 1;
  const size = 1 + 7 + fOpts.length + portBytes + f.payload.length + MIC_BYTES;
  if (size > MAX_PHY_BYTES)
    throw new FrameError(
      'FRAME_TOO_LARGE',
      `the frame would have ${size} bytes; LoRaWAN allows at most ${MAX_PHY_BYTES}`,
      'FRMPayload',
    );

  const dir = uplink ? 0 : 1;
  const phy = new Uint8Array(size);
  phy[0] = code << 5;
  writeDevAddrWire(f.devAddr, phy, 1);
  phy[5] =
    (f.adr ? FCTRL_ADR : 0) |
    (f.adrAckReq ? FCTRL_ADR_ACK_REQ : 0) |
    (f.ack ? FCTRL_ACK : 0) |
    (f.fPending || f.classB ? FCTRL_BIT4 : 0) |
    fOpts.length;
  phy[6] = f.fCnt32 & 0xff;
  phy[7] = (f.fCnt32 >>> 8) & 0xff;
  phy.set(fOpts, 8);
  let at = 8 + fOpts.length;
  if (fPort !== null) {
    phy[at++] = fPort;
    phy.set(encryptPayload(f.payload, dir, f.devAddr, f.fCnt32, fPort, keys), at);
  }
  const macEnd = size - MIC_BYTES;
  phy.set(computeMic(phy.subarray(0, macEnd), dir, f.devAddr, f.fCnt32, keys), macEnd);
  return phy;
}
