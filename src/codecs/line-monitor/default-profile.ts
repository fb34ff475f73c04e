import { DEFAULT_PACKET_TYPES } from './packet-types.js';
import type { LineMonitorProfile } from './profile.js';

/**
 * Default: the byte order of billkin/Online-monitoring (the one public implementation of the whole
 * Q/GDW 1242-2015 frame): the sync is the little-endian u16 0x5AA5, so A5 5A on the wire; length,
 * CRC and values little-endian (the standard is commonly paraphrased as "all data little-endian").
 * The Java receivers (AwayFromhom/TcpReceiver, cdzeroly) look for 5A A5 instead, so the swapped sync
 * is accepted too; a big-endian device needs its own profile (spread this one and change the orders).
 * Packet types: see DEFAULT_PACKET_TYPES.
 */
export const DEFAULT_LINE_MONITOR_PROFILE: LineMonitorProfile = {
  name: 'q-gdw-1242-2015',
  syncBytes: [0xa5, 0x5a],
  acceptSwappedSync: true,
  lengthEndian: 'little',
  crcByteOrder: 'little',
  valueEndian: 'little',
  endByte: 0x96,
  packetTypes: DEFAULT_PACKET_TYPES,
};
