/**
 * A parsed LoRaWAN 1.0.x data frame and the message types (kept apart so codec and crypto share them without a cycle).
 */

export type MType =
  | 'join-request'
  | 'join-accept'
  | 'unconfirmed-data-up'
  | 'unconfirmed-data-down'
  | 'confirmed-data-up'
  | 'confirmed-data-down'
  | 'rejoin-request'
  | 'proprietary';

export type DataMType = 'unconfirmed-data-up' | 'unconfirmed-data-down' | 'confirmed-data-up' | 'confirmed-data-down';

/** MType by its 3-bit code (MHDR bits 7..5). Code 6 is RFU in 1.0.x and a rejoin request in 1.1. */
export interface DataFrame {
  readonly mtype: DataMType;
  /** MHDR Major: always 0 (LoRaWAN R1) in a parsed frame. */
  readonly major: number;
  /** 8 lowercase hex digits, most significant first as people write it (on air it is little-endian). */
  readonly devAddr: string;
  readonly adr: boolean;
  /** Uplink only (the bit is RFU in downlinks and reads false there). */
  readonly adrAckReq: boolean;
  readonly ack: boolean;
  /** Downlink only. */
  readonly fPending: boolean;
  /** Uplink only (LoRaWAN 1.0.3; RFU in 1.0.2). */
  readonly classB: boolean;
  /** The 16 counter bits on air; see rebuildFCnt32 for the full counter. */
  readonly fCnt16: number;
  /** FOpts as on air (MAC commands, plaintext in 1.0.x). */
  readonly fOpts: Uint8Array;
  /** null when the frame has no FPort (and so no FRMPayload). */
  readonly fPort: number | null;
  /** As on air (encrypted). */
  readonly frmPayload: Uint8Array;
  readonly mic: Uint8Array;
  /** MHDR..FRMPayload, the bytes the MIC covers. */
  readonly micInput: Uint8Array;
  readonly uplink: boolean;
}
