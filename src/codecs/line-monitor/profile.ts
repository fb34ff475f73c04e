/**
 * A line-monitoring (Q/GDW 242-2010 / Q/GDW 1242-2015 "I1") dialect. Public implementations differ
 * in byte order and in the Packet_Type numbering, so everything that varies is a profile field and
 * the codec is built from a profile (createLineMonitorCodec).
 */

/** Scalar payload field types. `time32` is u32 seconds since 1970-01-01 UTC ("世纪秒"); `ascii` is a fixed-length text. */
export type LineMonitorScalarType = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'f32' | 'time32' | 'ascii';

export interface LineMonitorScalarField {
  /**
   * The `values` key (with its unit: `iceThicknessMm`). Two keys are lifted to the top of the
   * decoded object instead: `componentId` (ascii) and `sampledAt` (time32).
   */
  readonly key: string;
  readonly type: LineMonitorScalarType;
  /** Unit of the decoded number, for documentation and UIs. */
  readonly unit?: string;
  /** Decoded = raw × scale (integer types). Default 1. */
  readonly scale?: number;
  /** Round the decoded number to this many decimals (the precision the spec states for f32 fields). */
  readonly decimals?: number;
  /** Byte length of an `ascii` field (default 17, the I1 ID length). */
  readonly length?: number;
}

/** A repeated group: `countField` (an earlier u8/u16 field of the same packet) says how many. */
export interface LineMonitorGroupField {
  readonly key: string;
  readonly type: 'group';
  readonly countField: string;
  readonly fields: readonly LineMonitorScalarField[];
}

export type LineMonitorField = LineMonitorScalarField | LineMonitorGroupField;

export interface LineMonitorPacketType {
  /** Short name used as the decoded `type` ('icing'). */
  readonly key: string;
  readonly name: string;
  readonly fields: readonly LineMonitorField[];
}

export type ByteOrder = 'little' | 'big';

export interface LineMonitorProfile {
  readonly name: string;
  /** The two sync bytes in wire order. */
  readonly syncBytes: readonly [number, number];
  /** Also accept the two sync bytes swapped (implementations disagree; see DEFAULT_LINE_MONITOR_PROFILE). */
  readonly acceptSwappedSync: boolean;
  /** Byte order of Packet_Length. */
  readonly lengthEndian: ByteOrder;
  /** Byte order of the CRC16: 'little' sends the low byte first. */
  readonly crcByteOrder: ByteOrder;
  /** Byte order of multi-byte payload fields. */
  readonly valueEndian: ByteOrder;
  /** The end byte after the CRC (0x96), or null for a variant without one. */
  readonly endByte: number | null;
  /** Packet_Type code → layout of monitoring-data (Frame_Type 01) payloads. */
  readonly packetTypes: Readonly<Record<number, LineMonitorPacketType>>;
}
