/**
 * SL 651-2014 frame check: the CRC-16/MODBUS algorithm (reflected poly 0xA001, init 0xFFFF, no final
 * XOR) over every byte from the first start byte up to and including the end character.
 * Unlike Modbus RTU the frame carries it HIGH byte first; every published frame agrees.
 */
export function sl651Crc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) {
    crc ^= bytes[i]!;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}
