/**
 * CRC-16/MODBUS (reflected poly 0xA001, init 0xFFFF, no final XOR) over bytes[from, to).
 * Check value: crc16Modbus("123456789") = 0x4B37.
 *
 * - SL 651-2014 checks every byte from the first start byte up to and including the end character.
 *   Unlike Modbus RTU the frame carries it HIGH byte first; every published frame agrees.
 * - The I1 line-monitor frame uses it too: it is what every public I1 implementation uses
 *   (billkin/Online-monitoring RTU_CRC, AwayFromhom/TcpReceiver CRCUtil, cdzeroly CRC16ModbusUtil);
 *   its byte order on the wire is set per profile (`crcByteOrder`).
 */
export function crc16Modbus(bytes: Uint8Array, from = 0, to = bytes.length): number {
  let crc = 0xffff;
  for (let i = from; i < to; i++) {
    crc ^= bytes[i]!;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}
