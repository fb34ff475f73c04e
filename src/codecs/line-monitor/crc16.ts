/**
 * CRC-16/MODBUS (reflected poly 0xA001, init 0xFFFF, no final XOR): what every public I1
 * implementation uses (billkin/Online-monitoring RTU_CRC, AwayFromhom/TcpReceiver CRCUtil,
 * cdzeroly CRC16ModbusUtil). Check value: crc16Modbus("123456789") = 0x4B37.
 */
export function crc16Modbus(bytes: Uint8Array, from = 0, to = bytes.length): number {
  let crc = 0xffff;
  for (let i = from; i < to; i++) {
    crc ^= bytes[i]!;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}
