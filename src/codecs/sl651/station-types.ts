/**
 * The station classification byte after F1F1 + station address: an ASCII letter
 * (wainshine/SL651 sl651/constants.py, Quick.SL651 Enums/TelemetryStationType.cs).
 */
export const SL651_STATION_TYPES: Readonly<Record<string, string>> = {
  P: 'rain', // 降水
  H: 'river', // 河道
  K: 'reservoir', // 水库(湖泊)
  Z: 'gate', // 闸坝
  D: 'pump', // 泵站
  T: 'tide', // 潮汐
  M: 'soilMoisture', // 墒情
  G: 'groundwater', // 地下水
  Q: 'waterQuality', // 水质
  I: 'intake', // 取水口
  O: 'outlet', // 排水口
};

/** How the decoder writes the byte: the letter for A-Z, else `0x` and two hex digits. */
export function stationTypeCode(byte: number): string {
  return byte >= 0x41 && byte <= 0x5a ? String.fromCharCode(byte) : '0x' + byte.toString(16).padStart(2, '0');
}

/** The byte of a code written by stationTypeCode (a letter A-Z or `0xNN`), or null if it is neither. */
export function stationTypeByte(code: string): number | null {
  if (/^[A-Z]$/.test(code)) return code.charCodeAt(0);
  if (/^0x[0-9a-fA-F]{2}$/.test(code)) {
    const b = parseInt(code.slice(2), 16);
    return b >= 0x41 && b <= 0x5a ? null : b; // a letter has one spelling only
  }
  return null;
}

/** The type name of a code, 'unknown' when the standard has none. */
export function stationTypeName(code: string): string {
  return SL651_STATION_TYPES[code] ?? 'unknown';
}
